"""Reading the CIN census schema's code lists (STATUTORY.md 1.3)."""

import html
import re
from pathlib import Path

import pytest

from safehub.reference_data.loaders import SourceError, cin


def _count_by_regex(text: str) -> dict[str, int]:
    """An independent count: `<xs:enumeration` opening tags inside each simpleType block."""
    counts: dict[str, int] = {}
    for block in re.findall(r"<xs:simpleType\b(.*?)</xs:simpleType>", text, flags=re.S):
        name = re.match(r'\s+name="([^"]+)"', block)
        enumerations = len(re.findall(r"<xs:enumeration\b", block))
        if enumerations:
            # An anonymous type is named after its element (the loader's rule); the regex only
            # needs a distinct name for it.
            counts[name.group(1).lower() if name else f"anonymous-{len(counts)}"] = enumerations
    return counts


def test_every_enumerated_simple_type_is_a_list(reference_dir: Path):
    text = (reference_dir / "CIN_schema_2024.xsd").read_text(encoding="utf-8")
    expected = _count_by_regex(text)
    loaded = cin.load(reference_dir)
    by_key = {code_list.key: len(code_list.codes) for code_list in loaded.lists}
    assert len(loaded.lists) == len(expected)
    assert loaded.code_count == sum(expected.values())
    for name, count in expected.items():
        if not name.startswith("anonymous-"):
            assert by_key[f"cin.{name}"] == count


def test_labels_come_from_documentation(reference_dir: Path):
    text = (reference_dir / "CIN_schema_2024.xsd").read_text(encoding="utf-8")
    documented = re.findall(
        r'<xs:enumeration value="([^"]+)">\s*<xs:annotation>\s*<xs:documentation>(.*?)</xs:documentation>',
        text,
        flags=re.S,
    )
    labels = {(c.code, c.label) for code_list in cin.load(reference_dir).lists for c in code_list.codes}
    assert documented
    for code, documentation in documented:
        assert (code, " ".join(html.unescape(documentation).split())) in labels


def test_code_without_documentation_is_its_own_label(reference_dir: Path):
    lists = {code_list.key: code_list for code_list in cin.load(reference_dir).lists}
    upn_unknown = lists["cin.unknownupntype"]
    assert [c.code for c in upn_unknown.codes][:2] == ["UN1", "UN2"]
    assert all(c.label == c.code for c in upn_unknown.codes)
    abuse = {c.code: c.label for c in lists["cin.categoryofabuse"].codes}
    assert abuse["NEG"] == "Neglect"
    assert "InitialCategoryOfAbuse" in lists["cin.categoryofabuse"].description
    assert lists["cin.categoryofabuse"].source.startswith("CIN_schema_2024.xsd (sha256 ")


def _schema(body: str) -> str:
    return f'<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{body}</xs:schema>'


def test_newest_schema_wins(tmp_path: Path):
    one = '<xs:simpleType name="t"><xs:restriction base="xs:string"><xs:enumeration value="A"/></xs:restriction></xs:simpleType>'
    (tmp_path / "CIN_schema_2024.xsd").write_text(_schema(one))
    (tmp_path / "CIN_schema_2025.xsd").write_text(_schema(one.replace('"A"', '"B"')))
    loaded = cin.load(tmp_path)
    assert loaded.path == "CIN_schema_2025.xsd"
    assert [c.code for c in loaded.lists[0].codes] == ["B"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "DTD"),
        ("<xs:schema", "not well-formed"),
        (
            _schema(
                '<xs:simpleType name="t"><xs:restriction base="xs:string">'
                '<xs:enumeration value="A"/><xs:enumeration value="A"/></xs:restriction></xs:simpleType>'
            ),
            "appears twice",
        ),
    ],
)
def test_bad_schema_is_a_clear_error(tmp_path: Path, content: str, message: str):
    (tmp_path / "CIN_schema_2024.xsd").write_text(content)
    with pytest.raises(SourceError, match=message):
        cin.load(tmp_path)


def test_missing_schema_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SourceError, match="CIN census schema not found"):
        cin.load(tmp_path)
