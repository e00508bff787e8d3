"""Reads of carer households, placement requests, the matching helper and the sufficiency view.

Households and their lists start from `household_policy` (a household with a carer hidden from the
actor is hidden with it, R19); requests are reached through their period of care (`care_policy`).
The sufficiency view is counts only, so it is read whole for VIEW_SUFFICIENCY holders (an analyst
sees no child and no household) and its read is audited by the page. Restricted and sealed
children are left out before anything is counted, for every reader alike (R22, T3): a figure that
moved when a sealed record was added would give that record away.
"""

import math
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused
from safehub.reference_data.models import PostcodeLocation
from safehub.reference_data.postcodes import METRES_PER_MILE, normalise

from ..constants import ApprovalStatus, HouseholdKind, PlacementRequestStatus
from ..models import CarerHousehold, LookedAfterPeriod, Placement, PlacementRequest
from ..policies import care_policy, household_policy
from ..sufficiency import (
    HouseholdRow,
    PlacementRow,
    RequestRow,
    Sufficiency,
    age_on,
    compute,
    month_ends,
)

HOUSEHOLD_TYPE = "looked_after.carerhousehold"
REQUEST_TYPE = "looked_after.placementrequest"
PERIOD_TYPE = LookedAfterPeriod._meta.label_lower
PERSON_TYPE = Person._meta.label_lower


def _placed_filter(day: date, prefix: str = "placements__") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def _with_placed(qs: QuerySet[CarerHousehold], day: date) -> QuerySet[CarerHousehold]:
    return qs.annotate(placed_now=Count("placements", filter=_placed_filter(day), distinct=True))


# --- households ---------------------------------------------------------------------------------


def household_list(*, actor: Any, filters: dict[str, Any] | None = None) -> list[CarerHousehold]:
    """Households the actor may see, each with `placed_now` and `vacancies_now`. Filters: `kind`,
    `status`, `with_vacancies` (approved, not on hold, at least one place free today)."""
    filters = filters or {}
    today = clock.today()
    qs = _with_placed(household_policy.scope(actor, CarerHousehold.objects.all(), "view"), today)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    rows = list(qs.order_by("name", "reference"))
    for h in rows:
        h.vacancies_now = max(h.places - h.placed_now, 0)  # type: ignore[attr-defined]
    if filters.get("with_vacancies"):
        rows = [h for h in rows if h.status == ApprovalStatus.APPROVED and h.vacancies_now >= 1]  # type: ignore[attr-defined]
    record_event(actor=actor, verb=Verb.LIST, object_type=HOUSEHOLD_TYPE, result_ids=[h.pk for h in rows])
    return rows


def household_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> CarerHousehold:
    """One household, or NotFoundOrForbidden; audited as one view when `section` is given."""
    household = household_policy.scope(actor, CarerHousehold.objects.all(), action).filter(pk=id).first()
    if household is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=household, section=section)
    return household


@dataclass
class HouseholdPage:
    household: CarerHousehold
    carers: list[Any]
    vacancies_now: int
    placed_now: list[Placement]  # the placements of children the actor may see
    history: list[Placement]  # ended placements the actor may see


def household_page(*, actor: Any, household: CarerHousehold) -> HouseholdPage:
    """Carers, vacancies and the children the actor may see, now and in the past.

    A child the actor may not see is left out without trace: no "and 1 other" (R22). The vacancies
    still count every child, as the household's own figure. The periods shown are audited as one
    LIST event beside the household's VIEW (R27), so each child's access log shows this page.
    """
    today = clock.today()
    carers = list(household.carers.select_related("person").order_by("added_on", "person__family_name"))
    placements = list(
        Placement.objects.filter(household=household).select_related("person").order_by("-started_on")
    )
    visible = set(
        care_policy.scope(
            actor, LookedAfterPeriod.objects.filter(pk__in={p.period_id for p in placements})
        ).values_list("pk", flat=True)
    )
    now = [p for p in placements if p.started_on <= today and (p.ended_on is None or p.ended_on > today)]
    past = [p for p in placements if p not in now]
    page = HouseholdPage(
        household=household,
        carers=carers,
        vacancies_now=max(household.places - len(now), 0),
        placed_now=[p for p in now if p.period_id in visible],
        history=[p for p in past if p.period_id in visible],
    )
    shown = list(dict.fromkeys(p.period_id for p in page.placed_now + page.history))
    if shown:
        record_event(
            actor=actor,
            verb=Verb.LIST,
            object_type=PERIOD_TYPE,
            section="household_children",
            result_ids=shown,
        )
    return page


