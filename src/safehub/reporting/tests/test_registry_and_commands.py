"""The indicator registry, the population and the `safehub reporting` commands (issue 8)."""

import csv
import os
import uuid
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from safehub.audit.models import AuditEvent
from safehub.reporting.indicators import base
from safehub.reporting.indicators.base import Counted, Figure, Indicator, Kind, Period, figure, indicators
from safehub.reporting.indicators.docs import markdown
from safehub.reporting.models import PopulationEstimate
from safehub.reporting.services import population_for, population_set

# The ids the interface promises in `safehub reporting indicators` (issue 8).
PROMISED = [
    "referrals", "referrals_per_10000", "re_referrals_pct", "assessments_completed",
    "assessments_within_45_pct", "s47_enquiries", "icpcs", "icpcs_within_15_pct",
    "cp_plans_at_31_march", "cp_plans_per_10000", "cp_plans_started",
    "cp_plans_second_or_subsequent_pct", "cp_plans_ended_2_years_plus_pct", "cin_at_31_march",
    "cin_per_10000", "cla_at_31_march", "cla_per_10000", "cla_3_plus_placements_pct",
    "care_leavers_in_touch_pct", "adoptions",
]  # fmt: skip

DOCS = Path(settings.BASE_DIR) / "docs" / "indicators.md"


