"""Code lists of the Standard Safeguarding Dataset (`ssd_codes/*.csv`, one list per file).

Each file has the header `code,description`; the label is the description, or the code when the
description is blank (many SSD lists are their own labels, e.g. "No Further Action").
"""

import csv
from pathlib import Path

from .base import LoadedCode, LoadedFile, LoadedList, SourceError, relative, source_label, tidy

PREFIX = "ssd"
FOLDER = "ssd_codes"

# Files whose description column is not a label. country_of_origin.csv holds the country name
# in `code` and its ISO 3166 alpha-2 code in `description`; the name is the label people read.
_LABEL_IS_CODE = {"country_of_origin": "The description column holds the ISO 3166 code."}


def load(source_dir: Path) -> list[LoadedFile]:
    folder = source_dir / FOLDER
    if not folder.is_dir():
        raise SourceError(f"The SSD code lists folder {FOLDER}/ was not found in {source_dir}")
    return [_load_file(path, source_dir) for path in sorted(folder.glob("*.csv"))]


def _load_file(path: Path, source_dir: Path) -> LoadedFile:
    stem = path.stem
    codes: list[LoadedCode] = []
    # utf-8-sig: spreadsheet exports often start with a byte-order mark before "code".
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        headers = [(name or "").strip().lower() for name in reader.fieldnames or []]
        if "code" not in headers:
            raise SourceError(f"{path.name}: expected a 'code' column, found {headers or 'no header'}")
        reader.fieldnames = headers
        for row in reader:
            code = (row.get("code") or "").strip()
            description = tidy(row.get("description"))
            if not code:
                if description:
                    raise SourceError(f"{path.name}: line {reader.line_num} has a description but no code")
                continue
            label = code if stem in _LABEL_IS_CODE else description or code
            codes.append(LoadedCode(code, label, len(codes) + 1, f"line {reader.line_num}"))
    description = f"Standard Safeguarding Dataset code list {path.name}."
    if stem in _LABEL_IS_CODE:
        description += " " + _LABEL_IS_CODE[stem]
    code_list = LoadedList(
        key=f"{PREFIX}.{stem.lower()}",
        name=f"SSD: {stem.replace('_', ' ').capitalize()}",
        source=source_label(path, source_dir),
        description=description,
        codes=tuple(codes),
    )
    return LoadedFile(path=relative(path, source_dir), lists=(code_list,))
