from .request import AccessRequest, AccessRequestStatus
from .restriction import AccessGrant, BreakGlassAccess, RestrictedRecord

__all__ = ["AccessGrant", "AccessRequest", "AccessRequestStatus", "BreakGlassAccess", "RestrictedRecord"]
