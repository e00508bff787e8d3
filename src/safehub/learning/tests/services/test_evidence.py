"""Evidence through casework's upload pipeline: inspected, quarantined, scanned, served only when
CLEAN (ADR 0008 §6; R43, R51, R57). Mirrors casework's document tests and their ClamAV set-up."""

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentStatus
from safehub.casework.documents import storage
from safehub.casework.tests.documents import samples
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import ActionStatus
from ...models import Evidence, LearningAction
from ...services.actions import action_sign_off
from ...services.evidence import evidence_open, evidence_scan, evidence_upload
from .. import factories as f
from ..factories import TODAY

pytestmark = pytest.mark.django_db

# In CI the Makefile installs ClamAV, so a missing clamscan there is a failure, not a skip.
needs_clamscan = pytest.mark.skipif(
    shutil.which("clamscan") is None and not os.environ.get("CI"),
    reason="clamscan is not installed (apt-get install clamav)",
)


@pytest.fixture(autouse=True)
def document_root(settings: Any, tmp_path: Path) -> Path:
    """A private document root per test, and the scanner off unless a test turns it on."""
    root = tmp_path / "documents"
    settings.SAFEHUB_DOCUMENT_ROOT = str(root)
    settings.SAFEHUB_CLAMAV = {"mode": "off"}
    return root


@pytest.fixture(scope="session")
def clam_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ClamAV test database casework's tests build from EICAR at test time (nothing malicious is
    kept in the repository): the EICAR file's MD5, and the EICAR string anywhere in a file."""
    directory = tmp_path_factory.mktemp("learning-clamdb")
    digest = hashlib.md5(samples.EICAR).hexdigest()  # noqa: S324 - ClamAV's .hdb format is MD5
    (directory / "test.hdb").write_text(f"{digest}:{len(samples.EICAR)}:Eicar-Test-Signature\n")
    (directory / "test.ndb").write_text(f"Eicar-Test-Signature:0:*:{samples.EICAR.hex()}\n")
    return directory


@pytest.fixture
def clamscan(settings: Any, clam_database: Path) -> Path:
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan", "database": str(clam_database)}
    return clam_database


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def uploaded(actor: Any, action: LearningAction, name: str, data: bytes, on_commit: Any) -> Evidence:
    with on_commit(execute=True):
        made = evidence_upload(
            actor=actor, action=action, title="Revised procedure", uploaded_file=upload(name, data)
        )
    made.refresh_from_db()
    return made


def completed_action(**fields: Any) -> LearningAction:
    return f.action(status=ActionStatus.COMPLETED, completed_on=TODAY, completion_summary="Done.", **fields)


