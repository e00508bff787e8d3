"""Carer households: recording, terms of approval, carers, and approval status (issue 6, item 8).

Fostering Services (England) Regulations 2011 reg 27 sets the terms of a foster carer's approval
(the number of children, their ages, sibling groups); a household is only offered for a child
within those terms, so the terms are checked here and never allowed to fall below the children
placed there now. Ending an approval while a child lives there would leave the child's placement
with no approved carer, so it is refused until the child has moved.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_open
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.locking import save_versioned
from safehub.reference_data.postcodes import normalise

from ..constants import ApprovalStatus, HouseholdKind
from ..models import CarerHousehold, HouseholdCarer, LookedAfterPeriod, Placement
from ..policies import care_policy, household_policy
from ..sufficiency import age_on

Errors = dict[str, list[str]]
ADULT_AGE = 18
MAX_AGE = 25
MAX_PLACES = 8
REFERENCE_PREFIX = "HH-"


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _name(person: Person) -> str:
    return f"{person.given_name} {person.family_name}".strip()


def _check_terms(
    errors: Errors,
    *,
    name: str,
    kind: str,
    postcode: str,
    age_from: int | None,
    age_to: int | None,
    places: int | None,
    sibling_group_max: int | None,
) -> None:
    if not name.strip():
        _add(errors, "name", 'Enter how staff know the household, for example "The Okafor household".')
    elif len(name.strip()) > 120:
        _add(errors, "name", "The household name must be 120 characters or fewer.")
    if kind not in HouseholdKind.values:
        _add(errors, "kind", "Choose the kind of household from the list.")
    compact = normalise(postcode).replace(" ", "")
    if compact and not (5 <= len(compact) <= 7 and compact.isalnum()):
        _add(errors, "postcode", "Enter a full UK postcode, like LS1 4AP, or leave it blank.")
    if age_from is None or not 0 <= age_from <= MAX_AGE:
        _add(errors, "age_from", f"Enter the youngest age approved for, from 0 to {MAX_AGE}.")
    if age_to is None or not 0 <= age_to <= MAX_AGE:
        _add(errors, "age_to", f"Enter the oldest age approved for, from 0 to {MAX_AGE}.")
    elif age_from is not None and age_to < age_from:
        _add(errors, "age_to", "The oldest age must be the same as or more than the youngest age.")
    if places is None or not 1 <= places <= MAX_PLACES:
        _add(errors, "places", f"Enter the number of children approved for, from 1 to {MAX_PLACES}.")
    if sibling_group_max is None or sibling_group_max < 1:
        _add(errors, "sibling_group_max", "Enter the largest sibling group, 1 or more (1 means no groups).")
    elif places is not None and sibling_group_max > places:
        _add(
            errors,
            "sibling_group_max",
            "The largest sibling group cannot be more than the number of children approved for.",
        )


def _check_carer(errors: Errors, actor: Any, person: Person, field: str = "carers") -> None:
    if not person_open(actor, person.pk):
        # Same words as a missing record: a restricted person cannot be probed through this form.
        _add(errors, field, "That person could not be found. Search for the carer again.")
        return
    if person.merged_into_id is not None:
        _add(
            errors,
            field,
            f"{_name(person)}'s record was merged into another: add the record it was merged into.",
        )
    age = age_on(person.date_of_birth, clock.today())
    if age is None:
        _add(errors, field, f"{_name(person)} has no date of birth: record it before adding them as a carer.")
    elif age < ADULT_AGE:
        _add(errors, field, f"{_name(person)} is {age}: a carer must be 18 or over.")


def _next_reference() -> str:
    last = (
        CarerHousehold.objects.filter(reference__startswith=REFERENCE_PREFIX)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(REFERENCE_PREFIX) :]) + 1 if last and last[len(REFERENCE_PREFIX) :].isdigit() else 1
    return f"{REFERENCE_PREFIX}{number:05d}"


def household_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    postcode: str,
    in_area: bool,
    age_from: int,
    age_to: int,
    places: int,
    sibling_group_max: int,
    carers: list[Person],
    notes: str = "",
) -> CarerHousehold:
    """Record a household being assessed. Approval is a separate step (`household_status_change`)."""
    household = CarerHousehold(status=ApprovalStatus.IN_ASSESSMENT)
    household_policy.check(actor, "manage", household)
    errors: Errors = {}
    _check_terms(
        errors,
        name=name,
        kind=kind,
        postcode=postcode,
        age_from=age_from,
        age_to=age_to,
        places=places,
        sibling_group_max=sibling_group_max,
    )
    if not carers:
        _add(errors, "carers", "Add at least one carer.")
    for person in carers:
        _check_carer(errors, actor, person)
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    with transaction.atomic():
        household.name = name.strip()
        household.kind = kind
        household.postcode = normalise(postcode)
        household.in_area = in_area
        household.age_from, household.age_to = age_from, age_to
        household.places, household.sibling_group_max = places, sibling_group_max
        household.notes = notes.strip()
        household.recorded_by = actor
        household.updated_by = actor
        # Two people recording at once could take the same number: the unique index decides and
        # the loser takes the next one.
        for _attempt in range(5):
            household.reference = _next_reference()
            household.full_clean()
            try:
                with transaction.atomic():
                    household.save()
                break
            except IntegrityError:
                continue
        else:
            raise ValidationError({"__all__": ["Could not number the household: try again."]})
        HouseholdCarer.objects.bulk_create(
            [
                HouseholdCarer(household=household, person=p, added_on=today)
                for p in {p.pk: p for p in carers}.values()
            ]
        )
        record_event(actor=actor, verb=Verb.CREATE, target=household, section="household", reason="created")
    return household


def placed_now(household: CarerHousehold, on: date | None = None) -> list[Placement]:
    """The placements of children living in the household on `on` (today by default)."""
    day = on or clock.today()
    return list(
        Placement.objects.filter(household=household, started_on__lte=day)
        .exclude(ended_on__lte=day)
        .select_related("person")
    )


def _visible_periods(actor: Any, placements: list[Placement]) -> set[Any]:
    return set(
        care_policy.scope(
            actor, LookedAfterPeriod.objects.filter(pk__in=[p.period_id for p in placements])
        ).values_list("pk", flat=True)
    )


def _check_terms_fit_placed(
    errors: Errors, actor: Any, household: CarerHousehold, places: int, age_from: int, age_to: int
) -> None:
    """Terms cannot drop below the children living there now (their placements would be outside them).

    The number of children is the household's own figure (its vacancies show it anyway); a child's
    age is only given when the actor may see every child placed there, so an error cannot be
    used to learn the age of a child whose record is hidden (R22).
    """
    current = placed_now(household)
    if places is not None and places < len(current):
        _add(
            errors,
            "places",
            f"{len(current)} children live in this household now: approve for at least {len(current)}, "
            "or move a child first.",
        )
    today = clock.today()
    outside = [
        a
        for a in (age_on(p.person.date_of_birth, today) for p in current)
        if a is not None and age_from is not None and age_to is not None and not age_from <= a <= age_to
    ]
    if not outside:
        return
    if len(_visible_periods(actor, current)) < len(current):
        _add(
            errors,
            "age_from",
            "A child placed here is outside that age range: the age range must include the ages of "
            "the children living here now, or move the child first.",
        )
        return
    ages = ", ".join(str(a) for a in sorted(outside))
    _add(
        errors,
        "age_from",
        f"A child living in this household now is aged {ages}: the age range must include that age.",
    )


def household_update(
    *,
    actor: Any,
    household: CarerHousehold,
    expected_version: int,
    name: str,
    kind: str,
    postcode: str,
    in_area: bool,
    age_from: int,
    age_to: int,
    places: int,
    sibling_group_max: int,
    notes: str = "",
) -> CarerHousehold:
    """Change the household's details and terms of approval."""
    household_policy.check(actor, "manage", household)
    errors: Errors = {}
    _check_terms(
        errors,
        name=name,
        kind=kind,
        postcode=postcode,
        age_from=age_from,
        age_to=age_to,
        places=places,
        sibling_group_max=sibling_group_max,
    )
    if household.status == ApprovalStatus.ENDED:
        _add(errors, "__all__", "This household's approval has ended: its terms can no longer be changed.")
    if not errors:
        _check_terms_fit_placed(errors, actor, household, places, age_from, age_to)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        household.name = name.strip()
        household.kind = kind
        household.postcode = normalise(postcode)
        household.in_area = in_area
        household.age_from, household.age_to = age_from, age_to
        household.places, household.sibling_group_max = places, sibling_group_max
        household.notes = notes.strip()
        save_versioned(household, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=household, section="household", reason="terms")
    return household


