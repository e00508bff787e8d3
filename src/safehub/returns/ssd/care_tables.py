"""The children-in-care SSD adapters (issue 7): importing this module registers them (tables.py).

- care_episodes: ssd_cla_episodes (the periods of care); care_periods: ssd_legal_status,
  ssd_cla_placement (+ care_reconcile, the whole-period check once the placements are in)
- care_records: reviews, visits, health, immunisations, substance misuse, convictions, SDQ,
  missing, immigration status (UASC)
- care_permanence: ssd_permanence, ssd_cla_previous_permanence; care_leavers: ssd_care_leavers

ssd_cla_care_plan is deliberately not registered: Safehub holds no permanence plan, so the runner
reports its rows as a table not supported.
"""

from . import care_episodes, care_leavers, care_periods, care_permanence, care_records

__all__ = ["care_episodes", "care_leavers", "care_periods", "care_permanence", "care_records"]
