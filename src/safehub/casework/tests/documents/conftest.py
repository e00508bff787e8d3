"""Documents tests: a private document root per test, the scanner off unless a test turns it on,
and a ClamAV signature database built from EICAR at test time."""

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safehub.casework.constants import DocumentSource, DocumentStatus
from safehub.casework.documents import storage
from safehub.casework.models import Document

from .samples import EICAR

# In CI the Makefile installs ClamAV, so a missing clamscan there is a failure, not a skip.
needs_clamscan = pytest.mark.skipif(
    shutil.which("clamscan") is None and not os.environ.get("CI"),
    reason="clamscan is not installed (apt-get install clamav)",
)


@pytest.fixture(autouse=True)
def _code_lists() -> None:
    """Documents need no code lists: this replaces casework's autouse loader, which costs ~0.4 s a
    test and makes even the pure tests of the upload checks open the database."""
    return None


@pytest.fixture(autouse=True)
def document_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    settings.SAFEHUB_DOCUMENT_ROOT = str(root)
    settings.SAFEHUB_CLAMAV = {"mode": "off"}
    return root


@pytest.fixture(scope="session")
def clam_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory ClamAV loads: the EICAR file's MD5 (as `sigtool --md5` writes it) and the EICAR
    string anywhere in a file (so a PDF carrying it is caught, as the official signature would)."""
    import hashlib

    directory = tmp_path_factory.mktemp("clamdb")
    digest = hashlib.md5(EICAR).hexdigest()  # noqa: S324 - ClamAV's .hdb format is MD5
    (directory / "test.hdb").write_text(f"{digest}:{len(EICAR)}:Eicar-Test-Signature\n")
    (directory / "test.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    return directory


@pytest.fixture
def clamscan(settings: Any, clam_database: Path) -> Path:
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan", "database": str(clam_database)}
    return clam_database


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def stored_document() -> Callable[..., Document]:
    """A document row with bytes on disk, in any status, without going through the pipeline."""

    def _make(
        person: Any,
        uploaded_by: Any,
        *,
        status: str = DocumentStatus.CLEAN,
        data: bytes = b"%PDF-1.4\n%%EOF\n",
        **kwargs: Any,
    ) -> Document:
        name = storage.save(data)
        values: dict[str, Any] = {
            "person": person,
            "title": "Synthetic school report",
            "original_name": "report.pdf",
            "storage_name": name,
            "content_type": "application/pdf",
            "size": len(data),
            "sha256": storage.sha256(data),
            "status": status,
            "source": DocumentSource.UPLOAD,
            "uploaded_by": uploaded_by,
        }
        values.update(kwargs)
        return Document.objects.create(**values)

    return _make
