"""Reads about restrictions, grants and emergency access. Every read by a person names its actor."""

from .break_glass import (
    MonthlyReport,
    ReportRow,
    break_glass_active,
    break_glass_active_for_user,
    break_glass_get,
    break_glass_monthly_report,
    break_glass_review_queue,
    break_glass_target,
    month_bounds,
)
from .grants import grant_candidates, grant_get, grants_active_for_user, grants_for_record, grants_pending
from .restrictions import (
    RecordAccess,
    RestrictedFlag,
    restricted_object_exists,
    restriction_banner,
    restriction_detail,
    restriction_get,
    restriction_list,
)
from .visibility import hidden_ids, may_open, restricted_among

__all__ = [
    "MonthlyReport",
    "RecordAccess",
    "ReportRow",
    "RestrictedFlag",
    "break_glass_active",
    "break_glass_active_for_user",
    "break_glass_get",
    "break_glass_monthly_report",
    "break_glass_review_queue",
    "break_glass_target",
    "grant_candidates",
    "grant_get",
    "grants_active_for_user",
    "grants_for_record",
    "grants_pending",
    "hidden_ids",
    "may_open",
    "month_bounds",
    "restricted_among",
    "restricted_object_exists",
    "restriction_banner",
    "restriction_detail",
    "restriction_get",
    "restriction_list",
]
