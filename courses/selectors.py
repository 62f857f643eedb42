"""Reads of the courses domain, shaped for the pages that show them.

Every selector runs a fixed number of queries however many modules, trainees or cohorts
there are: modules of several programmes come from one query on treebeard path prefixes,
per-trainee and per-cohort figures from Count/Sum/Max annotations.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.models import Site

from courses import rules
from courses.models import (
    Attendance,
    BlockProgress,
    Cohort,
    CoursePage,
    Enrolment,
    JournalEntry,
    LiveSession,
    ModuleCompletion,
    ModulePage,
    PageTreeVersion,
    ProgrammePage,
)
from lms import policies
from lms.models import Role, User

ZERO = Decimal("0")
# What is kept in the cache is keyed by version stamps, so this only bounds memory.
KEPT_SECONDS = 3600


# Building blocks ---------------------------------------------------------------------------


def modules_of_programmes(programmes) -> dict[int, list[ModulePage]]:
    """Live modules of each programme (by programme id), in outline order, in one query."""
    programmes = list(programmes)
    result: dict[int, list[ModulePage]] = {programme.pk: [] for programme in programmes}
    if not programmes:
        return result
    prefixes = Q()
    for programme in programmes:
        prefixes |= Q(path__startswith=programme.path)
    by_path = {programme.path: programme.pk for programme in programmes}
    step = len(programmes[0].path)  # programmes share a depth, so their paths share a length
    for module in ModulePage.objects.live().filter(prefixes).defer("body").order_by("path"):
        result[by_path[module.path[:step]]].append(module)
    return result


def completed_module_ids(*, trainee: User) -> set[int]:
    return set(ModuleCompletion.objects.filter(trainee=trainee).values_list("module_id", flat=True))


def education_hours_for(*, trainee: User) -> tuple[Decimal, Decimal]:
    """(total, synchronous) coach-specific education hours earned by completing modules."""
    totals = ModuleCompletion.objects.filter(trainee=trainee).aggregate(
        total=Coalesce(Sum("education_hours"), ZERO),
        synchronous=Coalesce(Sum("synchronous_hours"), ZERO),
    )
    return totals["total"], totals["synchronous"]


def programme_of_module(*, module: ModulePage) -> ProgrammePage | None:
    return ProgrammePage.objects.ancestor_of(module).first()


def enrolment_of(*, trainee: User, programme: ProgrammePage) -> Enrolment | None:
    if not trainee.is_authenticated:
        return None
    return (
        Enrolment.objects.select_related("cohort")
        .filter(trainee=trainee, programme=programme)
        .first()
    )


# Programme index and programme page --------------------------------------------------------


@dataclass
class ProgrammeCard:
    programme: ProgrammePage
    module_count: int
    total_hours: Decimal


def programme_cards(*, index_page) -> list[ProgrammeCard]:
    programmes = list(ProgrammePage.objects.live().child_of(index_page).order_by("path"))
    modules = modules_of_programmes(programmes)
    return [
        ProgrammeCard(
            programme=programme,
            module_count=len(modules[programme.pk]),
            total_hours=sum((m.education_hours for m in modules[programme.pk]), ZERO),
        )
        for programme in programmes
    ]


@dataclass
class ModuleRow:
    module: ModulePage
    done: bool


@dataclass
class CourseOutline:
    course: CoursePage
    modules: list[ModuleRow] = field(default_factory=list)


@dataclass
class ProgrammeOutline:
    programme: ProgrammePage
    enrolment: Enrolment | None
    courses: list[CourseOutline]
    module_count: int
    done_count: int
    total_hours: Decimal
    synchronous_hours: Decimal

    @property
    def percent(self) -> int:
        return rules.progress_percent(self.done_count, self.module_count)


def programme_outline(*, programme: ProgrammePage, trainee: User) -> ProgrammeOutline:
    """Courses and modules of a programme, with done ticks for an enrolled trainee."""
    enrolment = enrolment_of(trainee=trainee, programme=programme)
    done_ids = completed_module_ids(trainee=trainee) if enrolment else set()
    courses = {
        course.path: CourseOutline(course=course)
        for course in CoursePage.objects.live().child_of(programme).order_by("path")
    }
    modules = modules_of_programmes([programme])[programme.pk]
    for module in modules:
        course = courses.get(module.path[: -ModulePage.steplen])
        if course is not None:
            course.modules.append(ModuleRow(module=module, done=module.pk in done_ids))
    shown = [row for course in courses.values() for row in course.modules]
    return ProgrammeOutline(
        programme=programme,
        enrolment=enrolment,
        courses=[course for course in courses.values() if course.modules],
        module_count=len(shown),
        done_count=sum(row.done for row in shown),
        total_hours=sum((row.module.education_hours for row in shown), ZERO),
        synchronous_hours=sum(
            (row.module.education_hours for row in shown if row.module.is_synchronous), ZERO
        ),
    )


# Module page -------------------------------------------------------------------------------


@dataclass
class BlockState:
    block: object  # a StreamField child (has .id, .block_type, .value)
    spec: rules.BlockSpec
    done: bool

    @property
    def block_id(self) -> str:
        return self.spec.block_id


@dataclass
class ModuleState:
    module: ModulePage
    programme: ProgrammePage | None
    enrolment: Enrolment | None
    blocks: list[BlockState]
    missing: list[str]
    completion: ModuleCompletion | None
    sessions: list[LiveSession]
    attended: bool
    # Where to go once the module is complete: the next module in the outline (None: the last).
    next_module: ModulePage | None = None

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None

    @property
    def upcoming_sessions(self) -> list[LiveSession]:
        """The cohort's sessions not yet over, soonest first."""
        now = timezone.now()
        return [session for session in self.sessions if session.ends_at > now]

    @property
    def can_complete(self) -> bool:
        return self.enrolled and self.completion is None and not self.missing

    @property
    def required_count(self) -> int:
        return sum(state.spec.counts_toward_completion for state in self.blocks)

    @property
    def required_done_count(self) -> int:
        return sum(state.done and state.spec.counts_toward_completion for state in self.blocks)


