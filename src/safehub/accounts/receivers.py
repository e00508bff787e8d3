"""Credential changes end the person's other sessions on the server (R11, ASVS 7.4.3).

Django already refuses a session whose password hash is stale, but only when it is next used;
deleting the rows means a stolen cookie is dead at once, and the session list tells the truth.
A signal is right here: allauth announces the credential change, this is not domain flow.
"""

from typing import Any

from allauth.account import signals
from django.db import transaction
from django.dispatch import receiver

from safehub.platform import auditing

from .services.sessions import end_all_sessions


@receiver(signals.password_reset)
@receiver(signals.password_changed)
def _end_other_sessions(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    keep = getattr(session, "session_key", None) if getattr(request, "user", None) == user else None
    with transaction.atomic():
        ended = end_all_sessions(user, keep=keep)
        if ended:
            auditing.record(
                actor=user,
                verb="session_end",
                target=user,
                section="others",
                reason=f"credential changed; {ended} ended",
            )
