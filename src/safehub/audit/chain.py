"""Hash-chain arithmetic for the audit trail (R29). Pure functions; no database access."""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

GENESIS = "0" * 64

# The fields that the hash covers, in a fixed order. Adding a field means a new chain version.
CHAINED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_role",
    "actor_agency_id",
    "verb",
    "outcome",
    "object_type",
    "object_id",
    "section",
    "purpose",
    "reason",
    "channel",
    "request_id",
    "ip",
    "session_hash",
    "detail",
)


def _key() -> bytes:
    key = settings.SAFEHUB_AUDIT_HMAC_KEY
    if not key or len(key) < 32:
        raise RuntimeError("SAFEHUB_AUDIT_HMAC_KEY must be set to at least 32 characters.")
    return key.encode()


def canonical(values: dict[str, Any]) -> bytes:
    """A byte string that is the same for the same values on every backend and every Python."""
    normalised = {}
    for name in CHAINED_FIELDS:
        value = values.get(name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        elif value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
            value = str(value)
        normalised[name] = value if value is not None else ""
    return json.dumps(normalised, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def link_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hmac.new(_key(), prev_hash.encode() + canonical(values), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify(rows: Iterable[dict[str, Any]]) -> ChainReport:
    """Walk rows in seq order; name the first row whose seq, link or hash does not hold."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return ChainReport(checked, expected_seq, f"row #{expected_seq} is missing (next is #{seq})")
        if row["prev_hash"] != prev_hash:
            return ChainReport(checked, seq, f"row #{seq} does not link to the row before it")
        if not hmac.compare_digest(row["hash"], link_hash(prev_hash, row)):
            return ChainReport(checked, seq, f"row #{seq} was altered after it was written")
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    return ChainReport(checked, None)
