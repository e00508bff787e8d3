"""Fixtures for the accounts tests.

`accounts` sits below `audit` in the layers, so tests read audit rows through the app registry
rather than importing the audit app.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from safehub.accounts.constants import Role


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.SYSADMIN, full_name="Ada Admin")


@pytest.fixture
def audit_events() -> Callable[..., Any]:
    """`audit_events(verb=..., object_id=...)` -> queryset of matching audit rows."""
    event_model = apps.get_model("audit", "AuditEvent")

    def _events(**filters: Any) -> Any:
        if "object_id" in filters:
            filters["object_id"] = str(filters["object_id"])
        return event_model.objects.filter(**filters)

    return _events
