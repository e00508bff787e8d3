from .event import AuditChainHead, AuditEvent

__all__ = ["AuditChainHead", "AuditEvent"]
