from .address import (
    household_create,
    household_member_add,
    household_member_end,
    person_address_add,
    person_address_end,
)
from .identifier import person_identifier_add, person_identifier_remove
from .match_keys import person_refresh_match_keys
from .names import person_name_add, person_name_end
from .person import person_create, person_update
from .relationship import relationship_add, relationship_end
from .risk import risk_flag_add, risk_flag_end, risk_flag_review

__all__ = [
    "household_create",
    "household_member_add",
    "household_member_end",
    "person_address_add",
    "person_address_end",
    "person_create",
    "person_identifier_add",
    "person_identifier_remove",
    "person_name_add",
    "person_name_end",
    "person_refresh_match_keys",
    "person_update",
    "relationship_add",
    "relationship_end",
    "risk_flag_add",
    "risk_flag_end",
    "risk_flag_review",
]
