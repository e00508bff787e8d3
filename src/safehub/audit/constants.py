"""The audit vocabulary. Apps add their own verbs through `registry.register_verbs`."""

from django.db import models


class Verb(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed or searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed"
    DOWNLOAD = "download", "Downloaded"
    SHARE = "share", "Shared"
    PERMISSION_CHANGE = "permission_change", "Changed permissions"
    BREAK_GLASS = "break_glass", "Used emergency access"
    BREAK_GLASS_REVIEW = "break_glass_review", "Reviewed emergency access"
    GRANT = "grant", "Granted access"
    REVOKE = "revoke", "Revoked access"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed to sign in"
    LOGOUT = "logout", "Signed out"
    LOCKOUT = "lockout", "Locked out"
    MFA = "mfa", "Used a second factor"
    FACTOR_CHANGE = "factor_change", "Changed a second factor"
    PASSWORD_CHANGE = "password_change", "Changed password"
    PASSWORD_RESET = "password_reset", "Reset password"
    REAUTHENTICATE = "reauthenticate", "Confirmed identity"
    SESSION_END = "session_end", "Ended a session"
    DENIED = "denied", "Was refused access"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"
