"""R30 (security finding M5): every record an SSD care import writes has its field history.

The care adapters write in bulk, and a plain `bulk_create`/`bulk_update` skips django-simple-history.
These tests load a whole synthetic care extract through the adapters (as the runner does) and check
the history rows: "+" for what the import made, "~" for what a later import changed, "-" for a
period it took back out; each by the importing user, naming the SSD import, and each a true copy
of the record as stored.
"""

from datetime import date
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from safehub.accounts.tests.factories import UserFactory
from safehub.casework.models import Involvement
from safehub.looked_after.models import (
    AdoptionDecision,
    CareLeaver,
    CareLeaverContact,
    Conviction,
    HealthCheck,
    LegalStatus,
    LookedAfterPeriod,
    LookedAfterReview,
    MissingEpisode,
    PathwayPlanReview,
    PermanenceOrder,
    Placement,
    PlacementVisit,
    SdqScore,
    SubstanceMisuse,
    UascStatus,
)
from safehub.returns.ssd.base import PendingClocks, Row
from safehub.returns.ssd.casework_common import HISTORY_REASON

from .extract import extract
from .helpers import _save_mappings as save_mappings
from .helpers import new_context, person, run_import, table
from .test_permanence import LEAVERS, PERMANENCE, PREVIOUS
from .test_records import CASES

pytestmark = pytest.mark.django_db

# Every tracked model a care import writes (the care leavers' and periods' involvements too).
WRITTEN: list[type[models.Model]] = [
    Involvement, LookedAfterPeriod, LegalStatus, Placement, LookedAfterReview, PlacementVisit,
    HealthCheck, SubstanceMisuse, Conviction, SdqScore, MissingEpisode, UascStatus, AdoptionDecision,
    PermanenceOrder, CareLeaver, CareLeaverContact, PathwayPlanReview,
]  # fmt: skip


@pytest.fixture
def importer() -> Any:
    return UserFactory()


@pytest.fixture
def children() -> dict[str, Any]:
    return {"P1": person("P1", date(2012, 5, 1)), "P2": person("P2", date(2015, 2, 2))}


def whole_extract() -> dict[str, list[Row]]:
    """Periods, legal statuses and placements, every record table, permanence and care leavers."""
    data = extract()
    for name, (_model, rows, _change) in CASES.items():
        data[name] = [dict(r) for r in rows]
    data["ssd_permanence"] = [dict(r) for r in PERMANENCE]
    data["ssd_cla_previous_permanence"] = [dict(r) for r in PREVIOUS]
    data["ssd_care_leavers"] = [dict(r) for r in LEAVERS]
    return data


