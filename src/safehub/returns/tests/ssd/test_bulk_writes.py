"""The plain-SQL writers the SSD adapters load through (`people.imports.bulk.create/update/upsert`)
store what Django's `bulk_create`/`bulk_update` and simple-history's bulk helpers would (R30: every
imported record has its field history, by the importing user, naming the import).

Synthetic rows only; run on SQLite and PostgreSQL (the PostgreSQL paths are COPY and a join with a
temporary table, so both are exercised by running this file on each).
"""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from safehub.accounts.tests.factories import UserFactory
from safehub.child_protection.models import Assessment
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.imports import bulk
from safehub.returns.models import SsdRecord
from safehub.returns.ssd.casework_common import HISTORY_REASON

pytestmark = pytest.mark.django_db


def _assessment(referral: Any, user: Any, factors: list[str]) -> Assessment:
    started = date(2025, 5, 1)
    return Assessment(
        referral=referral,
        started_on=started,
        due_on=started + timedelta(days=45),
        factors=factors,
        summary="Synthetic assessment",
        updated_by=user,
    )


def test_create_stores_instances_with_their_plus_history_rows() -> None:
    """R30: "+" history rows by the importing user, naming the import; JSON and dates round trip."""
    user: Any = UserFactory()
    referral: Any = ReferralFactory()
    now = timezone.now()
    # One open assessment per referral: the second is on another.
    objs = [_assessment(referral, user, ["1A", "2B"]), _assessment(ReferralFactory(), user, [])]
    objs[1].started_on = date(2025, 6, 1)
    objs[1].due_on = date(2025, 7, 16)

    bulk.create(Assessment, objs, now=now, history_user_id=user.pk, history_reason=HISTORY_REASON)

    stored = Assessment.objects.get(pk=objs[0].pk)
    assert stored.factors == ["1A", "2B"]
    assert stored.referral_id == referral.pk
    assert stored.created_at == now
    assert stored.updated_at == now
    assert not objs[0]._state.adding  # saved, as bulk_create leaves it
    history = Assessment.history.filter(id=objs[0].pk).get()
    assert (history.history_type, history.history_user_id) == ("+", user.pk)
    assert history.history_change_reason == HISTORY_REASON
    assert history.history_date == now
    assert history.factors == ["1A", "2B"]
    assert history.started_on == date(2025, 5, 1)
    assert Assessment.history.filter(id=objs[1].pk).get().due_on == date(2025, 7, 16)


def test_update_writes_only_the_named_fields_and_a_tilde_history_row() -> None:
    """R30: a changed record gets a "~" history row that is a copy of it as the instance holds it."""
    user: Any = UserFactory()
    referral: Any = ReferralFactory()
    first = timezone.now()
    obj = _assessment(referral, user, ["1A"])
    bulk.create(Assessment, [obj], now=first, history_user_id=user.pk, history_reason=HISTORY_REASON)
    # Changed on the instance but not named: must not reach the table.
    obj.summary = "not written"
    obj.factors = ["3C"]
    later = first + timedelta(minutes=5)
    obj.updated_at = later

    bulk.update(
        Assessment,
        [obj],
        ["factors", "updated_at"],
        now=later,
        history_user_id=user.pk,
        history_reason=HISTORY_REASON,
    )

    stored = Assessment.objects.get(pk=obj.pk)
    assert stored.factors == ["3C"]
    assert stored.summary == "Synthetic assessment"
    assert stored.updated_at == later
    assert stored.created_at == first
    latest = Assessment.history.filter(id=obj.pk).order_by("-history_id").first()
    assert latest is not None
    assert (latest.history_type, latest.history_user_id) == ("~", user.pk)
    assert latest.history_change_reason == HISTORY_REASON
    assert latest.history_date == later
    assert latest.factors == ["3C"]
    assert Assessment.history.filter(id=obj.pk).count() == 2


def test_update_without_history_writes_no_history_row() -> None:
    user: Any = UserFactory()
    referral: Any = ReferralFactory()
    obj = _assessment(referral, user, [])
    bulk.create(Assessment, [obj], now=timezone.now(), history_user_id=user.pk)
    obj.summary = "Changed"

    bulk.update(Assessment, [obj], ["summary"], now=timezone.now(), history=False)

    assert Assessment.objects.get(pk=obj.pk).summary == "Changed"
    assert Assessment.history.filter(id=obj.pk).count() == 1


def test_upsert_inserts_new_mappings_and_updates_held_ones() -> None:
    """A re-run's mapping replaces the held one (same table and id), never a second row."""
    first, second, third = (Assessment().pk for _ in range(3))
    SsdRecord.objects.create(table="ssd_t", source_id="A", model="m.one", object_id=first, row_hash="old")

    bulk.upsert(
        SsdRecord,
        [
            {"table": "ssd_t", "source_id": "A", "model": "m.two", "object_id": second, "row_hash": "new"},
            {"table": "ssd_t", "source_id": "B", "model": "m.two", "object_id": third, "row_hash": "b"},
        ],
        unique=["table", "source_id"],
        update=["model", "object_id", "row_hash"],
    )

    held = dict(
        SsdRecord.objects.filter(table="ssd_t").values_list("source_id", "object_id").order_by("source_id")
    )
    assert held == {"A": second, "B": third}
    assert SsdRecord.objects.get(table="ssd_t", source_id="A").row_hash == "new"


def test_upsert_refuses_a_tracked_model() -> None:
    with pytest.raises(ValueError, match="keeps history"):
        bulk.upsert(Assessment, [{"summary": "x"}], unique=["id"], update=["summary"])