def household_carer_add(*, actor: Any, household: CarerHousehold, person: Person) -> HouseholdCarer:
    """Add an adult as a carer in the household."""
    household_policy.check(actor, "manage", household)
    errors: Errors = {}
    _check_carer(errors, actor, person, field="person")
    if household.status == ApprovalStatus.ENDED:
        _add(errors, "person", "This household's approval has ended: carers can no longer be added.")
    if HouseholdCarer.objects.filter(household=household, person=person).exists():
        _add(errors, "person", f"{_name(person)} is already a carer in this household.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        carer = HouseholdCarer(household=household, person=person, added_on=clock.today())
        carer.full_clean()
        carer.save()
        record_event(
            actor=actor, verb=Verb.UPDATE, target=household, section="household_carers", reason="carer added"
        )
    return carer


def _who_must_move(actor: Any, placements: list[Placement]) -> str | None:
    """The children who must move, by name, when the actor may see them all; None when any is
    hidden, so the message cannot say how many hidden children there are, or that there are any (R22)."""
    visible = _visible_periods(actor, placements)
    if any(p.period_id not in visible for p in placements):
        return None
    names = [_name(p.person) for p in placements]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def household_status_change(
    *,
    actor: Any,
    household: CarerHousehold,
    status: str,
    on: date | None,
    expected_version: int,
    reason: str = "",
) -> CarerHousehold:
    """Approve (from assessment, or back from a hold), put on hold, or end the approval.

    An approval that has ended is final: a household approved again is assessed again, as a new
    record. A hold keeps the approval date; approving from a hold lifts it.
    """
    household_policy.check(actor, "manage", household)
    errors: Errors = {}
    today = clock.today()
    current = household.status
    allowed: dict[str, set[str]] = {
        ApprovalStatus.IN_ASSESSMENT: {ApprovalStatus.APPROVED, ApprovalStatus.ENDED},
        ApprovalStatus.APPROVED: {ApprovalStatus.ON_HOLD, ApprovalStatus.ENDED},
        ApprovalStatus.ON_HOLD: {ApprovalStatus.APPROVED, ApprovalStatus.ENDED},
        ApprovalStatus.ENDED: set(),
    }
    if status not in ApprovalStatus.values:
        _add(errors, "status", "Choose the new approval status.")
    elif status not in allowed.get(current, set()):
        if current == ApprovalStatus.ENDED:
            _add(
                errors,
                "status",
                "This household's approval has ended: record a new household to approve it again.",
            )
        else:
            _add(
                errors,
                "status",
                f"A household that is {ApprovalStatus(current).label.lower()} cannot be changed to "
                f"{ApprovalStatus(status).label.lower()}.",
            )
    needs_date = status == ApprovalStatus.ENDED or (
        status == ApprovalStatus.APPROVED and current == ApprovalStatus.IN_ASSESSMENT
    )
    if needs_date and not errors:
        what = "approval" if status == ApprovalStatus.APPROVED else "end of approval"
        if on is None:
            _add(errors, "on", f"Enter the date of the {what}.")
        elif on > today:
            _add(errors, "on", f"The date of the {what} cannot be in the future.")
        elif status == ApprovalStatus.ENDED and household.approved_on and on < household.approved_on:
            _add(errors, "on", f"Approval cannot end before it started on {_d(household.approved_on)}.")
    if status == ApprovalStatus.ENDED and not errors:
        if not reason.strip():
            _add(errors, "reason", "Enter why the approval ended, for example the carers resigned.")
        elif len(reason.strip()) > 200:
            _add(errors, "reason", "The reason must be 200 characters or fewer.")
        living = placed_now(household)
        who = _who_must_move(actor, living) if living else None
        if living and who is None:
            _add(
                errors,
                "status",
                "A child placed here must move first: end the placements of the children living in "
                "this household before ending the approval.",
            )
        elif living:
            _add(
                errors,
                "status",
                f"{who} {'lives' if len(living) == 1 else 'live'} in this household now: "
                "end their placements (move them) before ending the approval.",
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        household.status = status
        if status == ApprovalStatus.APPROVED and current == ApprovalStatus.IN_ASSESSMENT:
            household.approved_on = on
        if status == ApprovalStatus.ENDED:
            household.ended_on = on
            household.end_reason = reason.strip()
        save_versioned(household, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=household, section="household_status", reason=status
        )
    return household