def test_the_collection_year_runs_april_to_march_inclusive() -> None:
    period = Period(2026)
    assert (period.start, period.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert date(2025, 4, 1) in period
    assert date(2026, 3, 31) in period
    assert date(2025, 3, 31) not in period
    assert date(2026, 4, 1) not in period
    assert str(period) == "1 April 2025 to 31 March 2026"


def test_every_promised_indicator_is_defined_once_with_its_words() -> None:
    found = [indicator.id for indicator in indicators()]
    assert set(PROMISED) <= set(found)
    assert len(found) == len(set(found))
    for indicator in indicators():
        assert all((indicator.title, indicator.period, indicator.population, indicator.source)), indicator.id
        assert len(indicator.formula) > 30, indicator.id
        if indicator.kind == Kind.RATE:
            assert base.get(indicator.rate_of).kind == Kind.COUNT, indicator.id


def test_the_registry_refuses_a_second_definition_and_a_rate_without_its_count() -> None:
    existing = indicators()[0]
    with pytest.raises(ValueError, match="defined twice"):
        base.register(existing)
    with pytest.raises(ValueError, match="a rate names its count"):
        base.register(Indicator("x_rate", "X", Kind.RATE, "p", "c", "s", "f"))
    with pytest.raises(ValueError, match="a rate names its count"):
        base.register(Indicator("x_count", "X", Kind.COUNT, "p", "c", "s", "f"))
    assert "x_rate" not in base.REGISTRY
    assert "x_count" not in base.REGISTRY


def _made_up(kind: Kind, numerator: int, denominator: int | None) -> Indicator:
    def members(period: Period) -> Counted:
        child = uuid.UUID(int=1)
        return Counted(
            dict.fromkeys(range(numerator), child),
            None if denominator is None else dict.fromkeys(range(denominator), child),
        )

    return Indicator(f"made_up_{kind}", "Made up", kind, "the year", "things", "none", "n / d", members)


@pytest.mark.parametrize(
    ("kind", "numerator", "denominator", "value"),
    [
        (Kind.COUNT, 7, None, Decimal(7)),
        (Kind.COUNT, 0, None, Decimal(0)),  # a count of nothing is 0
        (Kind.PERCENT, 1, 3, Decimal("33.3")),
        (Kind.PERCENT, 2, 3, Decimal("66.7")),
        (Kind.PERCENT, 1, 8, Decimal("12.5")),
        (Kind.PERCENT, 1, 16, Decimal("6.3")),  # 6.25: halves round up, as the DfE's tables do
        (Kind.PERCENT, 0, 0, None),  # nothing to be a share of: no data, never 0
    ],
)
def test_a_figure_is_worked_out_from_its_members(
    kind: Kind, numerator: int, denominator: int | None, value: Decimal | None
) -> None:
    result = figure(_made_up(kind, numerator, denominator), Period(2026), None)
    assert isinstance(result, Figure)
    assert result.value == value
    assert result.numerator == numerator
    assert result.denominator == denominator
    assert len(result.members) == numerator


@pytest.mark.django_db
def test_a_rate_needs_a_population_and_is_per_ten_thousand(monkeypatch: pytest.MonkeyPatch) -> None:
    count = _made_up(Kind.COUNT, 40, None)
    rate = Indicator("made_up_rate", "Made up per 10,000", Kind.RATE, "p", "c", "s", "f", rate_of=count.id)
    monkeypatch.setitem(base.REGISTRY, count.id, count)
    monkeypatch.setitem(base.REGISTRY, rate.id, rate)

    assert figure(rate, Period(2026), None).value is None  # no population: no data, not a guess
    with_population = figure(rate, Period(2026), 20_000)
    assert (with_population.numerator, with_population.denominator) == (40, 20_000)
    assert with_population.value == Decimal("20.0")
    assert figure(rate, Period(2026), 30_000).value == Decimal("13.3")


@pytest.mark.django_db
def test_setting_the_population_replaces_the_years_figure_and_is_audited() -> None:
    population_set(actor=None, actor_label="test", year=2026, children=41_250, source="ONS mid-2024")
    population_set(actor=None, actor_label="test", year=2026, children=41_300)

    assert PopulationEstimate.objects.count() == 1
    assert population_for(2026) == 41_300
    assert population_for(2025) is None
    events = AuditEvent.objects.filter(object_type="reporting.populationestimate").order_by("seq")
    assert [e.verb for e in events] == ["create", "update"]
    assert "41250 -> 41300" in events.last().reason  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as refused:
        population_set(actor=None, year=2026, children=0)
    assert "children" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        population_set(actor=None, year=26, children=100)
    assert "year" in refused.value.message_dict


@pytest.mark.django_db
def test_the_commands_set_the_population_and_write_every_indicator(tmp_path: Path) -> None:
    out = StringIO()
    call_command("reporting", "set-population", "--year", "2026", "--count", "40000", stdout=out)
    assert "40,000 children under 18" in out.getvalue()
    with pytest.raises(CommandError, match="--count: The population must be at least 1"):
        call_command("reporting", "set-population", "--year", "2026", "--count", "-5")

    target = tmp_path / "indicators.csv"
    call_command("reporting", "indicators", "--year", "2026", "--out", str(target), stdout=StringIO())

    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["indicator", "value", "numerator", "denominator"]
    by_id = {row["indicator"]: row for row in rows}
    assert set(PROMISED) <= set(by_id)
    # An empty database: counts are 0, percentages no data (empty), rates 0 of a known population.
    assert by_id["referrals"] == {"indicator": "referrals", "value": "0", "numerator": "0", "denominator": ""}
    assert by_id["re_referrals_pct"]["value"] == ""
    assert by_id["cp_plans_per_10000"] == {
        "indicator": "cp_plans_per_10000",
        "value": "0.0",
        "numerator": "0",
        "denominator": "40000",
    }


@pytest.mark.django_db
def test_without_a_population_the_rates_are_no_data_and_the_command_says_so(tmp_path: Path) -> None:
    target = tmp_path / "i.csv"
    err = StringIO()
    call_command(
        "reporting", "indicators", "--year", "2025", "--out", str(target), stdout=StringIO(), stderr=err
    )
    assert "No population is set for 2025" in err.getvalue()
    rows = {row["indicator"]: row for row in csv.DictReader(target.open(newline=""))}
    assert rows["cla_per_10000"]["value"] == ""
    with pytest.raises(CommandError, match="does not exist"):
        call_command("reporting", "indicators", "--year", "2025", "--out", str(tmp_path / "no" / "i.csv"))
    with pytest.raises(CommandError, match="--year 25"):
        call_command("reporting", "indicators", "--year", "25", "--out", str(target))


def test_the_indicators_page_is_written_from_the_registry() -> None:
    expected = markdown()
    if os.environ.get("SAFEHUB_WRITE_INDICATOR_DOCS"):
        DOCS.write_text(expected, encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/indicators.md differs from the registry: regenerate it with "
        "SAFEHUB_WRITE_INDICATOR_DOCS=1 pytest src/safehub/reporting/tests/test_registry_and_commands.py"
    )
