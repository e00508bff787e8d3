"""Risk flags: added with a review date, reviewed, ended; never deleted."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.platform import clock

from ..constants import Sensitivity
from ..models import Person, RiskFlag
from ._common import audit, check_change, end_date, save_row
from .alerts import on_risk_flag_added

SECTION = "risk_flags"


def risk_flag_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    source_agency: Any,
    starts_on: date,
    review_on: date,
    sensitivity: str = Sensitivity.NORMAL,
    note: str = "",
) -> RiskFlag:
    with transaction.atomic():
        check_change(actor, person)
        flag = RiskFlag(
            person=person,
            kind=kind,
            source_agency=source_agency,
            starts_on=starts_on,
            review_on=review_on,
            sensitivity=sensitivity,
            note=note.strip(),
        )
        save_row(flag, actor=actor)
        audit(actor, Verb.CREATE, person, SECTION)
        on_risk_flag_added(actor=actor, flag=flag)
    return flag


def risk_flag_end(*, actor: Any, flag: RiskFlag, ends_on: date | None = None, reason: str = "") -> RiskFlag:
    with transaction.atomic():
        check_change(actor, flag.person)
        if flag.ends_on is not None:
            raise ValidationError({"ends_on": "This flag has already been ended."})
        flag.ends_on = end_date(ends_on, field="ends_on")
        save_row(flag, actor=actor)
        audit(actor, Verb.UPDATE, flag.person, SECTION, reason=reason.strip())
    return flag


def risk_flag_review(*, actor: Any, flag: RiskFlag, next_review_on: date, note: str = "") -> RiskFlag:
    """Record that the flag was reviewed today and still stands, and when to review it next."""
    with transaction.atomic():
        check_change(actor, flag.person)
        today = clock.today()
        if flag.ends_on is not None:
            raise ValidationError({"ends_on": "An ended flag is not reviewed."})
        if next_review_on <= today:
            raise ValidationError({"review_on": "The next review date must be after today."})
        flag.reviewed_on = today
        flag.reviewed_by = actor
        flag.review_on = next_review_on
        if note.strip():
            flag.note = f"{flag.note}\n\n{today:%d/%m/%Y}: {note.strip()}".strip()
        save_row(flag, actor=actor)
        audit(actor, Verb.UPDATE, flag.person, SECTION)
    return flag
