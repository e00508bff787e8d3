"""Code lists for people. Sex follows the CIN census / SSDA903 codes (1 male, 2 female, 0/9 unknown)."""

from django.db import models

# A search must return no more than this many people; ask for more criteria instead (R45).
SEARCH_RESULT_CAP = 50


class Sex(models.TextChoices):
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    UNKNOWN = "0", "Not known"
    UNBORN = "9", "Not stated / unborn"


class NameKind(models.TextChoices):
    CURRENT = "current", "Current name"
    PREVIOUS = "previous", "Previous name"
    ALIAS = "alias", "Alias or also known as"
    BIRTH = "birth", "Name at birth"


class IdentifierKind(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique Pupil Number"
    FORMER_UPN = "former_upn", "Former Unique Pupil Number"
    AGENCY_ID = "agency_id", "Agency's own identifier"
    POLICE_REFERENCE = "police_reference", "Police reference"


# One holder in the whole index: a national number names one person.
NATIONAL_IDENTIFIER_KINDS = frozenset({IdentifierKind.NHS_NUMBER, IdentifierKind.UPN})
# Meaningful only with the agency that issued them; one holder per agency.
AGENCY_IDENTIFIER_KINDS = frozenset({IdentifierKind.AGENCY_ID, IdentifierKind.POLICE_REFERENCE})


class AddressKind(models.TextChoices):
    HOME = "home", "Home"
    CARE = "care", "Care placement"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class RelationshipKind(models.TextChoices):
    """What person A is to person B. Each pair is stored once, in the direction of `STORED_KINDS`."""

    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    STEP_PARENT = "step_parent", "Step-parent"
    STEP_CHILD = "step_child", "Step-child"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    PARTNER = "partner", "Partner"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    CARER = "carer", "Carer"
    CARED_FOR = "cared_for", "Cared for"
    GRANDPARENT = "grandparent", "Grandparent"
    GRANDCHILD = "grandchild", "Grandchild"
    OTHER = "other", "Other"


_R = RelationshipKind
# A is INVERSE[k] of B exactly when B is k of A. Symmetric kinds are their own inverse.
RELATIONSHIP_INVERSE: dict[str, str] = {
    _R.PARENT: _R.CHILD,
    _R.CHILD: _R.PARENT,
    _R.STEP_PARENT: _R.STEP_CHILD,
    _R.STEP_CHILD: _R.STEP_PARENT,
    _R.CARER: _R.CARED_FOR,
    _R.CARED_FOR: _R.CARER,
    _R.GRANDPARENT: _R.GRANDCHILD,
    _R.GRANDCHILD: _R.GRANDPARENT,
    _R.SIBLING: _R.SIBLING,
    _R.HALF_SIBLING: _R.HALF_SIBLING,
    _R.PARTNER: _R.PARTNER,
    _R.HOUSEHOLD_MEMBER: _R.HOUSEHOLD_MEMBER,
    _R.OTHER: _R.OTHER,
}
SYMMETRIC_RELATIONSHIPS = frozenset(k for k, inverse in RELATIONSHIP_INVERSE.items() if k == inverse)
# The direction a pair is stored in: "A parent of B", never "B child of A", so one pair is one row.
STORED_RELATIONSHIPS = frozenset(
    {_R.PARENT, _R.STEP_PARENT, _R.CARER, _R.GRANDPARENT} | SYMMETRIC_RELATIONSHIPS
)
STORED_RELATIONSHIP_CHOICES = [(k.value, k.label) for k in RelationshipKind if k in STORED_RELATIONSHIPS]


class RiskFlagKind(models.TextChoices):
    POSING_RISK_TO_CHILDREN = "posing_risk_to_children", "Person posing a risk to children"
    MAPPA_NOMINAL = "mappa_nominal", "MAPPA nominal"
    DOMESTIC_ABUSE_PERPETRATOR = "domestic_abuse_perpetrator", "Domestic abuse perpetrator"
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
    EXPLOITATION_RISK = "exploitation_risk", "Risk of exploitation"
    MISSING = "missing", "Missing"


class Sensitivity(models.TextChoices):
    NORMAL = "normal", "Normal"
    SENSITIVE = "sensitive", "Sensitive"


# The columns of `safehub people import-csv` (and of `match-file` queries), in order: issue 3's
# agreed interface, shared by the importer, the synthetic population and the benchmarks.
IMPORT_HEADER = (
    "source_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
    "upn",
)


class DisabilityCode(models.TextChoices):
    """The CIN census disability list (DfE item 8540), which the SSD and Annex A use too. NONE
    records that the child was asked about and has none; it never sits beside another code (8790)."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability under the Equality Act 2010"
