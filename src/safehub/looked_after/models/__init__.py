from .health import Conviction, HealthCheck, SdqScore, SubstanceMisuse
from .household import CarerHousehold, HouseholdCarer
from .leaving import CareLeaver, CareLeaverContact, PathwayPlanReview
from .missing import MissingEpisode, UascStatus
from .period import LegalStatus, LookedAfterPeriod, Placement, PlacementRequest
from .permanence import AdoptionDecision, PermanenceOrder, SiblingPlacementDecision
from .review import LookedAfterReview, PlacementVisit

__all__ = [
    "AdoptionDecision",
    "CareLeaver",
    "CareLeaverContact",
    "CarerHousehold",
    "Conviction",
    "HealthCheck",
    "HouseholdCarer",
    "LegalStatus",
    "LookedAfterPeriod",
    "LookedAfterReview",
    "MissingEpisode",
    "PathwayPlanReview",
    "PermanenceOrder",
    "Placement",
    "PlacementRequest",
    "PlacementVisit",
    "SdqScore",
    "SiblingPlacementDecision",
    "SubstanceMisuse",
    "UascStatus",
]
