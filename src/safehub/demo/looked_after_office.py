"""The children in care office of the demo city (issue 6): its staff, calendar, children, carers
and postcodes, and one method per period-of-care service the stories call. Postcode locations for
the demo's invented postcodes live here too, so a distance can be worked out for every placement.
"""

import random
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q

from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.accounts.models import Team, TeamMembership, User
from safehub.accounts.services.organisations import team_add_member
from safehub.casework.models import Involvement
from safehub.casework.services.involvement import allocation_change
from safehub.front_door.constants import ContactStatus
from safehub.front_door.models import ContactSubject
from safehub.looked_after.models import (
    CarerHousehold,
    LookedAfterPeriod,
    Placement,
)
from safehub.looked_after.services.period import (
    iro_assign,
    legal_status_change,
    period_end,
    period_start,
    placement_change,
)
from safehub.looked_after.services.permanence import previous_permanence_record
from safehub.people.constants import AddressKind, IdentifierKind, RelationshipKind, Sex
from safehub.people.identifiers import make_upn
from safehub.people.models import Person, PersonAddress, Relationship
from safehub.people.services import person_create, person_identifier_add, relationship_add
from safehub.platform import clock
from safehub.platform.calendar import calendar
from safehub.reference_data.postcodes import normalise

from . import city, postcodes
from .people import ethnicity
from .postcodes import seed_postcodes
from .providers import placement_urn

# The city is York's geography, its neighbours East Riding and Leeds (postcodes.py says why).
CITY_LA = postcodes.CITY_LA
NEIGHBOUR_LAS = postcodes.NEIGHBOUR_LAS
# From four years old a child has started school, so has a UPN.
SCHOOL_AGE_DAYS = 4 * 365
# Households kept for a sibling group, so the single children do not take their places first.
GROUP_HOMES = frozenset({"f_young"})


