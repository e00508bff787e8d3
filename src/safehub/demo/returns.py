"""The demo city's statutory returns (issue 7): the CIN census and the SSDA903 for the latest
complete collection year, the 903 marked submitted (next year's cross-year rules read it), then
both returns for the year in progress; each checked with the DfE validators when they are
installed. All produced by the demo's returns officer through the services staff use, so the
returns pages show what a council would see after its own returns run.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.test.utils import override_settings

from safehub.accounts.models import User
from safehub.platform import clock
from safehub.returns.cin.builder import census_build
from safehub.returns.constants import ReturnKind
from safehub.returns.models import ProducedReturn, QueryExplanation
from safehub.returns.services.produce import produced_return_save
from safehub.returns.services.submit import return_mark_submitted
from safehub.returns.ssda903.produce import ssda903_produce

from . import city, postcodes

# Two productions (CIN census, 903) for each of two years, then their validation.
STEPS = 4
OFFICER_EMAIL = f"data.officer@{city.DEMO_DOMAIN}"
ANALYST_EMAIL = f"performance.analyst@{city.DEMO_DOMAIN}"

Advance = Callable[[str], None]


@dataclass
class Summary:
    """What the step made; `warnings` are for the person loading the demo (printed)."""

    returns: list[ProducedReturn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def latest_complete_year(today: date) -> int:
    """The last collection year (1 April to 31 March, named by its end year) that has ended."""
    return today.year if (today.month, today.day) >= (4, 1) else today.year - 1


def wipe() -> None:
    """The returns an earlier load produced (their files name the demo's children)."""
    demo_users = User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}")
    QueryExplanation.objects.filter(explained_by__in=demo_users).delete()
    ProducedReturn.objects.filter(produced_by__in=demo_users).delete()


@contextmanager
def _council_codes() -> Iterator[None]:
    """The demo city's codes where the settings name none (the test settings): the returns'
    headers and the validators need them, and the demo's places are that council's."""
    with override_settings(
        SAFEHUB_LA_CODE=settings.SAFEHUB_LA_CODE or postcodes.CITY_LA,
        SAFEHUB_LA_OLD_CODE=settings.SAFEHUB_LA_OLD_CODE or str(postcodes.CITY_OLD_CODE),
    ):
        yield


def _cin(officer: User, year: int) -> ProducedReturn:
    """As `safehub returns cin-census` does: build, then keep the production (audited once)."""
    started = time.perf_counter()
    census = census_build(year)
    return produced_return_save(
        actor=officer,
        kind=ReturnKind.CIN,
        files={f"cin_{year}.xml": census.xml},
        person_ids=census.person_ids,
        seconds=round(time.perf_counter() - started, 3),
        year=year,
    )


def validators_installed() -> bool:
    from safehub.returns.validation.runner import validators_python

    return validators_python().exists()


def load(*, users: dict[str, User], advance: Advance, validate: bool = True, **_: Any) -> Summary:
    """Produce (and validate) the demo's returns as its returns officer."""
    officer = users[OFFICER_EMAIL]
    year = latest_complete_year(clock.today())
    summary = Summary()
    with _council_codes():
        summary.returns.append(_cin(officer, year))
        submitted = ssda903_produce(actor=officer, year=year).produced
        # The 903 sent last year is what this year's cross-year rules compare with.
        return_mark_submitted(submitted, officer)
        summary.returns.append(submitted)
        advance("returns")
        summary.returns.append(_cin(officer, year + 1))
        summary.returns.append(ssda903_produce(actor=officer, year=year + 1).produced)
        advance("returns")
        if validate and not validators_installed():
            summary.warnings.append(
                "The DfE validators are not installed (run `make validators`): the demo's returns "
                "were produced but not validated."
            )
            validate = False
        for batch in (summary.returns[:2], summary.returns[2:]):
            if validate:
                from safehub.returns.validation.services import validate_return

                for produced in batch:
                    validate_return(produced, actor=officer)
            advance("returns")
    return summary
