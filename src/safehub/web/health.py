"""What `/health/` reports: can this server serve, and is background work keeping up (R55, R57).

Load balancers and monitoring poll it without signing in, so it says nothing about any record:
only whether the database answers, whether the audit trail can be appended to (without it every
page that shows personal data fails closed), and how far behind the task queue is.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django_tasks_db.models import DBTaskResult

from safehub.audit.models import AuditChainHead
from safehub.platform import clock

# A queue older than this means the worker is down or overwhelmed: timescale alerts are then
# recomputed on read (R57), so the service is degraded, not down.
TASK_BACKLOG_WARNING_SECONDS = 15 * 60


@dataclass
class Health:
    checks: dict[str, Any] = field(default_factory=dict)
    down: bool = False
    degraded: bool = False

    @property
    def status(self) -> str:
        return "down" if self.down else "degraded" if self.degraded else "ok"


def check() -> Health:
    health = Health()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        health.checks["database"] = "ok"
    except Exception:  # any failure to reach the database is "down"; the detail goes to the log
        health.checks["database"] = "unavailable"
        health.down = True
        return health

    health.checks["audit_trail"] = "ok" if AuditChainHead.objects.filter(pk=1).exists() else "missing"
    health.down = health.checks["audit_trail"] != "ok"

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waiting = int((clock.now() - oldest).total_seconds()) if oldest else 0
    health.checks["tasks"] = {"ready": ready.count(), "oldest_waiting_seconds": waiting}
    health.degraded = waiting > TASK_BACKLOG_WARNING_SECONDS
    return health
