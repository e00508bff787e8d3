"""`load_postcode_locations`: good rows upserted, every bad row reported with its line, progress on
stderr, and a load that uses nothing fails without touching what is stored."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safehub.reference_data.models import PostcodeLocation
from safehub.reference_data.postcodes import distance_miles

pytestmark = pytest.mark.django_db


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_postcode_locations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "postcodes.csv"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "postcode,easting,northing,local_authority\n"
    "ls1 4ap,429900,433500,E08000035\n"
    "LS6 1AA,428000,436000,E08000035\n"
    "M1 1AE,384000,398000,E08000003\n"
)


def test_a_good_file_loads_every_row_normalised(tmp_path: Path) -> None:
    out, err = run(write(tmp_path, GOOD))
    assert "3 postcodes loaded, 0 rows rejected, of 3 rows read." in out
    assert "100%" in err  # progress on stderr
    leeds = PostcodeLocation.objects.get(postcode="LS1 4AP")
    assert (leeds.easting, leeds.northing, leeds.local_authority) == (429900, 433500, "E08000035")
    assert distance_miles("LS1 4AP", "ls6 1aa") == pytest.approx(float(distance_miles("LS6 1AA", "LS1 4AP")))


def test_a_file_without_a_header_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    run(write(tmp_path, GOOD))
    with pytest.raises(CommandError, match=r"no header row.*--format codepoint"):
        run(write(tmp_path, "LS1 4AP,429900,433500\n"), "--replace")
    assert PostcodeLocation.objects.count() == 3  # the --replace delete was rolled back


def test_a_header_naming_no_known_layout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="names none of the known layouts"):
        run(write(tmp_path, "code,x,y\nLS1 4AP,429900,433500\n"))
    assert not PostcodeLocation.objects.exists()


# A Code-Point Open line: postcode, quality, eastings, northings, country, NHS regional HA, NHS HA,
# county, district, ward. Read in the documented order this would have loaded quality 10 as the
# easting and the easting as the northing.
CODEPOINT = (
    '"LS1 4AP",10,429900,433500,"E92000001","E19000001","E18000003","","E08000035","E05001420"\n'
    '"S1  2BJ",10,435300,387100,"E92000001","E19000001","E18000003","","E08000019","E05010863"\n'
    '"LS991ZZ",90,0,0,"E92000001","","","","",""\n'
)


def test_code_point_open_needs_the_format_flag_and_then_maps_its_columns(tmp_path: Path) -> None:
    path = write(tmp_path, CODEPOINT)
    with pytest.raises(CommandError, match="no header row"):
        run(path)
    out, err = run(path, "--format", "codepoint")
    assert "2 postcodes loaded, 1 rows rejected, of 3 rows read." in out
    assert "Line 3 (LS991ZZ) rejected: no grid reference (0, 0)." in err
    leeds = PostcodeLocation.objects.get(postcode="LS1 4AP")
    assert (leeds.easting, leeds.northing, leeds.local_authority) == (429900, 433500, "E08000035")
    assert PostcodeLocation.objects.get(postcode="S1 2BJ").local_authority == "E08000019"


def test_the_codepoint_format_refuses_a_file_with_a_header(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="has no header row; this one begins"):
        run(write(tmp_path, GOOD), "--format", "codepoint")
    assert not PostcodeLocation.objects.exists()


def test_an_onspd_extract_is_read_by_its_column_names(tmp_path: Path) -> None:
    text = (
        "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,oseast1m,osnrth1m,osgrdind\n"
        'LS1  4AP,"LS1  4AP",LS1 4AP,198001,,E99999999,E99999999,E08000035,E05001420,429900,433500,1\n'
        'LS2  8AA,"LS2  8AA",LS2 8AA,198001,200012,E99999999,E99999999,E08000035,E05001420,,,9\n'
    )
    out, err = run(write(tmp_path, text))
    assert "1 postcodes loaded, 1 rows rejected, of 2 rows read." in out
    assert "Line 3 (LS2 8AA) rejected: the easting and northing must be numbers." in err
    leeds = PostcodeLocation.objects.get(postcode="LS1 4AP")
    assert (leeds.easting, leeds.northing, leeds.local_authority) == (429900, 433500, "E08000035")


def test_a_later_onspd_edition_takes_the_local_authority_from_its_lad_column(tmp_path: Path) -> None:
    text = "pcds,lad24cd,lad25cd,oseast1m,osnrth1m\nM1 1AE,E08000001,E08000003,384000,398000\n"
    run(write(tmp_path, text))
    assert PostcodeLocation.objects.get(postcode="M1 1AE").local_authority == "E08000003"


def test_loading_again_updates_and_replace_removes_the_rest(tmp_path: Path) -> None:
    run(write(tmp_path, GOOD))
    out, _ = run(write(tmp_path, "postcode,easting,northing\nLS1 4AP,1,2\n"), "--replace")
    assert "3 stored locations were replaced" in out
    assert list(PostcodeLocation.objects.values_list("postcode", "easting")) == [("LS1 4AP", 1)]


def test_every_bad_row_is_reported_with_its_line_and_reason(tmp_path: Path) -> None:
    text = (
        "postcode,easting,northing,local_authority\n"
        "LS1 4AP,429900,433500,E08000035\n"  # line 2: good
        "NOT A CODE,1,1,\n"  # 3: shape
        "LS2 7UE,east,433500,\n"  # 4: not numeric
        "LS2 8AA,,,\n"  # 5: terminated postcode, no coordinates
        "LS2 9AA,800000,433500,\n"  # 6: off the grid
        "BT1 1AA,333000,374000,N09000003\n"  # 7: Irish grid
        "LS3 1AA,429000,433000,LEEDS\n"  # 8: not an ONS code
    )
    out, err = run(write(tmp_path, text))
    assert "1 postcodes loaded, 6 rows rejected, of 7 rows read." in out
    for line, words in [
        (3, "not the shape of a UK postcode"),
        (4, "must be numbers"),
        (5, "must be numbers"),
        (6, "outside Great Britain's grid"),
        (7, "Irish grid"),
        (8, "not an ONS local authority code"),
    ]:
        assert any(f"Line {line} " in row and words in row for row in err.splitlines()), (line, err)
    assert PostcodeLocation.objects.count() == 1


def test_nothing_usable_fails_and_leaves_the_table_as_it_was(tmp_path: Path) -> None:
    run(write(tmp_path, GOOD))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        run(write(tmp_path, "postcode,easting,northing\nrubbish,1,1\n"), "--replace")
    assert PostcodeLocation.objects.count() == 3  # the --replace delete was rolled back


def test_progress_is_reported_as_batches_are_written(tmp_path: Path) -> None:
    rows = "postcode,easting,northing\n" + "".join(
        f"LS{n % 9 + 1} {n % 10}AB,{400000 + n},{430000 + n}\n" for n in range(90)
    )
    _, err = run(write(tmp_path, rows), "--batch-size", "10")
    percents = [line for line in err.splitlines() if line.startswith("Loading ")]
    assert len(percents) >= 5
    assert percents[-1].startswith("Loading postcodes.csv: 100%")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no file"):
        run(tmp_path / "absent.csv")