class CareOffice:
    """The children in care service: its staff, calendar, children, carers and postcodes."""

    def __init__(self, users: dict[str, User], teams: dict[str, Team], seed: int) -> None:
        self.admin = users[Role.SYSADMIN]
        self.manager = users[Role.TEAM_MANAGER]
        self.iro = users[Role.IRO]
        self.workers = {"sw1": users[Role.SOCIAL_WORKER], "sw2": users[city.SOCIAL_WORKER2_EMAIL]}
        self.team = teams["cic"]
        self.seed = seed
        # Reproducible synthetic data, not secrets.
        self.rng = random.Random(seed * 7919 + 29)  # noqa: S311  # nosec B311
        self.today = clock.today()
        self.cal = calendar()
        self.households: dict[str, CarerHousehold] = {}
        self.periods = 0
        self.leavers = 0
        self.requests = 0
        self.upns = 0
        self._join_team()
        self.pool = self._children()
        from faker import Faker  # a development dependency: only the demo needs it

        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed * 31 + 6)

    def _join_team(self) -> None:
        """The children in care team needs members to allocate to: both social workers join it."""
        for worker in self.workers.values():
            if not TeamMembership.objects.filter(team=self.team, user=worker).exists():
                team_add_member(actor=self.admin, team=self.team, user=worker)

    # --- the children ----------------------------------------------------------------------------
    def _children(self) -> list[Person]:
        """The city's children, shuffled: first those with no case at all, then those whose cases
        have closed, then the rest (a child on a plan can come into care too). Restricted children
        and those on open MASH contacts are left out."""
        restricted = {str(pk) for pk in RestrictedRecord.objects.values_list("object_id", flat=True)}
        adult_born = self.today - timedelta(days=18 * 366)
        children = [
            p
            for p in Person.objects.filter(
                merged_into__isnull=True, date_of_birth__gt=adult_born, care_periods__isnull=True
            ).order_by("family_name", "given_name", "date_of_birth", "pk")
            if str(p.pk) not in restricted
        ]
        busy = set(
            ContactSubject.objects.filter(person__isnull=False)
            .exclude(contact__status=ContactStatus.DECIDED)
            .values_list("person_id", flat=True)
        )
        cased = set(Involvement.objects.values_list("person_id", flat=True))
        open_cases = set(
            Involvement.objects.filter(closed_on__isnull=True).values_list("person_id", flat=True)
        )
        groups: list[list[Person]] = [[], [], []]
        for child in children:
            if child.pk in busy:
                continue
            rank = 0 if child.pk not in cased else 1 if child.pk not in open_cases else 2
            groups[rank].append(child)
        for group in groups:
            self.rng.shuffle(group)
        return groups[0] + groups[1] + groups[2]

    def age(self, person: Person, on: date | None = None) -> int:
        dob, day = person.date_of_birth, on or self.today
        assert dob is not None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def pick(self, youngest: int, oldest: int, *, born_by: date | None = None) -> Person:
        """The next child aged `youngest` to `oldest` today, born by `born_by` (care cannot start
        before birth). A small city may have none left: then a child new to the city."""
        for n, child in enumerate(self.pool):
            if youngest <= self.age(child) <= oldest and (
                born_by is None or (child.date_of_birth is not None and child.date_of_birth <= born_by)
            ):
                return self.pool.pop(n)
        days = round((youngest + oldest + 1) / 2 * 365.25)
        if born_by is not None:
            days = max(days, (self.today - born_by).days + 30)
        return self.young_person(days)

    def siblings(self, size: int, youngest: int, oldest: int, born_by: date) -> list[Person]:
        """`size` children from one family (same family name) still in the pool, recorded as brothers
        and sisters (the generated families without a network have no relationships yet); in a
        small city with none left, a family new to the city."""
        by_family: dict[str, list[Person]] = {}
        for child in self.pool:
            if (
                youngest <= self.age(child) <= oldest
                and child.date_of_birth
                and child.date_of_birth <= born_by
            ):
                by_family.setdefault(child.family_name, []).append(child)
        for family in sorted(by_family):
            group = by_family[family][:size]
            if len(group) == size:
                self.pool = [c for c in self.pool if c not in group]
                for i, child in enumerate(group):
                    for other in group[i + 1 :]:
                        self._siblings(child, other)
                return group
        # None left in a small city: a family new to the city.
        family = self.fake.last_name()
        span = max(oldest - youngest, 1)
        ages = [round((youngest + span * (n + 1) / (size + 1)) * 365.25) for n in range(size)]
        group = [
            self.young_person(max(days, (self.today - born_by).days + 30), family=family) for days in ages
        ]
        for i, child in enumerate(group):
            for other in group[i + 1 :]:
                self._siblings(child, other)
        return group

    def _siblings(self, a: Person, b: Person) -> None:
        kinds = (RelationshipKind.SIBLING, RelationshipKind.HALF_SIBLING)
        known = Relationship.objects.filter(kind__in=kinds, valid_to__isnull=True).filter(
            Q(person_a=a, person_b=b) | Q(person_a=b, person_b=a)
        )
        if not known.exists():
            relationship_add(actor=self.workers["sw1"], person_a=a, person_b=b, kind=RelationshipKind.SIBLING)

    def young_person(self, age_days: int, sex: str = "", family: str = "") -> Person:
        """A new young person (the city's generated families have no-one aged 17 to 21 who was in care)."""
        female = (sex or self.rng.choice("FM")) == "F"
        given = self.fake.first_name_female() if female else self.fake.first_name_male()
        surname = family or self.fake.last_name()
        person = person_create(
            actor=self.workers["sw2"],
            given_name=given,
            family_name=surname,
            date_of_birth=self.today - timedelta(days=age_days),
            sex=Sex.FEMALE if female else Sex.MALE,
            # Siblings share theirs; drawn apart from self.rng, so the stories' dates stay put.
            ethnicity=ethnicity(self.seed, f"care:{surname}"),
        )
        if age_days >= SCHOOL_AGE_DAYS:
            # Everyone who has been at school in England has a UPN (903 rule 442 asks it of every
            # child looked after; a new-born's is UN1). Schools 4000 up: apart from families.py's.
            self.upns += 1
            person_identifier_add(
                actor=self.workers["sw2"],
                person=person,
                kind=IdentifierKind.UPN,
                value=make_upn(
                    la_code=postcodes.CITY_OLD_CODE,
                    establishment=4000 + self.upns // 1000,
                    year=person.date_of_birth.year % 100 if person.date_of_birth else 0,
                    serial=self.upns % 1000,
                ),
            )
        return person

    # --- dates and postcodes ----------------------------------------------------------------------
    def wd(self, n: int) -> date:
        """`n` working days before today."""
        return self.cal.add_working_days(self.today, -n)

    def after(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def working(self, day: date) -> date:
        while not self.cal.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def months_ago(self, months: float) -> date:
        return self.working(self.today - timedelta(days=round(months * 30.44)))

    def postcode(self, *, out_of_area: bool = False) -> str:
        """A demo postcode (with its location), in the city or out of area."""
        choices = postcodes.out_of_area_postcodes() if out_of_area else postcodes.city_postcodes()
        code = self.rng.choice(choices)
        seed_postcodes([code])
        return code

    def urn(self) -> str:
        """An Ofsted-style URN for an invented children's home (SC and six digits)."""
        return f"SC{self.rng.randint(900000, 999999)}"

    def home_postcode(self, child: Person) -> str:
        """Where the child lived before care: their home address, else a new city postcode."""
        lived = (
            PersonAddress.objects.filter(person=child, kind=AddressKind.HOME, valid_to__isnull=True)
            .select_related("address")
            .first()
        )
        return normalise(lived.address.postcode) if lived and lived.address.postcode else self.postcode()

    # --- carers ----------------------------------------------------------------------------------
    def home(
        self,
        kind: str,
        child: Person,
        on: date,
        *,
        group: int = 1,
        skip: Iterable[str] = (),
        children: Iterable[Person] = (),
    ) -> CarerHousehold:
        """An approved household of `kind` for the child (and its brothers and sisters `children`)
        on `on`, with room for `group` beside every stay recorded from then on, so no story
        overfills it."""
        ages = [self.age(c, on) for c in (child, *children)]
        for key, household in self.households.items():
            household.refresh_from_db()
            if key in skip or household.kind != kind or household.status != "approved":
                continue
            if key in GROUP_HOMES and group == 1:  # kept for brothers and sisters together
                continue
            if household.approved_on is None or household.approved_on > on:
                continue
            fits = all(household.age_from <= age <= household.age_to for age in ages)
            if not fits or household.sibling_group_max < group:
                continue
            if household.places - _most_placed(household, on) >= group:
                return household
        raise LookupError(f"No {kind} household for children aged {ages} on {on}")

    # --- the services -------------------------------------------------------------------------------
    @staticmethod
    def fresh(period: LookedAfterPeriod) -> LookedAfterPeriod:
        return LookedAfterPeriod.objects.select_related("person", "involvement").get(pk=period.pk)

    def start(
        self,
        child: Person,
        on: date,
        legal_status: str,
        placement_type: str,
        *,
        worker: str = "sw1",
        need: str = "N1",
        household: CarerHousehold | None = None,
        provider: str = "",
        urn: str = "",
        postcode: str = "",
        carer_name: str = "",
        until_18: bool = False,
        home: str | None = "",
        staffed: bool = True,
    ) -> LookedAfterPeriod:
        """The child becomes looked after; the case goes to the children in care team's worker
        and the IRO is named the same day (`staffed`: a care leaver's past period is left as it
        was recorded, unallocated). `home`: the postcode the child lived at, else their home
        address's; None when they had no home in this country."""
        self.periods += 1
        period = period_start(
            actor=self.manager,
            person=child,
            started_on=on,
            legal_status=legal_status,
            need_code=need,
            placement_type=placement_type,
            provider=provider or ("PR1" if household is not None else ""),
            urn=urn or placement_urn(placement_type, provider),
            placement_postcode=postcode,
            # None: no home in England (an unaccompanied asylum-seeking child), so no distance.
            home_postcode="" if home is None else home or self.home_postcode(child),
            household=household,
            carer_name=carer_name,
            intended_until_18=until_18,
        )
        # 903 PrevPerm (rule 630): what permanence the child had before care is asked on entry;
        # none (Z1) unless the story records an earlier order over it.
        period = previous_permanence_record(
            actor=self.manager,
            period=period,
            previous_permanence="Z1",
            la="",
            on=None,
            expected_version=period.version,
        )
        if not staffed:
            return period
        allocation_change(
            actor=self.manager,
            involvement=Involvement.objects.get(pk=period.involvement_id),
            team=self.team,
            worker=self.workers[worker],
            started_on=on,
        )
        current = self.fresh(period)
        iro_assign(actor=self.manager, period=current, iro=self.iro, expected_version=current.version)
        return current

    def legal(self, period: LookedAfterPeriod, on: date, code: str) -> None:
        current = self.fresh(period)
        legal_status_change(
            actor=self.manager,
            period=current,
            changed_on=on,
            legal_status=code,
            expected_version=current.version,
        )

    def move(
        self,
        period: LookedAfterPeriod,
        on: date,
        reason: str,
        placement_type: str,
        *,
        household: CarerHousehold | None = None,
        provider: str = "",
        urn: str = "",
        postcode: str = "",
        carer_name: str = "",
        until_18: bool = False,
    ) -> None:
        current = self.fresh(period)
        placement_change(
            actor=self.worker_of(current),
            period=current,
            changed_on=on,
            reason=reason,
            placement_type=placement_type,
            provider=provider or ("PR1" if household is not None else ""),
            urn=urn or placement_urn(placement_type, provider),
            placement_postcode=postcode,
            household=household,
            carer_name=carer_name,
            intended_until_18=until_18,
            expected_version=current.version,
        )

    def end(self, period: LookedAfterPeriod, on: date, reason: str) -> None:
        current = self.fresh(period)
        period_end(
            actor=self.manager, period=current, ended_on=on, reason=reason, expected_version=current.version
        )

    def worker_of(self, period: LookedAfterPeriod) -> User:
        involvement = Involvement.objects.select_related("worker").get(pk=period.involvement_id)
        return involvement.worker or self.workers["sw1"]


def _most_placed(household: CarerHousehold, on: date) -> int:
    """The most children placed with the household at once on any day from `on`: a new child
    placed on `on` may stay for good, so must fit beside every stay recorded from then on."""
    stays = [
        (p.started_on, p.ended_on or date.max)
        for p in Placement.objects.filter(household=household).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )
    ]
    days = {on} | {start for start, _ in stays if start > on}
    return max((sum(1 for start, end in stays if start <= day < end) for day in days), default=0)
