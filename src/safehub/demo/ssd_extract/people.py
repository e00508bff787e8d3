"""ssd_person and what hangs off a person: address, family, disability, UPN (linked identifiers),
immigration status, and the baby of a looked-after girl who is a mother (ssd_mother)."""

from datetime import date

from safehub.people.identifiers import make_upn

from ..population.corruption import typo
from ..population.identifiers import NhsNumberSource
from .calendar import birthday, iso
from .codes import DISABILITY, ETHNICITY, UASC_ETHNICITY, UASC_NATIONALITY
from .context import Child, Context
from .sink import as_json

# Age at first contact with children's social care, years 0-17 (weights; most are young or teens).
AGE_WEIGHTS = (11, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 6, 6, 6, 6, 4, 3)
AGES = tuple(range(18))
# Children whose record says "no disability" (below this draw, above the 8% who have one).
NONE_RECORDED = 0.75


class CouncilUpns:
    """Unique synthetic UPNs under one real LA number (CIN rule 1530 checks characters 2-4 against
    the DfE's list of authorities, so the demo population's 980-989 would fail it): the council's
    old code (SAFEHUB_LA_OLD_CODE) or 852. Serials come from a counter, so never anyone's."""

    def __init__(self) -> None:
        from django.conf import settings

        code = str(getattr(settings, "SAFEHUB_LA_OLD_CODE", "") or "")
        self._la = int(code) if code.isdigit() and len(code) == 3 else 852
        self._count = 0

    def next(self, *, year: int) -> str:
        serial, establishment = divmod(self._count, 9000)
        self._count += 1
        return make_upn(
            la_code=self._la, establishment=1000 + establishment, year=year % 100, serial=serial % 1000
        )