def module_state(*, module: ModulePage, trainee: User) -> ModuleState:
    programme = programme_of_module(module=module)
    enrolment = enrolment_of(trainee=trainee, programme=programme) if programme else None
    done_ids: set[str] = set()
    completion = None
    sessions: list[LiveSession] = []
    attended = False
    if enrolment:
        done_ids = set(
            BlockProgress.objects.filter(trainee=trainee, module=module).values_list(
                "block_id", flat=True
            )
        )
        completion = ModuleCompletion.objects.filter(trainee=trainee, module=module).first()
        if module.is_synchronous and enrolment.cohort_id:
            sessions = list(LiveSession.objects.filter(module=module, cohort=enrolment.cohort_id))
            attended = Attendance.objects.filter(
                trainee=trainee, attended=True, session__in=[s.pk for s in sessions]
            ).exists()
    specs = rules.block_specs(module.body.raw_data)
    blocks = [
        BlockState(block=child, spec=spec, done=spec.block_id in done_ids)
        for child, spec in zip(module.body, specs, strict=True)
    ]
    missing = rules.missing_requirements(
        blocks=specs, done_ids=done_ids, synchronous=module.is_synchronous, attended=attended
    )
    next_module = (
        module_after(module=module, programme=programme) if completion and programme else None
    )
    return ModuleState(
        module=module,
        programme=programme,
        enrolment=enrolment,
        blocks=blocks,
        missing=missing,
        completion=completion,
        sessions=sessions,
        attended=attended,
        next_module=next_module,
    )


def module_after(*, module: ModulePage, programme: ProgrammePage) -> ModulePage | None:
    """The next live module of the programme's outline (tree order), None after the last."""
    later = ModulePage.objects.live().descendant_of(programme).filter(path__gt=module.path)
    return later.defer("body").order_by("path").first()