def test_evidence_is_stored_quarantined_and_waits_for_the_scanner(
    document_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """R43, R57: random name, hash recorded, audited without the title; no scanner, no release."""
    lead = f.learning_partner(f.health())
    action = f.action(agency=f.health())
    made = uploaded(lead, action, "../../Procedure v2.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert made.status == DocumentStatus.QUARANTINED
    assert made.scan_detail == "The virus scanner is not configured"
    assert made.original_name == "Procedure v2.pdf"
    assert made.uploaded_by == lead
    assert made.sha256 == hashlib.sha256(samples.pdf()).hexdigest()
    assert files_in(document_root) == [document_root / made.storage_name]
    event = AuditEvent.objects.get(object_id=str(made.pk), verb="create")
    assert (event.section, event.reason) == ("evidence", "upload")
    with pytest.raises(NotFoundOrForbidden):
        evidence_open(actor=lead, evidence=made)


@needs_clamscan
def test_clean_evidence_can_be_downloaded_and_lets_the_action_be_signed_off(
    clamscan: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """R43: CLEAN only after ClamAV passes it; R27: the download is audited."""
    manager = f.partnership_manager()
    action = completed_action()
    made = uploaded(manager, action, "register.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert made.status == DocumentStatus.CLEAN
    assert AuditEvent.objects.get(object_id=str(made.pk), verb="update").actor_label == "virus scanner"
    opened, handle = evidence_open(actor=manager, evidence=made)
    with handle:
        assert handle.read() == samples.pdf()
    assert opened.content_type == "application/pdf"
    assert AuditEvent.objects.filter(object_id=str(made.pk), verb="download", actor=manager).count() == 1
    action_sign_off(actor=manager, action=action, expected_version=1, signed_off_on=TODAY)
    assert LearningAction.objects.get(pk=action.pk).status == ActionStatus.SIGNED_OFF


@needs_clamscan
def test_infected_evidence_is_blocked_its_bytes_deleted_and_it_does_not_count(
    clamscan: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """R43: EICAR inside an otherwise valid PDF is caught (the locally built test signature)."""
    manager = f.partnership_manager()
    action = completed_action()
    made = uploaded(
        manager,
        action,
        "a.pdf",
        samples.pdf(b"%" + samples.EICAR + b"\n"),
        django_capture_on_commit_callbacks,
    )
    assert made.status == DocumentStatus.INFECTED
    assert made.scan_detail.startswith("Eicar-Test-Signature")
    assert not storage.exists(made.storage_name)
    with pytest.raises(NotFoundOrForbidden):
        evidence_open(actor=manager, evidence=made)
    with pytest.raises(ValidationError) as excinfo:
        action_sign_off(actor=manager, action=action, expected_version=1, signed_off_on=TODAY)
    assert excinfo.value.message_dict["evidence"] == [
        "Add evidence that the action is done before signing it off"
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("script.exe", b"MZ\x90\x00synthetic", "The selected file must be a PDF, DOCX, ODT, JPG or PNG"),
        ("page.pdf", samples.HTML_PAGE, "The selected file is not really a PDF file"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_allowed_is_refused_at_the_file_field_and_nothing_is_stored(
    document_root: Path, name: str, data: bytes, message: str
) -> None:
    """R43: judged by content, not name; a refusal writes nothing."""
    with pytest.raises(ValidationError) as excinfo:
        evidence_upload(
            actor=f.partnership_manager(),
            action=f.action(),
            title="Evidence",
            uploaded_file=upload(name, data),
        )
    assert excinfo.value.message_dict["file"][0].startswith(message)
    assert Evidence.objects.count() == 0
    assert files_in(document_root) == []


def test_evidence_needs_a_title_and_a_file() -> None:
    with pytest.raises(ValidationError) as excinfo:
        evidence_upload(actor=f.partnership_manager(), action=f.action(), title="  ", uploaded_file=None)
    assert excinfo.value.message_dict == {
        "title": ["Enter a title for the evidence"],
        "file": ["Select a file"],
    }


def test_another_agencys_partner_cannot_add_or_open_evidence(django_capture_on_commit_callbacks: Any) -> None:
    """R18, R19: the police lead neither adds to nor reads the health trust's action."""
    action = f.action(agency=f.health())
    police_lead = f.learning_partner(f.police())
    with pytest.raises(NotFoundOrForbidden):
        evidence_upload(
            actor=police_lead, action=action, title="Mine", uploaded_file=upload("a.pdf", samples.pdf())
        )
    made = uploaded(
        f.partnership_manager(), action, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks
    )
    Evidence.objects.filter(pk=made.pk).update(status=DocumentStatus.CLEAN)
    made.refresh_from_db()
    with pytest.raises(NotFoundOrForbidden):
        evidence_open(actor=police_lead, evidence=made)
    assert not AuditEvent.objects.filter(verb="download").exists()


def test_no_evidence_is_added_to_a_signed_off_action() -> None:
    action = f.action(
        status=ActionStatus.SIGNED_OFF,
        completed_on=TODAY,
        signed_off_on=TODAY,
        signed_off_by=f.partnership_manager(),
    )
    with pytest.raises(ValidationError) as excinfo:
        evidence_upload(
            actor=f.partnership_manager(),
            action=action,
            title="Late",
            uploaded_file=upload("a.pdf", samples.pdf()),
        )
    assert excinfo.value.message_dict["__all__"] == [
        "This action has been signed off, so no more evidence can be added"
    ]


def test_a_missing_file_is_scan_failed_and_a_final_status_is_not_rescanned(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """R57: a scan that cannot run never releases evidence; CLEAN and INFECTED are final."""
    made = uploaded(
        f.partnership_manager(), f.action(), "a.pdf", samples.pdf(), django_capture_on_commit_callbacks
    )
    storage.delete(made.storage_name)
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan"}
    made = evidence_scan(evidence=made)
    assert made.status == DocumentStatus.SCAN_FAILED
    assert made.scan_detail == "The virus scan could not run: the stored file is missing"
    Evidence.objects.filter(pk=made.pk).update(status=DocumentStatus.CLEAN)
    made.refresh_from_db()
    assert evidence_scan(evidence=made).status == DocumentStatus.CLEAN
