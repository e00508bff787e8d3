"""Code lists and their weights: the shares English councils report (DfE Children in need and
Children looked after releases, see /docs/how-to/synthetic-ssd-extract.md). Only codes the DfE
lists (CIN census 2024-25 onwards, SSDA903 2025-26) appear here."""

import bisect
import itertools
import random
from collections.abc import Sequence


class Weighted:
    """Draw one of `codes` with the given weights, from a caller's generator (fast: bisect)."""

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.codes = tuple(code for code, _ in pairs)
        self._cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> str:
        return self.codes[bisect.bisect(self._cumulative, rng.random() * self._total)]


# Police 28% and schools 21% of referrals (DfE Children in need 2025).
REFERRAL_SOURCE = Weighted(
    [("6", 28), ("2A", 19), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 3), ("3F", 2),
     ("1A", 5), ("1B", 1), ("1C", 2), ("1D", 1), ("4", 2), ("5A", 3), ("5B", 3), ("5C", 4), ("5D", 5),
     ("7", 3), ("8", 4), ("9", 1), ("10", 1)]
)  # fmt: skip
REFERRAL_SOURCE_LABEL = {
    "1A": "Individual: family member", "1B": "Individual: acquaintance", "1C": "Individual: self",
    "1D": "Individual: other", "2A": "Schools", "2B": "Education services", "3A": "Health: GP",
    "3B": "Health: health visitor", "3C": "Health: school nurse", "3D": "Health: other primary",
    "3E": "Health: A&E", "3F": "Health: other", "4": "Housing", "5A": "LA: social care",
    "5B": "LA: other internal", "5C": "LA: external", "5D": "LA: early help", "6": "Police",
    "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
}  # fmt: skip
# Primary need at assessment: abuse or neglect is the largest group (about half of CIN).
PRIMARY_NEED = Weighted(
    [("N1", 52), ("N2", 9), ("N3", 4), ("N4", 9), ("N5", 15), ("N6", 2), ("N7", 1), ("N8", 8)]
)
# Factors identified at assessment; 18A/19A are legacy codes the 2024-25 rules query, so never used.
FACTOR = Weighted(
    [("3B", 17), ("4B", 17), ("3A", 13), ("4A", 11), ("17A", 10), ("16A", 10), ("2B", 8), ("1B", 6),
     ("5A", 4), ("6B", 3), ("18C", 4), ("19C", 2), ("18B", 1), ("19B", 1), ("10A", 3), ("11A", 2),
     ("24A", 2), ("13A", 1), ("14A", 2), ("15A", 3), ("7A", 1), ("2A", 1), ("1A", 1), ("20", 3),
     ("3C", 1), ("4C", 1), ("5B", 1), ("6A", 1), ("23A", 0.2), ("22A", 0.2), ("12A", 0.2), ("8F", 0.2)]
)  # fmt: skip
# Initial category of abuse of CP plans starting (DfE 2025: neglect ~50%, emotional ~37%).
CP_CATEGORY = Weighted([("NEG", 50), ("EMO", 37), ("PHY", 5), ("SAB", 4), ("MUL", 4)])
ETHNICITY = Weighted(
    [("WBRI", 67), ("WIRI", 0.5), ("WIRT", 0.3), ("WOTH", 5), ("WROM", 0.8), ("MWBC", 3), ("MWBA", 1),
     ("MWAS", 1), ("MOTH", 3), ("AIND", 1.5), ("APKN", 3), ("ABAN", 1), ("AOTH", 1.5), ("BCRB", 1),
     ("BAFR", 3), ("BOTH", 1), ("CHNE", 0.3), ("OOTH", 2), ("REFU", 0.3), ("NOBT", 2)]
)  # fmt: skip
UASC_ETHNICITY = Weighted([("AOTH", 40), ("OOTH", 25), ("BAFR", 25), ("BOTH", 5), ("WOTH", 5)])
UASC_NATIONALITY = Weighted(
    [("Afghanistan", 30), ("Eritrea", 15), ("Sudan", 15), ("Iran", 10), ("Albania", 8), ("Vietnam", 7),
     ("Syria", 8), ("Iraq", 7)]
)  # fmt: skip
DISABILITY = Weighted(
    [("AUT", 30), ("LD", 20), ("COMM", 12), ("BEH", 12), ("MOB", 6), ("HAND", 3), ("PC", 4), ("INC", 3),
     ("HEAR", 3), ("VIS", 3), ("CON", 1), ("DDA", 3)]
)  # fmt: skip
# Why a social worker changed (903 SW_REASON; FCONTA is the first allocation of a referral).
SW_CHANGE = Weighted(
    [("LEFTRL", 35), ("MANAGE", 20), ("TSPROC", 15), ("ORGRST", 8), ("ABSENC", 8), ("CHCHAN", 2),
     ("PCCHAN", 3), ("OTHERS", 9)]
)  # fmt: skip
REASON_PLACE_CHANGE = Weighted(
    [("CARPL", 31), ("PLACE", 10), ("OTHER", 12), ("CREQB", 8), ("CREQO", 8), ("LAREQ", 10), ("CHILD", 6),
     ("STAND", 5), ("ALLEG", 3), ("CLOSE", 4), ("APPRR", 2), ("CUSTOD", 1)]
)  # fmt: skip
REVIEW_PARTICIPATION = Weighted(
    [("PN1", 55), ("PN2", 5), ("PN3", 5), ("PN4", 5), ("PN5", 10), ("PN6", 10), ("PN7", 10)]
)
CARE_LEAVER_ACTIVITY = Weighted(
    [("F1", 6), ("P1", 1), ("F2", 18), ("P2", 3), ("F4", 4), ("P4", 1), ("F5", 14), ("P5", 6), ("G4", 8),
     ("G5", 28), ("G6", 11)]
)  # fmt: skip
CARE_LEAVER_ACCOMMODATION = Weighted(
    [("U1", 35), ("B1", 12), ("E1", 6), ("D1", 12), ("Z1", 8), ("C1", 3), ("K1", 3), ("T1", 2), ("Y1", 3),
     ("U2", 3), ("B2", 1), ("S2", 1), ("X2", 2), ("V2", 1), ("R2", 1)]
)  # fmt: skip
IN_TOUCH = Weighted([("YES", 90), ("NO", 6), ("REFU", 2), ("NREQ", 2)])
CARE_LEAVER_ELIGIBILITY = ("Relevant", "Former relevant")
# A child's previous permanence before this period of care (903 PrevPerm; most: none).
PREVIOUS_PERMANENCE = Weighted([("Z1", 86), ("P4", 5), ("P1", 3), ("P2", 4), ("P3", 2)])
TEAM_KINDS = ("front_door", "assessment", "safeguarding", "in_care", "leaving_care", "adoption")