def live_session_for_trainee(*, trainee: User, session_id: int) -> LiveSession | None:
    """A live session, if the trainee is enrolled in its programme; None otherwise."""
    if not trainee.is_authenticated or not trainee.has_role(Role.TRAINEE):
        return None
    return (
        LiveSession.objects.filter(pk=session_id, cohort__programme__enrolments__trainee=trainee)
        .select_related("module", "cohort")
        .first()
    )


# Trainee dashboard -------------------------------------------------------------------------


def site_page_urls() -> Callable[[str], str | None]:
    """A function from a page's url_path to the link {% pageurl %} would give.

    {% pageurl %} looks the request's Site up in the database once per page and reverses
    Wagtail's serve route once per link; here the site root paths come from Wagtail's own cache
    and the route is reversed once (it only prefixes the path; reverse() would quote it alike).
    Like Page.get_url, the link is local on a single site and absolute when there are several.
    """
    root_paths = Site.get_site_root_paths()
    several_sites = len({root.site_id for root in root_paths}) > 1
    serve_prefix = reverse("wagtail_serve", args=("",))

    def url_of(url_path: str) -> str | None:
        for root in root_paths:
            if url_path.startswith(root.root_path):
                page_path = serve_prefix + quote(
                    url_path[len(root.root_path) :], safe=RFC3986_SUBDELIMS + "/~:@"
                )
                return root.root_url + page_path if several_sites else page_path
        return None  # not under any site: not routable

    return url_of


@dataclass(frozen=True)
class PageLink:
    title: str
    url: str | None


@dataclass(frozen=True)
class ProgrammeProgress:
    programme: PageLink
    cohort_name: str | None
    module_count: int
    done_count: int
    next_module: PageLink | None

    @property
    def percent(self) -> int:
        return rules.progress_percent(self.done_count, self.module_count)


@dataclass(frozen=True)
class Activity:
    when: datetime
    text: str
    url: str | None


@dataclass(frozen=True)
class TraineeDashboard:
    programmes: list[ProgrammeProgress]
    education_hours: Decimal
    synchronous_hours: Decimal
    recent_activity: list[Activity]
    # The cache key it is kept under (None when it could not be kept): what is rendered from
    # it can be kept under the same key, as it changes exactly when the dashboard does.
    kept_as: str | None = None


def trainee_dashboard(*, trainee: User, activity_limit: int = 6) -> TraineeDashboard:
    """The trainee's dashboard, kept in the cache until their learning records or pages change.

    One query reads the two version stamps (User.learning_version, PageTreeVersion), which
    change in the same transaction as anything the dashboard shows (courses.signals), so a
    kept dashboard is never out of date; the dashboard is read afresh under new stamps.
    """
    stamps = (
        User.objects.filter(pk=trainee.pk)
        .annotate(page_tree=Subquery(PageTreeVersion.objects.values("token")[:1]))
        .values_list("learning_version", "page_tree")
        .first()
    )
    if stamps is None or stamps[1] is None:  # no version row: nothing can be kept safely
        return _trainee_dashboard_read(trainee=trainee, activity_limit=activity_limit)
    key = "courses:trainee-dashboard:{}:{}:{}:{}".format(trainee.pk, *stamps, activity_limit)
    dashboard = cache.get(key)
    if dashboard is None:
        dashboard = replace(
            _trainee_dashboard_read(trainee=trainee, activity_limit=activity_limit), kept_as=key
        )
        cache.set(key, dashboard, KEPT_SECONDS)
    return dashboard


