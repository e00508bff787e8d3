"""Name normalisation, nicknames, phonetic codes, day/month swaps and blocking keys (issue 3, item 3:
blocking keys on date of birth and its day/month swap, phonetic forename and surname, postcode, NHS
number, UPN). Synthetic names and dates only."""

import datetime as dt
import re
import string
from typing import Any

import nhs_number
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safehub.people.identifiers import make_upn
from safehub.people.nicknames import NAME_GROUPS
from safehub.people.normalise import (
    MAX_KEY_LENGTH,
    match_keys,
    name_variants,
    normalise_name,
    phonetic,
    swap_day_month,
)

SYNTHETIC_NHS = next(
    number
    for number in nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC, quantity=5)
    if len(set(number)) > 1  # not the placeholder 9999999999
)
KEY_KINDS = {
    "dob",
    "dob_swap",
    "given_phonetic",
    "family_phonetic",
    "postcode",
    "postcode_sector",
    "nhs",
    "upn",
}
ALL_TABLE_NAMES = sorted({name for group in NAME_GROUPS for name in group})

# --- normalise_name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("O'Neil", "oneil"),
        ("O\u2019Neil", "oneil"),
        ("D'Arcy-Smith", "darcy smith"),
        ("Smith-Jones", "smith jones"),
        ("Smith - Jones", "smith jones"),
        ("  Mary   Ann ", "mary ann"),
        ("MARY-ANN", "mary ann"),
        ("Zoë", "zoe"),
        ("Renée", "renee"),
        ("Łukasz", "lukasz"),
        ("Søren", "soren"),
        ("Æthelred", "aethelred"),
        ("Straße", "strasse"),
        ("\uff21\uff4c\uff49", "ali"),  # full-width letters typed on some keyboards
        ("J.R.", "j r"),
        ("Anne-Marie (known as Annie)", "anne marie known as annie"),
        ("R2D2", "r d"),
        ("", ""),
        ("  -- ' ", ""),
    ],
)
def test_normalise_name_examples(typed, expected):
    assert normalise_name(typed) == expected


@given(st.text())
def test_normalise_name_is_idempotent_and_leaves_only_letters_and_single_spaces(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert all(ch.isalpha() or ch == " " for ch in once)


LATIN = string.ascii_letters + " -'"
ACCENTS = str.maketrans("aeiouncAEIOUNC", "áéîöùñçÁÉÎÖÙÑÇ")


@given(st.text(alphabet=LATIN))
def test_normalise_name_ignores_case_and_accents(text):
    assert (
        normalise_name(text.upper())
        == normalise_name(text.lower())
        == normalise_name(text.translate(ACCENTS))
    )


# --- name_variants and the nickname table --------------------------------------------------------


def test_common_nicknames_are_variants():
    assert {"william", "will", "bill", "billy", "liam"} <= name_variants("William")
    assert {"elizabeth", "liz", "beth", "betty", "lizzie"} <= name_variants("Elizabeth")
    assert "william" in name_variants("BILL")
    assert "elizabeth" in name_variants("Lizzie")
    assert "mohammed" in name_variants("Muhammad")
    assert "niamh" in name_variants("Neve")
    assert "david" in name_variants("Dafydd")


def test_a_name_outside_the_table_is_its_own_only_variant():
    assert name_variants("Zebedee-Quill") == {"zebedee quill"}
    assert name_variants("") == set()
    assert name_variants(" ' ") == set()


def test_nickname_table_is_large_clean_and_free_of_repeats():
    """About 150 or more groups; every entry is already in normalised form; no group repeats a name."""
    assert len(NAME_GROUPS) >= 150
    for group in NAME_GROUPS:
        assert len(group) == len(set(group)), group
        for name in group:
            assert normalise_name(name) == name, name


def test_nickname_equivalence_is_symmetric_over_the_whole_table():
    """If b is a variant of a then a is a variant of b, for every name in the table."""
    for a in ALL_TABLE_NAMES:
        for b in name_variants(a):
            assert a in name_variants(b), (a, b)


@given(a=st.sampled_from(ALL_TABLE_NAMES) | st.text(alphabet=LATIN, max_size=12), upper=st.booleans())
def test_nickname_variants_are_symmetric_and_case_blind(a, upper):
    typed = a.upper() if upper else a
    variants = name_variants(typed)
    assert variants == name_variants(a.lower())
    if normalise_name(a):
        assert normalise_name(a) in variants
    for b in variants:
        assert normalise_name(a) in name_variants(b)


# --- phonetic --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Catherine", "Katherine"),
        ("Kathryn", "Catherine"),
        ("Stephen", "Steven"),
        ("Mohammed", "Muhammad"),
        ("Jon", "John"),
        ("Zoë", "ZOE"),
        ("O'Neil", "ONeil"),
    ],
)
def test_spellings_that_sound_alike_share_a_phonetic_code(a, b):
    assert phonetic(a) == phonetic(b) != ""


