"""Authentication events into the audit trail (R13). Signals are right here: this is a
cross-cutting concern that allauth and axes announce, not domain flow."""

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver

from .constants import Outcome, Verb
from .services import record_event


@receiver(account_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, verb=Verb.LOGIN, target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, verb=Verb.LOGOUT, target=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The typed identifier is kept (lower-cased, cut short) so IG can see guessing; never the password.
    typed = str(credentials.get("email") or credentials.get("username") or "")[:254].lower()
    user = get_user_model().objects.filter(email=typed).first() if typed else None
    record_event(
        actor=None,
        actor_label=typed,
        verb=Verb.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        target=user,
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    user = get_user_model().objects.filter(email=(username or "").lower()).first()
    record_event(
        actor=None,
        actor_label=(username or "")[:254],
        verb=Verb.LOCKOUT,
        outcome=Outcome.DENIED,
        target=user,
    )


@receiver(mfa_signals.authenticator_used)
def _mfa_used(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record_event(actor=user, verb=Verb.MFA, target=user, section=authenticator.type)


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, verb=Verb.MFA, outcome=Outcome.FAILURE, target=user)


@receiver(mfa_signals.authenticator_added)
@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def _factor_changed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record_event(actor=user, verb=Verb.FACTOR_CHANGE, target=user, section=authenticator.type)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, verb=Verb.PASSWORD_CHANGE, target=user)


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, verb=Verb.PASSWORD_RESET, target=user)
