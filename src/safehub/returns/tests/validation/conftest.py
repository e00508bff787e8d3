"""The validator tests run the real DfE validators in var/validators-venv (`make validators`)."""

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _validators_installed() -> None:
    python = Path(settings.SAFEHUB_VALIDATORS_PYTHON)
    if not python.exists():
        pytest.fail(f"The DfE validators are not installed ({python} is missing): run `make validators`.")


@pytest.fixture(autouse=True)
def _la_code(settings: pytest.FixtureRequest) -> None:
    settings.SAFEHUB_LA_CODE = "E06000045"  # type: ignore[attr-defined]