def stored(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def latest_history(obj: Any) -> Any:
    return obj.history.order_by("-history_date", "-history_id").first()


def test_a_first_import_writes_creation_history_by_the_importer(
    importer: Any, children: dict[str, Any]
) -> None:
    """R30: each record made by the import has one "+" row by the importer naming the SSD import,
    and its latest history row is the record as stored (so a later change shows a true diff)."""
    assert run_import(importer, whole_extract()) == []
    for model in WRITTEN:
        objs = list(model._default_manager.all())
        assert objs, f"the extract made no {model.__name__}"
        for obj in objs:
            created = obj.history.filter(history_type="+")  # type: ignore[attr-defined]
            assert [(h.history_user_id, h.history_change_reason) for h in created] == [
                (importer.pk, HISTORY_REASON)
            ], model.__name__
            latest = latest_history(obj)
            assert latest.history_user_id == importer.pk
            assert stored(latest.instance) == stored(obj), model.__name__


def test_a_second_import_writes_change_history_only_for_the_rows_it_changed(
    importer: Any, children: dict[str, Any]
) -> None:
    """R30: a re-run with changed rows writes "~" rows by the user who ran it; unchanged rows
    (skipped by their row hash) get none."""
    data = whole_extract()
    assert run_import(importer, data) == []
    before = {model: model.history.count() for model in WRITTEN}  # type: ignore[attr-defined]
    editor: Any = UserFactory()
    data["ssd_cla_episodes"][3]["clae_cla_primary_need_code"] = "N3"  # CLA2: the period's need
    data["ssd_legal_status"][1]["lega_legal_status"] = "E1"  # LS2
    data["ssd_cla_placement"][2]["clap_cla_placement_postcode"] = "BD2 2BB"  # PL3
    for name, (_model, _rows, (column, value)) in CASES.items():
        data[name][0][column] = value
    data["ssd_permanence"][0]["perm_matched_date"] = "2024-01-11"  # PM1, a decision
    data["ssd_permanence"][1]["perm_permanence_order_date"] = "2022-01-31"  # PM2, an order
    data["ssd_cla_previous_permanence"][0]["lapp_previous_permanence_la"] = "E08000036"
    data["ssd_care_leavers"][0]["clea_care_leaver_activity"] = "P1"
    data["ssd_care_leavers"][0]["clea_pathway_plan_review_date"] = "2029-03-02"
    assert run_import(editor, data) == []

    changed: dict[type[models.Model], list[Any]] = {
        LookedAfterPeriod: [LookedAfterPeriod.objects.get(person=children["P2"])],
        LegalStatus: [LegalStatus.objects.get(code="E1")],
        Placement: [Placement.objects.get(postcode="BD2 2BB")],
        LookedAfterReview: [LookedAfterReview.objects.get(participation="PN3")],
        PlacementVisit: [PlacementVisit.objects.get(visited_on=date(2020, 6, 1))],
        SubstanceMisuse: list(SubstanceMisuse.objects.all()),
        Conviction: list(Conviction.objects.all()),
        SdqScore: [SdqScore.objects.get(score=21)],
        MissingEpisode: [MissingEpisode.objects.get(ended_on=date(2024, 2, 4))],
        UascStatus: list(UascStatus.objects.all()),
        AdoptionDecision: list(AdoptionDecision.objects.all()),
        PermanenceOrder: list(PermanenceOrder.objects.all()),
        CareLeaver: list(CareLeaver.objects.all()),
        CareLeaverContact: list(CareLeaverContact.objects.all()),
        PathwayPlanReview: list(PathwayPlanReview.objects.all()),
    }
    # The health and immunisation tables both hold HealthCheck rows: one of each changed.
    changed[HealthCheck] = [
        HealthCheck.objects.get(done_on=date(2021, 1, 6)),
        HealthCheck.objects.get(done_on=date(2023, 6, 1)),
    ]
    for model, objs in changed.items():
        for obj in objs:
            latest = latest_history(obj)
            assert (latest.history_type, latest.history_user_id, latest.history_change_reason) == (
                "~",
                editor.pk,
                HISTORY_REASON,
            ), model.__name__
            assert stored(latest.instance) == stored(obj), model.__name__
            assert obj.updated_by_id == editor.pk
            assert obj.version > 1
        changes = model.history.filter(history_type="~", history_user=editor)  # type: ignore[attr-defined]
        assert {h.id for h in changes} == {o.pk for o in objs}, model.__name__
    # The periods' dates did not move: their involvements are not rewritten.
    assert Involvement.history.count() == before[Involvement]  # type: ignore[attr-defined]
    untouched = LookedAfterPeriod.objects.get(person=children["P1"])
    assert not untouched.history.filter(history_user=editor).exists()  # type: ignore[attr-defined]


def test_an_involvement_follows_its_period_with_history(importer: Any, children: dict[str, Any]) -> None:
    """R30: the period's involvement closes with it, as a new version with a "~" row by the editor."""
    data = extract()
    assert run_import(importer, data) == []
    editor: Any = UserFactory()
    data["ssd_cla_episodes"][3] |= {
        "clae_cla_episode_ceased_date": "2023-10-01",
        "clae_cla_episode_ceased_reason": "E4A",
    }
    data["ssd_legal_status"][2]["lega_legal_status_end_date"] = "2023-10-01"
    data["ssd_cla_placement"][2]["clap_cla_placement_end_date"] = "2023-10-01"
    assert run_import(editor, data) == []
    involvement = LookedAfterPeriod.objects.get(person=children["P2"]).involvement
    assert involvement.closed_on == date(2023, 10, 1)
    assert (involvement.version, involvement.updated_by_id) == (2, editor.pk)
    latest = latest_history(involvement)
    assert (latest.history_type, latest.history_user_id, latest.history_change_reason) == (
        "~",
        editor.pk,
        HISTORY_REASON,
    )
    assert latest.closed_on == date(2023, 10, 1)


def test_a_period_refused_whole_leaves_deletion_history_by_the_importer(
    importer: Any, children: dict[str, Any]
) -> None:
    """R30: a period the run made and then took back out keeps its history: "+" then "-", by the
    importer, for the period, its involvement, legal statuses and placements."""
    data = extract()
    data["ssd_legal_status"][1]["lega_legal_status_start_date"] = "2020-06-01"  # breaks CLA1's episodes
    data["ssd_legal_status"][0]["lega_legal_status_end_date"] = "2020-06-01"
    assert run_import(importer, data)
    assert not LookedAfterPeriod.objects.filter(person=children["P1"]).exists()
    period_rows = LookedAfterPeriod.history.filter(person=children["P1"])  # type: ignore[attr-defined]
    (period_id,) = {h.id for h in period_rows}
    histories = {
        LookedAfterPeriod: period_rows,
        Involvement: Involvement.history.filter(person=children["P1"]),  # type: ignore[attr-defined]
        LegalStatus: LegalStatus.history.filter(period_id=period_id),  # type: ignore[attr-defined]
        Placement: Placement.history.filter(period_id=period_id),  # type: ignore[attr-defined]
    }
    for model, rows in histories.items():
        ids = {h.id for h in rows}
        assert ids, model.__name__
        for kind in ("+", "-"):
            marked = rows.filter(history_type=kind)
            assert {h.id for h in marked} == ids, (model.__name__, kind)
            assert {(h.history_user_id, h.history_change_reason) for h in marked} == {
                (importer.pk, HISTORY_REASON)
            }


def _missing(prefix: str, month: int, n: int) -> list[Row]:
    """n one-day missing episodes of the child in care since April 2023, a day apart."""
    return [
        {
            "miss_table_id": f"{prefix}{i}",
            "miss_person_id": "P2",
            "miss_missing_episode_start_date": date(2023, month, 1 + i).isoformat(),
            "miss_missing_episode_type": "M",
            "miss_missing_episode_end_date": date(2023, month, 1 + i).isoformat(),
            "miss_missing_rhi_offered": "N",
            "miss_missing_rhi_accepted": "",
        }
        for i in range(n)
    ]


def _queries_to_load(actor: Any, rows: list[Row]) -> int:
    """Queries for one batch of ssd_missing, through the adapter's entry point as the runner calls it
    (clocks deferred to the end of the run, as the runner defers them: their bulk sync is counted in
    the clock tests)."""
    ctx = new_context(actor)
    ctx.pending_clocks = PendingClocks()
    with CaptureQueriesContext(connection) as queries:
        assert table("ssd_missing").load(rows, ctx) == []
    save_mappings(ctx)
    return len(queries)


def test_history_is_written_in_bulk(importer: Any, children: dict[str, Any]) -> None:
    """The import must handle 50,000 children: a batch with its history costs the same queries
    for 2 rows as for 20, when it creates them and when it changes them."""
    assert run_import(importer, extract()) == []
    small, large = _missing("MS", 5, 2), _missing("ML", 6, 20)
    assert _queries_to_load(importer, large) == _queries_to_load(importer, small)
    for r in small + large:
        r["miss_missing_episode_type"] = "A"
    assert _queries_to_load(importer, large) == _queries_to_load(importer, small)
    assert MissingEpisode.history.filter(history_type="+").count() == 22  # type: ignore[attr-defined]
    assert MissingEpisode.history.filter(history_type="~").count() == 22  # type: ignore[attr-defined]
