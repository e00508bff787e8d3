"""Which pairs the batch dedupe scores at all: its blocking rules (ADR 0002 s.8)."""

import pyarrow as pa
import pytest

from safehub.people.dedupe.splink_run import run_dedupe
from safehub.people.matching.splink_model import PROFILE_COLUMNS, default_settings


def _pairs_scored(*records: dict[str, str]) -> int:
    rows = [dict.fromkeys(PROFILE_COLUMNS) | {"unique_id": f"p{n}"} | r for n, r in enumerate(records)]
    table = pa.table(
        {column: pa.array([row[column] for row in rows], pa.string()) for column in PROFILE_COLUMNS}
    )
    return run_dedupe(table, default_settings(), threshold=0.9).pairs


def test_a_duplicate_with_a_mistyped_forename_and_no_date_of_birth_at_the_same_address_is_scored() -> None:
    """Postcode, surname and the forename's first letter: typos keep the first letter."""
    assert (
        _pairs_scored(
            {
                "given_name": "victoria",
                "family_name": "knightley",
                "date_of_birth": "1977-10-31",
                "postcode": "ZZ1 1AA",
            },
            {"given_name": "vicotria", "family_name": "knightley", "postcode": "ZZ1 1AA"},
        )
        == 1
    )


def test_family_members_at_one_address_are_not_all_compared() -> None:
    """Same surname and postcode, other initials and birth years: never a candidate pair."""
    assert (
        _pairs_scored(
            {
                "given_name": "marian",
                "family_name": "quayle",
                "date_of_birth": "1980-02-01",
                "postcode": "ZZ1 1AB",
            },
            {
                "given_name": "sunniva",
                "family_name": "quayle",
                "date_of_birth": "2012-05-06",
                "postcode": "ZZ1 1AB",
            },
            {
                "given_name": "orla",
                "family_name": "quayle",
                "date_of_birth": "2015-07-08",
                "postcode": "ZZ1 1AB",
            },
        )
        == 0
    )


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # The same names in another birth year and another place: namesakes, not a candidate.
        (
            {"date_of_birth": "1970-01-01", "postcode": "ZZ1 1AC"},
            {"date_of_birth": "1990-01-01", "postcode": "ZZ9 9ZZ"},
        ),
        # Day and month swapped, moved house: forename, surname and birth year still agree.
        (
            {"date_of_birth": "2012-03-04", "postcode": "ZZ1 1AC"},
            {"date_of_birth": "2012-04-03", "postcode": "ZZ9 9ZZ"},
        ),
    ],
)
def test_same_names_are_compared_only_within_a_birth_year(left, right) -> None:
    names = {"given_name": "piran", "family_name": "matchwell"}
    expected = 1 if left["date_of_birth"][:4] == right["date_of_birth"][:4] else 0
    assert _pairs_scored(names | left, names | right) == expected
