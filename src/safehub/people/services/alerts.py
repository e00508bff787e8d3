"""Flagged-adult alerts (issue 3, item 5).

"When a flagged adult becomes linked to a new household, child, address or contact anywhere in the
system, the allocated workers of the children concerned and the MASH queue are alerted, with the
reason." The person-index services call the `on_*` functions below inside their own transaction, so
a link and its alert commit or roll back together (R50). Later apps (front door contacts) call the
public hook `flagged_adult_linked`.

Which flags count: only current flags of the kinds in `RISK_TO_CHILDREN_FLAG_KINDS`. "Risk to
staff" and "missing" say nothing about danger to a child, and "risk of exploitation" marks a
person who is at risk, not one who poses it, so none of those raise alerts.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from safehub.accounts.constants import TeamKind
from safehub.accounts.models import Team
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..alerts.registry import allocated_workers_for
from ..alerts.selectors import recipient_policy
from ..constants import RelationshipKind, RiskFlagKind, Sensitivity
from ..models import (
    Address,
    AlertLinkKind,
    AlertRecipient,
    FlaggedAdultAlert,
    Household,
    HouseholdMember,
    Person,
    PersonAddress,
    Relationship,
    RiskFlag,
)
from ..policies import person_policy
from ._common import save_row

ADULT_AGE = 18
RISK_TO_CHILDREN_FLAG_KINDS = frozenset(
    {
        RiskFlagKind.POSING_RISK_TO_CHILDREN,
        RiskFlagKind.MAPPA_NOMINAL,
        RiskFlagKind.DOMESTIC_ABUSE_PERPETRATOR,
    }
)
# Kinds by which the other person is responsible for, or lives with, a child of theirs.
_RESPONSIBLE_FOR = frozenset({RelationshipKind.PARENT, RelationshipKind.STEP_PARENT, RelationshipKind.CARER})

# The link, in words that name no one: a recipient who may not see the adult still reads this.
DEFAULT_PHRASES = {
    AlertLinkKind.HOUSEHOLD: "became a member of a household where a child lives",
    AlertLinkKind.RELATIONSHIP: "has a new relationship that links them to a child",
    AlertLinkKind.ADDRESS: "is now recorded at an address where a child lives",
    AlertLinkKind.CONTACT: "was named in a contact about a child",
    AlertLinkKind.FLAG_ADDED: "was given this flag while linked to a child",
}
_CHILD_JOINED = {
    AlertLinkKind.HOUSEHOLD: "lives in a household that a child has joined",
    AlertLinkKind.ADDRESS: "lives at an address where a child is now recorded",
}


# --- who is a child, which flags count ---------------------------------------------------------
def is_child(person: Person, today: date | None = None) -> bool:
    """Under 18 on `today`, or unborn. A person with no known birth date is treated as an adult."""
    today = today or clock.today()
    if person.date_of_birth is None:
        return person.expected_date_of_birth is not None
    dob = person.date_of_birth
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return age < ADULT_AGE


def alerting_flags(person: Person, today: date | None = None) -> list[RiskFlag]:
    """The person's current flags of a "risk to children" kind (started, not ended)."""
    today = today or clock.today()
    return list(
        RiskFlag.objects.filter(
            person=person, kind__in=sorted(RISK_TO_CHILDREN_FLAG_KINDS), starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .order_by("kind", "starts_on")
    )


def _children(people: Iterable[Person], today: date) -> list[Person]:
    return [p for p in people if is_child(p, today)]


def _household_children(household: Household, today: date) -> list[Person]:
    members = HouseholdMember.objects.filter(household=household, valid_to__isnull=True).select_related(
        "person"
    )
    return _children((m.person for m in members), today)


def _address_children(address: Address, today: date) -> list[Person]:
    rows = PersonAddress.objects.filter(address=address, valid_to__isnull=True).select_related("person")
    return _children((r.person for r in rows), today)


def _current_relationships(person: Person) -> list[Relationship]:
    return list(
        Relationship.objects.filter(
            Q(person_a=person) | Q(person_b=person), valid_to__isnull=True
        ).select_related("person_a", "person_b")
    )


def _children_around(person: Person, today: date) -> list[Person]:
    """Children a person is linked to now: by relationship, household or address."""
    found: list[Person] = []
    for row in _current_relationships(person):
        found.append(row.person_b if row.person_a_id == person.pk else row.person_a)
    for member in HouseholdMember.objects.filter(person=person, valid_to__isnull=True).select_related(
        "household"
    ):
        found.extend(_household_children(member.household, today))
    for lived in PersonAddress.objects.filter(person=person, valid_to__isnull=True).select_related("address"):
        found.extend(_address_children(lived.address, today))
    return _children(found, today)


def _children_via_relationship(adult: Person, relationship: Relationship, today: date) -> list[Person]:
    """The other person if a child; if an adult, the children they are responsible for or live with
    (a flagged adult's new partner with children is the case this exists for)."""
    other = relationship.person_b if relationship.person_a_id == adult.pk else relationship.person_a
    if is_child(other, today):
        return [other]
    found: list[Person] = []
    for row in _current_relationships(other):
        if row.person_a_id == other.pk and row.kind in _RESPONSIBLE_FOR:
            found.append(row.person_b)
    for member in HouseholdMember.objects.filter(person=other, valid_to__isnull=True).select_related(
        "household"
    ):
        found.extend(_household_children(member.household, today))
    return _children(found, today)


# --- the public hook ---------------------------------------------------------------------------
def flagged_adult_linked(
    *,
    actor: Any,
    adult: Person,
    link_kind: str,
    context: Mapping[str, Any] | None = None,
    reason: str = "",
    children: Iterable[Person] | None = None,
) -> FlaggedAdultAlert | None:
    """Alert the children's allocated workers and the MASH queue if `adult` carries a current
    risk-to-children flag; return the alert, or None when there is nothing to alert.

    For later apps (front door contacts): `actor` has just linked `adult`, so must be able to see
    them. `context` names the link by model instances or ids under `household`, `address`,
    `relationship`, `flag` or `contact` (ids only are stored). `children` defaults to those the
    link concerns; a contact must name them. `reason` replaces the default wording of the link and
    must name no one: recipients who may not see the adult's record read it.
    The returned alert may concern records the actor may not see: never show it to them.
    """
    person_policy.check(actor, "view", adult)
    if link_kind not in AlertLinkKind.values:
        raise ValidationError({"link_kind": "Choose how the adult was linked."})
    if link_kind == AlertLinkKind.CONTACT and children is None:
        raise ValidationError({"children": "Name the children the contact is about."})
    return _raise(
        actor=actor, adult=adult, link_kind=link_kind, context=context or {}, phrase=reason, children=children
    )


def _raise(
    *,
    actor: Any,
    adult: Person,
    link_kind: str,
    context: Mapping[str, Any],
    phrase: str = "",
    children: Iterable[Person] | None = None,
) -> FlaggedAdultAlert | None:
    """Service-internal: no policy check (the calling service did its own, and an alert about an
    adult the actor may not see must still be raised). Runs in the caller's transaction."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionRefused()
    today = clock.today()
    if is_child(adult, today):
        return None
    flags = alerting_flags(adult, today)
    if not flags:
        return None
    if children is None:
        children = _children_for(adult, link_kind, context, today)
    concerned = {c.pk: c for c in _children(children, today) if c.pk != adult.pk}
    if not concerned:
        return None
    kinds = sorted({f.kind for f in flags})
    text = f"An adult with a current flag ({_flag_words(flags)}) {phrase or DEFAULT_PHRASES[AlertLinkKind(link_kind)]}."
    with transaction.atomic():
        alert = FlaggedAdultAlert(
            adult=adult,
            link_kind=link_kind,
            flag_kinds=kinds,
            reason=text,
            context=_stored_context(context),
            raised_by=actor,
        )
        alert.full_clean()
        alert.save()
        ordered = sorted(concerned.values(), key=lambda c: str(c.pk))
        alert.children.set(ordered)
        _add_recipients(alert, ordered, actor=actor)
        record_event(actor=actor, verb=Verb.CREATE, target=alert, reason=text)
    return alert


def _flag_words(flags: list[RiskFlag]) -> str:
    """The flag kinds for the reason. A sensitive flag's kind is not named: an allocated worker
    who may not see sensitive flags reads this too. MASH, who may, look it up on the record."""
    named = sorted({f.kind for f in flags if f.sensitivity != Sensitivity.SENSITIVE})
    words = [str(RiskFlagKind(k).label) for k in named]
    if any(f.sensitivity == Sensitivity.SENSITIVE and f.kind not in named for f in flags):
        words.append("a sensitive flag: the MASH team can see it")
    return " and ".join(words)


def _children_for(adult: Person, link_kind: str, context: Mapping[str, Any], today: date) -> list[Person]:
    if link_kind == AlertLinkKind.HOUSEHOLD and isinstance(context.get("household"), Household):
        return _household_children(context["household"], today)
    if link_kind == AlertLinkKind.ADDRESS and isinstance(context.get("address"), Address):
        return _address_children(context["address"], today)
    if link_kind == AlertLinkKind.RELATIONSHIP and isinstance(context.get("relationship"), Relationship):
        return _children_via_relationship(adult, context["relationship"], today)
    return _children_around(adult, today)


def _stored_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Ids only: the alert must not copy record content (names, addresses) out of its records."""
    stored: dict[str, Any] = {}
    for key, value in context.items():
        if hasattr(value, "pk"):
            stored[f"{key}_id"] = str(value.pk)
        elif isinstance(value, (str, int, bool)) or value is None:
            stored[key] = value
        else:
            stored[key] = str(value)  # a uuid, or a list of ids
    return dict(sorted(stored.items()))


def _add_recipients(alert: FlaggedAdultAlert, children: list[Person], *, actor: Any) -> None:
    users: dict[Any, Any] = {}
    for child in children:
        for user in allocated_workers_for(child):
            users.setdefault(user.pk, user)
    teams = Team.objects.filter(kind=TeamKind.MASH, is_active=True).order_by("name")
    rows = [
        AlertRecipient(alert=alert, user=u, updated_by=actor)
        for _, u in sorted(users.items(), key=lambda i: str(i[0]))
    ]
    rows += [AlertRecipient(alert=alert, team=t, updated_by=actor) for t in teams]
    for row in rows:
        row.full_clean(exclude=["alert"])
    AlertRecipient.objects.bulk_create(rows)


# --- triggers called by the person-index services -----------------------------------------------
def on_relationship_added(*, actor: Any, relationship: Relationship) -> None:
    if relationship.valid_to is not None:
        return
    for adult in (relationship.person_a, relationship.person_b):
        _raise(
            actor=actor,
            adult=adult,
            link_kind=AlertLinkKind.RELATIONSHIP,
            context={"relationship": relationship},
        )


def on_household_member_added(*, actor: Any, member: HouseholdMember) -> None:
    if member.valid_to is not None:
        return
    others = HouseholdMember.objects.filter(household=member.household, valid_to__isnull=True)
    _on_moved_in(
        actor=actor,
        person=member.person,
        link_kind=AlertLinkKind.HOUSEHOLD,
        context={"household": member.household, "household_member": member},
        others=others.exclude(person=member.person),
    )


def on_address_added(*, actor: Any, lived_at: PersonAddress) -> None:
    if lived_at.valid_to is not None:
        return
    others = PersonAddress.objects.filter(address=lived_at.address, valid_to__isnull=True)
    _on_moved_in(
        actor=actor,
        person=lived_at.person,
        link_kind=AlertLinkKind.ADDRESS,
        context={"address": lived_at.address, "person_address": lived_at},
        others=others.exclude(person=lived_at.person),
    )


def _on_moved_in(
    *, actor: Any, person: Person, link_kind: AlertLinkKind, context: dict[str, Any], others: QuerySet[Any]
) -> None:
    """An adult joining a household or address is checked against its children; a child joining
    one is checked against every current co-resident (`others`: memberships or residences)."""
    if not is_child(person):
        _raise(actor=actor, adult=person, link_kind=link_kind, context=context)
        return
    for other in others.select_related("person").order_by("person_id"):
        _raise(
            actor=actor,
            adult=other.person,
            link_kind=link_kind,
            context=context,
            phrase=_CHILD_JOINED[link_kind],
            children=[person],
        )


def on_risk_flag_added(*, actor: Any, flag: RiskFlag) -> None:
    """A new flag on an adult already linked to children; a flag already ended or not yet started
    raises nothing (it is not current)."""
    today = clock.today()
    if flag.kind not in RISK_TO_CHILDREN_FLAG_KINDS or flag.starts_on > today:
        return
    if flag.ends_on is not None and flag.ends_on <= today:
        return
    _raise(actor=actor, adult=flag.person, link_kind=AlertLinkKind.FLAG_ADDED, context={"flag": flag})


# --- acknowledgement ---------------------------------------------------------------------------
def alert_acknowledge(*, actor: Any, recipient: AlertRecipient, note: str = "") -> AlertRecipient:
    """The recipient (the user, or a member of the team) says they have seen the alert and acted.

    The note is what they did or decided; it is required, so an acknowledgement is never a bare click.
    """
    with transaction.atomic():
        recipient_policy.check(actor, "change", recipient)
        if recipient.acknowledged_at is not None:
            raise ValidationError({"note": "This alert has already been acknowledged."})
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": "Enter what you have done or decided about this alert."})
        now = clock.now()
        recipient.acknowledged_at = now
        recipient.acknowledged_by = actor
        recipient.acknowledgement_note = note
        if recipient.read_at is None:
            recipient.read_at = now
        save_row(recipient, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=recipient, section="acknowledgement")
    return recipient


def alert_mark_read(*, actor: Any, recipient: AlertRecipient) -> AlertRecipient:
    """The first time a recipient opens an alert; later openings change nothing (the reads are
    audited by the selector)."""
    with transaction.atomic():
        recipient_policy.check(actor, "view", recipient)
        if recipient.read_at is None:
            recipient.read_at = clock.now()
            save_row(recipient, actor=actor)
    return recipient


__all__ = [
    "RISK_TO_CHILDREN_FLAG_KINDS",
    "alert_acknowledge",
    "alert_mark_read",
    "alerting_flags",
    "flagged_adult_linked",
    "is_child",
]
