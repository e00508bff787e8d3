from .address import (
    household_create,
    household_member_add,
    household_member_end,
    person_address_add,
    person_address_end,
)
from .alerts import alert_acknowledge, flagged_adult_linked
from .dedupe import dedupe_run_save, duplicate_cluster_dismiss, duplicate_cluster_merge
from .disability import person_disability_add, person_disability_remove
from .identifier import person_identifier_add, person_identifier_remove
from .match import matcher_model_activate, matcher_model_store, person_match
from .match_keys import person_refresh_match_keys
from .merge import person_merge, person_merge_approve, person_unmerge
from .names import person_name_add, person_name_end
from .person import person_create, person_update
from .relationship import relationship_add, relationship_end
from .risk import risk_flag_add, risk_flag_end, risk_flag_review

__all__ = [
    "alert_acknowledge",
    "dedupe_run_save",
    "duplicate_cluster_dismiss",
    "duplicate_cluster_merge",
    "flagged_adult_linked",
    "household_create",
    "household_member_add",
    "household_member_end",
    "matcher_model_activate",
    "matcher_model_store",
    "person_address_add",
    "person_address_end",
    "person_create",
    "person_disability_add",
    "person_disability_remove",
    "person_identifier_add",
    "person_identifier_remove",
    "person_match",
    "person_merge",
    "person_merge_approve",
    "person_name_add",
    "person_name_end",
    "person_refresh_match_keys",
    "person_unmerge",
    "person_update",
    "relationship_add",
    "relationship_end",
    "risk_flag_add",
    "risk_flag_end",
    "risk_flag_review",
]
