"""`--defer-indexes`: the loaded tables' indexes are back exactly as they were, however the load ends."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safehub.people.imports import HEADER, indexes, run_import
from safehub.people.imports import runner as import_runner
from safehub.people.imports.parsing import ImportFileError
from safehub.people.imports.runner import LOADED_MODELS
from safehub.people.models import Person, PersonMatchKey

from .conftest import AGENCY_CODE, NHS, row

pytestmark = pytest.mark.django_db

TABLES = indexes.tables_of(LOADED_MODELS)


def _all_indexes() -> set[tuple[str, str, str]]:
    """Every index on the loaded tables, unique or not, as the database states it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(TABLES))
            cursor.execute(
                f"SELECT tbl_name, name, COALESCE(sql, '') FROM sqlite_master "  # noqa: S608  # nosec B608
                f"WHERE type = 'index' AND tbl_name IN ({marks})",
                TABLES,
            )
        else:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
                [TABLES],
            )
        return set(cursor.fetchall())


def _names() -> set[str]:
    return {name for _, name, _ in _all_indexes()}


def _csv(rows: list[dict[str, str]]) -> io.StringIO:
    return io.StringIO("\n".join([",".join(HEADER)] + [",".join(r[c] for c in HEADER) for r in rows]) + "\n")


def _rows(count: int) -> list[dict[str, str]]:
    return [row(f"S{n:04d}", given_name=f"Name{n}") for n in range(count)]


@pytest.fixture
def before() -> set[tuple[str, str, str]]:
    found = _all_indexes()
    # The deferral is only worth testing if there is something to defer and something to keep.
    assert "person_match_key_lookup" in {name for _, name, _ in found}
    return found


def test_a_deferred_load_drops_only_non_unique_indexes_and_rebuilds_them_identically(
    importer: Any, agency: Any, before: set[tuple[str, str, str]]
) -> None:
    during: list[set[str]] = []
    summary = run_import(
        _csv(_rows(5)),
        actor=importer,
        agency=agency,
        batch_size=2,
        defer_indexes=True,
        on_progress=lambda done: during.append(_names()),
    )

    assert summary.created == 5
    assert _all_indexes() == before
    # While the batches ran: the matching lookup index was gone, the unique ones were in force,
    # and so were the indexes the loader's own lookups read.
    present = during[0]
    assert "person_match_key_lookup" not in present
    assert {"person_identifier_national_unique", "person_identifier_agency_unique"} <= present
    assert "person_name_one_current" in present
    kept = {name for table, name, _ in before if table == "people_address" and "postcode" in name}
    assert kept
    assert kept <= present
    assert PersonMatchKey.objects.count() >= 5  # every person's keys went in with the indexes down


def test_indexes_are_rebuilt_when_a_batch_fails_part_way(
    importer: Any, agency: Any, before: set[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = import_runner.people_import_batch
    calls = iter(range(100))

    def fail_second(**kwargs: Any) -> Any:
        if next(calls) == 1:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(import_runner, "people_import_batch", fail_second)
    statuses: list[str] = []
    with pytest.raises(RuntimeError, match="disk is full"):
        run_import(
            _csv(_rows(6)),
            actor=importer,
            agency=agency,
            batch_size=2,
            defer_indexes=True,
            on_status=statuses.append,
        )

    assert _all_indexes() == before
    assert Person.objects.count() == 2  # the first batch stays loaded
    dropped = [s for s in statuses if s.startswith("dropping ")]
    rebuilt = [s for s in statuses if s.startswith("rebuilding index ")]
    assert dropped
    assert len(rebuilt) == len(dropped)
    # Each drop names the statement that rebuilds it, in case the process is killed.
    assert all("CREATE INDEX" in s for s in dropped)


def test_indexes_are_rebuilt_when_the_file_turns_unreadable_part_way(
    importer: Any, agency: Any, before: set[tuple[str, str, str]]
) -> None:
    good = _csv(_rows(3)).getvalue().encode()
    stream = io.TextIOWrapper(io.BytesIO(good + b"S9,\xff\xfe,broken\n"), encoding="utf-8", newline="")

    with pytest.raises(ImportFileError):
        run_import(stream, actor=importer, agency=agency, batch_size=2, defer_indexes=True)

    assert _all_indexes() == before


def test_without_the_flag_no_index_is_touched(
    importer: Any, agency: Any, before: set[tuple[str, str, str]]
) -> None:
    during: list[set[str]] = []
    run_import(
        _csv(_rows(3)), actor=importer, agency=agency, on_progress=lambda done: during.append(_names())
    )
    assert all(names == {name for _, name, _ in before} for names in during)


def test_the_command_shows_the_rebuild_and_still_refuses_a_held_nhs_number(
    importer: Any, agency: Any, before: set[tuple[str, str, str]], write_csv: Callable[..., Path]
) -> None:
    first = write_csv([row("A1", nhs_number=NHS[0])])
    call_command("people", "import-csv", str(first), "--agency", AGENCY_CODE, "--as-user", importer.email)
    path = write_csv([row("A2", nhs_number=NHS[0]), row("A3", nhs_number=NHS[1])])
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 rows were not loaded"):
        call_command(
            "people",
            "import-csv",
            str(path),
            "--agency",
            AGENCY_CODE,
            "--as-user",
            importer.email,
            "--defer-indexes",
            stdout=out,
            stderr=err,
        )

    assert "rebuilding index" in err.getvalue()
    assert "already holds this NHS number" in err.getvalue()
    assert Person.objects.filter(nhs_number=NHS[1]).count() == 1
    assert _all_indexes() == before


def test_the_ids_of_one_batch_share_their_first_group_and_stay_random_version_4() -> None:
    from uuid import RFC_4122, UUID

    from safehub.people.imports import bulk

    batch, other = bulk.new_ids(500), bulk.new_ids(500)
    assert len(set(batch) | set(other)) == 1000
    assert len({value[:8] for value in batch}) == 1
    assert batch[0][:8] != other[0][:8]  # a fresh 32-bit group per batch (fails once in 2**32 runs)
    assert all((UUID(value).version, UUID(value).variant) == (4, RFC_4122) for value in batch)
    # Below the shared group the ids are random: no digit position is constant across the batch.
    positions = [{value[n] for value in batch} for n in range(8, 32) if n not in (12, 16)]
    assert all(len(seen) > 1 for seen in positions)
