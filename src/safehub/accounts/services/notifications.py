"""E-mails to staff about their own account. Sent after commit, so a rolled-back change sends nothing (R51)."""

from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from safehub.platform import clock


def password_set_url(user: Any, site_url: str) -> str:
    """A single-use link into allauth's password-reset-from-key flow (R11, R12).

    allauth's token covers the password hash and last login, so the link dies once a password is
    set, and after PASSWORD_RESET_TIMEOUT. No password is ever chosen for the person.
    """
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return site_url.rstrip("/") + path


def _send(template: str, user: Any, context: dict[str, Any]) -> None:
    context = {
        "user": user,
        "council": settings.SAFEHUB_COUNCIL_NAME,
        "timestamp": clock.now(),
        **context,
    }
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_after_commit(template: str, user: Any, **context: Any) -> None:
    transaction.on_commit(lambda: _send(template, user, context))


def send_welcome(user: Any, site_url: str) -> None:
    # The link is made now (inside the transaction) from the committed-to-be password state.
    send_after_commit("welcome", user, password_set_url=password_set_url(user, site_url))
