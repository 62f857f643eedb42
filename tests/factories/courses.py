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
