"""Log hygiene (R32): one JSON object per line, UTC timestamps, no forged lines, no secrets."""

import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from safehub.platform.logging import JSONFormatter

FORGED = 'eve\r\n{"ts": "2026-01-01T00:00:00+00:00", "level": "info", "msg": "admin signed in"}'


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A `safehub.*` logger writing through the JSON formatter into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("safehub.tests.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_settings_send_every_log_through_the_json_formatter() -> None:
    """R32: the configured console handler uses our formatter, for Django's loggers as well as ours."""
    formatter = settings.LOGGING["formatters"]["json"]["()"]
    assert formatter == "safehub.platform.logging.JSONFormatter"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    root_formatters = [type(h.formatter) for h in logging.getLogger().handlers if h.formatter]
    assert JSONFormatter in root_formatters


def test_each_record_is_exactly_one_json_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("Sign-in failed for %s", FORGED)
    logger.warning("second")
    lines = _lines(stream)
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["msg"] == f"Sign-in failed for {FORGED}"
    assert first["level"] == "info"
    assert first["logger"] == "safehub.tests.logging"


def test_crlf_in_a_username_cannot_forge_a_second_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    """R32: a username containing \\r\\n is written escaped, so the line a reader sees is ours."""
    logger, stream = captured
    logger.warning("Locked out", extra={"safehub": {"username": FORGED}})
    raw = stream.getvalue()
    assert raw.count("\n") == 1
    assert raw.endswith("\n")
    assert "\r" not in raw
    assert "\\r\\n" in raw
    assert json.loads(raw)["username"] == FORGED


@pytest.mark.parametrize("control", ["\x1b[2J", "\x00", "\x0b", "\x0c", "\u2028", "\u2029", "\x85"])
def test_other_control_and_line_separator_characters_are_escaped(control: str) -> None:
    """Terminal escapes and Unicode line separators are escaped too, not only CR and LF."""
    record = logging.LogRecord("safehub.x", logging.INFO, __file__, 1, f"a{control}b", None, None)
    line = JSONFormatter().format(record)
    assert control not in line
    assert line.isascii()
    assert json.loads(line)["msg"] == f"a{control}b"


def test_timestamps_are_utc_whatever_the_local_zone() -> None:
    """R32: 1 July 2026 12:00 in London (BST) is 11:00 UTC in the log.

    Django has already set the process time zone to TIME_ZONE (Europe/London), so a formatter that
    used local time would be caught here.
    """
    moment = datetime(2026, 7, 1, 11, 0, 0, 123456, tzinfo=UTC)
    record = logging.LogRecord("safehub.x", logging.INFO, __file__, 1, "hello", None, None)
    record.created = moment.timestamp()
    stamp = json.loads(JSONFormatter().format(record))["ts"]
    assert stamp.endswith("+00:00")
    assert datetime.fromisoformat(stamp) == moment


@pytest.mark.parametrize("key", ["password", "token", "secret", "session", "Password", "TOKEN"])
def test_secret_keys_in_the_safehub_extra_are_redacted(
    captured: tuple[logging.Logger, io.StringIO], key: str
) -> None:
    """R32: whatever a caller passes, values under secret-named keys never reach the log."""
    logger, stream = captured
    seeded = "s3eded-Secret-Value-4f1c"
    logger.warning("Token check", extra={"safehub": {key: seeded, "user_id": "u-123"}})
    line = stream.getvalue()
    assert seeded not in line
    payload = json.loads(line)
    assert payload[key] == "[redacted]"
    assert payload["user_id"] == "u-123"


def test_a_traceback_stays_on_one_line(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError("bad\r\nvalue")
    except ValueError:
        logger.exception("It failed")
    lines = _lines(stream)
    assert len(lines) == 1
    payload = json.loads(lines[0])
    assert "ValueError: bad" in payload["exc"]
    assert payload["level"] == "error"


def test_non_json_values_are_stringified_not_dropped(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info(
        "Object", extra={"safehub": {"when": datetime(2026, 1, 2, tzinfo=UTC), "py": sys.version_info[:2]}}
    )
    payload = json.loads(stream.getvalue())
    assert payload["when"] == "2026-01-02 00:00:00+00:00"
    assert payload["py"] == list(sys.version_info[:2])


@pytest.mark.django_db
def test_a_failed_sign_in_logs_no_password(
    client: Any, make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """R32: a log capture of a failed and a successful sign-in holds neither password nor session key."""
    user = make_user()
    user.set_password("correct-horse-battery-staple-77")
    user.save()
    wrong = "s3eded-wrong-Password-9a7e"
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("account_login"), {"login": user.email, "password": wrong})
        client.post(
            reverse("account_login"), {"login": user.email, "password": "correct-horse-battery-staple-77"}
        )
    session_key = client.session.session_key
    assert caplog.records, "the failed sign-in is logged (by axes), so there is something to inspect"
    written = "\n".join(JSONFormatter().format(record) for record in caplog.records) + caplog.text
    assert wrong not in written
    assert "correct-horse-battery-staple-77" not in written
    assert not session_key or session_key not in written