def _trainee_dashboard_read(*, trainee: User, activity_limit: int) -> TraineeDashboard:
    """Progress per enrolled programme, education hours and recent activity, in three queries.

    Plain values rather than page instances: the dashboard shows only titles and links, and
    building Wagtail pages (dozens of columns each) was most of its cost.
    """
    enrolments = list(
        Enrolment.objects.filter(trainee_id=trainee.pk)
        .order_by("enrolled_at")
        .values_list(
            "enrolled_at",
            "cohort__name",
            "programme_id",
            "programme__path",
            "programme__title",
            "programme__url_path",
            named=True,
        )
    )
    # Every completion (one row per module done, so bounded by the outlines): the done ticks,
    # the hours totals and the recent activity all come from this one query.
    completions = list(
        ModuleCompletion.objects.filter(trainee_id=trainee.pk)
        .order_by("-completed_at")
        .values_list(
            "module_id",
            "completed_at",
            "education_hours",
            "synchronous_hours",
            "module__title",
            "module__url_path",
            named=True,
        )
    )
    done_ids = {completion.module_id for completion in completions}
    modules_by_programme = _module_rows_of_programmes(
        {enrolment.programme_id: enrolment.programme__path for enrolment in enrolments}
    )
    url_of = site_page_urls()
    programmes = []
    for enrolment in enrolments:
        modules = modules_by_programme[enrolment.programme_id]
        next_module = next((module for module in modules if module.pk not in done_ids), None)
        programmes.append(
            ProgrammeProgress(
                programme=PageLink(
                    enrolment.programme__title, url_of(enrolment.programme__url_path)
                ),
                cohort_name=enrolment.cohort__name,
                module_count=len(modules),
                done_count=sum(module.pk in done_ids for module in modules),
                next_module=(
                    PageLink(next_module.title, url_of(next_module.url_path))
                    if next_module
                    else None
                ),
            )
        )
    activity = [
        Activity(
            when=completion.completed_at,
            text=f"Completed {completion.module__title} ({completion.education_hours} h)",
            url=url_of(completion.module__url_path),
        )
        for completion in completions[:activity_limit]
    ] + [
        Activity(
            when=enrolment.enrolled_at,
            text=f"Enrolled in {enrolment.programme__title}",
            url=url_of(enrolment.programme__url_path),
        )
        for enrolment in enrolments
    ]
    activity.sort(key=lambda item: item.when, reverse=True)
    return TraineeDashboard(
        programmes=programmes,
        education_hours=sum((completion.education_hours for completion in completions), ZERO),
        synchronous_hours=sum((completion.synchronous_hours for completion in completions), ZERO),
        recent_activity=activity[:activity_limit],
    )


def _module_rows_of_programmes(programme_paths: dict[int, str]) -> dict[int, list]:
    """Rows (pk, title, url_path, path) of each programme's live modules in outline order.

    One query, as modules_of_programmes, but without building pages: for counts and links.
    programme_paths maps each programme's id to its treebeard path.
    """
    result: dict[int, list] = {pk: [] for pk in programme_paths}
    if not programme_paths:
        return result
    prefixes = Q()
    for path in programme_paths.values():
        prefixes |= Q(path__startswith=path)
    by_path = {path: pk for pk, path in programme_paths.items()}
    step = len(next(iter(by_path)))  # programmes share a depth, so their paths share a length
    rows = (
        ModulePage.objects.live()
        .filter(prefixes)
        .order_by("path")
        .values_list("pk", "title", "url_path", "path", named=True)
    )
    for row in rows:
        result[by_path[row.path[:step]]].append(row)
    return result


# Trainer views -----------------------------------------------------------------------------


def may_view_cohorts(*, user: User) -> bool:
    """Trainers and programme admins work with cohorts; everyone else is refused outright."""
    return policies.can_work_with_cohorts(user)


def cohort_for_staff(*, user: User, cohort_id: int) -> Cohort | None:
    """The cohort if this user trains it or is a programme admin; otherwise None."""
    cohorts = Cohort.objects.select_related("programme")
    if not policies.sees_every_trainee(user):
        cohorts = cohorts.filter(trainers=user)
    return cohorts.filter(pk=cohort_id).first()


def live_session_for_staff(*, user: User, session_id: int) -> LiveSession | None:
    sessions = LiveSession.objects.select_related("cohort", "module")
    if not policies.sees_every_trainee(user):
        sessions = sessions.filter(cohort__trainers=user)
    return sessions.filter(pk=session_id).first()


