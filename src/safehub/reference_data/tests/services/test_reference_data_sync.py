"""Syncing code lists: idempotent, one transaction, codes disabled from a date, never deleted."""

from datetime import date
from pathlib import Path

import pytest

from safehub.audit.models import AuditEvent
from safehub.reference_data.loaders import SourceError, load_all
from safehub.reference_data.models import Code, CodeList
from safehub.reference_data.selectors import code_list
from safehub.reference_data.services import reference_data_sync
from safehub.reference_data.services import sync as sync_module

from ..conftest import edit

pytestmark = pytest.mark.django_db

FIRST = date(2026, 4, 1)
LATER = date(2026, 5, 11)
NEGLECT_ROW = "Neglect,\n"


def test_first_sync_loads_every_list_and_code(reference_dir: Path):
    files = load_all(reference_dir)
    report = reference_data_sync(source_dir=reference_dir, today=FIRST)
    expected_lists = sum(len(f.lists) for f in files)
    expected_codes = sum(f.code_count for f in files)
    assert len(report.lists_created) == CodeList.objects.count() == expected_lists
    assert len(report.codes_added) == Code.objects.count() == expected_codes
    assert not report.codes_disabled
    assert Code.objects.filter(disabled_from__isnull=False).count() == 0
    assert Code.history.count() == expected_codes
    neglect = Code.objects.get(code_list__key="cin.categoryofabuse", code="NEG")
    assert neglect.label == "Neglect"


def test_sync_is_audited_once_per_changed_list(reference_dir: Path):
    before = AuditEvent.objects.count()
    report = reference_data_sync(source_dir=reference_dir, today=FIRST)
    events = AuditEvent.objects.order_by("seq")[before:]
    assert len(events) == len(report.lists_created)
    event = next(e for e in events if e.section == "cin.categoryofabuse")
    assert event.actor_label == "sync_reference_data"
    assert event.verb == "create"
    assert event.object_type == "reference_data.codelist"
    assert event.object_id == str(CodeList.objects.get(key="cin.categoryofabuse").pk)


def test_second_sync_changes_nothing(reference_dir: Path):
    reference_data_sync(source_dir=reference_dir, today=FIRST)
    events = AuditEvent.objects.count()
    history = Code.history.count()
    report = reference_data_sync(source_dir=reference_dir, today=LATER)
    assert not report.changed
    assert report.summary().startswith("0 lists created, 0 lists updated, 0 codes added")
    assert AuditEvent.objects.count() == events
    assert Code.history.count() == history


def test_withdrawn_code_is_disabled_not_deleted(reference_copy: Path):
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    edit(reference_copy / "ssd_codes" / "category_of_abuse.csv", NEGLECT_ROW, "")

    report = reference_data_sync(source_dir=reference_copy, today=LATER)

    assert report.codes_disabled == ["ssd.category_of_abuse:Neglect"]
    assert report.lists_updated == ["ssd.category_of_abuse"]  # the file, so its version, changed
    neglect = Code.objects.get(code_list__key="ssd.category_of_abuse", code="Neglect")
    assert neglect.disabled_from == LATER
    assert "Neglect" in code_list("ssd.category_of_abuse", on=date(2026, 5, 10)).values_list(
        "code", flat=True
    )
    assert "Neglect" not in code_list("ssd.category_of_abuse", on=LATER).values_list("code", flat=True)
    event = AuditEvent.objects.filter(section="ssd.category_of_abuse").latest("seq")
    assert event.verb == "update"
    assert "disabled: Neglect" in event.reason


def test_withdrawn_schema_enumeration_is_disabled(reference_copy: Path):
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    schema = reference_copy / "CIN_schema_2024.xsd"
    edit(
        schema,
        '<xs:enumeration value="MUL"><xs:annotation><xs:documentation>Multiple/not recommended'
        "</xs:documentation></xs:annotation></xs:enumeration>",
        "",
    )
    report = reference_data_sync(source_dir=reference_copy, today=LATER)
    assert report.codes_disabled == ["cin.categoryofabuse:MUL"]
    assert Code.objects.get(code_list__key="cin.categoryofabuse", code="MUL").disabled_from == LATER


