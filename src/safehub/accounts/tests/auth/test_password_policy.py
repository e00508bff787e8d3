"""R8: passwords are long, not common and not about us; no composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from safehub.accounts.models import User
from safehub.accounts.passwords import ContextWordValidator
from safehub.accounts.tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# No vowels: no dictionary or context word can appear by accident, so only length decides.
NEUTRAL = "bcdfghjklmnpqrstvwxz256789#%&*"


def _codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


def _user() -> User:
    return User(email="kit.wyld@example.test", full_name="Kit Wyld")


def _neutral(length: int) -> str:
    return (NEUTRAL * (length // len(NEUTRAL) + 1))[:length]


@pytest.mark.parametrize(
    ("length", "accepted"),
    [(14, False), (15, True), (64, True), (128, True), (129, False)],
)
def test_length_bounds(length, accepted):
    """R8: minimum 15 characters, long passphrases welcome up to 128."""
    codes = _codes(_neutral(length), _user())
    assert (codes == set()) is accepted
    if not accepted:
        assert codes & {"password_too_short", "password_too_long"}


def test_common_password_refused_even_when_long_enough():
    """R8: CommonPasswordValidator applies whatever the length."""
    assert "password_too_common" in _codes("1q2w3e4r5t6y7u8i9o0p", _user())


@pytest.mark.parametrize("password", ["SafehubSafehub123", "Safeguarding2025!!", "MASHMASHmash12345"])
def test_context_words_refused(password):
    """R8: the system's and council's own names are the first guesses."""
    assert "password_context_word" in _codes(password, _user())


def test_council_and_team_names_refused(settings):
    """R8: the context list includes the configured council name and the user's team names."""
    settings.SAFEHUB_COUNCIL_NAME = "Borsetshire County Council"
    assert "password_context_word" in _codes("Borsetshire!!2025##", _user())
    user = UserFactory(teams=[TeamFactory(name="Riverside Assessment")])
    with pytest.raises(ValidationError):
        ContextWordValidator().validate("RiversideRiverside77", user)


def test_context_word_inside_a_long_passphrase_is_fine():
    """A context word as a small part of a long passphrase is not guessable; refusing it would
    push people towards shorter passwords."""
    assert _codes("the council canteen serves fresh plum crumble daily", _user()) == set()


@pytest.mark.parametrize(
    "password",
    ["all lower case words in a row", "ALLUPPERCASEWITHNODIGITS", "nodigitsnorsymbolsjustlength"],
)
def test_no_composition_rules(password):
    """R8: no requirement for digits, capitals or symbols."""
    assert _codes(password, _user()) == set()


def test_similar_to_own_name_refused():
    assert "password_too_similar" in _codes("kit.wyld@example.test", _user())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=NEUTRAL, min_size=0, max_size=300))
def test_length_is_the_only_rule_for_neutral_text(password):
    """R8 (hypothesis): for text with no words in it, accepted exactly when 15 <= length <= 128."""
    codes = _codes(password, _user())
    assert ("password_too_short" in codes) is (len(password) < 15)
    assert ("password_too_long" in codes) is (len(password) > 128)
