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
        "is_programme_admin": Role.PROGRAMME_ADMIN in names or user.is_superuser,
    }
