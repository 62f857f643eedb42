"""Read-only views of learning records for support staff. Writes go through the services."""

from django.contrib import admin

from courses.models import Enrolment, ModuleCompletion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "programme", "cohort", "enrolled_at"]
    list_filter = ["programme", "cohort"]
    search_fields = ["trainee__email", "trainee__last_name"]
    list_select_related = ["trainee", "programme", "cohort"]


@admin.register(ModuleCompletion)
class ModuleCompletionAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "module", "completed_at", "education_hours", "synchronous_hours"]
    search_fields = ["trainee__email", "trainee__last_name"]
    list_select_related = ["trainee", "module"]
