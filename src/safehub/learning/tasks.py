"""Background work of learning: thin, idempotent wrappers around services (ADR 0008; R43, R51).

- `scan_evidence` is enqueued by `evidence_upload` once the upload commits; the database worker
  (`manage.py db_worker`) runs it. If the worker is down the evidence stays quarantined until it
  runs, or until `manage.py scan_evidence` rescans (R57).
- `learning_tick` is the nightly sweep, the same as `manage.py learning_tick` (cron, once a day):
  it escalates overdue actions and chases overdue agency returns, each once.
"""

import importlib
from datetime import date
from typing import Any

from django_tasks import task

from safehub.platform import clock, context


def agency_returns_chase_service() -> Any:
    """`services.returns.agency_returns_chase`, when the returns service is installed (it is written
    apart from the actions); None until then, so the sweep still escalates actions."""
    name = "safehub.learning.services.returns"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise  # the module is there but is broken: say so, do not skip the chase quietly
        return None
    return getattr(module, "agency_returns_chase", None)


def learning_sweep(*, today: date | None = None) -> dict[str, int]:
    """Escalate overdue actions and chase overdue agency returns; how many of each, newly."""
    from .services.actions import actions_escalate

    today = today or clock.today()
    counts = {"actions_escalated": actions_escalate(today=today), "returns_chased": 0}
    chase = agency_returns_chase_service()
    if chase is not None:
        counts["returns_chased"] = int(chase(today=today))
    return counts


@task()
def scan_evidence(evidence_id: str) -> str:
    """Scan one piece of evidence; returns its status afterwards. Running it twice is harmless."""
    from .services.evidence import evidence_scan_by_id

    token = context.bind(context.RequestContext(channel="task"))
    try:
        return evidence_scan_by_id(evidence_id)
    finally:
        context.reset(token)


@task()
def learning_tick() -> dict[str, int]:
    """The nightly sweep (the same as `manage.py learning_tick`)."""
    token = context.bind(context.RequestContext(channel="task"))
    try:
        return learning_sweep()
    finally:
        context.reset(token)
