"""Structured JSON logs in UTC with control characters escaped (R32)."""

import json
import logging
from datetime import UTC, datetime

# Keys that must never reach a log line whatever a caller passes in `extra`.
_REDACT = {"password", "token", "secret", "otp", "code", "session", "sessionid", "cookie"}


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
            payload[key] = "[redacted]" if key.lower() in _REDACT else value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=True)
