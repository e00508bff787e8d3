"""NHS number, UPN and postcode validation (issue 3, "Bad input": an invalid NHS number or UPN is
refused with the reason). Synthetic numbers only: NHS numbers come from the 9xx test range that is
never issued to patients, UPNs from ``make_upn``."""

import random
import string

import nhs_number
import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from safehub.people.identifiers import (
    UPN_CHECK_LETTERS,
    make_upn,
    normalise_postcode,
    postcode_sector,
    upn_check_letter,
    validate_nhs_number,
    validate_upn,
)


def refusal(func, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        func(value)
    return caught.value


# --- NHS number ----------------------------------------------------------------------------------

# What a phone keyboard in a CJK input mode types for 9434765919.
FULL_WIDTH_DIGITS = "".join(chr(ord(digit) + 0xFEE0) for digit in "9434765919")
# The same numbers on every collection: parallel test workers must collect the same test ids, and
# a failure must be reproducible. nhs_number draws from the module-level random generator.
_state = random.getstate()
random.seed(20261127)
SYNTHETIC_VALID = [
    number
    for number in nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC, quantity=25)
    if len(set(number)) > 1  # 9999999999 is in the range but is a placeholder
]
SYNTHETIC_INVALID = nhs_number.generate(valid=False, for_region=nhs_number.REGION_SYNTHETIC, quantity=25)
random.setstate(_state)


@pytest.mark.parametrize("number", SYNTHETIC_VALID)
def test_valid_nhs_numbers_are_accepted_in_any_usual_spelling(number):
    """A valid NHS number is accepted with spaces (3-3-4) or hyphens and comes back as 10 digits."""
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    hyphened = f"{number[:3]}-{number[3:6]}-{number[6:]}"
    for typed in (number, spaced, hyphened, f"  {spaced}  "):
        assert validate_nhs_number(typed) == number


@pytest.mark.parametrize("number", SYNTHETIC_INVALID)
def test_nhs_number_with_wrong_check_digit_is_refused_with_the_reason(number):
    """Bad input: an invalid NHS number is refused with the reason (the check digit)."""
    error = refusal(validate_nhs_number, number)
    assert error.code == "nhs_number_check_digit"
    assert "check digit does not match" in error.message
    assert error.message.startswith("Enter a valid NHS number: ")


@pytest.mark.parametrize(
    "typed", ["943476591", "94347659190", "943 476 591X", "nine", "9434765919.0", FULL_WIDTH_DIGITS]
)
def test_nhs_number_that_is_not_ten_digits_is_refused_with_the_reason(typed):
    """Bad input: a value that is not 10 digits is refused and told so (full-width digits too)."""
    error = refusal(validate_nhs_number, typed)
    assert error.code == "nhs_number_format"
    assert "10 digits" in error.message


@pytest.mark.parametrize("digit", "0123456789")
def test_placeholder_nhs_numbers_are_refused(digit):
    """Bad input: "0000000000" passes modulus 11 but means "not known"; it must not link records."""
    error = refusal(validate_nhs_number, digit * 10)
    assert error.code == "nhs_number_placeholder"
    assert "placeholder" in error.message


@pytest.mark.parametrize("typed", ["", "   ", " - "])
def test_empty_nhs_number_is_refused(typed):
    assert refusal(validate_nhs_number, typed).code == "nhs_number_empty"


@st.composite
def synthetic_nhs_numbers(draw) -> str:
    while True:
        body = draw(st.integers(min_value=900_000_000, max_value=999_999_999).map(str))
        check = nhs_number.calculate_checksum(body)
        number = body + str(check)
        if check is not None and check < 10 and len(set(number)) > 1:
            return number


@given(number=synthetic_nhs_numbers(), position=st.integers(0, 9), delta=st.integers(1, 9))
def test_any_single_digit_error_in_an_nhs_number_is_caught(number, position, delta):
    """Bad input: the modulus-11 check refuses every single mistyped digit."""
    assert validate_nhs_number(number) == number
    wrong = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    # One changed digit can also turn a number into a placeholder such as 9999999999.
    assert refusal(validate_nhs_number, wrong).code in {"nhs_number_check_digit", "nhs_number_placeholder"}


# --- Unique Pupil Number -------------------------------------------------------------------------


def test_upn_check_letter_worked_example():
    """The DfE rule on a worked example: body 801200005001 weighted 2..13 sums to
    8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 mod 23 = 1, the second letter of the alphabet without
    I, O and S: B. A temporary UPN's final letter counts as its place in that alphabet (A = 0)."""
    assert upn_check_letter("801200005001") == "B"
    assert validate_upn("B801200005001") == "B801200005001"
    # 8*2 + 1*4 + 2*5 + 5*10 + 0*13 = 80; 80 mod 23 = 11 -> M
    assert upn_check_letter("80120000500A") == "M"
    assert validate_upn("m80120000500a") == "M80120000500A"


def test_check_letter_alphabet_leaves_out_i_o_and_s():
    assert len(UPN_CHECK_LETTERS) == 23
    assert set(string.ascii_uppercase) - set(UPN_CHECK_LETTERS) == {"I", "O", "S"}


upn_parts = st.fixed_dictionaries(
    {
        "la_code": st.integers(0, 999),
        "establishment": st.integers(0, 9999),
        "year": st.integers(0, 99),
        "serial": st.integers(0, 999),
        "temporary": st.sampled_from(["", *UPN_CHECK_LETTERS]),
    }
)


