"""Every children in care test has the CIN census and 903 code lists."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _code_lists(code_lists: Any) -> None:
    return None