@dataclass
class CohortSummary:
    cohort: Cohort
    trainee_count: int
    module_count: int
    completions: int

    @property
    def average_percent(self) -> int:
        return rules.progress_percent(self.completions, self.trainee_count * self.module_count)


def cohorts_for_trainer(*, trainer: User) -> list[CohortSummary]:
    """The trainer's cohorts with trainee counts and average progress."""
    cohorts = list(
        Cohort.objects.filter(trainers=trainer)
        .select_related("programme")
        .annotate(trainee_count=Count("enrolments", distinct=True))
        .order_by("programme__title", "name")
    )
    if not cohorts:
        return []
    modules = _module_rows_of_programmes({c.programme_id: c.programme.path for c in cohorts})
    # Only completions of this cohort's own programme count toward its progress.
    completions = dict(
        ModuleCompletion.objects.filter(
            trainee__enrolments__cohort__in=cohorts,
            module__path__startswith=F("trainee__enrolments__cohort__programme__path"),
            module__live=True,
        )
        .values_list("trainee__enrolments__cohort")
        .annotate(count=Count("id"))
        .values_list("trainee__enrolments__cohort", "count")
    )
    return [
        CohortSummary(
            cohort=cohort,
            trainee_count=cohort.trainee_count,
            module_count=len(modules[cohort.programme_id]),
            completions=completions.get(cohort.pk, 0),
        )
        for cohort in cohorts
    ]


@dataclass
class TraineeProgress:
    trainee: User
    enrolled_at: datetime
    done_count: int
    module_count: int
    education_hours: Decimal
    last_activity: datetime | None

    @property
    def percent(self) -> int:
        return rules.progress_percent(self.done_count, self.module_count)


@dataclass
class CohortProgress:
    cohort: Cohort
    module_count: int
    trainees: list[TraineeProgress]
    sessions: list[LiveSession]


def cohort_progress(*, cohort: Cohort) -> CohortProgress:
    modules = modules_of_programmes([cohort.programme])[cohort.programme_id]
    module_ids = [module.pk for module in modules]
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name", "trainee__email")
    )
    completion_totals = {
        row["trainee_id"]: row
        for row in ModuleCompletion.objects.filter(
            trainee__enrolments__cohort=cohort, module_id__in=module_ids
        )
        .values("trainee_id")
        .annotate(done=Count("id"), hours=Sum("education_hours"), last=Max("completed_at"))
    }
    last_block = dict(
        BlockProgress.objects.filter(trainee__enrolments__cohort=cohort, module_id__in=module_ids)
        .values_list("trainee_id")
        .annotate(last=Max("completed_at"))
        .values_list("trainee_id", "last")
    )
    trainees = []
    for enrolment in enrolments:
        totals = completion_totals.get(enrolment.trainee_id, {})
        moments = [m for m in (totals.get("last"), last_block.get(enrolment.trainee_id)) if m]
        trainees.append(
            TraineeProgress(
                trainee=enrolment.trainee,
                enrolled_at=enrolment.enrolled_at,
                done_count=totals.get("done", 0),
                module_count=len(modules),
                education_hours=totals.get("hours") or ZERO,
                last_activity=max(moments) if moments else None,
            )
        )
    sessions = list(
        LiveSession.objects.filter(cohort=cohort).select_related("module").defer("module__body")
    )
    return CohortProgress(
        cohort=cohort, module_count=len(modules), trainees=trainees, sessions=sessions
    )


@dataclass
class ModuleProgress:
    module: ModulePage
    blocks_done: int
    completion: ModuleCompletion | None


@dataclass
class TraineeInCohort:
    trainee: User
    modules: list[ModuleProgress]

    @property
    def done_count(self) -> int:
        return sum(row.completion is not None for row in self.modules)

    @property
    def education_hours(self) -> Decimal:
        return sum((row.completion.education_hours for row in self.modules if row.completion), ZERO)