@given(parts=upn_parts)
def test_make_upn_round_trips_through_validate_upn(parts):
    """Every UPN we generate is accepted, in any case and with stray spaces, and comes back upper-case."""
    upn = make_upn(**parts)
    assert len(upn) == 13
    assert validate_upn(upn) == upn
    assert validate_upn(f" {upn[:4]} {upn[4:].lower()} ") == upn


def _interchangeable(original: str, replacement: str) -> bool:
    """The DfE rule's one blind spot: in the last place a digit and the temporary letter that has the
    same value (0 and A, 1 and B ... 9 and K) weigh the same, so swapping them keeps the check letter."""
    pair = {original, replacement}
    return any(pair == {str(value), UPN_CHECK_LETTERS[value]} for value in range(10))


@given(
    parts=upn_parts,
    position=st.integers(0, 12),
    replacement=st.sampled_from(string.ascii_uppercase + string.digits),
)
def test_any_single_character_change_to_a_upn_is_refused(parts, position, replacement):
    """Bad input: an invalid UPN is refused with the reason. Weights 2..13 are all non-zero modulo 23
    (a prime), so any single changed character changes the check letter or breaks the format."""
    upn = make_upn(**parts)
    original = upn[position]
    assume(replacement != original and not (position == 12 and _interchangeable(original, replacement)))
    changed = upn[:position] + replacement + upn[position + 1 :]
    error = refusal(validate_upn, changed)
    assert error.code in {"upn_check_letter", "upn_format", "upn_letter"}
    assert error.message.startswith("Enter a valid Unique Pupil Number: ")


def test_the_known_blind_spot_of_the_upn_check_is_only_digit_versus_equal_temporary_letter():
    """Documents the limit of the DfE check so nobody relies on more: "...0" and "...A" share a check letter."""
    permanent = make_upn(la_code=201, establishment=4000, year=26, serial=120)
    temporary = make_upn(la_code=201, establishment=4000, year=26, serial=120, temporary="A")
    assert permanent[0] == temporary[0]
    assert validate_upn(temporary) == temporary


@pytest.mark.parametrize(
    ("typed", "code", "reason"),
    [
        ("", "upn_empty", "empty"),
        ("B80120000500", "upn_length", "wrong length"),
        ("B8012000050011", "upn_length", "wrong length"),
        ("A801200005001", "upn_check_letter", "check letter does not match"),
        ("1801200005001", "upn_format", "wrong format"),
        ("B80120000A001", "upn_format", "wrong format"),
        ("B8012000050-1", "upn_format", "wrong format"),
        ("I801200005001", "upn_letter", "I, O and S"),
        ("O801200005001", "upn_letter", "I, O and S"),
        ("B80120000500S", "upn_letter", "I, O and S"),
    ],
)
def test_invalid_upn_is_refused_with_the_reason(typed, code, reason):
    """Bad input: an invalid UPN is refused with the reason (CIN rules 1510-1560Q)."""
    error = refusal(validate_upn, typed)
    assert error.code == code
    assert reason in error.message


@pytest.mark.parametrize(
    "body", ["", "80120000500", "8012000050011", "80120000A001", "80120000500I", "B01200005001"]
)
def test_upn_check_letter_needs_a_well_formed_body(body):
    with pytest.raises(ValueError, match="11 digits"):
        upn_check_letter(body)


@pytest.mark.parametrize("parts", [{"la_code": 1000}, {"establishment": -1}, {"year": 100}, {"serial": 1000}])
def test_make_upn_refuses_parts_out_of_range(parts):
    with pytest.raises(ValueError, match="out of range"):
        make_upn(**parts)


# --- Postcode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("LS1 4AP", "LS1 4AP"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("stHL1zz", "STHL 1ZZ"),  # St Helena, one of the overseas territories' single postcodes
        ("FIQQ 1ZZ", "FIQQ 1ZZ"),
    ],
)
def test_postcodes_come_back_in_one_canonical_form(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "SW1A",
        "1AA",
        "12345",
        "SW1A 1A",
        "SW1A 1AAA",
        "QW1 1AA",  # Q never starts a postcode
        "SW1A 1CA",  # C is never used in the inward code
        "SW1A-1AA",
        "1AA SW1A",
        "ABCDE 1AA",
        "S W 1 A 1 A A 1",
        "SW1A 1ÀA",
        "STHL 1AA",  # the territories have only their one postcode
    ],
)
def test_malformed_postcodes_are_refused_with_an_example(typed):
    error = refusal(normalise_postcode, typed)
    assert error.message == "Enter a real postcode, like SW1A 1AA"
    assert error.code == "postcode"


POSTCODE_PATTERN = (
    r"[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]) \d[ABD-HJLNP-UW-Z]{2}"
)


@given(postcode=st.from_regex(POSTCODE_PATTERN, fullmatch=True), spaces=st.sampled_from(["", " ", "  "]))
def test_postcode_normalisation_is_idempotent_and_ignores_case_and_spacing(postcode, spaces):
    outward, inward = postcode.split(" ")
    normalised = normalise_postcode(postcode)
    assert normalised == postcode
    assert normalise_postcode(f"{outward.lower()}{spaces}{inward.lower()}") == normalised
    assert normalise_postcode(normalised) == normalised
    assert postcode_sector(normalised) == f"{outward} {inward[0]}"
