"""Every write to users, agencies and teams. Views and other apps call these, never the ORM."""

from .bootstrap import admin_bootstrap
from .lifecycle import user_deactivate, user_reactivate, user_reset_mfa
from .organisations import (
    agency_create,
    agency_update,
    team_add_member,
    team_create,
    team_remove_member,
    team_update,
)
from .sessions import end_all_sessions, user_end_sessions
from .users import user_create, user_update

__all__ = [
    "admin_bootstrap",
    "agency_create",
    "agency_update",
    "end_all_sessions",
    "team_add_member",
    "team_create",
    "team_remove_member",
    "team_update",
    "user_create",
    "user_deactivate",
    "user_end_sessions",
    "user_reactivate",
    "user_reset_mfa",
    "user_update",
]
