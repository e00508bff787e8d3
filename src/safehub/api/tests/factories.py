"""Factories for API keys. Keys are made through the service, so they are real: hashed, audited."""

from datetime import timedelta
from typing import Any

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.api.constants import Scope
from safehub.api.models import ApiKey
from safehub.api.services import api_key_create
from safehub.platform import clock


def api_key(
    *,
    created_by: Any = None,
    user: Any = None,
    role: str = Role.SOCIAL_WORKER,
    scopes: list[str] | None = None,
    lifetime: timedelta = timedelta(days=30),
    name: str = "Partner feed",
) -> tuple[ApiKey, str]:
    """A key and its token. The acting user is a new system user of `role` unless given."""
    created_by = created_by or UserFactory(role=Role.SYSADMIN)
    user = user or UserFactory(role=role, full_name="Partner system")
    return api_key_create(
        actor=created_by,
        name=name,
        agency=user.agency,
        user=user,
        scopes=list(Scope.values) if scopes is None else scopes,
        expires_at=clock.now() + lifetime,
    )