def test_phonetic_codes_each_part_of_a_multi_part_name():
    assert phonetic("Smith-Jones") == f"{phonetic('Smith')} {phonetic('Jones')}"
    assert phonetic("") == ""
    assert phonetic(" -' ") == ""


def test_names_in_other_scripts_still_get_a_code():
    """Metaphone only knows A-Z; a name in another script keys on its normalised spelling."""
    assert phonetic("Иван") == "иван"
    assert phonetic("Иван") != phonetic("Пётр")


@given(st.text(alphabet=LATIN))
def test_phonetic_is_stable_under_case_and_diacritics(text):
    code = phonetic(text)
    assert phonetic(text.swapcase()) == code
    assert phonetic(text.translate(ACCENTS)) == code
    assert (code == "") == (normalise_name(text) == "")


@given(st.text())
def test_phonetic_never_fails_and_is_empty_only_for_empty_names(text):
    assert (phonetic(text) == "") == (normalise_name(text) == "")


# --- swap_day_month --------------------------------------------------------------------------------


def test_swap_day_month_examples():
    assert swap_day_month(dt.date(2015, 3, 4)) == dt.date(2015, 4, 3)
    assert swap_day_month(dt.date(2015, 12, 1)) == dt.date(2015, 1, 12)
    assert swap_day_month(dt.date(2015, 3, 13)) is None  # there is no 13th month
    assert swap_day_month(dt.date(2015, 5, 5)) is None  # swapping changes nothing


@given(st.dates())
def test_swap_day_month_is_an_involution(d):
    swapped = swap_day_month(d)
    if d.day > 12 or d.day == d.month:
        assert swapped is None
    else:
        assert swapped is not None
        assert swapped != d
        assert (swapped.year, swapped.month, swapped.day) == (d.year, d.day, d.month)
        assert swap_day_month(swapped) == d


# --- match_keys ------------------------------------------------------------------------------------


def test_match_keys_for_a_full_record():
    upn = make_upn(la_code=201, establishment=4000, year=26, serial=7)
    keys = match_keys(
        given_names=["Bill"],
        family_names=["Smith-Jones"],
        date_of_birth=dt.date(2015, 3, 4),
        postcodes=["sw1a1aa"],
        nhs_number=f"{SYNTHETIC_NHS[:3]} {SYNTHETIC_NHS[3:6]} {SYNTHETIC_NHS[6:]}",
        upn=upn.lower(),
    )
    assert ("dob", "2015-03-04") in keys
    assert ("dob_swap", "2015-04-03") in keys
    assert ("given_phonetic", phonetic("Bill")) in keys
    assert ("given_phonetic", phonetic("William")) in keys
    assert ("given_phonetic", phonetic("Liam")) in keys
    assert ("family_phonetic", phonetic("Smith")) in keys
    assert ("family_phonetic", phonetic("Jones")) in keys
    assert ("family_phonetic", phonetic("Smith Jones")) in keys
    assert ("postcode", "SW1A 1AA") in keys
    assert ("postcode_sector", "SW1A 1") in keys
    assert ("nhs", SYNTHETIC_NHS) in keys
    assert ("upn", upn) in keys


