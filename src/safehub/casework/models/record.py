"""The case record: notes, documents and letter templates (issue 5, item 3)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from safehub.platform.models import BaseModel, VersionedModel

from ..constants import DocumentSource, DocumentStatus, NoteKind


class CaseNote(VersionedModel):
    """A typed note. `significant` puts it in the child's chronology."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_notes")
    involvement = models.ForeignKey(
        "casework.Involvement", null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField(max_length=30, choices=NoteKind.choices)
    occurred_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    text = models.TextField()
    significant = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "significant", "occurred_at"])]

    def __str__(self) -> str:
        return self.subject


class LetterTemplate(VersionedModel):
    """A letter a worker can produce for a child. Placeholders are `$name` from a fixed list
    (casework.documents.letters.PLACEHOLDERS): never a template language that could reach the database.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Document(BaseModel):
    """A file on a child's record. The bytes live under a random name outside the web root
    (settings.SAFEHUB_DOCUMENT_ROOT); only `clean` documents are ever served (R43).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents")
    involvement = models.ForeignKey(
        "casework.Involvement", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUARANTINED
    )
    scan_detail = models.CharField(max_length=300, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=DocumentSource.choices, default=DocumentSource.UPLOAD)
    template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.title
