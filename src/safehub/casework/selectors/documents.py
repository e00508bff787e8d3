"""Reading documents, letter templates and the chronology export (issue 5; R19, R27, R43, R44).

Every read goes through the casework policies: a restricted child's documents are as invisible as
the child (404 for both "missing" and "not allowed"), and only a CLEAN document is ever opened.
Reads of personal data are audited before anything is returned (R28: fail closed).
"""

import logging
import uuid
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.chronology import chronology_for
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused
from safehub.platform.pdf import render_pdf

from ..constants import DocumentStatus
from ..documents import storage
from ..models import Document, Involvement, LetterTemplate
from ..policies import ACTION_CAPABILITY, document_policy, involvement_policy, person_hidden

logger = logging.getLogger(__name__)


def person_for_documents(
    *, actor: Any, person_id: uuid.UUID | str, action: str = "view", audit_section: str = ""
) -> Person:
    """The child, if the actor may `view` (or `record`) their casework; else NotFoundOrForbidden.

    With `audit_section`, the read is audited as a view of the child in that section.
    """
    capability = ACTION_CAPABILITY.get(action)
    if (
        capability is None
        or not getattr(actor, "is_authenticated", False)
        or not actor.has_capability(capability)
    ):
        raise NotFoundOrForbidden()
    person = (
        Person.objects.filter(pk=person_id, merged_into__isnull=True)
        .exclude(pk__in=person_hidden(actor))
        .first()
    )
    if person is None:
        raise NotFoundOrForbidden()
    if audit_section:
        record_event(actor=actor, verb=Verb.VIEW, target=person, section=audit_section)
    return person


def involvement_for_person(
    *, actor: Any, person: Person, id: uuid.UUID | str, action: str = "record"
) -> Involvement:
    qs = involvement_policy.scope(actor, Involvement.objects.filter(person=person), action)
    involvement = qs.filter(pk=id).first()
    if involvement is None:
        raise NotFoundOrForbidden()
    return involvement


def documents_for(*, actor: Any, person: Person, involvement: Involvement | None = None) -> list[Document]:
    """The child's documents the actor may see, newest first (the case page's panel; not audited
    here because the page that shows it audits its own view)."""
    qs = Document.objects.filter(person=person)
    if involvement is not None:
        qs = qs.filter(involvement=involvement)
    return list(
        document_policy.scope(actor, qs, "view").select_related("uploaded_by").order_by("-created_at")
    )


def document_list(*, actor: Any, person_id: uuid.UUID | str) -> tuple[Person, list[Document]]:
    """The documents page: the child and their documents, audited as one view naming the ids."""
    person = person_for_documents(actor=actor, person_id=person_id)
    documents = documents_for(actor=actor, person=person)
    record_event(
        actor=actor,
        verb=Verb.VIEW,
        target=person,
        section="documents",
        result_ids=[document.pk for document in documents],
    )
    return person, documents


def document_for_download(*, actor: Any, id: uuid.UUID | str) -> tuple[Document, BinaryIO]:
    """A CLEAN document and its bytes, audited as a download. Anything else is NotFoundOrForbidden:
    a quarantined, failed or infected document cannot be told apart from one that does not exist."""
    qs = document_policy.scope(actor, Document.objects.filter(pk=id, status=DocumentStatus.CLEAN), "view")
    document = qs.first()
    if document is None:
        raise NotFoundOrForbidden()
    try:
        handle = storage.path_for(document.storage_name).open("rb")
    except (OSError, ValueError):
        logger.error("document_file_missing", extra={"document_id": str(document.pk)})
        raise NotFoundOrForbidden() from None
    try:
        record_event(actor=actor, verb=Verb.DOWNLOAD, target=document, section="document")
    except BaseException:
        handle.close()
        raise
    return document, handle


def letter_templates(*, actor: Any, active_only: bool = False) -> QuerySet[LetterTemplate]:
    """Templates to choose from (RECORD_CASEWORK) or to manage (MANAGE_CASE_SETTINGS)."""
    if not (
        actor.has_capability(Capability.MANAGE_CASE_SETTINGS)
        or actor.has_capability(Capability.RECORD_CASEWORK)
    ):
        return LetterTemplate.objects.none()
    qs = LetterTemplate.objects.select_related("updated_by").order_by("name")
    return qs.filter(active=True) if active_only else qs


def letter_template_get(*, actor: Any, id: uuid.UUID | str, active_only: bool = False) -> LetterTemplate:
    template = letter_templates(actor=actor, active_only=active_only).filter(pk=id).first()
    if template is None:
        raise NotFoundOrForbidden()
    return template


def letter_template_for_editing(*, actor: Any, id: uuid.UUID | str) -> LetterTemplate:
    if not actor.has_capability(Capability.MANAGE_CASE_SETTINGS):
        raise PermissionRefused("Only a team manager can change letter templates.")
    return letter_template_get(actor=actor, id=id)


def chronology_pdf(*, actor: Any, person_id: uuid.UUID | str) -> tuple[Person, bytes]:
    """The child's chronology as a PDF (R44), audited as an export before it is returned (R27, R28).

    `chronology_for` checks the person policy and audits the view; each entry comes from a source
    that applied its own policy.
    """
    person = person_for_documents(actor=actor, person_id=person_id)
    chronology = chronology_for(actor=actor, person=person)
    labels = dict(chronology.kinds)
    rows = [
        {
            "date": entry.date,
            "kind": labels.get(entry.kind, entry.kind.replace("_", " ").capitalize()),
            "title": entry.title,
            "detail": entry.detail,
            "source": entry.source,
        }
        for entry in chronology.entries
    ]
    html = render_to_string(
        "casework/documents/pdf/chronology.html",
        {
            "person": person,
            "rows": rows,
            "failures": [failure.source for failure in chronology.failures],
            "produced_at": clock.now(),
            "produced_by": actor,
            "council_name": getattr(settings, "SAFEHUB_COUNCIL_NAME", ""),
        },
    )
    pdf = render_pdf(html)
    record_event(actor=actor, verb=Verb.EXPORT, target=person, section="chronology")
    return person, pdf
