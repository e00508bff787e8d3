"""Password rules in the ASVS/NIST style (R8): long, not common, not about us; no composition rules."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

# Words an attacker would try first against this system, on top of Django's common-password list.
CONTEXT_WORDS = ("safehub", "safeguarding", "council", "mash", "children", "social", "password")


class MaximumLengthValidator:
    """A generous ceiling: long passphrases are welcome, megabyte ones are a denial-of-service."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Password must be {self.max_length} characters or fewer.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."


class ContextWordValidator:
    """Refuse passwords that are mostly the council's, the team's or the system's own name."""

    def _words(self, user: Any) -> set[str]:
        words = set(CONTEXT_WORDS)
        words.update(w.lower() for w in settings.SAFEHUB_COUNCIL_NAME.split() if len(w) > 3)
        # A UUID primary key is set before the first save, so ask whether the row exists yet.
        saved = user is not None and getattr(user, "pk", None) and not user._state.adding
        teams = user.teams.all() if saved else []
        for team in teams:
            words.update(w.lower() for w in team.name.split() if len(w) > 3)
        return words

    def validate(self, password: str, user: Any = None) -> None:
        squashed = "".join(ch for ch in password.lower() if ch.isalpha())
        for word in self._words(user):
            remainder = squashed.replace(word, "")
            # More than half the letters are the context word(s): too guessable.
            if word in squashed and len(remainder) < len(squashed) / 2:
                raise ValidationError(
                    "Password must not be based on the name of the council, your team or this system.",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password must not be based on the name of the council, your team or this system."
