"""Synthetic people for the demo city, generated as households so that a family-name search finds
a family. Deterministic for a seed: names from en_GB Faker, NHS numbers from the range the NHS
never issues (T18), dates of birth relative to today."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import nhs_number
from nhs_number import REGION_SYNTHETIC

from safehub.people.constants import Sex

UNBORN_COUNT = 4
DAYS_PER_YEAR = 365.25


@dataclass
class PersonSpec:
    given_name: str
    family_name: str
    sex: str
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    preferred_name: str = ""
    nhs_number: str = ""
    child: bool = False
    # Which generated household the person belongs to (0, 1, 2...), for addresses and relationships.
    household: int = 0
    # A CIN census ethnicity code (both returns ask it of every child).
    ethnicity: str = ""

    def as_fields(self) -> dict[str, Any]:
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "preferred_name": self.preferred_name,
            "date_of_birth": self.date_of_birth,
            "expected_date_of_birth": self.expected_date_of_birth,
            "sex": self.sex,
            "nhs_number": self.nhs_number,
            "ethnicity": self.ethnicity,
        }


def synthetic_nhs_numbers(rng: random.Random, quantity: int) -> list[str]:
    """Valid-checksum numbers in 900 000 0000-999 999 9999, which the NHS never issues to patients.

    `nhs_number.generate` draws from the module-level `random`, so seed that from our generator
    and put its state back afterwards: the demo must not disturb anyone else's randomness.
    """
    state = random.getstate()
    random.seed(rng.getrandbits(64))
    try:
        numbers: list[str] = []
        seen: set[str] = set()
        while len(numbers) < quantity:
            for number in nhs_number.generate(for_region=REGION_SYNTHETIC, quantity=quantity - len(numbers)):
                if number not in seen:
                    seen.add(number)
                    numbers.append(number)
    finally:
        random.setstate(state)
    return numbers


def _birth_date(rng: random.Random, today: date, min_years: int, max_years: int) -> date:
    """A date of birth giving an age from `min_years` to `max_years` inclusive today."""
    youngest = int(min_years * DAYS_PER_YEAR) + 1
    oldest = int((max_years + 1) * DAYS_PER_YEAR) - 2
    return today - timedelta(days=rng.randint(youngest if min_years else 0, oldest))


def _given(fake: Any, rng: random.Random, adult: bool) -> tuple[str, str]:
    # Every born child's sex is known, as in real records (903 rule 232 and CIN query 2886Q).
    roll = rng.random()
    if roll < 0.5:
        return fake.first_name_female(), Sex.FEMALE
    return fake.first_name_male(), Sex.MALE


# Ethnicity codes (CIN census list) weighted roughly as York's children are (2021 census): mostly
# White British. Drawn per household from the seed, apart from the stream that makes names and dates.
ETHNICITY_WEIGHTS = (
    ("WBRI", 80),
    ("WOTH", 4),
    ("WIRI", 1),
    ("MWBC", 2),
    ("MWAS", 2),
    ("MOTH", 2),
    ("AIND", 1),
    ("APKN", 1),
    ("ABAN", 1),
    ("AOTH", 1),
    ("BAFR", 2),
    ("BCRB", 1),
    ("CHNE", 1),
    ("OOTH", 1),
)


def ethnicity(seed: int | str, key: object) -> str:
    """A CIN ethnicity code, the same for the same seed and key (a household, a person)."""
    rng = random.Random(f"ethnicity:{seed}:{key}")  # noqa: S311  # nosec B311
    codes, weights = zip(*ETHNICITY_WEIGHTS, strict=True)
    return rng.choices(codes, weights=weights)[0]


def households(fake: Any, seed: int, count: int, today: date) -> list[PersonSpec]:
    """`count` people in households of one or two adults and up to four children."""
    # Reproducible synthetic data, not secrets.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    people: list[PersonSpec] = []
    unborn_left = UNBORN_COUNT
    household = -1
    while len(people) < count:
        household += 1
        surname = fake.last_name()
        adults = 1 if rng.random() < 0.4 else 2
        children = rng.choice((0, 1, 1, 2, 2, 3, 4))
        parent_age = (20, 45) if children else (18, 70)
        for _ in range(adults):
            given, sex = _given(fake, rng, adult=True)
            dob = _birth_date(rng, today, *parent_age)
            people.append(
                PersonSpec(
                    given,
                    surname,
                    sex,
                    date_of_birth=dob,
                    household=household,
                    ethnicity=ethnicity(seed, household),
                )
            )
        for _ in range(children):
            given, sex = _given(fake, rng, adult=False)
            preferred = fake.first_name() if rng.random() < 0.05 else ""
            dob = _birth_date(rng, today, 0, 17)
            people.append(
                PersonSpec(
                    given,
                    surname,
                    sex,
                    dob,
                    preferred_name=preferred,
                    child=True,
                    household=household,
                    ethnicity=ethnicity(seed, household),
                )
            )
        if unborn_left and children and rng.random() < 0.3:
            unborn_left -= 1
            expected = today + timedelta(days=rng.randint(14, 180))
            people.append(
                PersonSpec(
                    "Unborn",
                    surname,
                    Sex.UNBORN,
                    expected_date_of_birth=expected,
                    child=True,
                    household=household,
                )
            )
    people = people[:count]
    # Most people the council knows have an NHS number on file; unborn children do not yet.
    numbered = [p for p in people if p.date_of_birth and rng.random() < 0.85]
    for person, number in zip(numbered, synthetic_nhs_numbers(rng, len(numbered)), strict=True):
        person.nhs_number = number
    return people
