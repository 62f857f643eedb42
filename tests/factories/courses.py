"""Build a Wagtail programme tree: index → programme → course(s) → modules."""

import itertools
from decimal import Decimal

from wagtail.models import Page

from courses.models import (
    Cohort,
    CoursePage,
    Delivery,
    EnrolmentPolicy,
    ModulePage,
    ProgrammeIndexPage,
    ProgrammePage,
)

_sequence = itertools.count(1)


def programme_index() -> ProgrammeIndexPage:
    existing = ProgrammeIndexPage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    return root.add_child(instance=ProgrammeIndexPage(title="Programmes", slug="programmes-index"))


def module_body(*, required_blocks: int = 1) -> list[tuple[str, dict]]:
    """A body with some reading and `required_blocks` activities a trainee must mark done."""
    body: list[tuple[str, dict]] = [("text", "<p>Read this first.</p>")]
    for index in range(required_blocks):
        body.append(
            (
                "activity",
                {
                    "title": f"Practice {index + 1}",
                    "kind": "practice",
                    "instructions": "<p>Try it with a colleague.</p>",
                    "required": True,
                },
            )
        )
    return body


def make_programme(
    *,
    title: str | None = None,
    modules: int = 3,
    courses: int = 1,
    policy: str = EnrolmentPolicy.OPEN,
    hours: Decimal = Decimal("2.5"),
    synchronous_every: int = 0,
    required_blocks: int = 1,
) -> ProgrammePage:
    """Create a published programme whose modules are spread over `courses` courses.

    With synchronous_every=N, every Nth module is a live (synchronous) module.
    """
    number = next(_sequence)
    programme = programme_index().add_child(
        instance=ProgrammePage(
            title=title or f"Programme {number}",
            slug=f"programme-{number}",
            summary="A test programme.",
            enrolment_policy=policy,
        )
    )
    course_pages = [
        programme.add_child(instance=CoursePage(title=f"Course {c + 1}", slug=f"course-{c + 1}"))
        for c in range(courses)
    ]
    for index in range(modules):
        synchronous = bool(synchronous_every) and (index + 1) % synchronous_every == 0
        course_pages[index % courses].add_child(
            instance=ModulePage(
                title=f"Module {index + 1}",
                slug=f"module-{index + 1}",
                education_hours=hours,
                delivery=Delivery.SYNCHRONOUS if synchronous else Delivery.ASYNCHRONOUS,
                estimated_minutes=45,
                body=module_body(required_blocks=required_blocks),
            )
        )
    return programme


def modules_of(programme: ProgrammePage) -> list[ModulePage]:
    return list(ModulePage.objects.descendant_of(programme).order_by("path"))


def make_cohort(*, programme: ProgrammePage, trainers=(), name: str | None = None) -> Cohort:
    cohort = Cohort.objects.create(programme=programme, name=name or f"Cohort {next(_sequence)}")
    cohort.trainers.set(trainers)
    return cohort


def make_live_session(*, module: ModulePage, cohort: Cohort, days_ahead: int = 7):
    from datetime import timedelta

    from django.utils import timezone

    from courses.services import live_session_create

    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=days_ahead)
    return live_session_create(
        module=module,
        cohort=cohort,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location="Room 101",
    )


def required_block_ids(module: ModulePage) -> list[str]:
    from courses.rules import block_specs

    return [s.block_id for s in block_specs(module.body.raw_data) if s.counts_toward_completion]


def do_required_blocks(*, trainee, module: ModulePage) -> None:
    """Mark every required block done the way a trainee would (reflections via the journal)."""
    from courses.rules import block_specs
    from courses.services import block_mark_done, journal_entry_create

    for spec in block_specs(module.body.raw_data):
        if not spec.counts_toward_completion:
            continue
        if spec.block_type == "reflection_prompt":
            journal_entry_create(
                trainee=trainee,
                title="Reflection",
                body="Thoughts.",
                module=module,
                block_id=spec.block_id,
            )
        else:
            block_mark_done(trainee=trainee, module=module, block_id=spec.block_id)


def enrol_many_trainees(*, cohort: Cohort, count: int, completed_modules=()) -> list:
    """Bulk-create `count` trainees enrolled in the cohort, each having completed the modules.

    Bypasses the services on purpose: it builds volume for query-count tests quickly.
    """
    from django.contrib.auth.models import Group

    from courses.models import Enrolment, ModuleCompletion
    from lms.models import Role, User

    start = next(_sequence)
    users = User.objects.bulk_create(
        User(
            email=f"bulk{start}-{index}@example.org",
            first_name=f"Bulk{index}",
            last_name="Trainee",
            password="!",
        )
        for index in range(count)
    )
    group = Group.objects.get(name=Role.TRAINEE.value)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=group.pk) for user in users
    )
    Enrolment.objects.bulk_create(
        Enrolment(trainee=user, programme_id=cohort.programme_id, cohort=cohort) for user in users
    )
    ModuleCompletion.objects.bulk_create(
        ModuleCompletion(
            trainee=user,
            module=module,
            education_hours=module.education_hours,
            synchronous_hours=module.education_hours if module.is_synchronous else 0,
        )
        for user in users
        for module in completed_modules
    )
    return users
