"""Uploading documents to a child's record and scanning them (issue 5; R43, R51, R57).

An upload is inspected (`documents.inspect`: name, size, type by content, structure), written
under a random name outside the web root, recorded QUARANTINED with its SHA-256, and audited, in
that order; any refusal is a `ValidationError` at the `file` field and nothing is written. The
virus scan is enqueued only once the upload has committed (R51), and only a scan that passes
makes the document CLEAN, the one status that can ever be downloaded. A scanner that is off,
missing or failing leaves the document unavailable and says so (R57).
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import DocumentSource, DocumentStatus
from ..documents import scanner, storage
from ..documents.inspect import UploadRefused, inspect_upload, max_bytes
from ..models import Document, Involvement
from ..policies import document_policy

logger = logging.getLogger(__name__)

# Any upload row the scan pipeline handles: casework's Document, learning's Evidence.
U = TypeVar("U", bound=Any)

# Documents a scan may still change. CLEAN and INFECTED are final.
PENDING = (DocumentStatus.QUARANTINED, DocumentStatus.SCAN_FAILED)
SCANNER_LABEL = "virus scanner"
MISSING_FILE = "The virus scan could not run: the stored file is missing"


def check_may_record(actor: Any, person: Person, involvement: Involvement | None = None) -> None:
    """The actor may add documents for this child (and the involvement, if given, is the child's)."""
    document_policy.check(actor, "record", Document(person=person))
    if involvement is not None and involvement.person_id != person.pk:
        raise NotFoundOrForbidden()


def read_bounded(uploaded_file: UploadedFile, limit: int) -> bytes:
    """At most `limit + 1` bytes: enough to know a file is too big without reading all of it."""
    size = uploaded_file.size
    if size is not None and size > limit:
        return b"\0" * (limit + 1)
    parts: list[bytes] = []
    total = 0
    for chunk in uploaded_file.chunks():
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(parts)


def document_upload(
    *,
    actor: Any,
    person: Person,
    involvement: Involvement | None = None,
    title: str,
    uploaded_file: UploadedFile,
) -> Document:
    """Store an upload QUARANTINED and queue its virus scan for after the commit."""
    check_may_record(actor, person, involvement)
    title = " ".join((title or "").split())
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Enter a title for the document"]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    limit = max_bytes()
    try:
        inspected = inspect_upload(uploaded_file.name or "", read_bounded(uploaded_file, limit), limit=limit)
    except UploadRefused as refusal:
        errors["file"] = [refusal.message]
    if errors:
        raise ValidationError(errors)

    storage_name = storage.save(inspected.data)
    try:
        with transaction.atomic():
            document = Document(
                person=person,
                involvement=involvement,
                title=title,
                original_name=inspected.display_name,
                storage_name=storage_name,
                content_type=inspected.content_type,
                size=len(inspected.data),
                sha256=storage.sha256(inspected.data),
                status=DocumentStatus.QUARANTINED,
                source=DocumentSource.UPLOAD,
                uploaded_by=actor,
            )
            document.full_clean()
            document.save()
            # No file name or title in the event: they are typed by people (R27).
            record_event(actor=actor, verb=Verb.CREATE, target=document, section="document", reason="upload")
            transaction.on_commit(lambda: _enqueue_scan(document.pk))
    except BaseException:
        storage.delete(storage_name)
        raise
    return document


def _enqueue_scan(document_id: UUID) -> None:
    from ..documents.tasks import scan_document

    try:
        scan_document.enqueue(str(document_id))
    except Exception:
        # The upload is safe (quarantined); `scan_documents` picks it up later (R57).
        logger.exception("document_scan_enqueue_failed", extra={"document_id": str(document_id)})


def document_scan(*, document: Document) -> Document:
    """Scan one document and record the result. Idempotent: a CLEAN or INFECTED document is final."""
    return scan_stored_upload(document, section="document")


def scan_stored_upload(upload: U, *, section: str) -> U:
    """Scan any quarantined upload row (a document, an action's evidence) and record the result.

    The row needs `storage_name`, `status`, `scan_detail` and `scanned_at`. The scan runs outside
    any transaction (it may take seconds on a large file); the result is written under a row lock,
    and only if no other scan finished first. CLEAN and INFECTED are final.
    """
    if upload.status not in PENDING:
        return upload
    if storage.exists(upload.storage_name):
        result = scanner.scan_file(storage.path_for(upload.storage_name))
    else:
        logger.error("upload_file_missing", extra={"object_id": str(upload.pk), "section": section})
        result = scanner.ScanResult(scanner.ScanOutcome.ERROR, MISSING_FILE)

    with transaction.atomic():
        current = type(upload)._default_manager.select_for_update().get(pk=upload.pk)
        if current.status not in PENDING:
            return current
        before = current.status
        if result.outcome == scanner.ScanOutcome.OFF:
            current.status = DocumentStatus.QUARANTINED
        elif result.outcome == scanner.ScanOutcome.CLEAN:
            current.status = DocumentStatus.CLEAN
        elif result.outcome == scanner.ScanOutcome.INFECTED:
            current.status = DocumentStatus.INFECTED
            # The row stays, with the signature, so the record shows what was blocked; the bytes go.
            name = current.storage_name
            transaction.on_commit(lambda: storage.delete(name))
        else:
            current.status = DocumentStatus.SCAN_FAILED
        current.scan_detail = result.detail[:300]
        if result.outcome != scanner.ScanOutcome.OFF:
            current.scanned_at = clock.now()
        current.save(update_fields=["status", "scan_detail", "scanned_at", "updated_at"])
        if current.status != before:
            record_event(
                actor=None,
                actor_label=SCANNER_LABEL,
                verb=Verb.UPDATE,
                target=current,
                section=section,
                reason=f"scan_{current.status}",
            )
    return current


def document_scan_by_id(document_id: str | UUID) -> str:
    """For the task: scan the document if it still exists; its status afterwards ("" if gone)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return ""
    return str(document_scan(document=document).status)


def documents_awaiting_scan() -> list[UUID]:
    """Every document a scan may still change (quarantined or failed), oldest first."""
    return list(
        Document.objects.filter(status__in=PENDING).order_by("created_at").values_list("pk", flat=True)
    )


def documents_rescan(
    *, ids: Iterable[UUID] | None = None, progress: Callable[[Document], None] | None = None
) -> dict[str, int]:
    """Scan every pending document (or those in `ids`); counts by status afterwards."""
    counts: dict[str, int] = {}
    for document_id in documents_awaiting_scan() if ids is None else ids:
        document = Document.objects.filter(pk=document_id).first()
        if document is None:
            continue
        document = document_scan(document=document)
        counts[document.status] = counts.get(document.status, 0) + 1
        if progress is not None:
            progress(document)
    return counts
