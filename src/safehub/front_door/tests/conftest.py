"""Every front door test has the CIN census code lists (a contact's referral source is one)."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _code_lists(code_lists: Any) -> None:
    return None
