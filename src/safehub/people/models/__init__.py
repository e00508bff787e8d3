from .address import Address, Household, HouseholdMember, PersonAddress
from .alerts import AlertLinkKind, AlertRecipient, FlaggedAdultAlert
from .disability import PersonDisability
from .duplicates import DedupeRun, DuplicateCluster, DuplicateClusterMember, PersonMerge, PersonMergeChange
from .identifier import PersonIdentifier
from .matcher import MatcherModel
from .matching import PersonMatchKey
from .names import PersonName
from .person import Person
from .profile import PersonMatchProfile
from .relationship import Relationship
from .risk import RiskFlag

__all__ = [
    "Address",
    "AlertLinkKind",
    "AlertRecipient",
    "DedupeRun",
    "DuplicateCluster",
    "DuplicateClusterMember",
    "FlaggedAdultAlert",
    "Household",
    "HouseholdMember",
    "MatcherModel",
    "Person",
    "PersonAddress",
    "PersonDisability",
    "PersonIdentifier",
    "PersonMatchKey",
    "PersonMatchProfile",
    "PersonMerge",
    "PersonMergeChange",
    "PersonName",
    "Relationship",
    "RiskFlag",
]
