"""Vocabulary of data in and out (issue 7, ADR 0006)."""

import re

from django.db import models


class ReturnKind(models.TextChoices):
    CIN = "cin", "CIN census"
    SSDA903 = "903", "SSDA903 (children looked after)"
    ANNEX_A = "annex_a", "Ofsted Annex A"
    DFE_API = "dfe_api", "DfE children's social care API feed"


# The kinds the DfE validators check (`safehub returns validate cin|903`).
VALIDATED_KINDS = (ReturnKind.CIN, ReturnKind.SSDA903)


class ChildIdSource(models.TextChoices):
    IMPORTED = "imported", "Kept from the council's SSD extract (pers_person_id)"
    ALLOCATED = "allocated", "Allocated by Safehub"


# CIN rules 1570/1580 (from 2024-25) and the SSD guidance: at most 20 letters and digits, stable,
# never reused.
CHILD_ID_PATTERN = re.compile(r"^[A-Za-z0-9]{1,20}$")
# Safehub's own ids: this prefix and a counter that only goes up (ChildIdSequence).
ALLOCATED_PREFIX = "SH"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Stopped by an error (can be resumed)"


class ValidationStatus(models.TextChoices):
    RUNNING = "running", "Running"
    PASSED = "passed", "No errors"
    FAILING = "failing", "Errors to fix"
    CRASHED = "crashed", "The validator could not run"


class IssueSeverity(models.TextChoices):
    ERROR = "error", "Error: must be fixed"
    QUERY = "query", "Query: explain or fix"


class FeedMode(models.TextChoices):
    SNAPSHOT = "snapshot", "Full snapshot"
    DELTA = "delta", "Daily changes"


class FeedBatchStatus(models.TextChoices):
    WRITTEN = "written", "Written to files (dry run)"
    SENT = "sent", "Sent and accepted"
    REFUSED = "refused", "Refused by the DfE service"
    FAILED = "failed", "Could not be sent"