class People:
    def __init__(self, ctx: Context, seed: int) -> None:
        self.ctx = ctx
        # NHS numbers from the never-issued synthetic range, apart from the population benchmark's.
        self.nhs = NhsNumberSource(seed=seed, start=9_900_000_000, end=9_999_999_999)
        self.upn = CouncilUpns()
        self.family_id = ""
        self.family_left = 0
        self.family_surname = ""
        self.family_postcode = ""
        self.family_street = self.family_town = ""
        self.family_house = 0
        self.dirty: list[tuple[Child, str, str, str]] = []

    def child(self, first_contact: int, *, uasc: bool) -> tuple[Child, str, str]:
        """Make and write a child whose first contact is on `first_contact`."""
        ctx, rng = self.ctx, self.ctx.rng
        age = rng.randint(14, 16) if uasc else rng.choices(AGES, AGE_WEIGHTS)[0]
        dob = first_contact - age * 365 - rng.randint(1, 360)
        sex = "F" if rng.random() < (0.15 if uasc else 0.49) else "M"
        # Siblings: children of one family share a surname, a postcode and a family id.
        if self.family_left <= 0 or uasc:
            locality = rng.choice(ctx.pools.localities)
            self.family_id, self.family_left = ctx.new_id("F"), rng.choice((1, 1, 1, 2, 2, 3))
            self.family_surname, self.family_postcode = ctx.pools.surnames.draw(rng), locality.postcode
            self.family_street, self.family_town = locality.street, locality.town
            self.family_house = rng.randint(1, 300)
        self.family_left -= 1
        person_id = ctx.new_id("C")
        forename = (ctx.pools.female if sex == "F" else ctx.pools.male).draw(rng)
        child = Child(person_id, dob, sex, self.family_postcode, birthday(dob, 18), uasc=uasc)
        born = date.fromordinal(dob)
        reaches_school = birthday(dob, 4)
        has_upn = not uasc and reaches_school <= ctx.today and rng.random() < 0.95
        upn_unknown = "" if has_upn else ("UN2" if uasc else ("UN1" if reaches_school > ctx.today else "UN4"))
        ctx.sink.write(
            "ssd_person",
            {
                "pers_person_id": person_id,
                "pers_forename": forename,
                "pers_surname": self.family_surname,
                "pers_sex": sex,
                "pers_gender": "2" if sex == "F" else "1",
                "pers_ethnicity": (UASC_ETHNICITY if uasc else ETHNICITY).draw(rng),
                "pers_dob": iso(dob),
                "pers_common_child_id": self.nhs.next() if not uasc else "",
                "pers_legacy_id": f"L{person_id[1:]}",
                "pers_upn_unknown": upn_unknown,
                "pers_send_flag": "0" if rng.random() < 0.06 else "1",
                "pers_nationality": UASC_NATIONALITY.draw(rng) if uasc else "British",
            },
        )
        self._address(person_id, dob if not uasc else first_contact)
        ctx.sink.write(
            "ssd_family",
            {
                "fami_table_id": ctx.new_id("FM"),
                "fami_family_id": self.family_id,
                "fami_person_id": person_id,
            },
        )
        if has_upn:
            ctx.sink.write(
                "ssd_linked_identifiers",
                {
                    "link_table_id": ctx.new_id("LI"),
                    "link_person_id": person_id,
                    "link_identifier_type": "Unique Pupil Number",
                    "link_identifier_value": self.upn.next(year=born.year + 4),
                    "link_valid_from_date": iso(reaches_school),
                },
            )
        # About 8% of children in need have a disability; most of the rest were asked and have
        # none (NONE, never beside another code: rule 8790); for some nobody has asked yet. One
        # draw decides all three, so the extract's other tables are as they were for a seed.
        draw = rng.random()
        if draw < NONE_RECORDED:
            codes = {DISABILITY.draw(rng) for _ in range(rng.choice((1, 1, 2)))} if draw < 0.08 else {"NONE"}
            for code in sorted(codes):
                ctx.sink.write(
                    "ssd_disability",
                    {
                        "disa_person_id": person_id,
                        "disa_table_id": ctx.new_id("DI"),
                        "disa_disability_code": code,
                    },
                )
        if ctx.dirty_rate and rng.random() < ctx.dirty_rate:
            self.dirty.append((child, forename, self.family_surname, self._address_json()))
        return child, forename, self.family_surname

    def _address_json(self) -> str:
        return as_json(
            {"HOUSE": str(self.family_house), "STREET": self.family_street, "TOWN": self.family_town}
        )

    def _address(self, person_id: str, since: int) -> None:
        ctx = self.ctx
        ctx.sink.write(
            "ssd_address",
            {
                "addr_table_id": ctx.new_id("AD"),
                "addr_address_json": self._address_json(),
                "addr_person_id": person_id,
                "addr_address_type": "Primary Address",
                "addr_address_start_date": iso(since),
                "addr_address_postcode": self.family_postcode,
            },
        )

    def uasc_status(self, child: Child, start: int) -> None:
        end = child.age18 if child.age18 <= self.ctx.today else None
        self.ctx.sink.write(
            "ssd_immigration_status",
            {
                "immi_person_id": child.person_id,
                "immi_immigration_status_id": self.ctx.new_id("IM"),
                "immi_immigration_status": "Unaccompanied Asylum Seeking Child",
                "immi_immigration_status_start_date": iso(start),
                "immi_immigration_status_end_date": iso(end),
            },
        )

    def baby_of(self, mother: Child, born: int, surname: str) -> None:
        """A looked-after girl's baby: a person of their own, and the ssd_mother link (903 MOTHER)."""
        ctx, rng = self.ctx, self.ctx.rng
        baby_id = ctx.new_id("C")
        sex = rng.choice("MF")
        ctx.sink.write(
            "ssd_person",
            {
                "pers_person_id": baby_id,
                "pers_forename": (ctx.pools.female if sex == "F" else ctx.pools.male).draw(rng),
                "pers_surname": surname,
                "pers_sex": sex,
                "pers_gender": "2" if sex == "F" else "1",
                "pers_ethnicity": "NOBT",
                "pers_dob": iso(born),
                "pers_common_child_id": self.nhs.next(),
                "pers_upn_unknown": "UN1",
                "pers_nationality": "British",
            },
        )
        ctx.sink.write(
            "ssd_mother",
            {
                "moth_table_id": ctx.new_id("MO"),
                "moth_person_id": mother.person_id,
                "moth_childs_person_id": baby_id,
                "moth_childs_dob": iso(born),
            },
        )
        ctx.stats["mothers"] += 1

    def write_duplicates(self) -> None:
        """--dirty: a second ssd_person row for some children, as a second system keyed them in:
        a typo in one name, no NHS number, the same date of birth and address, and one contact.
        The importer's matcher should put each pair in the duplicate queue, not make two children."""
        ctx, rng = self.ctx, self.ctx.rng
        for child, forename, surname, address in self.dirty:
            if rng.random() < 0.5:
                forename = typo(forename, rng)[0]
            else:
                surname = typo(surname, rng)[0]
            duplicate_id = ctx.new_id("D")
            ctx.sink.write(
                "ssd_person",
                {
                    "pers_person_id": duplicate_id,
                    "pers_forename": forename,
                    "pers_surname": surname,
                    "pers_sex": child.sex,
                    "pers_gender": "2" if child.sex == "F" else "1",
                    "pers_ethnicity": "NOBT",
                    "pers_dob": iso(child.dob),
                },
            )
            ctx.sink.write(
                "ssd_address",
                {
                    "addr_table_id": ctx.new_id("AD"),
                    "addr_address_json": address,
                    "addr_person_id": duplicate_id,
                    "addr_address_type": "Primary Address",
                    "addr_address_start_date": iso(child.dob),
                    "addr_address_postcode": child.postcode,
                },
            )
            day = rng.randint(child.dob + 1, ctx.today)
            ctx.sink.write(
                "ssd_contacts",
                {
                    "cont_contact_id": ctx.new_id("K"),
                    "cont_person_id": duplicate_id,
                    "cont_contact_date": iso(day),
                    "cont_contact_source_code": "8",
                    "cont_contact_source_desc": "Other",
                    "cont_contact_outcome_json": as_json({"ADVICE_FLAG": "Y"}),
                },
            )
            ctx.stats["duplicates"] += 1
