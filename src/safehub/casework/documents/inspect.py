"""What may come in: an upload is judged by its content, never by its name alone (R43, T12).

`inspect_upload(name, data)` runs the checks in a fixed order and raises `UploadRefused` with a
message a worker can act on at the first one that fails:

1. the name: any path, `../`, control and direction-changing characters are removed; what is left
   is only ever shown to people (the bytes are stored under a random name);
2. the size: empty files and files over `SAFEHUB_DOCUMENT_MAX_BYTES` are refused;
3. the extension: PDF, DOCX, ODT, JPG/JPEG or PNG;
4. the content: libmagic on the whole file must say the type the extension claims (an HTML file
   renamed `.pdf` is HTML);
5. the structure, which catches polyglots that libmagic passes:
   - PDF: must start with `%PDF-`, must not also be a ZIP archive (a PDF with a ZIP appended is
     still "application/pdf" to libmagic), must carry no web page markup where a browser sniffs;
   - DOCX/ODT: a ZIP of at most 1,000 entries that unpacks to at most 100 MB (the sizes declared in
     the archive bound what `zipfile` will ever inflate, so the check is sound), no macros
     (`vbaProject.bin`; ODT `Basic/` and `Scripts/`), and the parts that make it a word-processing
     document;
   - JPEG/PNG: Pillow must open it as that format and re-encode it; the re-encoded bytes are what is
     stored, which drops EXIF (location, camera), comments, and anything appended after the image.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import magic
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class FileKind:
    label: str
    article: str  # "a" or "an", for messages
    content_type: str  # what Safehub stores and serves
    magic_types: frozenset[str]  # what libmagic may say about the whole file


PDF = FileKind("PDF", "a", "application/pdf", frozenset({"application/pdf"}))
# libmagic names a DOCX or ODT only when the archive's first entries are in the usual order;
# otherwise it says "application/zip", and the structure check below decides.
DOCX = FileKind("Word (DOCX)", "a", DOCX_MIMETYPE, frozenset({DOCX_MIMETYPE, "application/zip"}))
ODT = FileKind("OpenDocument text (ODT)", "an", ODT_MIMETYPE, frozenset({ODT_MIMETYPE, "application/zip"}))
JPEG = FileKind("JPEG", "a", "image/jpeg", frozenset({"image/jpeg"}))
PNG = FileKind("PNG", "a", "image/png", frozenset({"image/png"}))

ALLOWED: dict[str, FileKind] = {"pdf": PDF, "docx": DOCX, "odt": ODT, "jpg": JPEG, "jpeg": JPEG, "png": PNG}
ALLOWED_TYPES_TEXT = "PDF, DOCX, ODT, JPG or PNG"
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED)

# Markup that makes a browser (or a careless viewer) treat bytes as a web page. Browsers sniff the
# first 512 bytes (WHATWG MIME sniffing); we look at the first 1 KB.
_HTML_MARKERS = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed)\b", re.I)
_SNIFF_WINDOW = 1024


class UploadRefused(Exception):
    """The upload breaks a rule; `message` says which, in words for the person uploading."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InspectedFile:
    display_name: str
    extension: str
    content_type: str
    data: bytes  # the bytes to store: for images, the re-encoded copy


