"""The R43 upload corpus, built in memory at test time (nothing malicious is kept in the repository).

EICAR is assembled from two halves so that no scanner flags the source file itself.
"""

import functools
import io
import zipfile

from PIL import Image

EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
CAMERA_MAKE = "SafehubTestCam"


def pdf(extra: bytes = b"") -> bytes:
    return MINIMAL_PDF.replace(b"%%EOF", extra + b"%%EOF") if extra else MINIMAL_PDF


def docx(*extra: str, content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document><w:body>Synthetic test text</w:body></w:document>")
        for name in extra:
            archive.writestr(name, b"\x00" * 16)
    return buffer.getvalue()


def odt(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


@functools.cache
def zip_bomb_docx() -> bytes:
    """A valid-looking DOCX whose one part inflates to 101 MB (about 100 KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            chunk = bytes(1024 * 1024)
            for _ in range(101):
                part.write(chunk)
    return buffer.getvalue()


def many_parts_docx(count: int = 1001) -> bytes:
    return docx(*(f"word/media/part{i}.bin" for i in range(count)))


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (16, 12), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0112] = 1  # Orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"<script>alert(1)</script>")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 120, 0, 128)).save(out, format="PNG")
    return out.getvalue()
