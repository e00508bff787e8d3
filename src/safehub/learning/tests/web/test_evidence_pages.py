"""Evidence on an action over HTTP (issue 10, item 3; ADR 0008 §6): uploading it through
casework's pipeline (R43), downloading only CLEAN evidence with a locked-down attachment (R43),
audited (R27), and only by those who may see the action (R18, R19)."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentStatus
from safehub.casework.documents import storage
from safehub.casework.tests.documents import samples
from safehub.learning.constants import ActionStatus
from safehub.learning.models import Evidence, LearningAction

from ..factories import TODAY, action, health, learning_partner, partnership_manager, police

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"learning_actions:{name}", args=[getattr(a, "pk", a) for a in args])


@pytest.fixture(autouse=True)
def document_root(settings: Any, tmp_path: Path) -> Path:
    """A private file store per test, and the virus scanner off (uploads stay quarantined)."""
    root = tmp_path / "documents"
    settings.SAFEHUB_DOCUMENT_ROOT = str(root)
    settings.SAFEHUB_CLAMAV = {"mode": "off"}
    return root


def stored(
    on: LearningAction, *, status: str = DocumentStatus.CLEAN, data: bytes = samples.MINIMAL_PDF
) -> Evidence:
    """Evidence with its bytes on disk, in any status, without going through the pipeline."""
    return Evidence.objects.create(
        action=on,
        title="Revised procedure",
        original_name="Café procedure.pdf",
        storage_name=storage.save(data),
        content_type="application/pdf",
        size=len(data),
        sha256=storage.sha256(data),
        status=status,
        uploaded_by=partnership_manager(),
    )


def test_the_owning_agency_uploads_evidence_which_waits_for_the_scan(login) -> None:
    made = action(agency=police())
    client = login(learning_partner(police()))
    page = client.get(url("evidence_upload", made))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = client.post(
        url("evidence_upload", made),
        {"title": "Briefing register", "file": SimpleUploadedFile("register.pdf", samples.pdf())},
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", made)
    evidence = Evidence.objects.get()
    assert (evidence.action, evidence.status) == (made, DocumentStatus.QUARANTINED)
    body = client.get(url("detail", made)).content.decode()
    assert "Briefing register" in body
    assert "Waiting for a virus scan" in body
    assert url("evidence_download", evidence) not in body


def test_a_disallowed_file_is_refused_at_the_file_field(login) -> None:
    """R43: an HTML page named .pdf is refused by content, at the field; nothing is stored."""
    made = action(agency=police())
    response = login(learning_partner(police())).post(
        url("evidence_upload", made),
        {"title": "Invoice", "file": SimpleUploadedFile("invoice.pdf", samples.HTML_PAGE)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_file"' in body
    assert 'id="id_file-error"' in body
    assert "not really a PDF file" in body
    assert not Evidence.objects.exists()


def test_an_upload_without_a_title_is_refused_at_the_title(login) -> None:
    made = action(agency=police())
    response = login(learning_partner(police())).post(
        url("evidence_upload", made), {"title": "", "file": SimpleUploadedFile("r.pdf", samples.pdf())}
    )
    assert 'href="#id_title"' in response.content.decode()
    assert not Evidence.objects.exists()


def test_no_evidence_is_added_to_a_signed_off_action(login) -> None:
    made = action(
        status=ActionStatus.SIGNED_OFF,
        completed_on=TODAY,
        signed_off_on=TODAY,
        signed_off_by=partnership_manager(),
    )
    client = login(partnership_manager())
    assert "Upload evidence" not in client.get(url("detail", made)).content.decode()
    response = client.post(
        url("evidence_upload", made), {"title": "Late", "file": SimpleUploadedFile("late.pdf", samples.pdf())}
    )
    assert "no more evidence can be added" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_partner_cannot_upload_to_another_agencys_action(login) -> None:
    """R19: a police lead reaching a health-owned action's upload page gets a 404."""
    made = action(agency=health())
    client = login(learning_partner(police()))
    assert client.get(url("evidence_upload", made)).status_code == 404
    response = client.post(
        url("evidence_upload", made), {"title": "X", "file": SimpleUploadedFile("x.pdf", samples.pdf())}
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_clean_evidence_downloads_as_a_locked_down_attachment_and_is_audited(login) -> None:
    """R43: attachment, nosniff, CSP sandbox, no-store, as casework documents; R27: audited."""
    evidence = stored(action(agency=police()))
    response = login(learning_partner(police())).get(url("evidence_download", evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9%20procedure.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(verb="download", object_id=str(evidence.pk)).count() == 1


@pytest.mark.parametrize(
    "status", [DocumentStatus.QUARANTINED, DocumentStatus.SCAN_FAILED, DocumentStatus.INFECTED]
)
def test_evidence_not_passed_by_the_scan_is_404(login, status) -> None:
    """R43: quarantined, failed and infected evidence answers like evidence that does not exist."""
    evidence = stored(action(), status=status)
    client = login(partnership_manager())
    assert client.get(url("evidence_download", evidence)).status_code == 404
    assert not AuditEvent.objects.filter(verb="download").exists()
    assert (
        url("evidence_download", evidence) not in client.get(url("detail", evidence.action)).content.decode()
    )


def test_only_those_who_see_the_action_download_its_evidence(login) -> None:
    """R19: a police lead gets 404 for health's evidence; R18: a social worker is forbidden."""
    evidence = stored(action(agency=health()))
    assert login(learning_partner(police())).get(url("evidence_download", evidence)).status_code == 404
    assert (
        login(UserFactory(role=Role.SOCIAL_WORKER)).get(url("evidence_download", evidence)).status_code == 403
    )
    assert login(learning_partner(health())).get(url("evidence_download", evidence)).status_code == 200
