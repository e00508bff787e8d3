"""What a batch reads before its adapter runs (`_batch._prefetch`) and how the bulk writers convert
a batch's shared time stamp (`people.imports.bulk`): the quicker paths keep the old answers.

Synthetic rows only; run on SQLite and PostgreSQL.
"""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from safehub.accounts.tests.factories import UserFactory
from safehub.people.imports import bulk
from safehub.returns.models import ImportRun, SsdRecord
from safehub.returns.ssd import _batch
from safehub.returns.ssd.care_leavers import CONTACT, REVIEW
from safehub.returns.ssd.care_permanence import ORDER
from safehub.returns.ssd.tables import load_order

pytestmark = pytest.mark.django_db


def _table(name: str) -> Any:
    return next(table for table in load_order() if table.name == name)


def _record(table: str, source_id: str) -> uuid.UUID:
    object_id = uuid.uuid4()
    SsdRecord.objects.create(table=table, source_id=source_id, model="m.x", object_id=object_id, row_hash="h")
    return object_id


def test_prefetch_reads_the_parts_a_row_became_and_nothing_under_a_like_name() -> None:
    """A permanence row that is also an order is found under both names (a re-run updates the order
    instead of creating a second); a table whose name merely starts the same is not read."""
    table = _table("ssd_permanence")
    own = _record("ssd_permanence", "PM1")
    order = _record(ORDER, "PM1")
    _record(ORDER, "PM2")  # another row's order: not in the batch
    _record("ssd_permanence_other", "PM1")  # not a part: no "#"

    known = _batch._prefetch(table, [{"perm_table_id": "PM1"}])

    assert known[("ssd_permanence", "PM1")][1] == own
    assert known[(ORDER, "PM1")][1] == order
    assert (ORDER, "PM2") not in known
    assert ("ssd_permanence_other", "PM1") not in known


def test_every_part_an_adapter_records_is_declared_for_the_prefetch() -> None:
    """The parts are read by name: one an adapter records but does not declare would be created
    again on every re-run."""
    assert set(_batch.record_parts(_table("ssd_care_leavers"))) == {CONTACT, REVIEW}
    assert set(_batch.record_parts(_table("ssd_permanence"))) == {ORDER}
    for table in load_order():
        assert all(part.startswith(f"{table.name}#") for part in _batch.record_parts(table))


def test_digests_of_a_row_loaded_only_as_a_part_come_from_the_part() -> None:
    table = _table("ssd_care_leavers")
    _record(REVIEW, "CL1")

    known = _batch._prefetch(table, [{"clea_table_id": "CL1"}])

    assert _batch._digests(table, known) == {"CL1": "h"}


def test_a_shared_time_stamp_is_converted_once_and_other_stamps_each_their_own() -> None:
    """`bulk.create` stores every row's own datetime even when most rows share one object."""
    user: Any = UserFactory()
    now = timezone.now()
    earlier = now - timedelta(days=3)
    finished = [now, earlier, now, None, now]
    runs = [
        ImportRun(directory=f"/synthetic/{i}", started_by=user, finished_at=when)
        for i, when in enumerate(finished)
    ]

    bulk.create(ImportRun, runs, now=now)

    stored = dict(ImportRun.objects.values_list("directory", "finished_at"))
    assert [stored[f"/synthetic/{i}"] for i in range(5)] == finished
    assert set(ImportRun.objects.values_list("created_at", flat=True)) == {now}


def test_the_datetime_converter_answers_per_object() -> None:
    field: Any = ImportRun._meta.get_field("finished_at")
    convert = bulk._converter(field)
    now = timezone.now()
    later = now + timedelta(hours=1)
    plain = connection.ops.adapt_datetimefield_value

    assert [convert(now), convert(now), convert(later), convert(now)] == [
        plain(now),
        plain(now),
        plain(later),
        plain(now),
    ]
