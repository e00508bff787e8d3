"""Names, towns, streets and postcodes drawn from en_GB Faker once per seed.

Faker takes tens of microseconds a call; a million people need several calls each. So Faker fills
small pools once, and the generator draws from them with its own `random.Random`, which is fast.
Names are drawn with falling weights (a few common, many rare), as real names are.
"""

import bisect
import itertools
import random
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from faker import Faker

from safehub.people.identifiers import normalise_postcode

from .constants import LOCALITY_POOL, TOWN_POOL


@dataclass(frozen=True, slots=True)
class Locality:
    street: str
    town: str
    postcode: str


class WeightedPool:
    """Values with Zipf-like weights: rank r has weight 1 / (r + 10)."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self._cumulative = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(values))))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> str:
        index = bisect.bisect(self._cumulative, rng.random() * self._total)
        return self.values[min(index, len(self.values) - 1)]


@dataclass(frozen=True)
class Pools:
    male: WeightedPool
    female: WeightedPool
    surnames: WeightedPool
    localities: tuple[Locality, ...]


def _distinct(make: object, rng: random.Random) -> list[str]:
    """Every distinct value Faker's list holds, in an order shuffled by the seed."""
    values = sorted(set(make))  # type: ignore[call-overload]
    rng.shuffle(values)
    return values


@lru_cache(maxsize=4)
def pools_for(seed: int) -> Pools:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    # Reproducible synthetic data, not secrets.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    provider = fake.provider("faker.providers.person")
    towns = sorted({fake.city() for _ in range(TOWN_POOL)})
    postcodes: set[str] = set()
    localities: list[Locality] = []
    while len(localities) < LOCALITY_POOL:
        # Only postcodes the importer accepts, spelt as it stores them.
        try:
            postcode = normalise_postcode(fake.postcode())
        except ValidationError:
            continue
        if postcode in postcodes:
            continue
        postcodes.add(postcode)
        localities.append(Locality(fake.street_name(), rng.choice(towns), postcode))
    return Pools(
        male=WeightedPool(_distinct(provider.first_names_male, rng)),  # type: ignore[union-attr]
        female=WeightedPool(_distinct(provider.first_names_female, rng)),  # type: ignore[union-attr]
        surnames=WeightedPool(_distinct(provider.last_names, rng)),  # type: ignore[union-attr]
        localities=tuple(localities),
    )
