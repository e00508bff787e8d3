from .restriction import AccessGrant, BreakGlassAccess, RestrictedRecord

__all__ = ["AccessGrant", "BreakGlassAccess", "RestrictedRecord"]
