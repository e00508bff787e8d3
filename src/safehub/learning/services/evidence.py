"""Evidence that an action was done, through casework's upload pipeline (ADR 0008 §6; R43, R51, R57).

Evidence is a document that belongs to an action rather than to a child, so it reuses casework's
pieces rather than copying them: `documents.inspect` (name, size, type by content, structure),
`documents.storage` (random names outside the web root) and `documents.scanner` (ClamAV). An
upload is recorded QUARANTINED; the scan is enqueued only once the upload commits; only CLEAN
evidence is served (`evidence_open`) and only CLEAN evidence counts towards sign-off.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import DocumentStatus
from safehub.casework.documents import storage
from safehub.casework.documents.inspect import UploadRefused, inspect_upload, max_bytes
from safehub.casework.services.documents import PENDING, read_bounded, scan_stored_upload
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import ActionStatus
from ..models import Evidence, LearningAction
from ..policies import action_policy

logger = logging.getLogger(__name__)
SECTION = "evidence"


def evidence_upload(
    *, actor: Any, action: LearningAction, title: str, uploaded_file: UploadedFile | None
) -> Evidence:
    """Store an upload QUARANTINED against the action and queue its virus scan for after the commit.

    Who may update the action may add evidence (its agency, its owner, the partnership); not once
    it is signed off. A refused file is a `ValidationError` at `file`, and nothing is stored.
    """
    action_policy.check(actor, "update", action)
    title = " ".join((title or "").split())
    errors: dict[str, list[str]] = {}
    if action.status == ActionStatus.SIGNED_OFF:
        errors["__all__"] = ["This action has been signed off, so no more evidence can be added"]
    if not title:
        errors["title"] = ["Enter a title for the evidence"]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    inspected = None
    if uploaded_file is None:
        errors["file"] = ["Select a file"]
    else:
        limit = max_bytes()
        try:
            inspected = inspect_upload(
                uploaded_file.name or "", read_bounded(uploaded_file, limit), limit=limit
            )
        except UploadRefused as refusal:
            errors["file"] = [refusal.message]
    if errors:
        raise ValidationError(errors)
    assert inspected is not None

    storage_name = storage.save(inspected.data)
    try:
        with transaction.atomic():
            evidence = Evidence(
                action=action,
                title=title,
                original_name=inspected.display_name,
                storage_name=storage_name,
                content_type=inspected.content_type,
                size=len(inspected.data),
                sha256=storage.sha256(inspected.data),
                status=DocumentStatus.QUARANTINED,
                uploaded_by=actor,
            )
            evidence.full_clean()
            evidence.save()
            # No file name or title in the event: they are typed by people (R27).
            record_event(actor=actor, verb=Verb.CREATE, target=evidence, section=SECTION, reason="upload")
            transaction.on_commit(lambda: _enqueue_scan(evidence.pk))
    except BaseException:
        storage.delete(storage_name)
        raise
    return evidence


def _enqueue_scan(evidence_id: UUID) -> None:
    from ..tasks import scan_evidence

    try:
        scan_evidence.enqueue(str(evidence_id))
    except Exception:
        # The upload is safe (quarantined); `manage.py scan_evidence` picks it up later (R57).
        logger.exception("evidence_scan_enqueue_failed", extra={"evidence_id": str(evidence_id)})


def evidence_scan(*, evidence: Evidence) -> Evidence:
    """Scan one piece of evidence and record the result, exactly as a case document is scanned."""
    return scan_stored_upload(evidence, section=SECTION)


def evidence_scan_by_id(evidence_id: str | UUID) -> str:
    """For the task: scan the evidence if it still exists; its status afterwards ("" if gone)."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        return ""
    return str(evidence_scan(evidence=evidence).status)


def evidence_awaiting_scan() -> list[UUID]:
    """Every piece of evidence a scan may still change (quarantined or failed), oldest first."""
    return list(
        Evidence.objects.filter(status__in=PENDING).order_by("created_at").values_list("pk", flat=True)
    )


def evidence_rescan(
    *, ids: Iterable[UUID] | None = None, progress: Callable[[Evidence], None] | None = None
) -> dict[str, int]:
    """Scan every pending piece of evidence (or those in `ids`); counts by status afterwards."""
    counts: dict[str, int] = {}
    for evidence_id in evidence_awaiting_scan() if ids is None else ids:
        evidence = Evidence.objects.filter(pk=evidence_id).first()
        if evidence is None:
            continue
        evidence = evidence_scan(evidence=evidence)
        counts[evidence.status] = counts.get(evidence.status, 0) + 1
        if progress is not None:
            progress(evidence)
    return counts


def evidence_open(*, actor: Any, evidence: Evidence) -> tuple[Evidence, BinaryIO]:
    """A CLEAN piece of evidence and an open binary handle on its bytes, audited as a download (R27).

    For the download view, as casework's `document_for_download`:

        evidence, handle = evidence_open(actor=request.user, evidence=evidence)
        return FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)

    The caller owns the handle (FileResponse closes it). Evidence that is quarantined, failed,
    infected or missing on disk is `NotFoundOrForbidden`, like evidence the actor may not see, so
    neither can be told apart from evidence that does not exist (R19, R43).
    """
    action = LearningAction.objects.filter(pk=evidence.action_id).first()
    if action is None:
        raise NotFoundOrForbidden()
    action_policy.check(actor, "view", action)
    current = Evidence.objects.filter(pk=evidence.pk, status=DocumentStatus.CLEAN).first()
    if current is None:
        raise NotFoundOrForbidden()
    try:
        handle = storage.path_for(current.storage_name).open("rb")
    except (OSError, ValueError):
        logger.error("evidence_file_missing", extra={"evidence_id": str(current.pk)})
        raise NotFoundOrForbidden() from None
    try:
        record_event(actor=actor, verb=Verb.DOWNLOAD, target=current, section=SECTION)
    except BaseException:
        handle.close()
        raise
    return current, handle
