"""Every write to early help (issue 9; ADR 0007, "Service contracts")."""

from .actions import NewAction, action_add, action_update
from .assessment import assessment_complete, assessment_start, assessment_update
from .consent import consent_latest, consent_record
from .episodes import episode_close, episode_member_add, episode_open
from .plan import NewGoal, goal_add, plan_review_record, plan_start
from .requests import support_request_accept, support_request_decline, support_request_submit
from .taf import lead_professional_change, meeting_record, taf_member_add, taf_member_leave

__all__ = [
    "NewAction",
    "NewGoal",
    "action_add",
    "action_update",
    "assessment_complete",
    "assessment_start",
    "assessment_update",
    "consent_latest",
    "consent_record",
    "episode_close",
    "episode_member_add",
    "episode_open",
    "goal_add",
    "lead_professional_change",
    "meeting_record",
    "plan_review_record",
    "plan_start",
    "support_request_accept",
    "support_request_decline",
    "support_request_submit",
    "taf_member_add",
    "taf_member_leave",
]
