from .record import record_event
from .verify import verify_audit_chain

__all__ = ["record_event", "verify_audit_chain"]