# --- placement requests -------------------------------------------------------------------------


def _visible_periods(actor: Any, action: str = "view") -> QuerySet[LookedAfterPeriod]:
    return care_policy.scope(actor, LookedAfterPeriod.objects.all(), action)


def placement_request_list(*, actor: Any, filters: dict[str, Any] | None = None) -> list[PlacementRequest]:
    """Requests under periods the actor may see; `status` filter (default: open)."""
    filters = filters or {}
    qs = PlacementRequest.objects.filter(period__in=_visible_periods(actor)).select_related(
        "person", "household"
    )
    status = filters.get("status", PlacementRequestStatus.OPEN)
    if status:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("needed_by", "requested_on", "created_at"))
    record_event(actor=actor, verb=Verb.LIST, object_type=REQUEST_TYPE, result_ids=[r.pk for r in rows])
    return rows


def placement_request_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> PlacementRequest:
    """A request, checked through its period of care (a forbidden child is the same 404)."""
    request = (
        PlacementRequest.objects.filter(pk=id, period__in=_visible_periods(actor, action))
        .select_related("person", "period", "household")
        .first()
    )
    if request is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=request.period, section=section)
    return request


# --- matching -----------------------------------------------------------------------------------


@dataclass
class Match:
    household: CarerHousehold
    vacancies: int
    distance_miles: Decimal | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class Matches:
    kind: str
    age: int | None
    group_size: int
    within_miles: int | None
    home_known: bool
    rows: list[Match]  # distance known, nearest first
    unknown_distance: list[Match]  # no distance could be worked out: listed at the end


def _locations(postcodes: set[str]) -> dict[str, PostcodeLocation]:
    keys = {normalise(p) for p in postcodes if p}
    return {p.postcode: p for p in PostcodeLocation.objects.filter(postcode__in=keys)}


def _miles(a: PostcodeLocation | None, b: PostcodeLocation | None) -> Decimal | None:
    if a is None or b is None:
        return None
    metres = math.hypot(a.easting - b.easting, a.northing - b.northing)
    return Decimal(str(round(metres / METRES_PER_MILE, 1)))


def household_matches(
    *,
    actor: Any,
    request: PlacementRequest | None = None,
    period: LookedAfterPeriod | None = None,
    within_miles: int | None = None,
) -> Matches:
    """Households approved now that meet the request's needs: its kind (adopters only for
    adopters), the child's age within their range, enough vacancies and a large enough
    sibling-group approval, within `within_miles` of the child's home postcode (the request's own
    limit when none is given). Nearest first; households whose distance is unknown come last."""
    if request is None and period is None:
        raise ValueError("Give a request or a period.")
    period = period or (request.period if request is not None else None)
    if period is None:
        raise ValueError("The request has no period of care.")
    today = clock.today()
    kind = request.household_kind if request is not None else ""
    group = request.sibling_group_size if request is not None else 1
    if within_miles is None and request is not None:
        within_miles = request.max_distance_miles
    age = age_on(period.person.date_of_birth, today)
    qs = _with_placed(
        household_policy.scope(actor, CarerHousehold.objects.all(), "view").filter(
            status=ApprovalStatus.APPROVED, approved_on__lte=today, sibling_group_max__gte=group
        ),
        today,
    )
    qs = qs.filter(kind=kind) if kind else qs.exclude(kind=HouseholdKind.ADOPTERS)
    if age is not None:
        qs = qs.filter(age_from__lte=age, age_to__gte=age)
    candidates = [h for h in qs if h.places - h.placed_now >= group]  # type: ignore[attr-defined]
    places = _locations({period.home_postcode, *(h.postcode for h in candidates)})
    home = places.get(normalise(period.home_postcode)) if period.home_postcode else None
    known: list[Match] = []
    unknown: list[Match] = []
    for h in candidates:
        vacancies = h.places - h.placed_now  # type: ignore[attr-defined]
        distance = _miles(home, places.get(normalise(h.postcode)) if h.postcode else None)
        reasons = [
            HouseholdKind(h.kind).label if h.kind in HouseholdKind.values else h.kind,
            f"Approved for ages {h.age_from} to {h.age_to}"
            + (f"; the child is {age}" if age is not None else "; the child's age is not recorded"),
            f"{vacancies} {'vacancy' if vacancies == 1 else 'vacancies'} now; "
            f"takes sibling groups of up to {h.sibling_group_max}",
        ]
        if distance is None:
            reasons.append("Distance unknown")
            unknown.append(Match(h, vacancies, None, reasons))
            continue
        if within_miles is not None and distance > within_miles:
            continue
        reasons.append(f"{distance} miles from the child's home")
        known.append(Match(h, vacancies, distance, reasons))
    known.sort(key=lambda m: (m.distance_miles, m.household.name))
    unknown.sort(key=lambda m: m.household.name)
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=HOUSEHOLD_TYPE,
        section="household_matches",
        result_ids=[m.household.pk for m in known + unknown],
    )
    return Matches(
        kind=kind,
        age=age,
        group_size=group,
        within_miles=within_miles,
        home_known=home is not None,
        rows=known,
        unknown_distance=unknown,
    )


