"""Checking the audit chain end to end."""

from collections.abc import Iterator
from typing import Any

from .. import chain
from ..models import AuditChainHead, AuditEvent

_FIELDS = (*chain.CHAINED_FIELDS, "prev_hash", "hash")


def _rows(batch: int = 2000) -> Iterator[dict[str, Any]]:
    values = [f for f in _FIELDS if f != "actor_id"] + ["actor_id"]
    for row in AuditEvent.objects.order_by("seq").values(*values).iterator(chunk_size=batch):
        row["actor_id"] = str(row["actor_id"]) if row["actor_id"] else ""
        row["actor_agency_id"] = str(row["actor_agency_id"]) if row["actor_agency_id"] else ""
        row["ip"] = row["ip"] or ""
        yield row


def verify_audit_chain() -> chain.ChainReport:
    """Verify every link, then that the head matches the last row (catches a cut-off tail)."""
    report = chain.verify(_rows())
    if not report.ok:
        return report
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    if head_seq != report.checked:
        return chain.ChainReport(
            report.checked,
            report.checked + 1,
            f"the chain head says #{head_seq} but the last row is #{report.checked}; rows were removed",
        )
    return report
