"""SSD casework tables (issue 7): contacts, CIN and child protection, and allocations.

Importing this module registers the adapters (`tables.load_order` imports it). They live in
`casework_referrals` (CIN episodes, involvements), `casework_contacts`, `casework_cin` (assessments,
factors), `casework_cin_plans` (CIN plans, CIN visits), `casework_cp` (section 47 enquiries, initial conferences) and
`casework_cp_plans` (CP plans, reviews, CP visits); `casework_common` holds what they share.

`ssd_early_help_episodes` is not registered: Safehub has no early help app yet (issue 9), so the
runner reports that table's rows as unsupported rather than loading them anywhere.
"""

from . import (
    casework_cin,
    casework_cin_plans,
    casework_contacts,
    casework_cp,
    casework_cp_plans,
    casework_referrals,
)

__all__ = [
    "casework_cin",
    "casework_cin_plans",
    "casework_contacts",
    "casework_cp",
    "casework_cp_plans",
    "casework_referrals",
]
