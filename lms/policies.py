"""Who may see and do what: the one place that answers it.

Views, selectors, services, admin screens and the middleware ask these predicates rather than
spelling out roles themselves. Object-level scoping (a trainer's own cohorts, a trainee's own
records) stays in the selectors, which ask here whether a user sees everyone's.

Admin power is what the back office gives: superusers, staff, programme admins, and members of
any group other than the three plain roles (Wagtail's own Editors and Moderators groups open
/cms/, and so could a group made later). An account holding it must confirm a one-time code
(STAFF_REQUIRE_2FA), and only a superuser, or an operator at the command line, may grant it.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lms.credential_levels import CREDENTIAL_RANK
from lms.models import Role, User

# Groups that give no back-office rights, so a programme admin may hand them out.
PLAIN_ROLE_NAMES = frozenset({Role.TRAINEE.value, Role.TRAINER.value, Role.MENTOR.value})
GRANT_REFUSED_MESSAGE = (
    "Only a superuser can give or take away the Programme admin role, back-office groups "
    "or superuser rights."
)


# Admin power and two-factor sign-in ------------------------------------------------------------


def holds_admin_power(user) -> bool:
    """Superuser, staff, Programme admin, or any group beyond the plain roles (fails closed)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or not user.role_names <= PLAIN_ROLE_NAMES


def second_factor_missing(user) -> bool:
    """Whether this user must confirm a one-time code before any page but the two-factor ones.

    `is_verified` comes from django_otp's middleware: true once a code was confirmed in this
    session. With STAFF_REQUIRE_2FA off (development) nobody is asked.
    """
    return bool(settings.STAFF_REQUIRE_2FA and holds_admin_power(user) and not user.is_verified())


# Granting admin power ----------------------------------------------------------------------------


def may_grant_admin_power(actor: User | None) -> bool:
    """`actor` None is an operator at the command line (manage.py), who runs the server anyway."""
    return actor is None or actor.is_superuser


def may_change_account(actor: User, account: User) -> bool:
    """Someone who may not grant admin power may not edit an account that holds it (other
    than their own): changing its email or password would hand them that power."""
    return may_grant_admin_power(actor) or actor.pk == account.pk or not holds_admin_power(account)


def groups_grantable_by(actor: User | None):
    """The groups `actor` may add people to or take them out of."""
    groups = Group.objects.order_by("name")
    return groups if may_grant_admin_power(actor) else groups.filter(name__in=PLAIN_ROLE_NAMES)


def group_names_after_edit(
    *, actor: User | None, current: Iterable[str], chosen: Iterable[str]
) -> set[str]:
    """The groups an account ends up in when `actor` submits `chosen`: a non-superuser changes
    only the plain roles, and every other group the account is in stays as it was."""
    if may_grant_admin_power(actor):
        return set(chosen)
    kept = {name for name in current if name not in PLAIN_ROLE_NAMES}
    return {name for name in chosen if name in PLAIN_ROLE_NAMES} | kept


def admin_roles_change_allowed(
    *, actor: User | None, before: Iterable[str], after: Iterable[str]
) -> bool:
    """Whether `actor` may move an account from roles `before` to roles `after`."""
    changed = set(before) ^ set(after)
    return may_grant_admin_power(actor) or changed <= PLAIN_ROLE_NAMES


# What each role may see and do -------------------------------------------------------------------


def is_programme_admin(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.PROGRAMME_ADMIN)


def can_review_applications(user: User) -> bool:
    """Review credential applications, which issues awards, and revoke awards."""
    return is_programme_admin(user)


def can_review_education(user: User) -> bool:
    """Approve or reject external education and record assessment results."""
    return is_programme_admin(user)


def can_run_imports(user: User) -> bool:
    """Start imports in the back office and follow their jobs."""
    return is_programme_admin(user)


def can_manage_cme(user: User) -> bool:
    """The CME office: activities, completions of activities outside the LMS, corrections of
    claims, every learner's CME certificates and transcripts."""
    return is_programme_admin(user)


def sees_every_trainee(user: User) -> bool:
    """Every trainee's progress, certificates and cohorts, not only those of their own cohorts."""
    return is_programme_admin(user)


def can_work_with_cohorts(user: User) -> bool:
    """Trainers (their own cohorts) and programme admins (all of them)."""
    return is_programme_admin(user) or user.has_role(Role.TRAINER)


def require_role(user: User, role: Role, message: str) -> None:
    """A page for one role: anyone else signed in gets 403 with `message`."""
    if not user.has_role(role):
        raise PermissionDenied(message)


def found_or_404(row, message: str):
    """What a selector found among the rows the user may see; None answers 404, so that someone
    else's row and a missing one look the same."""
    if row is None:
        raise Http404(message)
    return row


# Grading ------------------------------------------------------------------------------------


def holds_credential_for(user: User, level: str) -> bool:
    """A credential at or above `level` (ACC/PCC/MCC); "none" asks for nothing."""
    return CREDENTIAL_RANK.get(user.credential_held, 0) >= CREDENTIAL_RANK.get(level, 0)


def may_grade(
    user: User, *, trains_cohort: bool, level_assessed: str, mentors_trainee: bool
) -> bool:
    """Trainers grade their own cohorts' work (programme admins anyone's). A performance
    evaluation also needs a credential at or above the level assessed, and never the trainee's
    own mentor: the one who coaches is not the one who signs off."""
    if not (is_programme_admin(user) or (user.has_role(Role.TRAINER) and trains_cohort)):
        return False
    if level_assessed and level_assessed != "none":
        return holds_credential_for(user, level_assessed) and not mentors_trainee
    return True


# Billing (bundles, orders, credits) --------------------------------------------------------------


def can_buy_credits(user) -> bool:
    """Anyone signed in buys mentor-coaching hours for themselves."""
    return user.is_authenticated and user.is_active


def runs_organisation(user, organisation) -> bool:
    """An organisation's admins buy hours for it and hand them to its members."""
    return user.is_authenticated and organisation.admins.filter(pk=user.pk).exists()


def may_see_order(user, order) -> bool:
    """The coach who placed it, or an admin of the organisation that paid for it."""
    if not user.is_authenticated:
        return False
    if order.organisation_id is not None:
        return runs_organisation(user, order.organisation)
    return order.coach_id == user.pk


def can_manage_billing(user) -> bool:
    """Refund orders, see every ledger, resolve refund shortfalls."""
    return is_programme_admin(user)


# Mentor bookings ----------------------------------------------------------------------------------


def can_publish_availability(user) -> bool:
    """Mentors publish the times coaches may book."""
    return user.is_authenticated and user.is_active and user.has_role(Role.MENTOR)


def can_book_mentors(user) -> bool:
    """Whoever may buy hours may spend them (and book free chemistry calls)."""
    return can_buy_credits(user)


def is_booking_coach(user, booking) -> bool:
    return user.is_authenticated and booking.coach_id == user.pk


def is_booking_mentor(user, booking) -> bool:
    return user.is_authenticated and booking.mentor_id == user.pk


def may_see_booking(user, booking) -> bool:
    """Only its coach and its mentor: nobody else's bookings, whatever their role."""
    return is_booking_coach(user, booking) or is_booking_mentor(user, booking)
