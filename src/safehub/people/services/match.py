"""Finding a person in the index: ranked candidates with a probability and a per-field explanation
(issue 3, item 3; docs/adr/0002-person-matching.md), and storing a trained matcher model.

Scoring runs over everyone who shares a blocking key, restricted people included, because a MASH
worker must be told that a restricted record matches (R22). Only then is the ranked list split by
`person_policy.scope(actor)`: a hidden person contributes nothing to what the caller receives except,
for MASH roles, one count. The visible list is the best ten the caller may see, so it is the same
list whether or not hidden people scored above them.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability, Role
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import PermissionRefused

from .. import identifiers as id_checks
from ..constants import NATIONAL_IDENTIFIER_KINDS, IdentifierKind
from ..matching import scorer
from ..models import MatcherModel, Person, PersonIdentifier
from ..normalise import ProfileValues, profile_values, query_keys
from ..policies import person_policy

MATCH_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
    "upn",
)
MAX_CANDIDATES = 10
# A hidden candidate is reported to MASH roles only when it is a plausible match, not merely a
# neighbour at the same postcode.
RESTRICTED_NOTICE_PROBABILITY = 0.5
MASH_ROLES = frozenset({Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER})
AUDIT_SECTION = "match"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEX = {"": "", "M": "M", "F": "F", "U": "", "1": "M", "2": "F", "0": "", "9": ""}
_NAME_LENGTH = 100


@dataclass(frozen=True)
class FieldExplanation:
    field: str
    outcome: str  # "agreed", "partly agreed", "disagreed" or "missing"
    level: str
    weight: float


@dataclass(frozen=True)
class Candidate:
    person: Person
    person_id: uuid.UUID
    probability: float
    match_weight: float
    identifiers: list[tuple[str, str]]
    explanation: list[FieldExplanation]


@dataclass(frozen=True)
class MatchResult:
    candidates: list[Candidate]
    restricted_matches: int
    model_version: int
    searched: ProfileValues | None = field(default=None, repr=False)


def parse_query(query: Mapping[str, str]) -> ProfileValues:
    """The search as normalised profile values; ValidationError keyed by field, with every reason.

    A search needs an NHS number or UPN, or a family name with a given name or date of birth (R45):
    a postcode alone would list a street's residents.
    """
    errors: dict[str, str] = {}
    unknown = sorted(set(query) - set(MATCH_FIELDS))
    for name in unknown:
        errors[name] = f"Not a match field; use {', '.join(MATCH_FIELDS)}."
    value = {name: (query.get(name) or "").strip() for name in MATCH_FIELDS}
    for name in ("given_name", "family_name", "address_line"):
        if len(value[name]) > _NAME_LENGTH:
            errors[name] = f"It is {len(value[name])} characters long; the most is {_NAME_LENGTH}."

    born: dt.date | None = None
    if value["date_of_birth"]:
        if not _ISO_DATE.fullmatch(value["date_of_birth"]):
            errors["date_of_birth"] = f"Enter the date as YYYY-MM-DD, not {value['date_of_birth']!r}."
        else:
            try:
                born = dt.date.fromisoformat(value["date_of_birth"])
            except ValueError:
                errors["date_of_birth"] = f"{value['date_of_birth']} is not a real date."
    sex = _SEX.get(value["sex"].upper())
    if sex is None:
        errors["sex"] = f"Sex must be M, F or U (or empty), not {value['sex']!r}."
    checked: dict[str, str] = {}
    for name, check in (
        ("postcode", id_checks.normalise_postcode),
        ("nhs_number", id_checks.validate_nhs_number),
        ("upn", id_checks.validate_upn),
    ):
        if value[name]:
            try:
                checked[name] = check(value[name])
            except ValidationError as error:
                errors[name] = "; ".join(error.messages)
    if not errors and not (
        checked.get("nhs_number")
        or checked.get("upn")
        or (value["family_name"] and (value["given_name"] or born))
    ):
        errors["family_name"] = (
            "Enter a family name with a given name or date of birth, or an NHS number or UPN."
        )
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return profile_values(
        given_names=[value["given_name"]],
        family_names=[value["family_name"]],
        date_of_birth=born,
        sex=sex or "",
        postcodes=[checked["postcode"]] if "postcode" in checked else [],
        nhs_number=checked.get("nhs_number", ""),
        upns=[checked["upn"]] if "upn" in checked else [],
    )


def person_match(*, actor: Any, query: Mapping[str, str], limit: int = MAX_CANDIDATES) -> MatchResult:
    """The people in the index most likely to be the one described, best first (at most `limit`).

    Raises ValidationError (by field) for bad input and PermissionRefused without the function.
    The result's ids, and only those, are audited before the caller sees them (R27, R28).
    """
    if not actor.has_capability(Capability.VIEW_PEOPLE):
        raise PermissionRefused()
    limit = max(1, min(limit, MAX_CANDIDATES))
    searched = parse_query(query)
    weights = scorer.current_weights()
    ranked = scorer.rank(scorer.comparable(searched), scorer.candidates(query_keys(searched)), weights)
    shown, visible = _visible_top(actor, ranked, limit)
    restricted = _restricted_matches(actor, ranked[:limit], visible)
    identifiers = _identifiers([person.pk for _, person in shown])
    candidates = [
        Candidate(
            person=person,
            person_id=s.person_id,
            probability=s.probability,
            match_weight=s.match_weight,
            identifiers=identifiers[person.pk],
            explanation=[FieldExplanation(f.field, f.outcome, f.level, f.weight) for f in s.fields],
        )
        for s, person in shown
    ]
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=person_policy.object_type,
        section=AUDIT_SECTION,
        result_ids=[c.person_id for c in candidates],
    )
    return MatchResult(
        candidates=candidates,
        restricted_matches=restricted,
        model_version=weights.version,
        searched=searched,
    )


def _restricted_matches(actor: Any, top: list[scorer.Scored], visible: set[Any]) -> int:
    """How many of the overall top list the actor may not see, for MASH roles; 0 for everyone else.

    `visible` holds every person the scope was asked about and allowed, which covers `top`.

    Merged-away records are hidden from everyone and are not "restricted", so they are not counted.
    """
    if getattr(actor, "role", None) not in MASH_ROLES:
        return 0
    hidden = [
        s.person_id
        for s in top
        if s.person_id not in visible and s.probability >= RESTRICTED_NOTICE_PROBABILITY
    ]
    if not hidden:
        return 0
    live = Person.objects.filter(pk__in=hidden)
    if hasattr(Person, "merged_into"):
        live = live.filter(merged_into__isnull=True)
    return live.count()


def _visible_top(
    actor: Any, ranked: list[scorer.Scored], limit: int
) -> tuple[list[tuple[scorer.Scored, Person]], set[Any]]:
    """The best `limit` candidates the actor may see, fetched through the policy.

    The policy is asked about the top 2 x limit first (the usual case); only when hidden people
    leave fewer than `limit` visible is it asked about the rest.
    """
    visible: dict[Any, Person] = {}
    start, size = 0, 2 * limit
    while start < len(ranked):
        ids = [s.person_id for s in ranked[start : start + size]]
        visible.update((person.pk, person) for person in person_policy.visible(actor, ids))
        start += size
        size = len(ranked)
        if sum(1 for s in ranked[:start] if s.person_id in visible) >= limit:
            break
    shown = [(s, visible[s.person_id]) for s in ranked if s.person_id in visible][:limit]
    return shown, set(visible)


def _identifiers(ids: list[Any]) -> dict[Any, list[tuple[str, str]]]:
    """Each shown person's current identifiers: national numbers first, then agencies' own ids."""
    found: dict[Any, list[tuple[int, str, str]]] = {pk: [] for pk in ids}
    if not ids:
        return {}
    order: dict[str, int] = {
        IdentifierKind.NHS_NUMBER: 0,
        IdentifierKind.UPN: 1,
        IdentifierKind.FORMER_UPN: 2,
    }
    # order_by(): the model's default ordering joins the person table for a sort we redo below.
    rows = (
        PersonIdentifier.objects.filter(person_id__in=ids, removed_at__isnull=True)
        .order_by()
        .values_list("person_id", "kind", "value", "issuing_agency__ods_code")
    )
    for person_id, kind, value, agency_code in rows:
        if kind in NATIONAL_IDENTIFIER_KINDS or kind == IdentifierKind.FORMER_UPN or not agency_code:
            found[person_id].append((order.get(kind, 3), kind, value))
        else:
            found[person_id].append((4, agency_code, value))
    return {pk: [(label, value) for _, label, value in sorted(rows_)] for pk, rows_ in found.items()}


# --- the model --------------------------------------------------------------------------------


def matcher_model_store(
    *,
    actor: Any,
    settings: dict[str, Any],
    weights: dict[str, Any],
    metrics: dict[str, Any],
    splink_version: str,
    activate: bool = True,
    actor_label: str = "",
) -> MatcherModel:
    """Store a newly trained model as the next version and (by default) make it the active one.

    `actor` may be None for an administrator's command line run, named by `actor_label`.
    """
    with transaction.atomic():
        last = (
            MatcherModel.objects.select_for_update()
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        model = MatcherModel(
            version=(last or 0) + 1,
            trained_by=actor if getattr(actor, "is_authenticated", False) else None,
            splink_version=splink_version,
            settings=settings,
            weights=weights,
            metrics=metrics,
        )
        model.full_clean()
        model.save()
        record_event(actor=actor, verb=Verb.CREATE, target=model, actor_label=actor_label)
        if activate:
            matcher_model_activate(actor=actor, model=model, actor_label=actor_label)
    return model


def matcher_model_activate(*, actor: Any, model: MatcherModel, actor_label: str = "") -> MatcherModel:
    """Make `model` the one the scorer uses (every process picks it up on its next search)."""
    with transaction.atomic():
        previous = MatcherModel.objects.select_for_update().filter(is_active=True).exclude(pk=model.pk)
        previous_versions = list(previous.values_list("version", flat=True))
        previous.update(is_active=False)
        model.is_active = True
        model.save(update_fields=["is_active", "updated_at"])
        record_event(
            actor=actor,
            verb=Verb.UPDATE,
            target=model,
            section="activate",
            purpose=f"v{','.join(map(str, previous_versions)) or '0 (defaults)'} -> v{model.version}",
            actor_label=actor_label,
        )
    return model
