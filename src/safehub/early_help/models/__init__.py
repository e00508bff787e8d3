from .episode import Consent, EarlyHelpAssessment, EarlyHelpEpisode, EpisodeMember, Step
from .plan import FamilyPlan, GoalScore, PlanGoal, PlanReview
from .request import SupportRequest
from .team import MeetingAttendance, PlanAction, TafMeeting, TafMember

__all__ = [
    "Consent",
    "EarlyHelpAssessment",
    "EarlyHelpEpisode",
    "EpisodeMember",
    "FamilyPlan",
    "GoalScore",
    "MeetingAttendance",
    "PlanAction",
    "PlanGoal",
    "PlanReview",
    "Step",
    "SupportRequest",
    "TafMeeting",
    "TafMember",
]
