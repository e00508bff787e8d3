from .address import Address, Household, HouseholdMember, PersonAddress
from .identifier import PersonIdentifier
from .matching import PersonMatchKey
from .names import PersonName
from .person import Person
from .relationship import Relationship
from .risk import RiskFlag

__all__ = [
    "Address",
    "Household",
    "HouseholdMember",
    "Person",
    "PersonAddress",
    "PersonIdentifier",
    "PersonMatchKey",
    "PersonName",
    "Relationship",
    "RiskFlag",
]