def max_bytes() -> int:
    return int(getattr(settings, "SAFEHUB_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def describe_size(size: int) -> str:
    """20971520 -> "20 MB"; a size that is not a whole number of MB is given in KB or bytes."""
    mb, kb = 1024 * 1024, 1024
    if size >= mb and size % mb == 0:
        return f"{size // mb} MB"
    if size >= kb and size % kb == 0:
        return f"{size // kb} KB"
    return f"{size} bytes"


def clean_name(raw: str) -> str:
    """The name to show people: no directories, no control or bidirectional characters.

    "../../etc/passwd.pdf" -> "passwd.pdf"; "C:\\temp\\a.pdf" -> "a.pdf";
    "report\u202efdp.exe" loses the right-to-left override that would disguise its extension.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    # Cc: control characters (NUL, newline, escape); Cf: format characters (RTL override, zero width).
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 200 - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name[:200]
    return name


def extension_of(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def inspect_upload(name: str, data: bytes, *, limit: int | None = None) -> InspectedFile:
    """Every check in order; the first failure raises `UploadRefused`. See the module docstring."""
    display_name = clean_name(name)
    limit = max_bytes() if limit is None else limit
    if not data:
        raise UploadRefused("The selected file is empty")
    if len(data) > limit:
        raise UploadRefused(f"The selected file must be smaller than {describe_size(limit)}")
    extension = extension_of(display_name)
    kind = ALLOWED.get(extension)
    if kind is None:
        raise UploadRefused(f"The selected file must be a {ALLOWED_TYPES_TEXT}")
    found = magic.from_buffer(data, mime=True)
    if found not in kind.magic_types:
        raise UploadRefused(
            f"The selected file is not really {kind.article} {kind.label} file, although its name ends in "
            f".{extension}. Save it as {kind.article} {kind.label} file and upload that"
        )
    if kind is PDF:
        _check_pdf(data)
    elif kind is DOCX or kind is ODT:
        _check_office(data, kind)
    else:
        data = reencode_image(data, kind)
    return InspectedFile(
        display_name=display_name, extension=extension, content_type=kind.content_type, data=data
    )


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise UploadRefused("The selected file is not a valid PDF: it does not start as a PDF does")
    if _HTML_MARKERS.search(data[:_SNIFF_WINDOW]):
        raise UploadRefused(
            "The selected file contains web page code as well as a PDF, so it cannot be stored"
        )
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadRefused("The selected file hides a second file (a ZIP archive) inside the PDF")


def _check_office(data: bytes, kind: FileKind) -> None:
    invalid = (
        "The selected file is not a valid Word document"
        if kind is DOCX
        else "The selected file is not a valid OpenDocument text file"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(invalid) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UploadRefused(
                f"The selected file has more than {MAX_ZIP_ENTRIES:,} parts, so it cannot be stored"
            )
        if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
            raise UploadRefused(
                f"The selected file unpacks to more than {describe_size(MAX_UNPACKED_BYTES)}, so it cannot be stored"
            )
        names = {entry.filename for entry in entries}
        lowered = {n.lower() for n in names}
        if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lowered) or (
            kind is ODT and any(n.startswith(("basic/", "scripts/")) for n in lowered)
        ):
            raise UploadRefused(
                f"The selected file contains macros. Save it as {kind.article} {kind.label} file without macros "
                "and upload that"
            )
        try:
            if kind is DOCX:
                if not {"[Content_Types].xml", "word/document.xml"} <= names:
                    raise UploadRefused(invalid)
            else:
                if "mimetype" not in names or "content.xml" not in names:
                    raise UploadRefused(invalid)
                # Bounded: the declared sizes were checked above, and zipfile never inflates past them.
                if archive.read("mimetype").strip() != ODT_MIMETYPE.encode():
                    raise UploadRefused(invalid)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
            raise UploadRefused(invalid) from None


def reencode_image(data: bytes, kind: FileKind) -> bytes:
    """Decode and re-encode, keeping only the pixels (and PNG transparency), upright per EXIF."""
    expected = "JPEG" if kind is JPEG else "PNG"
    unreadable = f"The selected file is not a valid {kind.label} image"  # JPEG and PNG both take "a"
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as opened:
            width, height = opened.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRefused("The selected image is too large: it must be under 40 megapixels")
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise UploadRefused(unreadable) from None
    # Only what the picture needs survives: EXIF, XMP, ICC, comments and text chunks do not.
    transparency = image.info.get("transparency") if expected == "PNG" else None
    image.info.clear()
    if transparency is not None:
        image.info["transparency"] = transparency
    out = io.BytesIO()
    if expected == "JPEG":
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    else:
        image.save(out, format="PNG", optimize=False)
    return out.getvalue()
