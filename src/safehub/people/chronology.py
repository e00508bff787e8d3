"""A person's chronology, assembled from every app that knows something about them (issue 3, item 2).

Apps register a source with `register_chronology_source(name, fn)` in their `AppConfig.ready()`;
`fn(person, actor)` yields `ChronologyEntry` rows the actor may see (the source applies its own
policy). `people` registers its own sources below: names, addresses, households, relationships,
risk flags, identifiers, and merges once the merge history exists.

A source that fails is not swallowed and does not take the page down: its exception is logged
with the source's name and the chronology carries a visible `SourceFailure`, which the page shows
as an error at the top ("this chronology is incomplete") and as a row in the list. A worker who
reads a chronology must know when it is missing something; a blank page in an emergency helps no
one.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from .constants import RiskFlagKind, Sensitivity
from .models import HouseholdMember, Person, PersonAddress, PersonIdentifier, PersonName, RiskFlag
from .network.flags import may_see_sensitive, visible_flags
from .policies import person_policy
from .selectors import relationships_for

logger = logging.getLogger(__name__)


class EntryKind:
    NAME = "name"
    ADDRESS = "address"
    HOUSEHOLD = "household"
    RELATIONSHIP = "relationship"
    RISK_FLAG = "risk_flag"
    IDENTIFIER = "identifier"
    MERGE = "merge"


KIND_LABELS: dict[str, str] = {
    EntryKind.NAME: "Names",
    EntryKind.ADDRESS: "Addresses",
    EntryKind.HOUSEHOLD: "Households",
    EntryKind.RELATIONSHIP: "Relationships",
    EntryKind.RISK_FLAG: "Risk flags",
    EntryKind.IDENTIFIER: "Identifiers",
    EntryKind.MERGE: "Merges",
}


@dataclass(frozen=True)
class ChronologyEntry:
    date: date
    kind: str
    title: str
    detail: str = ""
    source: str = "people"
    url: str | None = None
    sensitivity: str = Sensitivity.NORMAL


@dataclass(frozen=True)
class SourceFailure:
    source: str


@dataclass
class Chronology:
    entries: list[ChronologyEntry]
    kinds: list[tuple[str, str]]  # (kind, label) present before filtering, for the filter
    failures: list[SourceFailure] = field(default_factory=list)


ChronologySource = Callable[[Person, Any], Iterable[ChronologyEntry]]
_sources: dict[str, ChronologySource] = {}
# Sources that apply a finer rule of their own to their sensitive entries (e.g. "staff of the
# agency that raised the flag"), so the blanket guard in `chronology_for` leaves them alone.
_checks_own_sensitivity: set[str] = set()


def register_chronology_source(
    name: str, fn: ChronologySource, *, checks_sensitivity: bool = False
) -> ChronologySource:
    """Register (or replace) the source called `name`. Names are unique: "casework.visits".

    By default a `sensitive` entry is shown only to roles that may see sensitive information;
    a source that applies its own, finer rule says so with `checks_sensitivity=True`.
    """
    _sources[name] = fn
    _checks_own_sensitivity.discard(name)
    if checks_sensitivity:
        _checks_own_sensitivity.add(name)
    return fn


def unregister_chronology_source(name: str) -> None:
    _sources.pop(name, None)
    _checks_own_sensitivity.discard(name)


def register_kind_label(kind: str, label: str) -> None:
    """Other apps name their own kinds for the filter ("visit": "Visits")."""
    KIND_LABELS.setdefault(kind, label)


def chronology_for(*, actor: Any, person: Person, kind: str = "") -> Chronology:
    """Every registered source's entries for `person`, newest first; audited as a view."""
    person_policy.check(actor, "view", person)
    entries: list[ChronologyEntry] = []
    failures: list[SourceFailure] = []
    sees_sensitive = may_see_sensitive(actor)
    for name in sorted(_sources):
        try:
            found = list(_sources[name](person, actor))
        except Exception:
            logger.exception("chronology_source_failed", extra={"source": name, "person_id": str(person.pk)})
            failures.append(SourceFailure(name))
            continue
        # A guard behind each source's own: a sensitive entry never reaches a reader who may not
        # see sensitive information, unless the source vouches that it applied a finer rule.
        if not sees_sensitive and name not in _checks_own_sensitivity:
            found = [e for e in found if e.sensitivity != Sensitivity.SENSITIVE]
        entries.extend(found)
    present = sorted({e.kind for e in entries})
    kinds = [(k, KIND_LABELS.get(k, k.replace("_", " ").capitalize())) for k in present]
    if kind:
        entries = [e for e in entries if e.kind == kind]
    entries.sort(key=lambda e: (e.date, e.kind, e.title), reverse=True)
    record_event(actor=actor, verb=Verb.VIEW, target=person, section="chronology")
    return Chronology(entries=entries, kinds=kinds, failures=failures)


# --- people's own sources ----------------------------------------------------------------------
def _day(value: datetime) -> date:
    return timezone.localdate(value)


