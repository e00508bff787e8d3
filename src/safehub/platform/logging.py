"""Structured JSON logs in UTC with control characters escaped (R32)."""

import json
import logging
from datetime import UTC, datetime

# Keys that must never reach a log line whatever a caller passes in `extra`: any key containing
# one of these words, and these short ones only as whole keys (so "postcode" is still logged).
_REDACT_WITHIN = ("password", "passwd", "token", "secret", "session", "cookie", "authorization", "api_key")
_REDACT_EXACT = {"otp", "code"}


def _sensitive(key: str) -> bool:
    lowered = key.lower()
    return lowered in _REDACT_EXACT or any(word in lowered for word in _REDACT_WITHIN)


def _redact(value: object) -> object:
    if isinstance(value, dict):
        return {k: "[redacted]" if _sensitive(str(k)) else _redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(v) for v in value]
    return value


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            # json.dumps escapes CR, LF and every other control character, so a crafted username
            # cannot forge a second log line.
            "msg": record.getMessage(),
        }
        for key, value in getattr(record, "safehub", {}).items():
            payload[key] = "[redacted]" if _sensitive(key) else _redact(value)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=True)
