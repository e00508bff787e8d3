"""Every learning test runs on Thursday 26 November 2026 (see factories.py)."""

from collections.abc import Iterator

import pytest
import time_machine

from .factories import NOW


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield
