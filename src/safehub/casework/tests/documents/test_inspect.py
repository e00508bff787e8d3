"""The upload checks on their own (R43, T12): no database, each refusal with its own message."""

import io

import pytest
from PIL import Image

from safehub.casework.documents.inspect import (
    MAX_UNPACKED_BYTES,
    UploadRefused,
    clean_name,
    describe_size,
    inspect_upload,
)

from . import samples


def refusal(name: str, data: bytes, **kwargs: object) -> str:
    with pytest.raises(UploadRefused) as caught:
        inspect_upload(name, data, **kwargs)  # type: ignore[arg-type]
    return caught.value.message


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\worker\\report.pdf", "report.pdf"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("line\nbreak\x00.pdf", "linebreak.pdf"),
        ("Café report.PDF", "Café report.PDF"),
    ],
)
def test_names_lose_paths_and_control_characters(raw, shown):
    """R43: a `../` name or a disguised extension never survives into what people see."""
    assert clean_name(raw) == shown


def test_the_checks_accept_the_allowed_types():
    for name, data, content_type in [
        ("a.pdf", samples.pdf(), "application/pdf"),
        ("a.docx", samples.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.odt", samples.odt(), "application/vnd.oasis.opendocument.text"),
        ("a.jpeg", samples.jpeg_with_exif(), "image/jpeg"),
        ("a.PNG", samples.png(), "image/png"),
    ]:
        assert inspect_upload(name, data).content_type == content_type


def test_empty_and_oversize_files_are_refused():
    """R43: a 0-byte file and a file over the limit are refused, and the limit is named."""
    assert refusal("a.pdf", b"") == "The selected file is empty"
    assert refusal("a.pdf", samples.pdf(), limit=100) == "The selected file must be smaller than 100 bytes"
    assert describe_size(20 * 1024 * 1024) == "20 MB"


def test_types_outside_the_allowlist_are_refused():
    assert refusal("run.exe", b"MZ\x90\x00") == "The selected file must be a PDF, DOCX, ODT, JPG or PNG"
    assert refusal("no-extension", samples.pdf()) == "The selected file must be a PDF, DOCX, ODT, JPG or PNG"


def test_an_html_file_renamed_pdf_is_refused_by_its_content():
    """R43: libmagic reads the content, so an HTML page called .pdf is not a PDF."""
    message = refusal("invoice.pdf", samples.HTML_PAGE)
    assert message.startswith("The selected file is not really a PDF file, although its name ends in .pdf")


def test_a_png_renamed_jpg_is_refused():
    assert "not really a JPEG file" in refusal("photo.jpg", samples.png())


def test_polyglot_pdf_with_a_zip_appended_is_refused():
    """R43 polyglot: libmagic says PDF, but the same bytes are also a ZIP archive."""
    polyglot = samples.pdf() + samples.docx()
    assert (
        refusal("report.pdf", polyglot)
        == "The selected file hides a second file (a ZIP archive) inside the PDF"
    )


def test_polyglot_pdf_with_html_in_the_sniffing_window_is_refused():
    """R43 polyglot: a PDF header followed by a web page that a browser would sniff and run."""
    polyglot = b"%PDF-1.4\n" + samples.HTML_PAGE + samples.MINIMAL_PDF[9:]
    assert "web page code" in refusal("report.pdf", polyglot)


def test_polyglot_jpeg_with_html_appended_is_stored_as_pixels_only():
    """R43 polyglot: a JPEG with a web page after it is re-encoded; the page does not survive."""
    polyglot = samples.jpeg_with_exif() + samples.HTML_PAGE
    stored = inspect_upload("photo.jpg", polyglot).data
    assert b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_jpeg_exif_is_stripped():
    """R43: the camera, place and comment in a photo's metadata are not stored."""
    original = samples.jpeg_with_exif()
    assert samples.CAMERA_MAKE.encode() in original
    stored = inspect_upload("photo.jpg", original).data
    assert samples.CAMERA_MAKE.encode() not in stored
    assert b"<script>" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_png_keeps_its_pixels_and_transparency():
    stored = inspect_upload("a.png", samples.png()).data
    image = Image.open(io.BytesIO(stored))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (0, 120, 0, 128)


def test_zip_bomb_docx_is_refused():
    """R43: a DOCX that inflates past 100 MB is refused before anything is inflated."""
    bomb = samples.zip_bomb_docx()
    assert len(bomb) < 1024 * 1024
    assert refusal("report.docx", bomb) == (
        f"The selected file unpacks to more than {describe_size(MAX_UNPACKED_BYTES)}, so it cannot be stored"
    )


def test_docx_with_too_many_parts_is_refused():
    assert "more than 1,000 parts" in refusal("report.docx", samples.many_parts_docx())


def test_docx_with_macros_is_refused():
    """R43: a DOCX carrying vbaProject.bin (VBA macros) is refused."""
    message = refusal("report.docx", samples.docx("word/vbaProject.bin"))
    assert message.startswith("The selected file contains macros")


def test_odt_with_basic_macros_is_refused():
    import zipfile

    buffer = io.BytesIO(samples.odt())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("Basic/Standard/Module1.xml", "<script:module/>")
    assert refusal("letter.odt", buffer.getvalue()).startswith("The selected file contains macros")


def test_office_files_must_have_their_parts():
    assert (
        refusal("a.docx", samples.docx(content_types=False))
        == "The selected file is not a valid Word document"
    )
    spreadsheet = samples.odt(mimetype="application/vnd.oasis.opendocument.spreadsheet")
    assert refusal("a.odt", spreadsheet) in {
        "The selected file is not a valid OpenDocument text file",
        "The selected file is not really an OpenDocument text (ODT) file, although its name ends in .odt. "
        "Save it as an OpenDocument text (ODT) file and upload that",
    }
    truncated = samples.docx()[:-30]  # the archive's directory is cut off
    assert refusal("a.docx", truncated) == "The selected file is not a valid Word document"
