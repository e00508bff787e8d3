"""Ending a person's sessions on the server, so a copied cookie is worthless at once (R12, R16)."""

from importlib import import_module
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction

from safehub.platform import clock

from ._common import audit, require_manage_users

# Session engines whose rows live in the `django_session` table, which we can scan.
_DB_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def end_all_sessions(user: Any, *, keep: str | None = None) -> int:
    """Delete every session of `user` but `keep`; returns how many ended. Call inside the caller's
    transaction.

    allauth's `UserSession` rows index sessions by user, but only those that made a request since
    sign-in; a scan of the live session rows catches any other (for example one created by a
    sign-in whose first page never loaded).
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = set(UserSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
    if settings.SESSION_ENGINE in _DB_ENGINES:
        wanted = str(user.pk)
        live = Session.objects.filter(expire_date__gt=clock.now())
        for key, data in live.values_list("session_key", "session_data").iterator(chunk_size=500):
            if str(store_class().decode(data).get(SESSION_KEY, "")) == wanted:
                keys.add(key)
    keys.discard(keep or "")
    for key in keys:
        store_class(session_key=key).delete()
    UserSession.objects.filter(user_id=user.pk, session_key__in=keys).delete()
    return len(keys)


def user_end_sessions(*, actor: Any, user: Any) -> int:
    """An administrator signs a user out everywhere (R16); returns how many sessions ended."""
    require_manage_users(actor)
    with transaction.atomic():
        ended = end_all_sessions(user)
        audit(actor=actor, verb="session_end", target=user, section="all", reason=f"{ended} ended")
    return ended
