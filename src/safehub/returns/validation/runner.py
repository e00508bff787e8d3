"""Start the validator worker in the validators' own Python and read its JSON (issue 7).

The DfE validators pin pandas < 2 and need Python <= 3.11, so they cannot be imported into Django;
`make validators` builds var/validators-venv and this module runs worker.py there with a timeout.
"""

import json
import subprocess  # nosec B404
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

WORKER = Path(__file__).with_name("worker.py")
KINDS = ("cin", "903")


class ValidatorUnavailable(Exception):
    """The validator could not run at all (no venv, a timeout, a crash): nothing was checked."""


@dataclass(frozen=True)
class WorkerIssue:
    rule_code: str
    severity: str
    description: str
    child_id: str = ""
    table: str = ""
    fields: str = ""
    row: str = ""
    value: str = ""


@dataclass(frozen=True)
class WorkerResult:
    validator: str
    version: str
    ruleset: str
    seconds: float
    rules_run: list[str]
    rules: dict[str, str]
    issues: list[WorkerIssue]
    crashed: dict[str, str] = field(default_factory=dict)
    log: str = ""


def _worker_environment() -> dict[str, str]:
    """Only what the validators need: Safehub's secrets (the database URL, the secret key, the
    audit key, the DfE client secret) must not reach third-party code running on returns data."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": tempfile.gettempdir()}


def validators_python() -> Path:
    return Path(settings.SAFEHUB_VALIDATORS_PYTHON)


def run_validator(
    kind: str,
    *,
    year: int,
    this_year: list[Path],
    prev_year: list[Path] | None = None,
    la_code: str = "",
    timeout: float | None = None,
) -> WorkerResult:
    """Validate the files of one return; raises ValidatorUnavailable with the reason if it cannot."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    python = validators_python()
    if not python.exists():
        raise ValidatorUnavailable(
            f"The DfE validators are not installed ({python} is missing): run `make validators`."
        )
    if not this_year:
        raise ValidatorUnavailable("There are no files to validate.")
    # -I: isolated mode, so neither PYTHON* variables nor this package's modules beside worker.py
    # (e.g. one named like a stdlib module) leak into the validators' interpreter.
    command = [str(python), "-I", str(WORKER), kind, "--year", str(year), "--this", *map(str, this_year)]
    if kind == "903":
        command += ["--la", la_code]
        if prev_year:
            command += ["--prev", *map(str, prev_year)]
    limit = timeout if timeout is not None else settings.SAFEHUB_VALIDATORS_TIMEOUT
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603
            command,
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
            env=_worker_environment(),
            cwd=Path(this_year[0]).parent,
        )
    except subprocess.TimeoutExpired as exc:
        raise ValidatorUnavailable(f"The {kind} validator did not finish within {limit:g} seconds.") from exc
    except OSError as exc:
        raise ValidatorUnavailable(f"The {kind} validator could not be started: {exc}") from exc
    try:
        payload: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-5:]
        raise ValidatorUnavailable(
            f"The {kind} validator stopped (exit {done.returncode}) without a result: " + " | ".join(tail)
        ) from None
    if "error" in payload:
        raise ValidatorUnavailable(f"The {kind} validator could not read the return: {payload['error']}")
    return WorkerResult(
        validator=payload["validator"],
        version=payload["version"],
        ruleset=payload["ruleset"],
        seconds=float(payload["seconds"]),
        rules_run=list(payload["rules_run"]),
        rules=dict(payload["rules"]),
        issues=[WorkerIssue(**issue) for issue in payload["issues"]],
        crashed={c["rule_code"]: c["message"] for c in payload["crashed"]},
        log=payload.get("log", ""),
    )
