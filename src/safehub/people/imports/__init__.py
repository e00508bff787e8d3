"""Bulk import of an agency's people from CSV (issue 3, deliverable 6): parsing, row validation and
the batch loader. The `safehub people import-csv` command is a thin shell over `run_import`."""

from .parsing import HEADER, HeaderError
from .runner import ImportSummary, run_import
from .services import BatchOutcome, people_import_batch
from .validation import ImportRow, Rejection

__all__ = [
    "HEADER",
    "BatchOutcome",
    "HeaderError",
    "ImportRow",
    "ImportSummary",
    "Rejection",
    "people_import_batch",
    "run_import",
]