# --- sufficiency --------------------------------------------------------------------------------


def _placement_in_area(row: Any, locations: dict[str, PostcodeLocation], council: str) -> bool | None:
    if row["household_id"] is not None:
        return bool(row["household__in_area"])
    location = locations.get(normalise(row["postcode"])) if row["postcode"] else None
    if location is None or not location.local_authority or not council:
        return None
    return location.local_authority == council


def sufficiency(*, actor: Any, on: date, months: int = 12) -> Sufficiency:
    """Children needing placements against available households on `on`, in and out of area, with
    a month-end history. Counts only (no child, no household). Needs VIEW_SUFFICIENCY; the page
    audits the view, since a test or an export may read the figures without showing them."""
    if not actor.has_capability(Capability.VIEW_SUFFICIENCY):
        raise PermissionRefused()
    months = max(0, min(months, 36))
    ends = month_ends(on, months)
    since = ends[0] if ends else on
    households = [
        HouseholdRow(**row)
        for row in CarerHousehold.objects.values(
            "id",
            "kind",
            "status",
            "approved_on",
            "ended_on",
            "in_area",
            "age_from",
            "age_to",
            "places",
            "sibling_group_max",
        )
    ]
    # Restricted and sealed children are left out here, before any count (R22, T3).
    restricted = RestrictedRecord.objects.filter(object_type=PERSON_TYPE).values("object_id")
    # Only what overlaps the window [since, on] matters to any figure.
    placement_rows = list(
        Placement.objects.filter(started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=since))
        .exclude(person_id__in=restricted)
        .values("household_id", "household__in_area", "postcode", "started_on", "ended_on")
    )
    council = str(getattr(settings, "SAFEHUB_LOCAL_AUTHORITY_CODE", "") or "")
    locations = _locations({r["postcode"] for r in placement_rows if r["household_id"] is None})
    placements = [
        PlacementRow(
            household_id=r["household_id"],
            started_on=r["started_on"],
            ended_on=r["ended_on"],
            in_area=_placement_in_area(r, locations, council),
        )
        for r in placement_rows
    ]
    requests = [
        RequestRow(
            kind=r["household_kind"],
            date_of_birth=r["person__date_of_birth"],
            sibling_group_size=r["sibling_group_size"],
            requested_on=r["requested_on"],
            closed_on=r["closed_on"],
        )
        for r in PlacementRequest.objects.filter(requested_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=since))
        .exclude(person_id__in=restricted)
        .values("household_kind", "person__date_of_birth", "sibling_group_size", "requested_on", "closed_on")
    ]
    return compute(
        on=on,
        today=clock.today(),
        months=months,
        households=households,
        placements=placements,
        requests=requests,
    )


def period_for_request(*, actor: Any, id: uuid.UUID | str, section: str = "") -> LookedAfterPeriod:
    """The period of care a new request goes under (record access), or NotFoundOrForbidden."""
    period = (
        care_policy.scope(actor, LookedAfterPeriod.objects.all(), "record")
        .select_related("person")
        .filter(pk=id)
        .first()
    )
    if period is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=period, section=section)
    return period
