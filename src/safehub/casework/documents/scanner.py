"""The virus scan: ClamAV, through `clamscan` or a running `clamd` (R43, R57).

`settings.SAFEHUB_CLAMAV` chooses:

    {"mode": "off"}                                         no scanner: uploads stay quarantined
    {"mode": "clamscan", "database": "/path/to/db"}         run clamscan (database optional)
    {"mode": "clamd", "socket": "/run/clamav/clamd.ctl"}    a clamd unix socket, or "host:port"

`scan_file(path)` never raises for a scanner problem: a missing binary, a timeout, a refused
connection or an error answer come back as `ScanOutcome.ERROR`, so the document stays unavailable
and the page says the scan could not run (R57: degrade safely, never fail open).
"""

import logging
import shutil
import socket
import struct

# clamscan is run with a fixed argument list and a resolved binary, never through a shell.
import subprocess  # nosec B404
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

CLAMSCAN_TIMEOUT_SECONDS = 300
CLAMD_TIMEOUT_SECONDS = 120
_CHUNK = 64 * 1024
NOT_CONFIGURED = "The virus scanner is not configured"
COULD_NOT_RUN = "The virus scan could not run"


class ScanOutcome(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    ERROR = "error"
    OFF = "off"


@dataclass(frozen=True)
class ScanResult:
    outcome: ScanOutcome
    detail: str = ""  # the signature name when infected; why, when the scan could not run


def config() -> dict[str, Any]:
    value = getattr(settings, "SAFEHUB_CLAMAV", None) or {}
    return dict(value)


def mode() -> str:
    return str(config().get("mode") or "off")


def scan_file(path: Path) -> ScanResult:
    current = mode()
    if current == "off":
        return ScanResult(ScanOutcome.OFF, NOT_CONFIGURED)
    try:
        if current == "clamscan":
            return _clamscan(path, config().get("database") or "")
        if current == "clamd":
            return _clamd(path, str(config().get("socket") or ""))
    except Exception:
        # Whatever went wrong, the file is not known to be clean: it stays unavailable.
        logger.exception("virus_scan_failed", extra={"mode": current})
        return ScanResult(ScanOutcome.ERROR, COULD_NOT_RUN)
    logger.error("virus_scan_misconfigured", extra={"mode": current})
    return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: the scanner setting is not recognised")


def _clamscan(path: Path, database: str) -> ScanResult:
    binary = shutil.which("clamscan")
    if binary is None:
        logger.error("virus_scan_failed", extra={"reason": "clamscan is not installed"})
        return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: the scanner is not installed")
    args = [binary, "--no-summary", "--stdout"]
    if database:
        args.append(f"--database={database}")
    args += ["--", str(path)]
    try:
        completed = subprocess.run(  # noqa: S603  # nosec B603
            args, capture_output=True, text=True, timeout=CLAMSCAN_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        logger.error("virus_scan_failed", extra={"reason": "timeout"})
        return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: the scanner took too long")
    if completed.returncode == 0:
        return ScanResult(ScanOutcome.CLEAN)
    if completed.returncode == 1:
        return ScanResult(ScanOutcome.INFECTED, _signature(completed.stdout))
    logger.error(
        "virus_scan_failed", extra={"returncode": completed.returncode, "stderr": completed.stderr[-500:]}
    )
    return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: the scanner reported an error")


def _signature(output: str) -> str:
    """ "<path>: Eicar-Test-Signature FOUND" -> "Eicar-Test-Signature" (the last line that found one)."""
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.endswith(" FOUND"):
            return line.removesuffix(" FOUND").rsplit(": ", 1)[-1].strip()[:200] or "Unknown threat"
    return "Unknown threat"


def _clamd(path: Path, address: str) -> ScanResult:
    """INSTREAM: the bytes go over the socket, so clamd needs no access to the document root."""
    if not address:
        return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: no scanner address is configured")
    if address.startswith("/"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: Any = address
    else:
        host, _, port = address.rpartition(":")
        conn = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        target = (host.strip("[]"), int(port))
    with conn:
        conn.settimeout(CLAMD_TIMEOUT_SECONDS)
        try:
            conn.connect(target)
        except OSError:
            logger.error("virus_scan_failed", extra={"reason": "clamd unreachable"})
            return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: the scanner is not reachable")
        conn.sendall(b"zINSTREAM\0")
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                conn.sendall(struct.pack("!I", len(chunk)) + chunk)
        conn.sendall(struct.pack("!I", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = conn.recv(4096)
            if not part:
                break
            reply += part
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(": OK"):
        return ScanResult(ScanOutcome.CLEAN)
    if answer.endswith(" FOUND"):
        return ScanResult(ScanOutcome.INFECTED, _signature(answer))
    logger.error("virus_scan_failed", extra={"reason": "clamd error", "answer": answer[:200]})
    return ScanResult(ScanOutcome.ERROR, f"{COULD_NOT_RUN}: the scanner reported an error")
