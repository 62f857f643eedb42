from lms import policies
from lms.models import Role


def roles(request):
    """Expose the signed-in user's roles to templates for navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    names = user.role_names
    return {
        "user_roles": names,
        "is_trainee": Role.TRAINEE in names,
        "is_trainer": Role.TRAINER in names,
        "is_mentor": Role.MENTOR in names,
        "is_programme_admin": policies.is_programme_admin(user),
        "holds_admin_power": policies.holds_admin_power(user),
    }
