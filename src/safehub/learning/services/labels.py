"""The anonymised label a review is known by ("Child F"), and the check that it does not reveal the
child (ADR 0008 §2).

Outside the partnership's managers a review is known only by its label: the board report, the
themes view and the partners' pages all show it. So a label that carries any name the child has
been known by, or their date of birth, would undo the incident's restriction. The check compares
whole words, ignoring case and accents, against every name on the child's record (current,
previous, alias, at birth; and those of any record merged into it), and looks for the date of
birth in the ways people write dates.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from safehub.people.models import Person, PersonName

Errors = dict[str, list[str]]

EMPTY = 'Enter the anonymised label the review will be known by, for example "Child F".'
REVEALS_NAME = (
    "This label would reveal who the child is: it contains a name they are known by. "
    'Use an anonymised label, for example "Child F".'
)
REVEALS_BIRTH = (
    "This label would reveal who the child is: it contains their date of birth. "
    'Use an anonymised label, for example "Child F".'
)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_SEP = r"[-/. ]"
_GAP = r"[\s,./-]*"  # between a month's name and a number: "9 May", "09-May-19", "May 9, 2019"
# Each pattern captures (day, month, year) in some order; `_ORDERS` says which group is which.
_DATE_PATTERNS = [
    (re.compile(rf"(?<!\d)(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?!\d)"), "ymd"),
    (re.compile(rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}})(?!\d)"), "dmy"),
    (re.compile(rf"(?<!\d){_DAY}{_GAP}(?:of\s+)?{_MONTH}{_GAP}(\d{{4}}|\d{{2}})(?!\d)"), "dMy"),
    (re.compile(rf"(?<![a-z]){_MONTH}{_GAP}{_DAY}{_GAP}(\d{{4}}|\d{{2}})(?!\d)"), "Mdy"),
    (re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)"), "dmy"),
]


# A name like O'Brien is often typed with a curly apostrophe (U+2019) instead of a straight one.
_CURLY_APOSTROPHE = "\u2019"


def _fold(text: str) -> str:
    """Lower case without accents, so "ZOË" and "zoe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _name_words(names: Iterable[str]) -> set[str]:
    """Each name as written and each part of it ("Mary-Jane Smith" gives mary-jane, mary, jane, smith).

    A lone letter is left out: "Child F" is the usual form of an anonymised label, and an initial
    recorded as a middle name would otherwise refuse every such label.
    """
    words: set[str] = set()
    for name in names:
        folded = _fold(name).strip()
        if not folded:
            continue
        words.add(folded)
        for part in re.split(r"\s+", folded):
            words.add(part)
            words.update(re.split(rf"[-'{_CURLY_APOSTROPHE}]", part))
    stripped = {w.strip(f".-' {_CURLY_APOSTROPHE}") for w in words}
    return {w for w in stripped if len(w) > 1}


def child_names(child: Person) -> set[str]:
    """Every name the child (and any record merged into theirs) has been known by, folded."""
    people = Person.objects.filter(Q(pk=child.pk) | Q(merged_into_id=child.pk))
    names: list[str] = []
    for given, family, preferred in people.values_list("given_name", "family_name", "preferred_name"):
        names += [given, family, preferred]
    for given, family in PersonName.objects.filter(
        Q(person_id=child.pk) | Q(person__merged_into_id=child.pk)
    ).values_list("given_name", "family_name"):
        names += [given, family]
    return _name_words(names)


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def _year_matches(written: str, year: int) -> bool:
    return int(written) == year if len(written) == 4 else int(written) == year % 100


def _dates_match(match: re.Match[str], order: str, born: date) -> bool:
    values = dict(zip(order, match.groups(), strict=True))
    month = MONTHS[values["M"]] if "M" in values else int(values["m"])
    return int(values["d"]) == born.day and month == born.month and _year_matches(values["y"], born.year)


def contains_date(text: str, born: date) -> bool:
    """Whether `text` (folded) writes `born` in any common form: 2019-05-09, 09/05/2019, 9.5.19,
    9 May 2019, 9th of May 2019, May 9, 2019, 09052019, 20190509."""
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if _dates_match(match, order, born):
                return True
    return False


def subject_label_errors(
    errors: Errors, label: str, child: Person | None, field: str = "subject_label"
) -> str:
    """Add to `errors` what is wrong with `label` for a review about `child`; answer the label trimmed.

    `child` is None for a legacy review recorded without its incident: there is no record to
    compare with. The messages never repeat the name or date found, because they are shown back
    to the user and may be logged.
    """
    label = (label or "").strip()
    if not label:
        errors.setdefault(field, []).append(EMPTY)
        return label
    if child is None:
        return label
    folded = _fold(label)
    if any(_contains_word(folded, word) for word in child_names(child)):
        errors.setdefault(field, []).append(REVEALS_NAME)
    births = [d for d in (child.date_of_birth, child.expected_date_of_birth) if d is not None]
    if any(contains_date(folded, born) for born in births):
        errors.setdefault(field, []).append(REVEALS_BIRTH)
    return label
