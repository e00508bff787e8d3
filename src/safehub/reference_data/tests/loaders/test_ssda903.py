"""Reading the SSDA903 schema's code lists (STATUTORY.md 2.2)."""

import re
from pathlib import Path

import pytest

from safehub.reference_data.loaders import SourceError, ssda903


def _count_by_lines(text: str) -> dict[str, list[str]]:
    """An independent count from the text: the `- code:` lines under each `category:` field."""
    fields: dict[str, list[str]] = {}
    field, codes = "", None
    for line in text.splitlines():
        header = re.match(r"^ {6}(\w+):\s*$", line)
        if header:
            field, codes = header.group(1), None
        elif re.match(r"^\s+category:\s*$", line):
            codes = []
        elif codes is not None and (item := re.match(r'^\s+- code:\s*"?([^"]*)"?\s*$', line)):
            # The loader trims stray spaces (the 2024 file has "PCCHAN "), so compare trimmed.
            codes.append(item.group(1).strip())
            fields[field] = codes
    return fields


def test_every_categorised_field_is_a_list(reference_dir: Path):
    expected = _count_by_lines((reference_dir / "SSDA903_schema_2024.yml").read_text(encoding="utf-8"))
    loaded = ssda903.load(reference_dir)
    by_key = {code_list.key: [c.code for c in code_list.codes] for code_list in loaded.lists}
    # Fields of the same name in two tables (SEX) carry the same codes, so they are one list.
    assert len(loaded.lists) == len(expected)
    assert {f"903.{field.lower()}": codes for field, codes in expected.items()} == by_key


def test_names_become_labels_and_bare_codes_label_themselves(reference_dir: Path):
    lists = {code_list.key: code_list for code_list in ssda903.load(reference_dir).lists}
    assert {c.code: c.label for c in lists["903.ethnic"].codes}["WBRI"] == "White British"
    assert {c.code: c.label for c in lists["903.place"].codes}["K2"] == "K2"
    assert "Header, UASC" in lists["903.sex"].description
    assert "PCCHAN" in {c.code for c in lists["903.sw_reason"].codes}
    assert lists["903.place"].codes[0].source_row == "column_map.Episodes.PLACE.category[1]"


def test_tables_that_disagree_get_their_own_lists(tmp_path: Path):
    (tmp_path / "SSDA903_schema_2024.yml").write_text(
        "column_map:\n"
        "  Header:\n    SEX:\n      category:\n      - code: '1'\n      - code: '2'\n"
        "  UASC:\n    SEX:\n      category:\n      - code: 'M'\n      - code: 'F'\n"
    )
    keys = {code_list.key for code_list in ssda903.load(tmp_path).lists}
    assert keys == {"903.header.sex", "903.uasc.sex"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("column_map: [1, 2", "not valid YAML"),
        ("tables: {}", "no column_map"),
        ("column_map:\n  T:\n    F:\n      category:\n      - name: x\n", "no usable code"),
    ],
)
def test_bad_schema_is_a_clear_error(tmp_path: Path, content: str, message: str):
    (tmp_path / "SSDA903_schema_2024.yml").write_text(content)
    with pytest.raises(SourceError, match=message):
        ssda903.load(tmp_path)