def test_returning_code_is_enabled_again(reference_copy: Path):
    csv_file = reference_copy / "ssd_codes" / "category_of_abuse.csv"
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    edit(csv_file, NEGLECT_ROW, "")
    reference_data_sync(source_dir=reference_copy, today=LATER)
    csv_file.write_text(csv_file.read_text() + NEGLECT_ROW)

    report = reference_data_sync(source_dir=reference_copy, today=date(2026, 6, 1))

    assert report.codes_reenabled == ["ssd.category_of_abuse:Neglect"]
    assert Code.objects.get(code_list__key="ssd.category_of_abuse", code="Neglect").disabled_from is None
    assert Code.objects.filter(code_list__key="ssd.category_of_abuse", code="Neglect").count() == 1


def test_changed_label_is_an_update(reference_copy: Path):
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    edit(
        reference_copy / "ssd_codes" / "legal_status.csv",
        "C1,Interim care order",
        "C1,Interim care order (s38)",
    )
    report = reference_data_sync(source_dir=reference_copy, today=LATER)
    assert report.codes_updated == ["ssd.legal_status:C1"]
    code = Code.objects.get(code_list__key="ssd.legal_status", code="C1")
    assert code.label == "Interim care order (s38)"
    assert code.history.count() == 2


def test_withdrawn_file_disables_its_whole_list(reference_copy: Path):
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    (reference_copy / "ssd_codes" / "mother.csv").unlink()
    report = reference_data_sync(source_dir=reference_copy, today=LATER)
    assert sorted(report.codes_disabled) == ["ssd.mother:0", "ssd.mother:1"]
    assert CodeList.objects.filter(key="ssd.mother").exists()
    assert not code_list("ssd.mother", on=LATER).exists()


def test_dry_run_writes_nothing(reference_dir: Path):
    events = AuditEvent.objects.count()
    report = reference_data_sync(source_dir=reference_dir, today=FIRST, dry_run=True)
    assert report.dry_run
    assert len(report.lists_created) > 0
    assert CodeList.objects.count() == 0
    assert Code.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_failure_mid_sync_writes_nothing(reference_copy: Path, monkeypatch: pytest.MonkeyPatch):
    """R28: the writes and their audit events commit together or not at all."""
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    edit(reference_copy / "ssd_codes" / "category_of_abuse.csv", NEGLECT_ROW, "")
    edit(reference_copy / "ssd_codes" / "legal_status.csv", "C1,Interim care order", "C1,Changed")
    events = AuditEvent.objects.count()
    calls = []

    def failing_record_event(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:  # after the codes are written and one event appended
            raise RuntimeError("audit store unavailable")
        return real_record_event(**kwargs)

    real_record_event = sync_module.record_event
    monkeypatch.setattr(sync_module, "record_event", failing_record_event)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        reference_data_sync(source_dir=reference_copy, today=LATER)

    assert len(calls) == 2
    assert AuditEvent.objects.count() == events
    assert Code.objects.get(code_list__key="ssd.category_of_abuse", code="Neglect").disabled_from is None
    assert Code.objects.get(code_list__key="ssd.legal_status", code="C1").label == "Interim care order"


def test_failure_on_first_sync_leaves_no_lists(reference_dir: Path, monkeypatch: pytest.MonkeyPatch):
    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sync_module, "record_event", fail)
    with pytest.raises(RuntimeError):
        reference_data_sync(source_dir=reference_dir, today=FIRST)
    assert CodeList.objects.count() == 0
    assert Code.objects.count() == 0


def test_bad_file_stops_the_sync_before_any_write(reference_copy: Path):
    reference_data_sync(source_dir=reference_copy, today=FIRST)
    edit(reference_copy / "ssd_codes" / "category_of_abuse.csv", NEGLECT_ROW, "")
    (reference_copy / "ssd_codes" / "broken.csv").write_text("value\nX\n")
    with pytest.raises(SourceError, match=r"broken\.csv"):
        reference_data_sync(source_dir=reference_copy, today=LATER)
    assert Code.objects.get(code_list__key="ssd.category_of_abuse", code="Neglect").disabled_from is None


def test_lists_outside_the_loaders_prefixes_are_left_alone(reference_dir: Path):
    local = CodeList.objects.create(key="local.team_type", name="Local", source="manual")
    Code.objects.create(code_list=local, code="X", label="X")
    reference_data_sync(source_dir=reference_dir, today=FIRST)
    assert Code.objects.get(code_list=local).disabled_from is None
