"""The demo city's carer households and care leavers (issue 6), built through the services.

Carers are adult people records with a home address at the household's postcode. Care leavers are
young people of 17 to 21 (the generated families have nobody that age who was in care), each with
the period of care that makes them a care leaver, a personal adviser, pathway plan reviews and the
birthday contacts 903 OC3 asks about: one birthday's window was missed, another is open with no
contact yet.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from safehub.casework.models import Involvement
from safehub.casework.services.involvement import allocation_change
from safehub.casework.timescales import add_months
from safehub.looked_after.constants import ApprovalStatus, HouseholdKind, LeaverCategory
from safehub.looked_after.models import CareLeaver, CarerHousehold, LookedAfterPeriod
from safehub.looked_after.services.health import sdq_record
from safehub.looked_after.services.household import household_create, household_status_change
from safehub.looked_after.services.leaving import (
    care_leaver_contact_record,
    care_leaver_open,
    care_leaver_update,
    pathway_review_record,
)
from safehub.people.constants import RelationshipKind, Sex
from safehub.people.models import Person
from safehub.people.services import person_address_add, person_create, relationship_add

from .looked_after_routine import Timeline, routine, sdqs

if TYPE_CHECKING:
    from .looked_after_office import CareOffice

FOSTER = HouseholdKind.MAINSTREAM_FOSTER
CONNECTED = HouseholdKind.CONNECTED_PERSONS
ADOPTERS = HouseholdKind.ADOPTERS
PATHWAY_NOTES = "Pathway plan reviewed with the young person: money, housing, college and health."
CONTACT_NOTES = "Birthday contact: met for a coffee and talked about how things are going."


# --- households: in every state, of every kind ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HouseholdSpec:
    key: str
    kind: str
    ages: tuple[int, int]
    places: int
    siblings: int
    status: str = "approved"
    months: float = 36  # approved this many months ago
    out_of_area: bool = False
    carers: int = 2


HOUSEHOLDS = (
    HouseholdSpec("f_baby", FOSTER, (0, 4), 2, 2, months=60),
    HouseholdSpec("f_young", FOSTER, (0, 10), 3, 3, months=96),
    HouseholdSpec("f_middle", FOSTER, (5, 12), 2, 2, carers=1),
    HouseholdSpec("f_teen", FOSTER, (8, 17), 2, 1, months=48),
    HouseholdSpec("f_long", FOSTER, (0, 17), 3, 2, months=120),
    HouseholdSpec("f_teen2", FOSTER, (11, 17), 1, 1, months=30, carers=1),
    HouseholdSpec("f_out_young", FOSTER, (0, 8), 1, 1, months=40, out_of_area=True),
    HouseholdSpec("f_out_teen", FOSTER, (10, 17), 2, 2, months=72, out_of_area=True),
    HouseholdSpec("f_any", FOSTER, (0, 17), 2, 2, months=20),
    HouseholdSpec("f_new", FOSTER, (0, 4), 1, 1, status="assessment"),
    HouseholdSpec("f_hold", FOSTER, (5, 15), 2, 1, status="on_hold", carers=1),
    HouseholdSpec("f_ended", FOSTER, (0, 12), 2, 2, status="ended", months=72),
    HouseholdSpec("c_family", CONNECTED, (0, 17), 2, 2),
    HouseholdSpec("c_aunt", CONNECTED, (0, 17), 1, 1, months=10, carers=1),
    HouseholdSpec("c_nan", CONNECTED, (0, 17), 2, 2, months=20, out_of_area=True, carers=1),
    HouseholdSpec("c_new", CONNECTED, (0, 17), 1, 1, status="assessment"),
    HouseholdSpec("a_first", ADOPTERS, (0, 4), 1, 1, months=14),
    HouseholdSpec("a_pair", ADOPTERS, (0, 6), 2, 2, months=24),
    HouseholdSpec("a_waiting", ADOPTERS, (0, 5), 1, 1, months=6, out_of_area=True, carers=1),
    HouseholdSpec("l_town", HouseholdKind.SUPPORTED_LODGINGS, (16, 20), 1, 1, months=24, carers=1),
    HouseholdSpec("l_house", HouseholdKind.SUPPORTED_LODGINGS, (16, 20), 2, 1, months=12),
)


def households(office: "CareOffice") -> None:
    for spec in HOUSEHOLDS:
        office.households[spec.key] = household(office, spec)


def household(office: "CareOffice", spec: HouseholdSpec) -> CarerHousehold:
    """A household with its carers, approved (or on hold, or ended) `spec.months` ago."""
    postcode = office.postcode(out_of_area=spec.out_of_area)
    family = office.fake.last_name()
    carers = [_carer(office, family, postcode, n) for n in range(spec.carers)]
    if len(carers) == 2:
        relationship_add(
            actor=office.workers["sw2"], person_a=carers[0], person_b=carers[1], kind=RelationshipKind.PARTNER
        )
    made = household_create(
        actor=office.manager,
        name=f"The {family} household",
        kind=spec.kind,
        postcode=postcode,
        in_area=not spec.out_of_area,
        age_from=spec.ages[0],
        age_to=spec.ages[1],
        places=spec.places,
        sibling_group_max=spec.siblings,
        carers=carers,
        notes="Invented carers for the demo city.",
    )
    if spec.status == ApprovalStatus.IN_ASSESSMENT:
        return made
    made = _status(office, made, ApprovalStatus.APPROVED, office.months_ago(spec.months))
    if spec.status == ApprovalStatus.ON_HOLD:
        made = _status(
            office, made, ApprovalStatus.ON_HOLD, office.months_ago(2), "The carers asked for a break."
        )
    elif spec.status == ApprovalStatus.ENDED:
        made = _status(office, made, ApprovalStatus.ENDED, office.months_ago(4), "The carers retired.")
    return made


def _status(
    office: "CareOffice", household: CarerHousehold, status: str, on: date, reason: str = ""
) -> CarerHousehold:
    current = CarerHousehold.objects.get(pk=household.pk)
    household_status_change(
        actor=office.manager,
        household=current,
        status=status,
        on=on,
        reason=reason,
        expected_version=current.version,
    )
    return CarerHousehold.objects.get(pk=household.pk)


def _carer(office: "CareOffice", family: str, postcode: str, n: int) -> Person:
    female = n == 0 or office.rng.random() < 0.3
    person = person_create(
        actor=office.workers["sw2"],  # see looked_after.people_added
        given_name=office.fake.first_name_female() if female else office.fake.first_name_male(),
        family_name=family,
        date_of_birth=office.today - timedelta(days=office.rng.randint(30 * 365, 62 * 365)),
        sex=Sex.FEMALE if female else Sex.MALE,
    )
    person_address_add(
        actor=office.workers["sw2"],
        person=person,
        line_1=f"{office.rng.randint(1, 120)} {office.rng.choice(('Elm Grove', 'Park View', 'Rowan Drive'))}",
        town="Safehub",
        postcode=postcode,
    )
    return person


# --- care leavers --------------------------------------------------------------------------------
@dataclass(frozen=True)
class LeaverSpec:
    """A young person `age` (years, days) old; in care from `care` (ages in years, as floats) under
    `status`, leaving with `reason`; the record opened at `opened` years as `category`; birthday
    contacts by birthday number: (IN_TOUCH, ACTIV, ACCOM), or absent for none in the window."""

    age: tuple[int, int]
    care: tuple[float, float]
    status: str
    reason: str
    opened: float
    category: str
    contacts: dict[int, tuple[str, str, str]]
    adviser: str = "sw2"
    becomes: str = ""  # the category after the 18th birthday, when it changes


E, R, F = LeaverCategory.ELIGIBLE, LeaverCategory.RELEVANT, LeaverCategory.FORMER_RELEVANT
LEAVERS = (
    LeaverSpec((17, 120), (15.1, 16.6), "V2", "E13", 16.6, R, {17: ("YES", "F2", "B1")}),
    LeaverSpec(
        (18, 60),
        (14.3, 18.0),
        "C2",
        "E17",
        16.0,
        E,
        {17: ("YES", "F2", "C1"), 18: ("YES", "F5", "Z1")},
        becomes=F,
    ),
    # Missed: the 19th birthday six weeks ago and no contact in its window (closed two weeks ago).
    LeaverSpec((19, 42), (15.0, 18.0), "V2", "E5", 18.0, F, {18: ("YES", "G5", "D1")}, adviser="sw1"),
    LeaverSpec((19, 240), (14.6, 18.0), "C2", "E6", 18.0, F, {18: ("YES", "G6", "U2"), 19: ("REFU", "", "")}),
    LeaverSpec(
        (20, 100),
        (14.5, 18.0),
        "C2",
        "E8",
        18.0,
        F,
        {18: ("YES", "F5", "E1"), 19: ("YES", "P5", "U1"), 20: ("YES", "F5", "U1")},
        adviser="sw1",
    ),
    # Due: the 21st birthday in a fortnight, its window open and no contact yet.
    LeaverSpec((20, 350), (15.5, 18.0), "V2", "E5", 18.0, F, {19: ("NO", "", ""), 20: ("YES", "F1", "U1")}),
)


def _years(born: date, years: float) -> date:
    whole = int(years)
    return add_months(born, whole * 12) + timedelta(days=round((years - whole) * 365))


def care_leavers(office: "CareOffice") -> None:
    for spec in LEAVERS:
        person = office.young_person(spec.age[0] * 365 + spec.age[1] + spec.age[0] // 4)
        _leaver(office, person, spec)
    _eligible(office)


def _leaver(office: "CareOffice", person: Person, spec: LeaverSpec) -> None:
    born = person.date_of_birth
    assert born is not None
    start, end = office.working(_years(born, spec.care[0])), _years(born, spec.care[1])
    period = office.start(
        person,
        start,
        spec.status,
        "U6",
        worker=spec.adviser,
        provider="PR4",
        postcode=office.postcode(),
        carer_name="Independent fostering agency carers",
    )
    # The SDQs of those years, as the routine records them (903 rules 186, 197B ask one a year).
    worker = office.worker_of(period)
    for day, fields in sdqs(office, period, min(end, office.today)):
        sdq_record(
            actor=worker, period=LookedAfterPeriod.objects.get(pk=period.pk), recorded_on=day, **fields
        )
    office.end(period, end, spec.reason)
    opened = max(_years(born, spec.opened), end if spec.category != E else start)
    record = _open(office, person, opened, spec.category, spec.adviser)
    if spec.becomes:
        current = CareLeaver.objects.get(pk=record.pk)
        care_leaver_update(
            actor=office.manager,
            care_leaver=current,
            category=spec.becomes,
            personal_adviser=current.personal_adviser,
            pathway_plan_on=current.pathway_plan_on,
            expected_version=current.version,
        )
    _keep_in_touch(office, record, born, spec.contacts)


def _open(office: "CareOffice", person: Person, opened: date, category: str, adviser: str) -> CareLeaver:
    office.leavers += 1
    worker = office.workers[adviser]
    record = care_leaver_open(
        actor=office.manager,
        person=person,
        started_on=opened,
        category=category,
        personal_adviser=worker,
        pathway_plan_on=opened + timedelta(days=14),
    )
    allocation_change(
        actor=office.manager,
        involvement=Involvement.objects.get(pk=record.involvement_id),
        team=office.team,
        worker=worker,
        started_on=opened,
    )
    review = add_months(opened + timedelta(days=14), 6) - timedelta(days=office.rng.randint(3, 20))
    while review <= office.today:
        pathway_review_record(
            actor=worker, care_leaver=_fresh(record), reviewed_on=review, summary=PATHWAY_NOTES
        )
        review = add_months(review, 6) - timedelta(days=office.rng.randint(3, 20))
    return record


def _fresh(record: CareLeaver) -> CareLeaver:
    return CareLeaver.objects.select_related("person", "involvement").get(pk=record.pk)


def _keep_in_touch(
    office: "CareOffice", record: CareLeaver, born: date, contacts: dict[int, tuple[str, str, str]]
) -> None:
    worker = record.personal_adviser or office.workers["sw1"]
    for birthday_number, (in_touch, activity, accommodation) in sorted(contacts.items()):
        birthday = add_months(born, birthday_number * 12)
        # In the window (3 months before to 1 month after); with former foster carers (Z) only at 18+.
        near = (
            timedelta(days=office.rng.randint(1, 20))
            if accommodation.startswith("Z")
            else -timedelta(days=office.rng.randint(3, 40))
        )
        day = max(birthday + near, record.started_on)
        if day > office.today:
            continue
        care_leaver_contact_record(
            actor=worker,
            care_leaver=_fresh(record),
            contact_on=day,
            in_touch=in_touch,
            activity=activity,
            accommodation=accommodation,
            notes=CONTACT_NOTES,
        )


def _eligible(office: "CareOffice") -> None:
    """A 17-year-old still in care, long-term in a foster family out of area: an eligible care
    leaver since the 16th birthday."""
    start = office.months_ago(30)
    child = office.pick(16, 17, born_by=start - timedelta(days=13 * 365))
    born = child.date_of_birth
    assert born is not None
    start = max(start, _years(born, 13.5))
    home = office.home(FOSTER, child, start)
    period = office.start(child, start, "C1", "U4", household=home, until_18=True)
    line = Timeline(office.today)
    order = start + timedelta(days=150)
    line.at(order, office.legal, period, order, "C2")
    routine(office, line, period, long_term_from=start)
    line.run()
    sixteen = _years(born, 16)
    if sixteen <= office.today:
        record = _open(office, child, max(sixteen, start), E, "sw2")
        _keep_in_touch(office, record, born, {17: ("YES", "F2", "C1")})
