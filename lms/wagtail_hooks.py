"""Wagtail hooks of the lms app."""

from wagtail import hooks

from lms.wagtail_users import (
    GuardedAssignRoleBulkAction,
    GuardedDeleteBulkAction,
    GuardedSetActiveStateBulkAction,
)

# Registered after Wagtail's own user bulk actions (order 1), so these replace them.
for action_class in (
    GuardedAssignRoleBulkAction,
    GuardedDeleteBulkAction,
    GuardedSetActiveStateBulkAction,
):
    hooks.register("register_bulk_action", action_class, order=1)
