"""ssd_cla_episodes, ssd_legal_status, ssd_cla_placement: periods of care in and out."""

from datetime import date
from typing import Any

import pytest

from safehub.accounts.tests.factories import UserFactory
from safehub.casework.models import Task
from safehub.looked_after.models import LegalStatus, LookedAfterPeriod, Placement
from safehub.returns.models import SsdRecord

from .extract import extract
from .helpers import by_id, export, person, run_import

pytestmark = pytest.mark.django_db

TABLES = {
    "ssd_cla_episodes": "clae_cla_episode_id",
    "ssd_legal_status": "lega_legal_status_id",
    "ssd_cla_placement": "clap_cla_placement_id",
}


@pytest.fixture
def actor() -> Any:
    return UserFactory()


@pytest.fixture
def children() -> dict[str, Any]:
    return {"P1": person("P1", date(2012, 5, 1)), "P2": person("P2", date(2015, 2, 2))}


def test_periods_load_and_reproduce_their_episodes(actor: Any, children: dict[str, Any]) -> None:
    problems = run_import(actor, extract())
    assert problems == []
    closed = LookedAfterPeriod.objects.get(person=children["P1"])
    assert (closed.started_on, closed.ended_on, closed.end_reason, closed.need_code) == (
        date(2020, 1, 10), date(2022, 2, 1), "E4A", "N1",
    )  # fmt: skip
    assert closed.involvement.closed_on == date(2022, 2, 1)
    assert list(closed.legal_statuses.values_list("code", flat=True)) == ["C1", "C2"]
    assert list(closed.placements.values_list("placement_type", "end_reason")) == [
        ("U4", "CARPL"),
        ("U6", ""),
    ]
    still = LookedAfterPeriod.objects.get(person=children["P2"])
    assert still.ended_on is None
    assert still.need_code == "N2"
    # The open period's clocks were brought in step once its chain was accepted.
    assert Task.objects.filter(involvement=still.involvement).exists()
    assert not Task.objects.filter(involvement=closed.involvement).exists()


@pytest.mark.parametrize("name", list(TABLES))
def test_round_trip_every_field(actor: Any, children: dict[str, Any], name: str) -> None:
    data = extract()
    run_import(actor, data)
    assert by_id(export(actor, name), TABLES[name]) == by_id(data[name], TABLES[name])


def test_a_second_run_updates_and_never_duplicates(actor: Any, children: dict[str, Any]) -> None:
    data = extract()
    run_import(actor, data)
    data["ssd_cla_placement"][2]["clap_cla_placement_postcode"] = "BD2 2BB"
    data["ssd_legal_status"][1]["lega_legal_status"] = "C1"  # the extract corrects C2 to... C1 again
    data["ssd_legal_status"][1]["lega_legal_status"] = "E1"
    assert run_import(actor, data) == []
    assert LookedAfterPeriod.objects.count() == 2
    assert LegalStatus.objects.count() == 3
    assert Placement.objects.count() == 3
    assert Placement.objects.get(person=children["P2"]).postcode == "BD2 2BB"
    assert LegalStatus.objects.filter(code="E1").count() == 1
    assert by_id(export(actor, "ssd_cla_placement"), "clap_cla_placement_id") == by_id(
        data["ssd_cla_placement"], "clap_cla_placement_id"
    )


def test_episodes_that_the_record_does_not_give_refuse_the_period_whole(
    actor: Any, children: dict[str, Any]
) -> None:
    data = extract()
    # The extract says only the placement changed on 1 June 2020, but the legal status changed too.
    data["ssd_legal_status"][1]["lega_legal_status_start_date"] = "2020-06-01"
    data["ssd_legal_status"][0]["lega_legal_status_end_date"] = "2020-06-01"
    problems = run_import(actor, data)
    refused = {(p.table, p.row_id) for p in problems}
    assert refused == {
        ("ssd_cla_episodes", "CLA1-1"), ("ssd_cla_episodes", "CLA1-2"), ("ssd_cla_episodes", "CLA1-3"),
        ("ssd_legal_status", "LS1"), ("ssd_legal_status", "LS2"),
        ("ssd_cla_placement", "PL1"), ("ssd_cla_placement", "PL2"),
    }  # fmt: skip
    text = next(p.problem for p in problems if p.row_id == "CLA1-2")
    assert "CLA1 is refused whole" in text
    assert "episode CLA1-2 (from 2020-06-01): the extract says reason for new episode P" in text
    assert "give B" in text
    # Nothing of it is left half-loaded; the other child's period is untouched.
    assert not LookedAfterPeriod.objects.filter(person=children["P1"]).exists()
    assert not Placement.objects.filter(person=children["P1"]).exists()
    assert not SsdRecord.objects.filter(source_id__in=["CLA1", "CLA1-1", "LS1", "PL1"]).exists()
    assert LookedAfterPeriod.objects.filter(person=children["P2"]).count() == 1


