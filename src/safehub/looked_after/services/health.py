"""Health and wellbeing of a looked-after child: health assessments and checks, SDQ scores, substance
misuse and convictions (issue 6, item 3). What the 903 OC2 table needs, recorded as it happens.

Each write takes the period's lock and bumps its version first (`review.lock_period`, R49), then
checks what it was given against the period read under that lock: two writes on one period run one
after the other, and a form opened on an older version (`expected_version`) is a ConflictError.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..clocks import HEALTH_ASSESSMENT_KINDS, period_clocks_sync
from ..constants import SDQ_REASON_LIST, Clock, HealthCheckKind
from ..models import Conviction, HealthCheck, LookedAfterPeriod, SdqScore, SubstanceMisuse
from ..policies import care_policy
from . import _rules
from ._rules import Errors, _d, add
from .review import lock_period

SDQ_MAX = 40

# The clock each kind of check satisfies, and the kinds that count as the same check for it.
_CLOCK_FOR_KIND: dict[str, tuple[str, frozenset[str]]] = {
    HealthCheckKind.INITIAL_HEALTH_ASSESSMENT: (Clock.HEALTH_ASSESSMENT, HEALTH_ASSESSMENT_KINDS),
    HealthCheckKind.REVIEW_HEALTH_ASSESSMENT: (Clock.HEALTH_ASSESSMENT, HEALTH_ASSESSMENT_KINDS),
    HealthCheckKind.DENTAL: (Clock.DENTAL, frozenset({HealthCheckKind.DENTAL})),
}


def health_check_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    kind: str,
    done_on: date | None,
    notes: str = "",
    expected_version: int | None = None,
) -> HealthCheck:
    """A health assessment, dental check, immunisation check or development check was done."""
    care_policy.check(actor, "record", period)
    with transaction.atomic():
        current = lock_period(period, actor=actor, expected_version=expected_version)
        _check_health(current, kind, done_on)
        assert done_on is not None
        check = HealthCheck(period=period, kind=kind, done_on=done_on, notes=notes.strip(), recorded_by=actor)
        check.full_clean()
        check.save()
        record_event(actor=actor, verb=Verb.CREATE, target=check, section="la_health", reason=kind)
        done: dict[str, date] = {}
        if kind in _CLOCK_FOR_KIND:
            key, kinds = _CLOCK_FOR_KIND[kind]
            # A late entry older than the last such check satisfies nothing now.
            if not current.health_checks.filter(kind__in=kinds, done_on__gt=done_on).exists():
                done[key] = done_on
        period_clocks_sync(period=current, done=done, done_by=actor)
    period.version = current.version
    return check


def _check_health(period: LookedAfterPeriod, kind: str, done_on: date | None) -> None:
    errors: Errors = {}
    if kind not in HealthCheckKind.values:
        add(errors, "kind", "Choose what was done.")
    _rules.check_date(errors, period, "done_on", done_on, label="date it was done")
    checks = period.health_checks
    if kind == HealthCheckKind.INITIAL_HEALTH_ASSESSMENT:
        first = checks.filter(kind=HealthCheckKind.INITIAL_HEALTH_ASSESSMENT).first()
        if first is not None:
            add(
                errors,
                "kind",
                f"An initial health assessment is already recorded on {_d(first.done_on)}: "
                "record this one as a review health assessment.",
            )
    elif kind == HealthCheckKind.REVIEW_HEALTH_ASSESSMENT and done_on is not None:
        first = checks.filter(kind=HealthCheckKind.INITIAL_HEALTH_ASSESSMENT).first()
        _rules.check_not_before(
            errors,
            "done_on",
            done_on,
            first.done_on if first else None,
            label="review health assessment",
            what="initial health assessment",
        )
    if errors:
        raise ValidationError(errors)


def sdq_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    recorded_on: date | None,
    score: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> SdqScore:
    """A Strengths and Difficulties Questionnaire total (0-40), or the 903 SDQ_REASON there is none."""
    care_policy.check(actor, "record", period)
    with transaction.atomic():
        current = lock_period(period, actor=actor, expected_version=expected_version)
        errors: Errors = {}
        _rules.check_date(errors, current, "recorded_on", recorded_on, label="date of the questionnaire")
        if score is not None and reason:
            add(errors, "reason", "Give either the score or the reason there is no score, not both.")
        elif score is None and not reason:
            add(errors, "score", "Enter the total score, or choose why there is no score.")
        elif score is not None and not 0 <= score <= SDQ_MAX:
            add(errors, "score", f"The total score must be between 0 and {SDQ_MAX}.")
        elif reason:
            _rules.check_code(errors, "reason", reason, SDQ_REASON_LIST, label="reason there is no score")
        if errors:
            raise ValidationError(errors)
        assert recorded_on is not None
        sdq = SdqScore(period=period, recorded_on=recorded_on, score=score, reason=reason, recorded_by=actor)
        sdq.full_clean()
        sdq.save()
        record_event(actor=actor, verb=Verb.CREATE, target=sdq, section="la_sdq")
        period_clocks_sync(period=current, done_by=actor)
    period.version = current.version
    return sdq


def substance_misuse_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    identified_on: date | None,
    intervention_offered: bool,
    intervention_received: bool,
    notes: str = "",
    expected_version: int | None = None,
) -> SubstanceMisuse:
    """Substance misuse identified, and whether an intervention was offered and received (903 OC2)."""
    care_policy.check(actor, "record", period)
    with transaction.atomic():
        current = lock_period(period, actor=actor, expected_version=expected_version)
        errors: Errors = {}
        _rules.check_date(errors, current, "identified_on", identified_on, label="date it was identified")
        if intervention_received and not intervention_offered:
            add(
                errors,
                "intervention_received",
                "An intervention can only have been received if it was offered: answer yes to offered, "
                "or no to received.",
            )
        if errors:
            raise ValidationError(errors)
        assert identified_on is not None
        row = SubstanceMisuse(
            period=period,
            identified_on=identified_on,
            intervention_offered=intervention_offered,
            intervention_received=intervention_received,
            notes=notes.strip(),
            recorded_by=actor,
        )
        row.full_clean()
        row.save()
        record_event(actor=actor, verb=Verb.CREATE, target=row, section="la_substance_misuse")
        period_clocks_sync(period=current, done_by=actor)
    period.version = current.version
    return row


def conviction_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    convicted_on: date | None,
    notes: str = "",
    expected_version: int | None = None,
) -> Conviction:
    """A conviction, final warning or reprimand while looked after (903 OC2 CONVICTED)."""
    care_policy.check(actor, "record", period)
    with transaction.atomic():
        current = lock_period(period, actor=actor, expected_version=expected_version)
        errors: Errors = {}
        _rules.check_date(errors, current, "convicted_on", convicted_on, label="date of the conviction")
        if errors:
            raise ValidationError(errors)
        assert convicted_on is not None
        row = Conviction(period=period, convicted_on=convicted_on, notes=notes.strip(), recorded_by=actor)
        row.full_clean()
        row.save()
        record_event(actor=actor, verb=Verb.CREATE, target=row, section="la_conviction")
        period_clocks_sync(period=current, done_by=actor)
    period.version = current.version
    return row
