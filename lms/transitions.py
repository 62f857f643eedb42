"""One way for a record with a life cycle to change state.

Every model with a status (mentor sessions, education records, applications, import jobs,
awards; later submissions, orders, bookings and CME claims) declares one `TransitionMap` and
changes state only through `status_transition`, which:

- refuses a move the map does not allow, with a message a person understands;
- moves the row with a conditional UPDATE (`WHERE status = <the status the caller saw>`), so of
  two people acting at once exactly one wins and the other is told, on SQLite and PostgreSQL
  alike, without holding a lock while the rest of the request runs;
- writes one event row (who, when, from, to, why) in the same transaction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone


class StatusEvent(models.Model):
    """One state change of a record with a life cycle: who moved it, from what, to what, why."""

    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


def _already(record: models.Model, to_status: str) -> str:
    current = record.get_status_display().lower()
    return f"This can't be done: it is already “{current}”."


@dataclass(frozen=True)
class TransitionMap:
    """The moves a model allows, and where its events go.

    `moves` maps each status to the statuses it may move to; a status missing from it is final.
    `event_model` is a concrete `StatusEvent` whose foreign key to the record is `event_field`.
    `refusal(record, to_status)` words the message for a move the map does not allow.
    """

    moves: Mapping[str, frozenset[str]]
    event_model: type[StatusEvent]
    event_field: str
    refusal: Callable[[models.Model, str], str] = field(default=_already)

    def allows(self, from_status: str, to_status: str) -> bool:
        return to_status in self.moves.get(from_status, frozenset())


STALE_MESSAGE = "Someone else changed this at the same time. Reload the page to see it."


@transaction.atomic
def status_transition(
    *,
    record: models.Model,
    machine: TransitionMap,
    to_status: str,
    actor,
    note: str = "",
    changes: Mapping | None = None,
) -> StatusEvent:
    """Move `record` to `to_status` (with any other field `changes`) and record the event.

    Raises ValidationError (code `invalid_transition` or `stale`) and changes nothing when the
    map forbids the move or someone else moved the record first.
    """
    from_status = record.status
    if not machine.allows(from_status, to_status):
        raise ValidationError(machine.refusal(record, to_status), code="invalid_transition")
    changes = {**(changes or {}), "status": to_status}
    model = type(record)
    moved = model._default_manager.filter(pk=record.pk, status=from_status).update(**changes)
    if not moved:
        raise ValidationError(STALE_MESSAGE, code="stale")
    for name, value in changes.items():
        setattr(record, name, value)
    return machine.event_model._default_manager.create(
        **{machine.event_field: record},
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )


def status_record_created(*, record: models.Model, machine: TransitionMap, actor, note=""):
    """The first event of a record created in its initial status (from '' to that status)."""
    return machine.event_model._default_manager.create(
        **{machine.event_field: record},
        from_status="",
        to_status=record.status,
        actor=actor,
        note=note,
    )
