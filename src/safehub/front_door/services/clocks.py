"""Changing the clocks, and keeping stored due times true to the settings and the calendar."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import PermissionRefused
from safehub.platform.locking import save_versioned

from ..clocks import Clocks, contact_refresh_clocks
from ..constants import OPEN_STATUSES, ClockUnit
from ..models import ClockSetting, Contact
from .requests_due import requests_recompute_due

MAX_AMOUNT: dict[str, int] = {ClockUnit.WORKING_HOURS: 80, ClockUnit.WORKING_DAYS: 20}


def clock_setting_change(
    *, actor: Any, setting: ClockSetting, amount: int, unit: str, expected_version: int
) -> ClockSetting:
    """Set one clock; every open contact and request takes the new due times at once."""
    if not actor.has_capability(Capability.MANAGE_CLOCKS):
        raise PermissionRefused()
    if unit not in ClockUnit.values:
        raise ValidationError({"unit": "Choose working hours or working days."})
    if not 1 <= amount <= MAX_AMOUNT[unit]:
        raise ValidationError({"amount": f"Enter a whole number from 1 to {MAX_AMOUNT[unit]}."})
    with transaction.atomic():
        before = str(setting)
        setting.amount, setting.unit = amount, unit
        save_versioned(setting, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=setting, reason=f"{before} → {setting}")
        clocks_recompute()
    return setting


def clocks_recompute() -> int:
    """Recompute the stored due times of every open contact and its open requests.

    Called after a clock setting changes and when a local closure is added or removed. A few
    thousand open contacts at most, so it runs in the request that made the change; a test
    holds stored and freshly computed due times equal.
    """
    clocks = Clocks()
    changed = 0
    with transaction.atomic():
        for contact in Contact.objects.filter(status__in=OPEN_STATUSES).select_for_update():
            before = (contact.rag_due_at, contact.decision_due_at, contact.next_due_at)
            contact_refresh_clocks(contact, clocks)
            if (contact.rag_due_at, contact.decision_due_at, contact.next_due_at) != before:
                contact.save(update_fields=["rag_due_at", "decision_due_at", "next_due_at", "updated_at"])
                changed += 1
            requests_recompute_due(contact, clocks)
    return changed