def test_a_nickname_and_the_full_name_share_a_given_name_key():
    """Bill Smith and William Smyth meet in one block, so the scorer gets to compare them."""

    def keys(given: str, family: str) -> set[tuple[str, str]]:
        return match_keys(given_names=[given], family_names=[family], date_of_birth=None, postcodes=[])

    assert keys("Bill", "Smith") & keys("William", "Smyth") >= {("given_phonetic", phonetic("william"))}


def test_surname_particles_and_initials_are_not_blocked_on_alone():
    """A lone "van" or "de", or a bare initial, would put thousands of unrelated people in one block."""
    keys = match_keys(given_names=["J R"], family_names=["van der Berg"], date_of_birth=None, postcodes=[])
    assert keys == {
        ("given_phonetic", phonetic("j r")),
        ("family_phonetic", phonetic("van der berg")),
        ("family_phonetic", phonetic("vanderberg")),
        ("family_phonetic", phonetic("berg")),
    }


def test_a_surname_typed_with_or_without_a_space_shares_a_key():
    def family_keys(family: str) -> set[tuple[str, str]]:
        return match_keys(given_names=[], family_names=[family], date_of_birth=None, postcodes=[])

    assert family_keys("O Neil") & family_keys("O'Neil")
    assert family_keys("Mac Donald") & family_keys("MacDonald")
    assert family_keys("Smith-Jones") & family_keys("Jones")


def test_match_keys_skips_empty_and_invalid_values():
    """Bad input was refused where it was typed; here it adds no key instead of failing the search."""
    keys = match_keys(
        given_names=["", "  "],
        family_names=["-"],
        date_of_birth=None,
        postcodes=["", "not a postcode"],
        nhs_number="1234567890",
        upn="B801200005002",
    )
    assert keys == set()
    assert match_keys(given_names=[], family_names=[], date_of_birth=None, postcodes=[]) == set()


def test_no_swapped_key_when_the_day_is_over_twelve():
    keys = match_keys(given_names=[], family_names=[], date_of_birth=dt.date(2015, 3, 13), postcodes=[])
    assert keys == {("dob", "2015-03-13")}


def test_long_names_are_cut_to_the_key_length():
    long_name = "Wolfeschlegelsteinhausenbergerdorff " * 4
    keys = match_keys(given_names=[long_name], family_names=[long_name], date_of_birth=None, postcodes=[])
    assert keys
    assert all(0 < len(value) <= MAX_KEY_LENGTH for _, value in keys)


names = st.lists(st.sampled_from(ALL_TABLE_NAMES) | st.text(max_size=80), max_size=3)
inputs = st.fixed_dictionaries(
    {
        "given_names": names,
        "family_names": names,
        "date_of_birth": st.none() | st.dates(),
        "postcodes": st.lists(
            st.sampled_from(["SW1A 1AA", "m1 1ae", "gir0aa", ""]) | st.text(max_size=10), max_size=3
        ),
        "nhs_number": st.sampled_from(["", SYNTHETIC_NHS, "123"]),
        "upn": st.sampled_from(["", make_upn(serial=1), "B801200005002"]),
    }
)


@given(kwargs=inputs)
def test_match_keys_are_deterministic_and_never_empty(kwargs):
    keys = match_keys(**kwargs)
    reordered: dict[str, Any] = {
        name: list(reversed(value)) if isinstance(value, list) else value for name, value in kwargs.items()
    }
    assert match_keys(**kwargs) == keys
    assert match_keys(**reordered) == keys
    for kind, value in keys:
        assert kind in KEY_KINDS
        assert value
        assert value == value.strip()
        assert len(value) <= MAX_KEY_LENGTH
        assert not re.search(r"\s{2}", value)
