"""Name normalisation, nicknames, phonetic codes, day/month swaps, the match profile and the blocking
keys (issue 3, item 3: blocking keys on date of birth and its day/month swap, phonetic forename and
surname, postcode, NHS number, UPN; ADR 0002 sections 2-3). Synthetic names and dates only."""

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
    KEY_KINDS,
    MAX_KEY_LENGTH,
    ProfileValues,
    name_variants,
    normalise_name,
    normalise_sex,
    phonetic,
    profile_fields,
    profile_values,
    query_keys,
    stored_keys,
    swap_day_month,
)

SYNTHETIC_NHS = next(
    number
    for number in nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC, quantity=5)
    if len(set(number)) > 1  # not the placeholder 9999999999
)
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


# --- profile_values -------------------------------------------------------------------------------


def profile(**fields: Any) -> ProfileValues:
    base: dict[str, Any] = {"given_names": [], "family_names": [], "date_of_birth": None}
    return profile_values(**{**base, **fields})


def test_profile_values_normalise_every_field_current_first():
    upn = make_upn(la_code=201, establishment=4000, year=26, serial=7)
    former = make_upn(la_code=201, establishment=4000, year=20, serial=9)
    values = profile(
        given_names=["Zoë", "ZOE", "", "Zoe-Ann"],
        family_names=["O'Neil", "Smith - Jones"],
        date_of_birth=dt.date(2015, 3, 4),
        sex="F",
        postcodes=["sw1a 1aa", "not a postcode", "SW1A1AA", "m1 1ae"],
        nhs_number=f"{SYNTHETIC_NHS[:3]} {SYNTHETIC_NHS[3:6]} {SYNTHETIC_NHS[6:]}",
        upns=[upn.lower(), "B801200005002", former],
    )
    assert values == ProfileValues(
        given_names=("zoe", "zoe ann"),
        family_names=("oneil", "smith jones"),
        date_of_birth=dt.date(2015, 3, 4),
        sex="F",
        postcodes=("SW1A1AA", "M11AE"),
        nhs_number=SYNTHETIC_NHS,
        upns=(upn, former),
    )


def test_invalid_identifiers_are_dropped_not_raised():
    values = profile(nhs_number="1234567890", upns=["B801200005002", "", "   "], postcodes=["QQ1 1QQ"])
    assert (values.nhs_number, values.upns, values.postcodes) == ("", (), ())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("M", "M"), ("f", "F"), ("1", "M"), ("2", "F"), ("U", ""), ("0", ""), ("9", ""), ("", ""), ("X", "")],
)
def test_sex_is_m_f_or_not_known(typed, expected):
    """Import letters and CIN codes agree; "not known" is missing, never a value that could disagree."""
    assert normalise_sex(typed) == expected


def test_profile_fields_join_current_first_and_stored_values_read_back():
    values = profile(
        given_names=["Ava", "Eve"], family_names=["Stone"], postcodes=["M1 1AE", "SW1A 1AA"], sex="M"
    )
    fields = profile_fields(values)
    assert fields == {
        "given_names": "ava|eve",
        "family_names": "stone",
        "date_of_birth": None,
        "sex": "M",
        "postcodes": "M11AE|SW1A1AA",
        "nhs_number": "",
        "upns": "",
    }
    assert ProfileValues.from_stored(**fields) == values


def test_profile_fields_leave_off_what_does_not_fit_oldest_first():
    many = [f"Name{'x' * 40}{chr(ord('a') + i)}" for i in range(20)]
    fields = profile_fields(profile(given_names=many))
    assert len(fields["given_names"]) <= 500
    kept = fields["given_names"].split("|")
    assert kept == [normalise_name(name) for name in many[: len(kept)]]


# --- stored_keys and query_keys -------------------------------------------------------------------


def test_stored_keys_for_a_full_record():
    upn = make_upn(la_code=201, establishment=4000, year=26, serial=7)
    keys = stored_keys(
        profile(
            given_names=["Bill"],
            family_names=["Smith-Jones"],
            date_of_birth=dt.date(2015, 3, 4),
            postcodes=["sw1a1aa"],
            nhs_number=SYNTHETIC_NHS,
            upns=[upn],
        )
    )
    bill, year = phonetic("bill"), "2015"
    families = {phonetic(name) for name in ("smith jones", "smithjones", "smith", "jones")}
    assert keys == (
        {("dob", "2015-03-04"), ("pc", "SW1A1AA"), ("nhs", SYNTHETIC_NHS), ("upn", upn)}
        | {("nm", f"{bill}|{family}") for family in families}
        | {("sy", f"{family}|{year}") for family in families}
        | {("fy", f"{bill}|{year}")}
    )


def test_one_date_of_birth_is_stored_and_the_search_also_looks_up_its_swap():
    values = profile(date_of_birth=dt.date(2015, 3, 4))
    assert stored_keys(values) == {("dob", "2015-03-04")}
    assert query_keys(values) == [("dob", "2015-03-04"), ("dob", "2015-04-03")]
    assert query_keys(profile(date_of_birth=dt.date(2015, 3, 13))) == [("dob", "2015-03-13")]


@given(st.dates())
def test_a_search_with_day_and_month_swapped_finds_the_stored_date(born):
    swapped = swap_day_month(born)
    if swapped is not None:
        stored = stored_keys(profile(date_of_birth=born))
        assert stored & set(query_keys(profile(date_of_birth=swapped)))