def test_a_period_whose_chain_breaks_is_refused_whole(actor: Any, children: dict[str, Any]) -> None:
    data = extract()
    data["ssd_legal_status"][2]["lega_legal_status_start_date"] = "2023-05-01"  # none for the first month
    problems = run_import(actor, data)
    text = {p.row_id: p.problem for p in problems}
    assert set(text) == {"CLA2-1", "LS3", "PL3"}
    assert "The episode from 1 April 2023 has no legal status." in text["PL3"]
    assert not LookedAfterPeriod.objects.filter(person=children["P2"]).exists()


@pytest.mark.parametrize(
    ("table", "index", "field", "value", "expected"),
    [
        (
            "ssd_legal_status",
            2,
            "lega_legal_status",
            "Z9",
            "lega_legal_status 'Z9' is not a legal status code",
        ),
        ("ssd_legal_status", 2, "lega_legal_status_start_date", "2019-01-01", "is in no period of care"),
        (
            "ssd_legal_status",
            2,
            "lega_legal_status_start_date",
            "01/04/2023",
            "not a date in the form YYYY-MM-DD",
        ),
        ("ssd_cla_placement", 2, "clap_cla_placement_type", "Q7", "'Q7' is not a placement type code"),
        (
            "ssd_cla_placement",
            2,
            "clap_cla_placement_provider",
            "",
            "clap_cla_placement_provider is required",
        ),
        (
            "ssd_cla_placement",
            2,
            "clap_cla_placement_start_date",
            "2023-03-01",
            "before the period of care started",
        ),
        ("ssd_cla_placement", 2, "clap_cla_placement_distance", "far", "not a number"),
        ("ssd_cla_placement", 2, "clap_cla_id", "CLA9", "'CLA9' is not a period of care that was loaded"),
        (
            "ssd_cla_placement",
            2,
            "clap_cla_placement_change_reason",
            "MOVED",
            "'MOVED' is not a reason for placement change",
        ),
        ("ssd_cla_episodes", 3, "clae_cla_primary_need_code", "N9", "'N9' is not a category of need code"),
        ("ssd_cla_episodes", 3, "clae_person_id", "P404", "'P404' is not a person"),
        (
            "ssd_cla_episodes",
            3,
            "clae_cla_episode_ceased_reason",
            "E99",
            "'E99' is not a reason episode ceased",
        ),
    ],
)
def test_a_bad_field_is_refused_by_name(
    actor: Any, children: dict[str, Any], table: str, index: int, field: str, value: str, expected: str
) -> None:
    data = extract()
    data[table][index][field] = value
    problems = run_import(actor, data)
    row_id = next(iter(data[table][index].values()))
    mine = [p for p in problems if p.table == table and p.row_id == row_id and p.field == field]
    assert mine, problems
    assert expected in mine[0].problem
    # The other child's period, which had nothing wrong, still loads in full.
    assert LookedAfterPeriod.objects.filter(person=children["P1"]).count() == 1
    assert Placement.objects.filter(person=children["P1"]).count() == 2
    # The broken child's period is refused whole, never half-loaded.
    assert not LookedAfterPeriod.objects.filter(person=children["P2"]).exists()
    assert {(p.table, p.row_id) for p in problems} >= {
        ("ssd_cla_episodes", "CLA2-1"),
        ("ssd_cla_placement", "PL3"),
    } or table == "ssd_cla_placement"


def test_a_second_open_period_for_a_child_is_refused(actor: Any, children: dict[str, Any]) -> None:
    data = extract()
    run_import(actor, data)
    again = {
        "ssd_cla_episodes": [
            dict(
                data["ssd_cla_episodes"][3],
                clae_cla_id="CLA3",
                clae_cla_episode_id="CLA3-1",
                clae_cla_episode_start_date="2024-01-01",
                clae_entered_care_date="2024-01-01",
            )
        ]
    }
    problems = run_import(actor, again)
    assert [(p.row_id, p.field) for p in problems] == [("CLA3-1", "clae_cla_episode_ceased_date")]
    assert "already has another open period of care" in problems[0].problem
