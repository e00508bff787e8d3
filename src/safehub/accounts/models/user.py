"""Staff and partner users. Everyone signs in with an e-mail address and a second factor."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from simple_history.models import HistoricalRecords

from ..constants import PRIVILEGED_ROLES, ROLE_CAPABILITIES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("role", Role.SYSADMIN)
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", False)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=30, choices=Role.choices)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="users", null=True)
    teams = models.ManyToManyField(
        "accounts.Team", through="accounts.TeamMembership", related_name="members", blank=True
    )
    is_active = models.BooleanField(default=True)
    # is_staff only opens Django's admin site, which Safehub does not mount (R5).
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking (R49) as on VersionedModel; User keeps Django's own base class, so the
    # three fields are declared here and only `accounts.services` moves them.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_capability(self, capability: str) -> bool:
        """Whether this user's role grants a function (R18). Inactive users have none."""
        if not self.is_active:
            return False
        return capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def is_privileged(self) -> bool:
        return self.role in PRIVILEGED_ROLES