def _names(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    for name in PersonName.objects.filter(person=person).order_by("created_at"):
        full = f"{name.given_name} {name.family_name}"
        yield ChronologyEntry(
            date=name.valid_from or _day(name.created_at),
            kind=EntryKind.NAME,
            title=f"Known as {full}",
            detail=str(name.get_kind_display()),
        )
        if name.valid_to:
            yield ChronologyEntry(name.valid_to, EntryKind.NAME, f"No longer known as {full}")


def _addresses(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    for row in PersonAddress.objects.filter(person=person).select_related("address"):
        kind = row.get_kind_display().lower()
        yield ChronologyEntry(
            date=row.valid_from or _day(row.created_at),
            kind=EntryKind.ADDRESS,
            title=f"Address recorded ({kind})",
            detail=str(row.address),
        )
        if row.valid_to:
            yield ChronologyEntry(row.valid_to, EntryKind.ADDRESS, f"Left address ({kind})", str(row.address))


def _households(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    for row in HouseholdMember.objects.filter(person=person).select_related("household__address"):
        where = str(row.household.address)
        yield ChronologyEntry(
            row.valid_from or _day(row.created_at), EntryKind.HOUSEHOLD, "Joined a household", where
        )
        if row.valid_to:
            yield ChronologyEntry(row.valid_to, EntryKind.HOUSEHOLD, "Left a household", where)


def _relationships(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    from django.urls import reverse

    # Through the selector, so a relationship to a person the actor may not see is left out.
    for side in relationships_for(actor=actor, person=person, purpose="chronology"):
        row = side.relationship
        url = reverse("people:detail", args=[side.other.pk])
        yield ChronologyEntry(
            row.valid_from or _day(row.created_at),
            EntryKind.RELATIONSHIP,
            f"Relationship: {side.label}",
            url=url,
        )
        if row.valid_to:
            yield ChronologyEntry(
                row.valid_to, EntryKind.RELATIONSHIP, f"Relationship ended: {side.label}", url=url
            )


def _risk_flags(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    for flag in visible_flags(actor, RiskFlag.objects.filter(person=person)).select_related("source_agency"):
        label = RiskFlagKind(flag.kind).label
        source = f"From {flag.source_agency}"
        sensitivity = str(flag.sensitivity)
        yield ChronologyEntry(
            flag.starts_on, EntryKind.RISK_FLAG, f"Risk flag added: {label}", source, sensitivity=sensitivity
        )
        if flag.reviewed_on:
            yield ChronologyEntry(
                flag.reviewed_on, EntryKind.RISK_FLAG, f"Risk flag reviewed: {label}", sensitivity=sensitivity
            )
        if flag.ends_on:
            yield ChronologyEntry(
                flag.ends_on, EntryKind.RISK_FLAG, f"Risk flag ended: {label}", sensitivity=sensitivity
            )


def _identifiers(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    for identifier in PersonIdentifier.objects.filter(person=person).select_related("issuing_agency"):
        what = str(identifier.get_kind_display())
        issuer = f"Issued by {identifier.issuing_agency}" if identifier.issuing_agency else ""
        yield ChronologyEntry(_day(identifier.created_at), EntryKind.IDENTIFIER, f"{what} added", issuer)
        if identifier.removed_at:
            yield ChronologyEntry(
                _day(identifier.removed_at),
                EntryKind.IDENTIFIER,
                f"{what} removed",
                identifier.removed_reason,
            )


def _merges(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    """Merges and unmerges this record took part in, once the merge history exists (it is looked up
    by name so the chronology does not depend on it). The other record is named and linked only
    when the actor may see it."""
    from django.apps import apps
    from django.urls import reverse

    try:
        merge_model = apps.get_model("people", "PersonMerge")
    except LookupError:
        return
    rows = merge_model.objects.filter(Q(survivor=person) | Q(absorbed=person)).select_related(
        "survivor", "absorbed"
    )
    for merge in rows.filter(merged_at__isnull=False).order_by("merged_at"):
        if merge.merged_at is None:  # excluded by the filter; says so to the type checker
            continue
        other = merge.absorbed if merge.survivor_id == person.pk else merge.survivor
        visible = person_policy.can(actor, "view", other)
        url = reverse("people:detail", args=[other.pk]) if visible else None
        who = str(other) if visible else "another record"
        title = f"Merged with {who}" if merge.survivor_id == person.pk else f"Merged into {who}"
        yield ChronologyEntry(_day(merge.merged_at), EntryKind.MERGE, title, merge.reason, url=url)
        if merge.unmerged_at:
            yield ChronologyEntry(
                _day(merge.unmerged_at),
                EntryKind.MERGE,
                f"Merge with {who} undone",
                merge.unmerge_reason,
                url=url,
            )


register_chronology_source("people.names", _names)
register_chronology_source("people.addresses", _addresses)
register_chronology_source("people.households", _households)
register_chronology_source("people.relationships", _relationships)
register_chronology_source("people.risk_flags", _risk_flags, checks_sensitivity=True)
register_chronology_source("people.identifiers", _identifiers)
register_chronology_source("people.merges", _merges)