def test_a_nickname_search_finds_the_full_name_and_the_other_way_round():
    """Bill Smith and William Smyth meet in one block, so the scorer gets to compare them."""

    def person(given: str, family: str) -> ProfileValues:
        return profile(given_names=[given], family_names=[family], date_of_birth=dt.date(2011, 5, 20))

    william, bill = person("William", "Smyth"), person("Bill", "Smith")
    expected = ("nm", f"{phonetic('william')}|{phonetic('smith')}")
    assert expected in stored_keys(william)
    assert expected in query_keys(bill)
    assert stored_keys(bill) & set(query_keys(william))
    assert ("fy", f"{phonetic('william')}|2011") in set(query_keys(bill)) & stored_keys(william)


@given(a=st.sampled_from(ALL_TABLE_NAMES), data=st.data())
def test_every_nickname_pair_shares_a_key_either_way(a, data):
    b = data.draw(st.sampled_from(sorted(name_variants(a))))
    first = profile(given_names=[a], family_names=["Stone"])
    second = profile(given_names=[b], family_names=["Stone"])
    assert stored_keys(first) & set(query_keys(second))
    assert stored_keys(second) & set(query_keys(first))


def test_forename_and_surname_the_wrong_way_round_are_found():
    stored = stored_keys(profile(given_names=["Ava"], family_names=["Stone"]))
    assert stored & set(query_keys(profile(given_names=["Stone"], family_names=["Ava"])))


def test_search_keys_are_in_order_of_selectivity():
    values = profile(
        given_names=["Bill"],
        family_names=["Stone"],
        date_of_birth=dt.date(2015, 3, 4),
        postcodes=["M1 1AE"],
        nhs_number=SYNTHETIC_NHS,
        upns=[make_upn(serial=4)],
    )
    kinds = [kind for kind, _ in query_keys(values)]
    assert kinds[:6] == ["nhs", "upn", "dob", "dob", "nm", "pc"]
    assert kinds.index("sy") < kinds.index("fy")
    assert set(kinds) == set(KEY_KINDS)


def test_surname_particles_and_initials_are_not_blocked_on_alone():
    """A lone "van" or "de", or a bare initial, would put thousands of unrelated people in one block."""
    keys = stored_keys(profile(given_names=["J R"], family_names=["van der Berg"]))
    jr = phonetic("j r")
    assert keys == {("nm", f"{jr}|{phonetic(family)}") for family in ("van der berg", "vanderberg", "berg")}


def test_a_surname_typed_with_or_without_a_space_shares_a_key():
    def keys(family: str) -> set[tuple[str, str]]:
        return stored_keys(profile(given_names=["Ava"], family_names=[family]))

    assert keys("O Neil") & keys("O'Neil")
    assert keys("Mac Donald") & keys("MacDonald")
    assert keys("Smith-Jones") & keys("Jones")


def test_empty_and_invalid_values_add_no_key():
    """Bad input was refused where it was typed; here it adds no key instead of failing the search."""
    values = profile(
        given_names=["", "  "],
        family_names=["-"],
        postcodes=["", "not a postcode"],
        nhs_number="1234567890",
        upns=["B801200005002"],
    )
    assert stored_keys(values) == set()
    assert query_keys(values) == []


def test_long_names_are_cut_to_the_key_length():
    long_name = "Wolfeschlegelsteinhausenbergerdorff " * 4
    values = profile(given_names=[long_name], family_names=[long_name], date_of_birth=dt.date(2001, 1, 2))
    keys = stored_keys(values)
    assert keys
    assert all(0 < len(value) <= MAX_KEY_LENGTH for _, value in keys)


names = st.lists(st.sampled_from(ALL_TABLE_NAMES) | st.text(max_size=80), max_size=3)
inputs = st.fixed_dictionaries(
    {
        "given_names": names,
        "family_names": names,
        "date_of_birth": st.none() | st.dates(),
        "sex": st.sampled_from(["", "M", "F", "U", "1", "2", "0", "9"]) | st.text(max_size=3),
        "postcodes": st.lists(
            st.sampled_from(["SW1A 1AA", "m1 1ae", "gir0aa", ""]) | st.text(max_size=10), max_size=3
        ),
        "nhs_number": st.sampled_from(["", SYNTHETIC_NHS, "123"]),
        "upns": st.lists(st.sampled_from(["", make_upn(serial=1), "B801200005002"]), max_size=2),
    }
)


@given(kwargs=inputs)
def test_profile_values_are_idempotent_on_their_own_output(kwargs):
    once = profile_values(**kwargs)
    again = profile_values(**{name: getattr(once, name) for name in kwargs})
    assert again == once
    assert ProfileValues.from_stored(**profile_fields(once)) == once


@given(kwargs=inputs)
def test_keys_are_deterministic_bounded_and_never_empty(kwargs):
    values = profile_values(**kwargs)
    keys = stored_keys(values)
    reordered = profile_values(
        **{
            name: list(reversed(value)) if isinstance(value, list) else value
            for name, value in kwargs.items()
        }
    )
    assert stored_keys(profile_values(**kwargs)) == keys
    # The order of names says which is current; it changes nothing about which keys exist.
    assert stored_keys(reordered) == keys
    searched = query_keys(values)
    assert len(searched) == len(set(searched))
    # A search for exactly what is stored finds it through every one of its stored keys.
    assert keys <= set(searched)
    for kind, value in keys | set(searched):
        assert kind in KEY_KINDS
        assert value
        assert value == value.strip()
        assert len(value) <= MAX_KEY_LENGTH
        assert not re.search(r"\s{2}", value)
