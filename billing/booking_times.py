"""Pure time arithmetic for availability: wall time in a zone to UTC instants (no ORM)."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in `zone`. A time skipped by a spring change is read
    with the offset before it (fold 0), so 01:30 in London on the change day is 01:30 GMT."""
    return datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


def weekly_occurrences(
    *,
    weekday: int,
    at: time,
    zone: str,
    starts_on: date,
    ends_on: date | None,
    window_start: datetime,
    window_end: datetime,
) -> list[datetime]:
    """UTC starts of a weekly slot held at `at` on `weekday` in `zone`, within the window.

    Expanded day by day in the zone itself, so daylight-saving changes keep the local time and
    move the UTC instant instead.
    """
    tz = zoneinfo.ZoneInfo(zone)
    first = max(starts_on, window_start.astimezone(tz).date() - timedelta(days=1))
    last = window_end.astimezone(tz).date() + timedelta(days=1)
    if ends_on is not None:
        last = min(last, ends_on)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    found = []
    while day <= last:
        instant = local_to_utc(day, at, zone)
        if window_start <= instant < window_end:
            found.append(instant)
        day += timedelta(days=7)
    return found


def is_occurrence(
    *, weekday: int, at: time, zone: str, starts_on: date, ends_on: date | None, instant: datetime
) -> bool:
    return instant in weekly_occurrences(
        weekday=weekday,
        at=at,
        zone=zone,
        starts_on=starts_on,
        ends_on=ends_on,
        window_start=instant,
        window_end=instant + timedelta(seconds=1),
    )
