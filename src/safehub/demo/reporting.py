"""The demo city's figures for performance reporting (issue 8): the under-18 population of its
area for six collection years, so that `safehub reporting indicators` gives rates per 10,000 from
the first start instead of "no data"."""

from collections.abc import Callable

from safehub.platform import clock
from safehub.reporting.models import PopulationEstimate
from safehub.reporting.services import population_set

STEPS = 1
YEARS = 6
# The demo's few hundred people stand for a district of a council: its children under 18, a
# slowly rising ONS-style estimate (synthetic figures).
CHILDREN_PER_PERSON = 15
GROWTH_PER_YEAR = 0.004


def wipe() -> None:
    PopulationEstimate.objects.all().delete()


def load(*, people: int, advance: Callable[[str], None]) -> list[PopulationEstimate]:
    today = clock.today()
    latest = today.year if (today.month, today.day) >= (4, 1) else today.year - 1
    base = people * CHILDREN_PER_PERSON
    estimates = [
        population_set(
            actor=None,
            actor_label="demo city",
            year=year,
            children=round(base * (1 + GROWTH_PER_YEAR) ** (year - latest)),
            source=f"Synthetic estimate for the demo city (mid-{year - 2})",
        )
        for year in range(latest - YEARS + 2, latest + 2)  # the year in progress too
    ]
    advance("population estimates for rates")
    return estimates
