"""Reading the Standard Safeguarding Dataset code list CSVs."""

from pathlib import Path

import pytest

from safehub.reference_data.loaders import SourceError, ssd


def test_each_file_is_a_list_with_one_code_per_data_line(reference_dir: Path):
    files = sorted((reference_dir / "ssd_codes").glob("*.csv"))
    loaded = {f.lists[0].key: f.lists[0] for f in ssd.load(reference_dir)}
    assert len(loaded) == len(files)
    for path in files:
        # No SSD file quotes a line break, so each non-blank line after the header is one code.
        lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines()[1:] if line.strip()]
        assert len(loaded[f"ssd.{path.stem}"].codes) == len(lines), path.name


def test_blank_description_falls_back_to_the_code(reference_dir: Path):
    lists = {f.lists[0].key: f.lists[0] for f in ssd.load(reference_dir)}
    outcome = lists["ssd.assessment_outcome"].codes[0]
    assert outcome.label == outcome.code == "No Further Action"
    assert {c.code: c.label for c in lists["ssd.legal_status"].codes}["C1"] == "Interim care order"
    # The country file holds ISO codes in its description column; the name is the label.
    country = {c.code: c.label for c in lists["ssd.country_of_origin"].codes}
    assert country["Afghanistan"] == "Afghanistan"
    assert lists["ssd.legal_status"].codes[0].source_row == "line 2"


def test_byte_order_mark_and_crlf_are_read(tmp_path: Path):
    (tmp_path / "ssd_codes").mkdir()
    (tmp_path / "ssd_codes" / "tiny.csv").write_bytes(
        b"\xef\xbb\xbfcode,description\r\nA,Alpha\r\n\r\nB,\r\n"
    )
    (code_list,) = ssd.load(tmp_path)[0].lists
    assert code_list.key == "ssd.tiny"
    assert [(c.code, c.label) for c in code_list.codes] == [("A", "Alpha"), ("B", "B")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("value,description\nA,Alpha\n", "expected a 'code' column"),
        ("code,description\n,Orphan label\n", "description but no code"),
        ("code,description\nA,x\nA,y\n", "appears twice"),
    ],
)
def test_bad_file_is_a_clear_error(tmp_path: Path, content: str, message: str):
    (tmp_path / "ssd_codes").mkdir()
    (tmp_path / "ssd_codes" / "bad.csv").write_text(content)
    with pytest.raises(SourceError, match=message):
        ssd.load(tmp_path)


def test_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SourceError, match="ssd_codes/ was not found"):
        ssd.load(tmp_path)
