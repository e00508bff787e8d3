"""Reviews, visits, health, missing and UASC: each table loads, refuses by field, re-runs as an
update and exports what it loaded (the round trip)."""

from datetime import date
from typing import Any

import pytest

from safehub.accounts.tests.factories import UserFactory
from safehub.looked_after.models import (
    Conviction,
    HealthCheck,
    LookedAfterReview,
    MissingEpisode,
    PlacementVisit,
    SdqScore,
    SubstanceMisuse,
    UascStatus,
)

from .extract import extract
from .helpers import by_id, export, person, run_import, table

pytestmark = pytest.mark.django_db

# table -> (model, rows that load, the field a re-run changes and its new value)
CASES: dict[str, tuple[Any, list[dict[str, str]], tuple[str, str]]] = {
    "ssd_cla_reviews": (
        LookedAfterReview,
        [
            {
                "clar_cla_review_id": "R1",
                "clar_cla_id": "CLA1",
                "clar_cla_review_due_date": "",
                "clar_cla_review_date": "2020-02-05",
                "clar_cla_review_cancelled": "N",
                "clar_cla_review_participation": "PN1",
            },
            {
                "clar_cla_review_id": "R2",
                "clar_cla_id": "CLA2",
                "clar_cla_review_due_date": "",
                "clar_cla_review_date": "2023-04-20",
                "clar_cla_review_cancelled": "N",
                "clar_cla_review_participation": "PN0",
            },
        ],
        ("clar_cla_review_participation", "PN3"),
    ),
    "ssd_cla_visits": (
        PlacementVisit,
        [
            {
                "clav_cla_visit_id": "V1",
                "clav_cla_id": "CLA1",
                "clav_person_id": "P1",
                "clav_cla_visit_date": "2020-06-01",
                "clav_cla_visit_seen": "Y",
                "clav_cla_visit_seen_alone": "N",
            },
            {
                "clav_cla_visit_id": "V2",
                "clav_cla_id": "CLA2",
                "clav_person_id": "P2",
                "clav_cla_visit_date": "2023-04-05",
                "clav_cla_visit_seen": "Y",
                "clav_cla_visit_seen_alone": "Y",
            },
        ],
        ("clav_cla_visit_seen_alone", "Y"),
    ),
    "ssd_cla_health": (
        HealthCheck,
        [
            {
                "clah_health_check_id": "H1",
                "clah_person_id": "P1",
                "clah_health_check_type": "Dental Check",
                "clah_health_check_date": "2021-01-05",
                "clah_health_check_status": "Completed",
            },
            {
                "clah_health_check_id": "H2",
                "clah_person_id": "P2",
                "clah_health_check_type": "Initial Health Assessment",
                "clah_health_check_date": "2023-04-25",
                "clah_health_check_status": "Completed",
            },
        ],
        ("clah_health_check_date", "2021-01-06"),
    ),
    "ssd_cla_immunisations": (
        HealthCheck,
        [
            {
                "clai_person_id": "P2",
                "clai_immunisations_status": "Y",
                "clai_immunisations_status_date": "2023-05-01",
            },
        ],
        ("clai_immunisations_status_date", "2023-06-01"),
    ),
    "ssd_cla_substance_misuse": (
        SubstanceMisuse,
        [
            {
                "clas_substance_misuse_id": "S1",
                "clas_person_id": "P2",
                "clas_substance_misuse_date": "2024-01-03",
                "clas_substance_misused": "Cannabis",
                "clas_intervention_received": "Y",
            },
        ],
        ("clas_intervention_received", "N"),
    ),
    "ssd_cla_convictions": (
        Conviction,
        [
            {
                "clac_cla_conviction_id": "C1",
                "clac_person_id": "P1",
                "clac_cla_conviction_date": "2021-07-07",
                "clac_cla_conviction_offence": "Criminal damage",
            },
        ],
        ("clac_cla_conviction_offence", "Theft"),
    ),
    "ssd_sdq_scores": (
        SdqScore,
        [
            {
                "csdq_table_id": "Q1",
                "csdq_person_id": "P1",
                "csdq_sdq_completed_date": "2021-04-01",
                "csdq_sdq_reason": "",
                "csdq_sdq_score": "17",
            },
            {
                "csdq_table_id": "Q2",
                "csdq_person_id": "P2",
                "csdq_sdq_completed_date": "2024-04-01",
                "csdq_sdq_reason": "SDQ2",
                "csdq_sdq_score": "",
            },
        ],
        ("csdq_sdq_score", "21"),
    ),
    "ssd_missing": (
        MissingEpisode,
        [
            {
                "miss_table_id": "M1",
                "miss_person_id": "P2",
                "miss_missing_episode_start_date": "2024-02-02",
                "miss_missing_episode_type": "M",
                "miss_missing_episode_end_date": "2024-02-03",
                "miss_missing_rhi_offered": "Y",
                "miss_missing_rhi_accepted": "N",
            },
            {
                "miss_table_id": "M2",
                "miss_person_id": "P1",
                "miss_missing_episode_start_date": "2021-09-09",
                "miss_missing_episode_type": "A",
                "miss_missing_episode_end_date": "2021-09-09",
                "miss_missing_rhi_offered": "N",
                "miss_missing_rhi_accepted": "",
            },
        ],
        ("miss_missing_episode_end_date", "2024-02-04"),
    ),
    "ssd_immigration_status": (
        UascStatus,
        [
            {
                "immi_person_id": "P2",
                "immi_immigration_status_id": "I1",
                "immi_immigration_status": "Unaccompanied Asylum Seeking Child",
                "immi_immigration_status_start_date": "2023-03-01",
                "immi_immigration_status_end_date": "2033-02-02",
            },
        ],
        ("immi_immigration_status_end_date", "2026-01-01"),
    ),
}

