"""Words for the SSDA903 codes, for pages and form choices.

The 903 schema that reference data syncs from carries most code lists as bare codes ("C1", "U4"),
so a page would show "C1: C1". Which codes are *valid* still comes from reference data (a code the
DfE retires is disabled there, and a new one arrives with the next schema); this module only says
what each means, in the words of the DfE's 903 guidance (STATUTORY.md 2.2). A code with no words
here shows its reference-data label, or the bare code.
"""

from collections.abc import Iterator

from django.utils.choices import BaseChoiceIterator

from safehub.reference_data.selectors import code_choices

from . import constants as c

_WORDS: dict[str, dict[str, str]] = {
    c.LEGAL_STATUS_LIST: {
        "C1": "Interim care order",
        "C2": "Full care order",
        "D1": "Freeing order",
        "E1": "Placement order",
        "V2": "Accommodated under section 20 (single period)",
        "V3": "Short breaks, each episode recorded",
        "V4": "Short breaks under an agreement",
        "L1": "Police protection, in council accommodation",
        "L2": "Emergency protection order",
        "L3": "Child assessment order, in council accommodation",
        "J1": "Remanded to council or youth detention accommodation",
        "J2": "Detained under PACE, in council accommodation",
        "J3": "Youth rehabilitation order with residence or fostering",
    },
    c.PLACEMENT_TYPE_LIST: {
        "A3": "Placed for adoption with consent, with current foster carer",
        "A4": "Placed for adoption with consent, not with current foster carer",
        "A5": "Placed for adoption with a placement order, with current foster carer",
        "A6": "Placed for adoption with a placement order, not with current foster carer",
        "H5": "Semi-independent living (unregulated, before 2025)",
        "K1": "Secure children's home",
        "K2": "Children's home",
        "K3": "Registered supported accommodation",
        "P1": "With parents or others with parental responsibility",
        "P2": "Independent living (before 2025)",
        "P3": "Residential employment",
        "R1": "Residential care home",
        "R2": "NHS or health trust establishment",
        "R3": "Family centre or mother and baby unit",
        "R5": "Young offender institution or prison",
        "S1": "Residential school",
        "T0": "Temporary move (any)",
        "T1": "Temporary: in hospital",
        "T2": "Temporary: on holiday",
        "T3": "Temporary: while the foster carer is on holiday",
        "T4": "Temporary: 7 days or less, other reason",
        "U1": "Foster: relative or friend, long term",
        "U2": "Foster: relative or friend who is an approved adopter (fostering for adoption)",
        "U3": "Foster: relative or friend, not long term",
        "U4": "Foster: other carer, long term",
        "U5": "Foster: other carer who is an approved adopter (fostering for adoption)",
        "U6": "Foster: other carer, not long term",
        "Z1": "Other placement (before 2025)",
    },
    c.PROVIDER_LIST: {
        "PR0": "Parent or other person with parental responsibility",
        "PR1": "Own council's provision",
        "PR2": "Another council's provision",
        "PR3": "Other public provision",
        "PR4": "Private provision",
        "PR5": "Voluntary or third sector provision",
    },
    c.CEASED_REASON_LIST: {
        "X1": "Episode ended and a new one started the same day",
        "E11": "Adopted: application unopposed",
        "E12": "Adopted: consent dispensed with by the court",
        "E2": "Died",
        "E3": "Care taken over by another council",
        "E4A": "Returned home as part of the care plan",
        "E4B": "Returned home, not part of the care plan",
        "E13": "Left to live with a parent, relative or other person without parental responsibility",
        "E41": "Child arrangements (residence) order",
        "E45": "Special guardianship order to former foster carers who are relatives or friends",
        "E46": "Special guardianship order to former foster carers, not relatives or friends",
        "E47": "Special guardianship order to other carers who are relatives or friends",
        "E48": "Special guardianship order to other carers, not relatives or friends",
        "E5": "Moved to independent living with formal support",
        "E6": "Moved to independent living without formal support",
        "E7": "Transferred to residential care funded by adult social care",
        "E9": "Sentenced to custody",
        "E14": "Accommodation on remand ended",
        "E15": "Age assessment found the young person to be 18 or over",
        "E16": "Moved abroad",
        "E17": "Aged 18 or over and stayed with the foster carers (staying put)",
        "E8": "Care ended for another reason",
    },
    c.PLACEMENT_CHANGE_REASON_LIST: {
        "CARPL": "To carry out the care plan",
        "CLOSE": "The carer resigned or the provision closed",
        "ALLEG": "An allegation (section 47 enquiry)",
        "STAND": "Concerns about the standard of care",
        "APPRR": "The carer's approval was removed",
        "CREQB": "The carer asked for it to end because of the child's behaviour",
        "CREQO": "The carer asked for it to end for other reasons",
        "CHILD": "The child asked for it to end",
        "LAREQ": "The council asked for it to end",
        "PLACE": "A change in the placement's status only",
        "CUSTOD": "Custody arrangement",
        "OTHER": "Another reason",
    },
    c.PARTICIPATION_LIST: {
        "PN0": "Under 4 at the time of the review",
        "PN1": "Attended and spoke for themselves",
        "PN2": "Attended; an advocate spoke for them",
        "PN3": "Attended and conveyed their views without words",
        "PN4": "Attended but did not contribute",
        "PN5": "Did not attend; briefed an advocate",
        "PN6": "Did not attend; conveyed their views another way",
        "PN7": "Did not attend and their views were not conveyed",
    },
    c.MISSING_KIND_LIST: {
        "M": "Missing: whereabouts not known",
        "A": "Away from placement without authorisation: whereabouts known",
    },
    c.SDQ_REASON_LIST: {
        "SDQ1": "Under 4 or over 16",
        "SDQ2": "The carer refused",
        "SDQ3": "The child's disability is too severe",
        "SDQ4": "Another reason",
        "SDQ5": "The young person refused",
    },
    c.ADOPTION_CEASED_LIST: {
        "RD1": "The child's needs changed",
        "RD2": "The court did not make a placement order",
        "RD3": "Adopters could not be found",
        "RD4": "Another reason",
    },
    c.PREVIOUS_PERMANENCE_LIST: {
        "P1": "Adoption",
        "P2": "Special guardianship order",
        "P3": "Residence order or child arrangements order",
        "P4": "Not known",
        "Z1": "None",
    },
    c.ADOPTER_SEX_LIST: {
        "M1": "A single man",
        "F1": "A single woman",
        "MM": "Two men",
        "FF": "Two women",
        "MF": "A man and a woman",
    },
    c.ADOPTER_LEGAL_STATUS_LIST: {
        # As the 903 rules read them: 520 (L11 is a man and a woman), 517 (L3 likewise).
        "L0": "Single adopter",
        "L11": "Married couple of different sexes",
        "L12": "Married couple of the same sex",
        "L2": "Civil partners",
        "L3": "Unmarried couple of different sexes",
        "L4": "Unmarried couple of the same sex",
    },
    c.NEED_LIST: {
        "N1": "Abuse or neglect",
        "N2": "Child's disability",
        "N3": "Parental illness or disability",
        "N4": "Family in acute stress",
        "N5": "Family dysfunction",
        "N6": "Socially unacceptable behaviour",
        "N7": "Low income",
        "N8": "Absent parenting",
    },
    c.IN_TOUCH_LIST: {
        "YES": "Yes, in touch",
        "NO": "No, not in touch",
        "DIED": "The young person has died",
        "REFU": "The young person refuses contact",
        "NREQ": "No longer needs services",
        "RHOM": "Returned home to parents for 6 months or more",
    },
    c.ACTIVITY_LIST: {
        "F1": "Higher education, full time",
        "P1": "Higher education, part time",
        "F2": "Other education, full time",
        "P2": "Other education, part time",
        "F4": "Apprenticeship, full time",
        "P4": "Apprenticeship, part time",
        "F5": "Training or employment, full time",
        "P5": "Training or employment, part time",
        "G4": "Not in education, training or employment: illness or disability",
        "G5": "Not in education, training or employment: other reasons",
        "G6": "Not in education, training or employment: pregnancy or parenting",
        "0": "Not known",
    },
}


def words(key: str, code: str) -> str:
    """What `code` in the list `key` means, or "" when this module does not know."""
    return _WORDS.get(key, {}).get(code, "")


def code_label(key: str, code: str, reference_label: str = "") -> str:
    """ "C1: Interim care order" — the code with its meaning, never "C1: C1"."""
    if not code:
        return ""
    meaning = words(key, code) or (reference_label if reference_label != code else "")
    return f"{code}: {meaning}" if meaning else code


class LabelledChoices(BaseChoiceIterator):
    """Choices for a ChoiceField: the codes reference data holds today, with their meanings.

    Lazy (a BaseChoiceIterator): read when the form is rendered or validated, never at import.
    """

    def __init__(self, key: str, *, blank: str = "", exclude: frozenset[str] = frozenset()) -> None:
        self.key, self.blank, self.exclude = key, blank, exclude

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if self.blank:
            yield ("", self.blank)
        for code, label in code_choices(self.key):
            if code not in self.exclude:
                yield (code, code_label(self.key, code, label))