def trainee_progress_in_cohort(*, cohort: Cohort, trainee_id: int) -> TraineeInCohort | None:
    """Module-by-module progress of one trainee of the cohort (None: not in this cohort).

    Deliberately shows no journal content: reflections are private to their author.
    """
    enrolment = (
        Enrolment.objects.filter(cohort=cohort, trainee_id=trainee_id)
        .select_related("trainee")
        .first()
    )
    if enrolment is None:
        return None
    modules = modules_of_programmes([cohort.programme])[cohort.programme_id]
    module_ids = [module.pk for module in modules]
    completions = {
        c.module_id: c
        for c in ModuleCompletion.objects.filter(trainee_id=trainee_id, module_id__in=module_ids)
    }
    blocks_done: dict[int, int] = defaultdict(int)
    for row in (
        BlockProgress.objects.filter(trainee_id=trainee_id, module_id__in=module_ids)
        .values("module_id")
        .annotate(count=Count("id"))
    ):
        blocks_done[row["module_id"]] = row["count"]
    return TraineeInCohort(
        trainee=enrolment.trainee,
        modules=[
            ModuleProgress(
                module=module,
                blocks_done=blocks_done[module.pk],
                completion=completions.get(module.pk),
            )
            for module in modules
        ],
    )


@dataclass
class AttendanceRow:
    trainee: User
    attended: bool


def attendance_register(*, session: LiveSession) -> list[AttendanceRow]:
    """Every trainee enrolled in the session's cohort, with what has been recorded so far."""
    attended = dict(
        Attendance.objects.filter(session=session).values_list("trainee_id", "attended")
    )
    trainees = User.objects.filter(enrolments__cohort=session.cohort_id).order_by(
        "last_name", "first_name", "email"
    )
    return [
        AttendanceRow(trainee=trainee, attended=attended.get(trainee.pk, False))
        for trainee in trainees
    ]


@dataclass
class RegistersToTake:
    sessions: list[LiveSession]  # the first few, oldest first
    count: int  # all of them


REGISTERS_SHOWN = 5


def registers_to_take(*, trainer: User, shown: int = REGISTERS_SHOWN) -> RegistersToTake:
    """Live sessions of the trainer's cohorts that have ended with no attendance recorded.

    One query: the total comes with each row (a window count), so it is right however many
    there are while only `shown` rows are read.
    """
    sessions = list(
        LiveSession.objects.filter(cohort__trainers=trainer, ends_at__lt=timezone.now())
        .exclude(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .select_related("module", "cohort")
        .annotate(total=Window(Count("pk")))
        .order_by("starts_at", "pk")[:shown]
    )
    return RegistersToTake(sessions=sessions, count=sessions[0].total if sessions else 0)


# Journal -----------------------------------------------------------------------------------


def journal_entries_for(*, trainee: User) -> QuerySet[JournalEntry]:
    return (
        JournalEntry.objects.filter(trainee=trainee)
        .select_related("module")
        .defer("module__body")
        .order_by("-created_at")
    )


def journal_entry_of(*, trainee: User, entry_id: int) -> JournalEntry | None:
    """The entry if this user wrote it. Nobody else, whatever their role, ever gets it."""
    if not trainee.is_authenticated:
        return None
    return JournalEntry.objects.filter(trainee=trainee, pk=entry_id).first()


def module_education_by_trainee(
    *, trainee_ids: Iterable[int]
) -> dict[int, list[tuple[datetime, Decimal, Decimal]]]:
    """(completed_at, education hours, synchronous hours) of every completed module, by trainee.

    One query for any number of trainees: the credential engine reads education from here.
    """
    rows = ModuleCompletion.objects.filter(trainee_id__in=list(trainee_ids)).values_list(
        "trainee_id", "completed_at", "education_hours", "synchronous_hours"
    )
    by_trainee: dict[int, list[tuple[datetime, Decimal, Decimal]]] = defaultdict(list)
    for trainee_id, completed_at, hours, synchronous in rows:
        by_trainee[trainee_id].append((completed_at, hours, synchronous))
    return by_trainee
