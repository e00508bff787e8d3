"""A synthetic city of any size as a Standard Safeguarding Dataset extract (issue 7, item 8).

Children with social care involvement and their journeys over several years (contacts,
referrals, assessments, s47s, conferences, CP and CIN plans, periods of care, permanence, care
leavers), written as one CSV per SSD table so that `safehub returns import-ssd` can load it and
the CIN census and SSDA903 made from it pass the DfE validators. Synthetic data only (Faker en_GB
names, NHS numbers from the never-issued range, UPNs with valid check letters)."""

from .schema import ssd_tables
from .writer import ExtractSummary, write_ssd_extract

__all__ = ["ExtractSummary", "ssd_tables", "write_ssd_extract"]