# table, row index, field, bad value, words the problem must contain
BAD = [
    (
        "ssd_cla_reviews",
        0,
        "clar_cla_review_participation",
        "PN9",
        "'PN9' is not a review participation code",
    ),
    ("ssd_cla_reviews", 0, "clar_cla_review_date", "2019-12-01", "before the period of care started"),
    ("ssd_cla_reviews", 0, "clar_cla_review_cancelled", "Y", "a cancelled review is not held"),
    ("ssd_cla_reviews", 1, "clar_cla_id", "CLA404", "not a period of care that was loaded"),
    ("ssd_cla_visits", 0, "clav_cla_visit_date", "2022-03-01", "after the period of care ended"),
    ("ssd_cla_visits", 1, "clav_person_id", "P1", "is not the child of period 'CLA2'"),
    ("ssd_cla_visits", 1, "clav_cla_visit_seen", "maybe", "must be Y or N"),
    ("ssd_cla_health", 0, "clah_health_check_type", "Eye test", "not a health check Safehub knows"),
    ("ssd_cla_health", 0, "clah_health_check_status", "Refused", "only completed checks are held"),
    ("ssd_cla_health", 0, "clah_health_check_date", "2023-01-01", "in no period of care of this child"),
    (
        "ssd_cla_immunisations",
        0,
        "clai_immunisations_status",
        "N",
        "immunisations not up to date are not held",
    ),
    ("ssd_cla_substance_misuse", 0, "clas_substance_misuse_date", "2024-13-01", "not a date"),
    ("ssd_cla_convictions", 0, "clac_person_id", "", "clac_person_id is required"),
    ("ssd_sdq_scores", 0, "csdq_sdq_score", "41", "from 0 to 40"),
    ("ssd_sdq_scores", 0, "csdq_sdq_reason", "SDQ1", "not both"),
    ("ssd_sdq_scores", 1, "csdq_sdq_reason", "SDQ9", "'SDQ9' is not a SDQ reason code"),
    ("ssd_missing", 0, "miss_missing_episode_type", "X", "'X' is not a missing episode type code"),
    (
        "ssd_missing",
        0,
        "miss_missing_episode_end_date",
        "2024-01-01",
        "before the missing episode start date",
    ),
    ("ssd_missing", 1, "miss_missing_rhi_accepted", "Y", "does not say it was offered"),
    ("ssd_immigration_status", 0, "immi_immigration_status", "Refugee Status", "only UASC status is held"),
]


@pytest.fixture
def actor() -> Any:
    return UserFactory()


@pytest.fixture(autouse=True)
def periods(actor: Any) -> None:
    person("P1", date(2012, 5, 1))
    person("P2", date(2015, 2, 2))
    assert run_import(actor, extract()) == []


def rows_of(name: str) -> list[dict[str, str]]:
    return [dict(r) for r in CASES[name][1]]


@pytest.mark.parametrize("name", list(CASES))
def test_loads_and_round_trips(actor: Any, name: str) -> None:
    model, _rows, _change = CASES[name]
    rows = rows_of(name)
    assert run_import(actor, {name: rows}) == []
    assert model.objects.count() == len(rows)
    id_field = table(name).id_field
    assert by_id(export(actor, name), id_field) == by_id(rows, id_field)


@pytest.mark.parametrize("name", list(CASES))
def test_a_second_run_updates_the_same_rows(actor: Any, name: str) -> None:
    model, _rows, (field, value) = CASES[name]
    rows = rows_of(name)
    run_import(actor, {name: rows})
    pks = set(model.objects.values_list("pk", flat=True))
    rows[0][field] = value
    assert run_import(actor, {name: rows}) == []
    assert set(model.objects.values_list("pk", flat=True)) == pks
    id_field = table(name).id_field
    assert by_id(export(actor, name), id_field)[rows[0][id_field]][field] == value


@pytest.mark.parametrize(("name", "index", "field", "value", "words"), BAD)
def test_a_bad_row_is_refused_by_field_and_the_rest_loads(
    actor: Any, name: str, index: int, field: str, value: str, words: str
) -> None:
    model = CASES[name][0]
    rows = rows_of(name)
    rows[index][field] = value
    problems = run_import(actor, {name: rows})
    id_field = table(name).id_field
    assert [(p.table, p.row_id, p.field) for p in problems] == [(name, rows[index][id_field], field)]
    assert words in problems[0].problem
    assert model.objects.count() == len(rows) - 1


def test_the_visit_is_to_the_placement_of_that_day(actor: Any) -> None:
    run_import(actor, {"ssd_cla_visits": rows_of("ssd_cla_visits")})
    visit = PlacementVisit.objects.get(visited_on=date(2020, 6, 1))
    assert visit.placement.placement_type == "U6"  # the move day: the new placement


def test_rhi_offered_and_accepted_are_kept(actor: Any) -> None:
    run_import(actor, {"ssd_missing": rows_of("ssd_missing")})
    episode = MissingEpisode.objects.get(started_on=date(2024, 2, 2))
    assert episode.interview_offered_on == date(2024, 2, 3)
    assert episode.interview_accepted is False
