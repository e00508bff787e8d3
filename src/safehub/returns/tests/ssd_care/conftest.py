"""Every SSD care adapter test has the real 903 code lists."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _code_lists(code_lists: Any) -> None:
    return None
