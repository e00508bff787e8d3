"""Building periods of care through the services (synthetic data only).

"Today" in these tests is Thursday 26 November 2026 (the `today` fixture in each module).
"""

from datetime import UTC, date, datetime
from typing import Any

from safehub.accounts.constants import Role
from safehub.casework.tests.factories import team_with
from safehub.looked_after.services.period import period_start
from safehub.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
START = date(2026, 9, 1)


def staff() -> tuple[Any, Any]:
    """A social worker and their team manager (who may start and end care)."""
    _team, (worker, manager) = team_with(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
    return worker, manager


def child(**fields: Any) -> Any:
    fields.setdefault("date_of_birth", date(2015, 5, 1))
    return PersonFactory(**fields)


def started(manager: Any, person: Any = None, started_on: date = START, **fields: Any) -> Any:
    fields.setdefault("legal_status", "V2")
    fields.setdefault("need_code", "N1")
    fields.setdefault("placement_type", "U6")
    fields.setdefault("provider", "PR1")
    return period_start(actor=manager, person=person or child(), started_on=started_on, **fields)
