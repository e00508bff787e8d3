"""The nightly learning sweep, as a task and as `manage.py learning_tick`, and the evidence scan
task (ADR 0008 §4, §5; R43, R51)."""

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from safehub.casework.constants import DocumentStatus
from safehub.casework.tests.documents import samples

from .. import tasks
from ..models import Evidence, LearningAction
from ..services.evidence import evidence_upload
from . import factories as f
from .factories import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    settings.SAFEHUB_DOCUMENT_ROOT = str(root)
    settings.SAFEHUB_CLAMAV = {"mode": "off"}
    return root


def overdue_action() -> LearningAction:
    f.partnership_manager(email="manager@partnership.example.test")
    return f.action(due_on=TODAY - timedelta(days=2))


def test_the_task_runs_the_sweep(django_capture_on_commit_callbacks: Any) -> None:
    action = overdue_action()
    with django_capture_on_commit_callbacks(execute=True):
        counts = tasks.learning_tick.enqueue().return_value
    assert counts is not None
    assert counts["actions_escalated"] == 1
    action.refresh_from_db()
    assert action.escalated_on == TODAY
    assert ["manager@partnership.example.test"] in [m.to for m in mail.outbox]
    assert tasks.learning_tick.enqueue().return_value == {"actions_escalated": 0, "returns_chased": 0}


def test_the_command_runs_the_same_sweep_and_prints_its_counts() -> None:
    """Both halves of the sweep: the overdue action and the overdue agency return, once each."""
    overdue_action()
    f.agency_return(due_on=TODAY - timedelta(days=1))
    out = StringIO()
    call_command("learning_tick", stdout=out)
    assert "Overdue actions escalated: 1." in out.getvalue()
    assert "Overdue agency returns chased: 1." in out.getvalue()
    out = StringIO()
    call_command("learning_tick", stdout=out)
    assert "Overdue actions escalated: 0." in out.getvalue()
    assert "Overdue agency returns chased: 0." in out.getvalue()


def test_the_sweep_chases_agency_returns_when_the_returns_service_is_there(monkeypatch: Any) -> None:
    asked: list[Any] = []

    def chase(*, today: Any) -> int:
        asked.append(today)
        return 3

    monkeypatch.setattr(tasks, "agency_returns_chase_service", lambda: chase)
    assert tasks.learning_sweep(today=TODAY) == {"actions_escalated": 0, "returns_chased": 3}
    assert asked == [TODAY]
    monkeypatch.setattr(tasks, "agency_returns_chase_service", lambda: None)
    assert tasks.learning_sweep(today=TODAY)["returns_chased"] == 0


def test_an_upload_is_scanned_by_the_task_only_after_it_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """R51: the scan task is queued on commit; it then runs (here, finding the scanner off, R57)."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = evidence_upload(
            actor=f.partnership_manager(),
            action=f.action(),
            title="Training register",
            uploaded_file=SimpleUploadedFile("register.pdf", samples.pdf()),
        )
    made.refresh_from_db()
    assert made.scan_detail == ""  # not scanned before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    made.refresh_from_db()
    assert (made.status, made.scan_detail) == (
        DocumentStatus.QUARANTINED,
        "The virus scanner is not configured",
    )
    assert tasks.scan_evidence.enqueue(str(made.pk)).return_value == DocumentStatus.QUARANTINED
    assert tasks.scan_evidence.enqueue(str(f.action().pk)).return_value == ""  # no such evidence


def test_scan_evidence_refuses_to_run_without_a_scanner() -> None:
    with pytest.raises(CommandError):
        call_command("scan_evidence", stdout=StringIO())
    assert Evidence.objects.count() == 0
