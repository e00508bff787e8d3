"""Journeys run Playwright's sync API, which keeps an asyncio loop running in this thread.

Django refuses ORM calls from a thread with a running loop (its async-safety check); the ORM
calls here are test set-up in the main thread while the live server answers from its own
threads, so the check is switched off -- but only while a journey module runs. Setting the
variable at import time would leak into every other test in the process (and into the
subprocesses some of them start, where `check --deploy` rightly complains about it).
"""

import os
from collections.abc import Iterator

import pytest

_FLAG = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    previous = os.environ.get(_FLAG)
    os.environ[_FLAG] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(_FLAG, None)
        else:
            os.environ[_FLAG] = previous
