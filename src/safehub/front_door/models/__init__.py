from .clock import ClockSetting
from .contact import Contact, ContactConcern, ContactSequence, ContactSubject, IntakeAlert, RagRating
from .decision import Decision, Handover, ReferrerFeedback
from .sharing import InformationRequest, PartnerResponse, SharingDecision

__all__ = [
    "ClockSetting",
    "Contact",
    "ContactConcern",
    "ContactSequence",
    "ContactSubject",
    "Decision",
    "Handover",
    "InformationRequest",
    "IntakeAlert",
    "PartnerResponse",
    "RagRating",
    "ReferrerFeedback",
    "SharingDecision",
]
