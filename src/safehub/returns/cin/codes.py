"""The DfE CIN census code lists the census may contain (CIN_schema_2024.xsd, csc-validator-be-cin 0.1.13).

Kept here, not read from reference data at run time, so the census never depends on whether
`sync_reference_data` has run: the returns must never write a code the DfE lists do not have.
A test compares every list with the enumerations of the reference XSD, so the two cannot drift.
"""

from datetime import date

ETHNICITY = frozenset(
    {
        "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
        "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    }
)  # fmt: skip
# Blank ethnicity in the record means nobody has asked yet: the census says "not yet obtained".
ETHNICITY_NOT_OBTAINED = "NOBT"

DISABILITY = frozenset(
    {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"}
)
REFERRAL_SOURCE = frozenset(
    {
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
        "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
    }
)  # fmt: skip
PRIMARY_NEED = frozenset({"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0"})
REASON_FOR_CLOSURE = frozenset({"RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"})
CATEGORY_OF_ABUSE = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
# 18A and 19A were withdrawn from 2024-25 (rules 8945Q, 8950Q) and are not in the schema's list.
ASSESSMENT_FACTORS = frozenset(
    {
        "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B",
        "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A",
        "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C", "20", "21",
        "22A", "23A", "24A",
    }
)  # fmt: skip
# Rule 8869: "21" (no factors identified) stands alone.
NO_FACTORS = "21"
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})
# UN1: not of school age, no UPN yet. UN7: a referral with no further action (rule 8772).
UPN_NOT_SCHOOL_AGE = "UN1"
UPN_REFERRAL_NFA = "UN7"

# Sex from 2024-25 (rule 4180): M, F, or U (unknown, and always U for an unborn child, rule 8750).
SEX = frozenset({"M", "F", "U"})
SEX_UNKNOWN = "U"
# people.Sex stores "1" male, "2" female, "0" not known, "9" not stated / unborn.
SEX_FROM_PERSON = {"1": "M", "2": "F", "0": "U", "9": "U"}

# Booleans as "1"/"0": the validator's rules compare the text, and some accept only these two
# spellings (8740 tests ICPCnotRequired == "0", 2885 tests != "1").
TRUE = "1"
FALSE = "0"


def school_age_cut_off(year: int) -> date:
    """A child born on or before this date is of school age in the census ending 31 March `year`
    (rule 8770Q: reference date + 4 months + 31 days - 6 years, i.e. 31 August six years before)."""
    return date(year - 6, 8, 31)
