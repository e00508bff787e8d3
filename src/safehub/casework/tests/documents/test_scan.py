"""The virus scan (R43) and what happens when the scanner is off, failing or unreachable (R57)."""

import io
import os
import socket
import struct
import tempfile
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentStatus
from safehub.casework.documents import scanner, storage
from safehub.casework.services.documents import document_scan, document_upload
from safehub.people.tests.factories import PersonFactory

from . import samples
from .conftest import needs_clamscan, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


def uploaded(worker, name: str, data: bytes, on_commit) -> object:
    with on_commit(execute=True):
        document = document_upload(
            actor=worker, person=PersonFactory(), title="Report", uploaded_file=upload(name, data)
        )
    document.refresh_from_db()
    return document


def test_scanner_off_leaves_uploads_quarantined_and_says_so(worker, django_capture_on_commit_callbacks):
    """R57: with no scanner the upload stays unavailable, with the reason recorded."""
    document = uploaded(worker, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.QUARANTINED
    assert document.scan_detail == "The virus scanner is not configured"
    assert document.scanned_at is None


@needs_clamscan
def test_a_clean_file_passes_clamscan(worker, clamscan, django_capture_on_commit_callbacks):
    """R43: a file becomes CLEAN only when ClamAV passes it; the change is audited by the scanner."""
    document = uploaded(worker, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.CLEAN
    assert document.scanned_at is not None
    event = AuditEvent.objects.get(object_id=str(document.pk), verb="update")
    assert event.reason == "scan_clean"
    assert event.actor_label == "virus scanner"


@needs_clamscan
def test_eicar_is_infected_its_bytes_deleted_and_the_row_kept(
    worker, clamscan, django_capture_on_commit_callbacks
):
    """R43: EICAR inside an otherwise valid PDF is caught; the bytes go, the record and signature stay."""
    document = uploaded(
        worker, "a.pdf", samples.pdf(b"%" + samples.EICAR + b"\n"), django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.INFECTED
    assert document.scan_detail.startswith("Eicar-Test-Signature")
    assert not storage.exists(document.storage_name)


@needs_clamscan
def test_clamscan_finds_the_eicar_file_by_its_md5(clamscan, tmp_path):
    """The `sigtool --md5` style database from the brief: the EICAR file itself is caught."""
    path = tmp_path / "eicar.com"
    path.write_bytes(samples.EICAR)
    result = scanner.scan_file(path)
    assert result.outcome == scanner.ScanOutcome.INFECTED
    assert "Eicar-Test-Signature" in result.detail


@needs_clamscan
def test_a_scanner_error_leaves_the_document_scan_failed(
    worker, settings, tmp_path, django_capture_on_commit_callbacks
):
    """R57: ClamAV erroring (here: its database is missing) never makes a document available."""
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan", "database": str(tmp_path / "no-such-db")}
    document = uploaded(worker, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.SCAN_FAILED
    assert document.scan_detail == "The virus scan could not run: the scanner reported an error"
    assert document.get_status_display() == "Waiting: the virus scan could not run"
    assert storage.exists(document.storage_name)


def test_a_missing_scanner_binary_is_scan_failed(
    worker, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """R57: clamscan not installed."""
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan"}
    monkeypatch.setattr(scanner.shutil, "which", lambda name: None)
    document = uploaded(worker, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.SCAN_FAILED
    assert "not installed" in document.scan_detail


def test_an_unreachable_clamd_is_scan_failed(worker, settings, tmp_path, django_capture_on_commit_callbacks):
    """R57: clamd down."""
    settings.SAFEHUB_CLAMAV = {"mode": "clamd", "socket": str(tmp_path / "clamd.sock")}
    document = uploaded(worker, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.SCAN_FAILED
    assert document.scan_detail == "The virus scan could not run: the scanner is not reachable"


def test_a_scanner_that_raises_is_scan_failed(
    worker, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """R57: any exception inside the scanner fails closed."""
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan"}

    def explode(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(scanner, "_clamscan", explode)
    document = uploaded(worker, "a.pdf", samples.pdf(), django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.SCAN_FAILED


class FakeClamd:
    """A clamd that speaks INSTREAM on a unix socket and answers FOUND when it sees EICAR."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # unix socket paths are short
        self.path = os.path.join(self.directory, "s")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(1)
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exactly(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                break
            data += part
        return data

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            assert self._read_exactly(conn, 10) == b"zINSTREAM\0"
            body = io.BytesIO()
            while True:
                (size,) = struct.unpack("!I", self._read_exactly(conn, 4))
                if size == 0:
                    break
                body.write(self._read_exactly(conn, size))
            self.received = body.getvalue()
            answer = b"stream: Eicar-Signature FOUND\0" if samples.EICAR in self.received else b"stream: OK\0"
            conn.sendall(answer)

    def close(self) -> None:
        self.thread.join(timeout=2)
        self.server.close()
        os.unlink(self.path)
        os.rmdir(self.directory)


@pytest.mark.parametrize(
    ("data", "expected"), [(b"", DocumentStatus.CLEAN), (samples.EICAR, DocumentStatus.INFECTED)]
)
def test_clamd_instream(worker, settings, django_capture_on_commit_callbacks, data, expected):
    """The clamd protocol: the bytes are streamed, so clamd needs no access to the document root."""
    clamd = FakeClamd()
    try:
        settings.SAFEHUB_CLAMAV = {"mode": "clamd", "socket": clamd.path}
        content = samples.pdf(b"%" + data + b"\n") if data else samples.pdf()
        document = uploaded(worker, "a.pdf", content, django_capture_on_commit_callbacks)
    finally:
        clamd.close()
    assert clamd.received == content
    assert document.status == expected
    if expected == DocumentStatus.INFECTED:
        assert document.scan_detail == "Eicar-Signature"


def test_a_missing_file_is_scan_failed(worker, stored_document, document_root):
    document = stored_document(PersonFactory(), worker, status=DocumentStatus.QUARANTINED)
    (document_root / document.storage_name).unlink()
    assert document_scan(document=document).status == DocumentStatus.SCAN_FAILED


def test_clean_and_infected_are_final(worker, stored_document, settings):
    settings.SAFEHUB_CLAMAV = {"mode": "clamd", "socket": "/nonexistent/socket"}
    for status in (DocumentStatus.CLEAN, DocumentStatus.INFECTED):
        document = stored_document(PersonFactory(), worker, status=status)
        assert document_scan(document=document).status == status


@needs_clamscan
def test_scan_documents_rescans_failed_and_quarantined(worker, stored_document, clamscan):
    """R57: once the scanner is back, `scan_documents` clears the backlog, with a progress bar."""
    person = PersonFactory()
    failed = stored_document(person, worker, status=DocumentStatus.SCAN_FAILED, data=samples.pdf())
    waiting = stored_document(
        person, worker, status=DocumentStatus.QUARANTINED, data=samples.pdf(b"%" + samples.EICAR + b"\n")
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("scan_documents", stdout=out, stderr=err)
    failed.refresh_from_db()
    waiting.refresh_from_db()
    assert failed.status == DocumentStatus.CLEAN
    assert waiting.status == DocumentStatus.INFECTED
    text = out.getvalue()
    assert "Scanning 2 documents" in text
    assert "100% 2/2" in text
    assert "Available: 1" in text


def test_scan_documents_refuses_when_the_scanner_is_off():
    with pytest.raises(CommandError, match="not configured"):
        call_command("scan_documents", stdout=io.StringIO())


def test_scan_documents_with_nothing_waiting(settings):
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan"}
    out = io.StringIO()
    call_command("scan_documents", stdout=out)
    assert "No documents are waiting" in out.getvalue()


def test_storage_refuses_names_that_are_not_its_own():
    for name in ("../etc/passwd", "a" * 32 + "/x", "ABCDEF" * 6):
        with pytest.raises(ValueError, match="Not a document storage name"):
            storage.path_for(name)
    assert isinstance(storage.path_for(storage.new_name()), Path)
