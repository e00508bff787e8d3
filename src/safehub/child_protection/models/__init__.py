from .need import ChildInNeedPlan, CinPlanReview, Visit
from .protection import (
    ChildProtectionPlan,
    Conference,
    CoreGroupMeeting,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
)
from .referral import Assessment, Referral

__all__ = [
    "Assessment",
    "ChildInNeedPlan",
    "ChildProtectionPlan",
    "CinPlanReview",
    "Conference",
    "CoreGroupMeeting",
    "Referral",
    "Section47Enquiry",
    "StrategyAttendee",
    "StrategyDiscussion",
    "Visit",
]
