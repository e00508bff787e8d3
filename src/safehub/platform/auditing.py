"""The audit hook for apps below `audit` in the dependency order (accounts, platform).

`safehub.audit` registers its writer here in `AppConfig.ready()`. If nothing is registered the
call raises: an unaudited write must fail, never pass silently (R28).
"""

from collections.abc import Callable
from typing import Any

_recorder: Callable[..., Any] | None = None


def register_recorder(recorder: Callable[..., Any]) -> None:
    global _recorder
    _recorder = recorder


def record(**kwargs: Any) -> Any:
    if _recorder is None:
        raise RuntimeError("No audit recorder is registered; refusing to continue unaudited.")
    return _recorder(**kwargs)
