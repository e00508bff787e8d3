"""The demo city's family networks: addresses over time, households, relationships of every type,
names over time, agency identifiers, disabilities, risk flags, a few near-duplicate records and one
restricted person who matches a plausible search. All through the people services, so each change
has its audit event and history, as real data would.

Deterministic for a seed. People are invented; the places are real so that the DfE validators can
check the returns: postcodes are York's (postcodes.py) and UPNs carry York's DfE code (816) with
made-up school and serial numbers; NHS numbers come from the range the NHS never issues (T18).
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from safehub.access.constants import Level, RestrictionReason
from safehub.access.services import record_restrict
from safehub.accounts.constants import Role
from safehub.accounts.models import Agency, User
from safehub.people import services
from safehub.people.constants import (
    AddressKind,
    IdentifierKind,
    NameKind,
    RelationshipKind,
    RiskFlagKind,
    Sensitivity,
    Sex,
)
from safehub.people.identifiers import make_upn
from safehub.people.models import Address, Household, Person

from . import city, postcodes
from .people import PersonSpec
from .ssd_extract.codes import DISABILITY

R = RelationshipKind
STREETS = (
    "Harbour Road",
    "Mill Lane",
    "Chapel Street",
    "Orchard Close",
    "Station Road",
    "Beacon Way",
    "Willow Court",
    "Quarry Hill",
)
# People added on top of the generated households: the flagged adult, a grandmother, a lodger,
# three near-duplicates and the restricted person in a refuge.
EXTRA_PEOPLE = 7
# Households given addresses, a household record, relationships and identifiers.
NETWORKED_FAMILIES = 12
# Steps `enrich` reports to the progress bar.
STEPS = 4
PERSON_TYPE = Person._meta.label_lower


@dataclass
class Family:
    number: int
    adults: list[tuple[PersonSpec, Person]] = field(default_factory=list)
    children: list[tuple[PersonSpec, Person]] = field(default_factory=list)

    @property
    def members(self) -> list[Person]:
        return [p for _, p in self.adults + self.children]


@dataclass(frozen=True)
class Hint:
    """What to type on the find page to see a restricted record reported (printed by the command)."""

    given_name: str
    family_name: str
    date_of_birth: date


def postcode(rng: random.Random) -> str:
    """A real postcode of the demo city (postcodes.py): the DfE validators look postcodes up."""
    return rng.choice(postcodes.city_postcodes())


def _age(dob: date | None, today: date) -> int:
    if dob is None:
        return -1
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


class _Builder:
    def __init__(self, users: dict[str, User], agencies: dict[str, Agency], seed: int, today: date) -> None:
        self.worker = users[Role.SOCIAL_WORKER]
        self.early_help = users[Role.EARLY_HELP]
        self.ig = users[Role.IG_OFFICER]
        self.agencies = agencies
        # Reproducible synthetic data, not secrets.
        self.rng = random.Random(seed * 7919 + 17)  # noqa: S311  # nosec B311
        self.seed = seed
        self.today = today
        self.upn_serial = 0

    def agency(self, key: str) -> Agency:
        return self.agencies[key]

    def new_address(self) -> dict[str, Any]:
        return {
            "line_1": f"{self.rng.randint(1, 180)} {self.rng.choice(STREETS)}",
            "town": "Safehub",
            "postcode": postcode(self.rng),
        }

    # --- every household --------------------------------------------------------------------
    def household(self, family: Family) -> Household:
        """One address for the family, a household there, and the typed relationships between them."""
        first, *others = family.members
        since = self.today - timedelta(days=self.rng.randint(200, 3000))
        lived = services.person_address_add(
            actor=self.worker,
            person=first,
            valid_from=since,
            source_agency=self.agency("housing"),
            uprn=str(self.rng.randint(10**10, 10**11)),
            **self.new_address(),
        )
        for person in others:
            services.person_address_add(
                actor=self.worker, person=person, address=lived.address, valid_from=since
            )
        household = services.household_create(actor=self.worker, address=lived.address)
        for person in family.members:
            services.household_member_add(
                actor=self.worker, household=household, person=person, valid_from=since
            )
        adults = [p for _, p in family.adults]
        children = [p for _, p in family.children]
        if len(adults) == 2:
            self.relate(adults[0], adults[1], R.PARTNER)
        for adult in adults:
            for child in children:
                self.relate(adult, child, R.PARENT)
        for i, child in enumerate(children):
            for sibling in children[i + 1 :]:
                self.relate(child, sibling, R.SIBLING)
        return household

    def relate(self, a: Person, b: Person, kind: str, **kwargs: Any) -> None:
        services.relationship_add(actor=self.worker, person_a=a, person_b=b, kind=kind, **kwargs)

    def identifiers(self, family: Family) -> None:
        """A GP practice number for everyone born, and a UPN for each school-age child."""
        gp = self.agency("gp_riverside" if family.number % 2 else "gp_northgate")
        for spec, person in family.adults + family.children:
            if spec.date_of_birth is None:
                continue
            services.person_identifier_add(
                actor=self.worker,
                person=person,
                kind=IdentifierKind.AGENCY_ID,
                value=f"{gp.ods_code}-{self.rng.randint(100000, 999999)}",
                issuing_agency=gp,
            )
        self.upns(family)

    def upns(self, family: Family) -> None:
        """A UPN for every child who has started school, in every family, networked or not: the CIN
        census and the 903 ask it of each child (903 rule 442, CIN query 8770Q)."""
        for spec, person in family.children:
            if spec.date_of_birth is None or _age(spec.date_of_birth, self.today) < 4:
                continue
            self.upn_serial += 1
            services.person_identifier_add(
                actor=self.worker,
                person=person,
                kind=IdentifierKind.UPN,
                value=make_upn(
                    la_code=postcodes.CITY_OLD_CODE,
                    # A new school number per thousand pupils: no two children share a UPN.
                    establishment=2000 + self.upn_serial // 1000,
                    year=spec.date_of_birth.year % 100,
                    serial=self.upn_serial % 1000,
                ),
            )

    def disabilities(self, family: Family, *, showcase: bool = False) -> None:
        """CIN census disability codes for the born children: about one in ten has one or two,
        most were asked and have none (NONE), and for some nobody has asked yet (Annex A's
        "Unknown"). Each child draws from a generator of its own, so the city's other draws, and
        so its people and stories, stay as they were for a seed. With `showcase`, the first born
        child has a disability whatever the draw, so a small city shows every answer too."""
        born = [(spec.date_of_birth, spec, person) for spec, person in family.children if spec.date_of_birth]
        for index, (dob, spec, person) in enumerate(born):
            key = f"disability:{self.seed}:{spec.household}:{spec.given_name}:{dob}"
            rng = random.Random(key)  # noqa: S311  # nosec B311
            draw = rng.random()
            if showcase and index == 0:
                draw = 0.0
            if draw >= 0.8:
                continue
            codes = {DISABILITY.draw(rng) for _ in range(rng.choice((1, 1, 2)))} if draw < 0.1 else {"NONE"}
            recorded = max(dob, self.today - timedelta(days=rng.randint(30, 900)))
            for code in sorted(codes):
                services.person_disability_add(
                    actor=self.worker, person=person, code=code, recorded_on=recorded
                )

    # --- the special families ---------------------------------------------------------------
    def blended(self, family: Family) -> None:
        """A step-parent, half-siblings, a child known by a previous surname, and a house move."""
        adults, children = [p for _, p in family.adults], [p for _, p in family.children]
        step = adults[1] if len(adults) > 1 else None
        if step is not None:
            for relationship_child in children:
                self._retype(step, relationship_child, R.PARENT, R.STEP_PARENT)
        if len(children) > 1:
            self._retype(children[0], children[1], R.SIBLING, R.HALF_SIBLING)
        child = next((c for c in children if c.date_of_birth), children[0])
        dob = child.date_of_birth or self.today
        services.person_name_add(
            actor=self.worker,
            person=child,
            kind=NameKind.PREVIOUS,
            given_name=child.given_name,
            family_name="Ashworth",
            valid_from=dob,
            valid_to=min(self.today, dob + timedelta(days=4 * 365)),
            source_agency=self.agency(city.SCHOOL),
        )
        # They lived somewhere else before: an ended address with its dates.
        moved = self.today - timedelta(days=400)
        services.person_address_add(
            actor=self.worker,
            person=child,
            kind=AddressKind.HOME,
            valid_from=moved - timedelta(days=900),
            valid_to=moved,
            source_agency=self.agency("housing"),
            **self.new_address(),
        )

    def _retype(self, a: Person, b: Person, old: str, new: str) -> None:
        """End the relationship recorded with the household and record the truer one instead."""
        from safehub.people.models import Relationship
        from safehub.people.services.relationship import stored_direction

        x, y, stored = stored_direction(a, b, old)
        row = Relationship.objects.filter(person_a=x, person_b=y, kind=stored, valid_to__isnull=True).first()
        if row is not None:
            # Recorded in error, so the row is ended today rather than kept as current.
            services.relationship_end(actor=self.worker, relationship=row)
        self.relate(a, b, new, source_agency=self.agency(city.COUNCIL))

    def flagged_adult(self, family: Family, household: Household) -> Person:
        """A man posing a risk to children, a MAPPA nominal, who has moved in with a family (issue 3)."""
        mother = family.adults[0][1]
        adult = services.person_create(
            actor=self.worker,
            given_name="Darren",
            family_name="Kettlewell",
            date_of_birth=self.today - timedelta(days=41 * 365 + 123),
            sex=Sex.MALE,
        )
        police, probation = self.agency(city.POLICE), self.agency("probation")
        services.person_name_add(
            actor=self.worker,
            person=adult,
            kind=NameKind.ALIAS,
            given_name="Daz",
            family_name="Kettle",
            source_agency=police,
        )
        services.person_identifier_add(
            actor=self.worker,
            person=adult,
            kind=IdentifierKind.POLICE_REFERENCE,
            value=f"{police.ods_code}/{self.rng.randint(10000, 99999)}/19",
            issuing_agency=police,
        )
        started = self.today - timedelta(days=5 * 365)
        for kind, source in (
            (RiskFlagKind.POSING_RISK_TO_CHILDREN, police),
            (RiskFlagKind.MAPPA_NOMINAL, probation),
            (RiskFlagKind.DOMESTIC_ABUSE_PERPETRATOR, police),
        ):
            services.risk_flag_add(
                actor=self.worker,
                person=adult,
                kind=kind,
                source_agency=source,
                starts_on=started,
                review_on=self.today + timedelta(days=self.rng.randint(20, 120)),
                note="Synthetic demo flag.",
            )
        since = self.today - timedelta(days=60)
        self.relate(adult, mother, R.PARTNER, valid_from=since, source_agency=police)
        services.household_member_add(actor=self.worker, household=household, person=adult, valid_from=since)
        services.person_address_add(
            actor=self.worker, person=adult, address=household.address, valid_from=since
        )
        return adult

    def grandmother(self, family: Family) -> Person:
        """A grandparent who lives apart and cares for the eldest child after school."""
        surname = family.adults[0][1].family_name
        nan = services.person_create(
            actor=self.worker,
            given_name="Maureen",
            family_name=surname,
            date_of_birth=self.today - timedelta(days=66 * 365 + 40),
            sex=Sex.FEMALE,
        )
        services.person_address_add(
            actor=self.worker, person=nan, source_agency=self.agency("housing"), **self.new_address()
        )
        children = [p for _, p in family.children]
        for child in children:
            self.relate(nan, child, R.GRANDPARENT)
        if children:
            self.relate(nan, children[0], R.CARER, valid_from=self.today - timedelta(days=300))
        return nan

    def lodger(self, family: Family, household: Household) -> Person:
        lodger = services.person_create(
            actor=self.worker,
            given_name="Callum",
            family_name="Ferris",
            date_of_birth=self.today - timedelta(days=27 * 365 + 80),
            sex=Sex.MALE,
        )
        since = self.today - timedelta(days=150)
        services.household_member_add(actor=self.worker, household=household, person=lodger, valid_from=since)
        services.person_address_add(
            actor=self.worker, person=lodger, address=household.address, valid_from=since
        )
        self.relate(lodger, family.adults[0][1], R.HOUSEHOLD_MEMBER, valid_from=since)
        return lodger

    def sensitive_flag(self, families: list[Family]) -> None:
        """A teenager at risk of exploitation: a sensitive police flag, and an ended missing episode."""
        teens = [
            p for f in families for s, p in f.children if 13 <= _age(s.date_of_birth, self.today) <= 17
        ] or [p for f in families for _, p in f.children]
        teen = teens[0]
        police = self.agency(city.POLICE)
        services.risk_flag_add(
            actor=self.worker,
            person=teen,
            kind=RiskFlagKind.EXPLOITATION_RISK,
            source_agency=police,
            starts_on=self.today - timedelta(days=90),
            review_on=self.today + timedelta(days=30),
            sensitivity=Sensitivity.SENSITIVE,
            note="Police intelligence (synthetic). Seen by the MASH, team managers and the police only.",
        )
        missing = services.risk_flag_add(
            actor=self.worker,
            person=teen,
            kind=RiskFlagKind.MISSING,
            source_agency=police,
            starts_on=self.today - timedelta(days=40),
            review_on=self.today - timedelta(days=30),
        )
        services.risk_flag_end(
            actor=self.worker, flag=missing, ends_on=self.today - timedelta(days=38), reason="Found safe"
        )

    def near_duplicates(self, families: list[Family]) -> list[Person]:
        """Records another team made without finding the first, for the duplicate review queue: a
        typo in a child's given name, an adult's day and month swapped, a typo in a family name."""
        children = [p for f in families for s, p in f.children if s.date_of_birth]
        adults = [p for f in families for s, p in f.adults if s.date_of_birth]
        swappable = [
            p
            for p in adults
            if p.date_of_birth and p.date_of_birth.day <= 12 and p.date_of_birth.day != p.date_of_birth.month
        ]
        adult = (swappable or adults)[0]
        dob = adult.date_of_birth
        swapped = dob.replace(day=dob.month, month=dob.day) if dob and dob.day <= 12 else dob
        other = children[min(1, len(children) - 1)]
        return [
            self._copy(children[0], given_name=_typo(children[0].given_name)),
            self._copy(adult, date_of_birth=swapped),
            self._copy(other, family_name=_typo(other.family_name)),
        ]

    def _copy(self, person: Person, **changes: Any) -> Person:
        fields = {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth,
            "sex": person.sex,
        } | changes
        copy = services.person_create(actor=self.early_help, **fields)
        current = person.addresses.filter(valid_to__isnull=True).select_related("address").first()
        if current is not None:
            address = current.address
            services.person_address_add(
                actor=self.early_help,
                person=copy,
                line_1=address.line_1,
                town=address.town,
                postcode=address.postcode,
            )
        return copy

    def refuge(self, family: Family) -> Hint:
        """A woman in a refuge whose record is restricted; a MASH search for her is told it matches."""
        dob = self.today - timedelta(days=29 * 365 + 200)
        woman = services.person_create(
            actor=self.worker, given_name="Seren", family_name="Blackwood", date_of_birth=dob, sex=Sex.FEMALE
        )
        services.person_address_add(actor=self.worker, person=woman, **self.new_address())
        record_restrict(
            actor=self.ig,
            object_type=PERSON_TYPE,
            object_id=woman.pk,
            level=Level.RESTRICTED,
            reason=RestrictionReason.WITNESS_OR_REFUGE,
            explanation="Synthetic demo: fled domestic abuse; address must not be disclosed.",
        )
        return Hint(woman.given_name, woman.family_name, dob)


def _typo(name: str) -> str:
    """A typing slip: two letters swapped in the middle (or a letter doubled in a short name)."""
    if len(name) >= 4:
        i = len(name) // 2
        return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]
    return name + name[-1]


def families(created: list[tuple[PersonSpec, Person]]) -> list[Family]:
    grouped: dict[int, Family] = defaultdict(lambda: Family(0))
    for spec, person in created:
        family = grouped[spec.household]
        family.number = spec.household
        (family.children if spec.child else family.adults).append((spec, person))
    return [f for _, f in sorted(grouped.items())]


def enrich(
    *,
    users: dict[str, User],
    agencies: dict[str, Agency],
    created: list[tuple[PersonSpec, Person]],
    seed: int,
    today: date,
    advance: Any,
) -> Hint:
    """Give the generated households their networks, then add the special cases on top."""
    build = _Builder(users, agencies, seed, today)
    all_families = families(created)
    homes = {}
    # The first families get full networks; the rest stay as people only, so the load stays quick
    # (every service call writes its history, audit event and match keys).
    for family in all_families[:NETWORKED_FAMILIES]:
        if family.members:
            homes[family.number] = build.household(family)
            build.identifiers(family)
    for family in all_families[NETWORKED_FAMILIES:]:
        build.upns(family)
    showcase = next((f for f in all_families if any(s.date_of_birth for s, _ in f.children)), None)
    for family in all_families:
        build.disabilities(family, showcase=family is showcase)
    advance("families")
    networked = [f for f in all_families[:NETWORKED_FAMILIES] if f.members]
    with_children = [f for f in networked if f.children and f.adults] or networked
    couples = [f for f in with_children if len(f.adults) == 2] or with_children

    def pick(n: int, pool: list[Family]) -> Family:
        return pool[n % len(pool)]

    build.blended(pick(0, couples))
    flagged = pick(1, with_children)
    build.flagged_adult(flagged, homes[flagged.number])
    build.grandmother(pick(2, with_children))
    lodged = pick(3, with_children)
    build.lodger(lodged, homes[lodged.number])
    # Two families that know each other: the "other" relationship.
    friend = next((f.adults[0][1] for f in networked if f.adults and f is not flagged), None)
    if friend is not None:
        build.relate(friend, flagged.adults[0][1], R.OTHER)
    advance("relationships")
    build.sensitive_flag(with_children)
    build.near_duplicates(with_children)
    advance("duplicates")
    hint = build.refuge(pick(4, with_children))
    advance("refuge")
    return hint


def wipe_places(user_ids: list[Any]) -> None:
    """Households and addresses the demo made and nobody lives at any more (run after its people go)."""
    Household.objects.filter(updated_by_id__in=user_ids, members__isnull=True).delete()
    Address.objects.filter(
        updated_by_id__in=user_ids, residents__isnull=True, households__isnull=True
    ).delete()
