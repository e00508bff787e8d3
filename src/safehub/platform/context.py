"""Who and where the current request comes from, for the audit trail (R27).

The web middleware fills this at the start of each request; background tasks fill it from the
identity they were enqueued with. Lower layers read it without importing the web layer.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""
    session_hash: str = ""
    channel: str = "system"  # web, api, task, command, system


# RequestContext is frozen, so sharing one default instance is safe.
_DEFAULT = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("safehub_request_context", default=_DEFAULT)


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> object:
    return _current.set(ctx)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
