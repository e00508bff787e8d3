"""Fixtures for reference data tests: the real reference files, and a writable copy of them."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def reference_dir() -> Path:
    """The real reference files (../shared/reference). The suite needs them; it does not skip."""
    path = Path(settings.SAFEHUB_REFERENCE_DIR)
    assert path.is_dir(), f"The reference files are missing: {path}"
    return path


@pytest.fixture
def reference_copy(reference_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the reference files, for tests that withdraw or change a code."""
    target = tmp_path / "reference"
    # copyfile, not copy2: the shared files are read-only and the copy must not be.
    shutil.copytree(reference_dir, target, copy_function=shutil.copyfile)
    for folder, _, _ in os.walk(target):
        Path(folder).chmod(0o755)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a reference file, failing loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
