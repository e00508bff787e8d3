"""Writes of the access app. Each is one transaction with its audit event (R22, R23, R26, R28)."""

from ..capabilities import SeparationOfDuties
from .break_glass import break_glass_review, break_glass_start
from .grant import grant_approve, grant_refuse, grant_request, grant_revoke
from .restriction import record_restrict, record_unrestrict

__all__ = [
    "SeparationOfDuties",
    "break_glass_review",
    "break_glass_start",
    "grant_approve",
    "grant_refuse",
    "grant_request",
    "grant_revoke",
    "record_restrict",
    "record_unrestrict",
]
