"""Validation and normalisation of the identifiers a person carries: NHS number, UPN, postcode.

Pure functions (no database). Each validator returns the value in its one canonical form, so that
what is stored, indexed and compared is always spelt the same way, and raises a Django
``ValidationError`` whose message says *why* the value was refused (issue 3, "Bad input": "An
invalid NHS number or UPN is refused with the reason").
"""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

__all__ = [
    "UPN_CHECK_LETTERS",
    "make_upn",
    "normalise_postcode",
    "postcode_sector",
    "upn_check_letter",
    "validate_nhs_number",
    "validate_upn",
]

# People type NHS numbers as "943 476 5919" or "943-476-5919"; both are the same number.
_NHS_SEPARATORS = re.compile(r"[\s\-]+")


def validate_nhs_number(value: str) -> str:
    """Return the NHS number as 10 digits, or refuse it with the reason.

    The modulus-11 check is the `nhs-number` package's, so Safehub agrees with the rest of the NHS.
    """
    digits = _NHS_SEPARATORS.sub("", value or "")
    if not digits:
        raise ValidationError("Enter a valid NHS number: it is empty", code="nhs_number_empty")
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise ValidationError(
            "Enter a valid NHS number: it must be 10 digits, like 943 476 5919",
            code="nhs_number_format",
        )
    if len(set(digits)) == 1:
        # "0000000000" and "1111111111" pass modulus 11 but are what source systems type for
        # "not known"; kept, they would make every such record look like one person.
        raise ValidationError(
            "Enter a valid NHS number: a number of one repeated digit is a placeholder, not a real number",
            code="nhs_number_placeholder",
        )
    if not nhs_number.is_valid(digits):
        raise ValidationError(
            "Enter a valid NHS number: the check digit does not match, so one of the digits is wrong",
            code="nhs_number_check_digit",
        )
    return digits


# --- Unique Pupil Number -------------------------------------------------------------------------
#
# The DfE UPN (CIN census / SSDA903 rules 1510-1560Q) is 13 characters: a check letter, then the
# 3-digit LA number, the 4-digit establishment number, 2 digits for the year of allocation and a
# 3-character serial. A *temporary* UPN ends in a letter instead of a digit. The check letter is the
# weighted sum of characters 2-13 (weights 2..13) modulo 23, read from a 23-letter alphabet that leaves
# out I, O and S (they are too easily mistaken for 1, 0 and 5). A letter in position 13 counts as its
# own position in that same alphabet.

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_VALUE = {letter: index for index, letter in enumerate(UPN_CHECK_LETTERS)}
_UPN_BODY = re.compile(r"\d{11}[0-9A-HJ-NP-RT-Z]")
_UPN_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


def upn_check_letter(twelve: str) -> str:
    """The check letter for characters 2-13 of a UPN (11 digits and a digit or a temporary letter)."""
    body = (twelve or "").upper()
    if not _UPN_BODY.fullmatch(body):
        raise ValueError("A UPN body is 11 digits followed by a digit or a letter other than I, O or S.")
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else _UPN_VALUE[char])
    return UPN_CHECK_LETTERS[total % 23]


def validate_upn(value: str) -> str:
    """Return the UPN upper-cased without spaces, or refuse it with the reason (CIN rules 1510-1560Q)."""
    upn = re.sub(r"\s+", "", value or "").upper()
    prefix = "Enter a valid Unique Pupil Number: "
    if not upn:
        raise ValidationError(prefix + "it is empty", code="upn_empty")
    if len(upn) != 13:
        raise ValidationError(
            prefix + f"wrong length, it has {len(upn)} characters and must have 13",
            code="upn_length",
        )
    if not _UPN_SHAPE.fullmatch(upn):
        raise ValidationError(
            prefix + "wrong format, it must be a letter, 11 digits, then a digit or a letter",
            code="upn_format",
        )
    if upn[0] not in _UPN_VALUE or upn[12] in "IOS":
        raise ValidationError(
            prefix + "the letters I, O and S are never used in a UPN",
            code="upn_letter",
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            prefix + "the check letter does not match, so one of the characters is wrong",
            code="upn_check_letter",
        )
    return upn


def make_upn(
    *, la_code: int = 999, establishment: int = 0, year: int = 0, serial: int = 0, temporary: str = ""
) -> str:
    """Build a well-formed synthetic UPN (tests and demo data only).

    ``temporary`` is a letter that replaces the last serial digit, as schools do while they wait
    for the pupil's permanent UPN.
    """
    if not (0 <= la_code <= 999 and 0 <= establishment <= 9999 and 0 <= year <= 99 and 0 <= serial <= 999):
        raise ValueError("UPN parts out of range")
    body = f"{la_code:03d}{establishment:04d}{year:02d}{serial:03d}"
    if temporary:
        body = body[:11] + temporary.upper()
    return upn_check_letter(body) + body


# --- Postcode ------------------------------------------------------------------------------------
#
# Royal Mail format: the outward code is A9, A99, AA9, AA99, A9A or AA9A; the inward code is a digit
# and two letters. Letter restrictions per position (e.g. no Q, V or X first; no C, I, K, M, O or V
# in the inward code) catch most typing slips without a lookup. "GIR 0AA" (Girobank) is the one
# historic exception still in use.

_OUTWARD = re.compile(
    r"[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])",
)
_INWARD = re.compile(r"\d[ABD-HJLNP-UW-Z]{2}")
_POSTCODE_MESSAGE = "Enter a real postcode, like SW1A 1AA"
# Royal Mail also issues one postcode to each of these British Overseas Territories, outside the
# pattern above; a child may arrive from one of them.
_TERRITORY_POSTCODES = frozenset(
    f"{outward}1ZZ" for outward in ("ASCN", "BBND", "BIQQ", "FIQQ", "PCRN", "SIQQ", "STHL", "TDCU", "TKCA")
)


def normalise_postcode(value: str) -> str:
    """Return the postcode as "OUTWARD INWARD" in capitals with one space, or refuse it."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact == "GIR0AA" or compact in _TERRITORY_POSTCODES:
        return f"{compact[:-3]} {compact[-3:]}"
    outward, inward = compact[:-3], compact[-3:]
    if len(compact) < 5 or not _OUTWARD.fullmatch(outward) or not _INWARD.fullmatch(inward):
        raise ValidationError(_POSTCODE_MESSAGE, code="postcode")
    return f"{outward} {inward}"


def postcode_sector(postcode: str) -> str:
    """The postcode sector ("SW1A 1") of a valid postcode: neighbours share it."""
    normalised = normalise_postcode(postcode)
    return normalised[:-2]
