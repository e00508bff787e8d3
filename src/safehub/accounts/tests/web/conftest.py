from collections.abc import Callable
from typing import Any

import pytest

from safehub.accounts.constants import Role
from safehub.accounts.tests.helpers import reauthenticate


@pytest.fixture
def admin_client(signed_in: Callable[..., Any]) -> Any:
    """A system administrator who has just confirmed their identity (fresh for R17 steps)."""
    client = signed_in(Role.SYSADMIN, full_name="Ada Admin")
    response = reauthenticate(client)
    assert response.status_code == 302
    return client
