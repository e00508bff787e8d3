"""Child and family assessments: start, record, complete, authorise or return (issue 5, items 1 and 5).

Working Together to Safeguard Children (2023): an assessment concludes within 45 working days of
the referral. The clock stops when a manager authorises the assessment, not when the worker
sends it for authorisation. Factor codes are checked against the CIN census rules when typed.
"""

from collections import Counter
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import NoteKind
from safehub.casework.models import CaseNote
from safehub.people.services.birth import is_unborn
from safehub.platform import clock
from safehub.platform.locking import save_versioned
from safehub.reference_data.selectors import code_choices

from ..clocks import assessment_due_on
from ..constants import FACTOR_LIST, NO_FACTORS, RETIRED_FACTORS, AssessmentOutcome, Clock
from ..models import Assessment, Referral
from ..policies import referral_policy
from ._rules import Errors, _d, add, check_activity_date, check_not_before, check_open
from .referral import clocks_sync

_REPLACEMENTS = {
    "18A": "18B (child on child) or 18C (adult on child)",
    "19A": "19B (child on child) or 19C (adult on child)",
}


def check_factors(
    errors: Errors, factors: list[str], *, required: bool, known: set[str] | None = None
) -> list[str]:
    """The CIN census factor rules: codes from the list (8897Q), each once, "21" alone (8869),
    and neither 18A nor 19A (8945Q, 8950Q). Returns the codes, trimmed, in the order given.

    `known`: the list's codes, read once by a caller checking many assessments (an import batch);
    by default they are read here.
    """
    codes = [str(f).strip() for f in factors or [] if str(f).strip()]
    if not codes:
        if required:
            add(errors, "factors", f"Choose the factors identified, or {NO_FACTORS} (no factors identified).")
        return codes
    if known is None:
        known = factor_codes()
    for code in codes:
        if code in RETIRED_FACTORS:
            add(errors, "factors", f"Factor {code} is no longer used: choose {_REPLACEMENTS[code]}.")
        elif code not in known:
            add(errors, "factors", f"Factor {code} is not on the list of assessment factors.")
    repeated = sorted(code for code, n in Counter(codes).items() if n > 1)
    if repeated:
        add(errors, "factors", f"Choose each factor once: {', '.join(repeated)} is listed more than once.")
    if NO_FACTORS in codes and len(set(codes)) > 1:
        add(
            errors,
            "factors",
            f"{NO_FACTORS} (no factors identified) cannot be combined with other factors: "
            f"remove {NO_FACTORS} or the other factors.",
        )
    return codes


def factor_codes() -> set[str]:
    return {code for code, _label in code_choices(FACTOR_LIST)}


def _check_child_seen(errors: Errors, assessment: Assessment, child_seen_on: date | None) -> None:
    if child_seen_on is None:
        return
    if is_unborn(assessment.referral.person):
        add(
            errors,
            "child_seen_on",
            "The child is not born yet (no date of birth is recorded), so cannot have been seen: "
            "leave the date the child was seen blank until after the birth.",
        )
        return
    check_activity_date(
        errors, assessment.referral, "child_seen_on", child_seen_on, label="date the child was seen"
    )
    check_not_before(
        errors,
        "child_seen_on",
        child_seen_on,
        assessment.started_on,
        label="date the child was seen",
        what="start of the assessment",
    )


def _check_editable(errors: Errors, assessment: Assessment) -> None:
    check_open(errors, assessment.referral)
    if assessment.authorised_on is not None:
        add(
            errors,
            "__all__",
            f"The assessment was authorised on {_d(assessment.authorised_on)}; it cannot change.",
        )
    elif assessment.completed_on is not None:
        add(
            errors,
            "__all__",
            "The assessment has been sent for authorisation: a manager can return it to you for changes.",
        )


def assessment_start(*, actor: Any, referral: Referral, started_on: date) -> Assessment:
    """Start a child and family assessment; its clock goes on the allocated worker's list."""
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    check_open(errors, referral)  # also refuses a referral closed as no further action
    _check_one_open(errors, referral)
    check_activity_date(errors, referral, "started_on", started_on, label="start date of the assessment")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            assessment = Assessment(
                referral=referral,
                started_on=started_on,
                due_on=assessment_due_on(referral.referral_date),
                updated_by=actor,
            )
            assessment.full_clean(validate_constraints=False)
            assessment.save()
            record_event(
                actor=actor, verb=Verb.CREATE, target=assessment, section="assessment", reason="started"
            )
            clocks_sync(referral)
    except IntegrityError:
        # Two quick submits: the other one opened the assessment after our check (cp_one_open_assessment).
        _check_one_open(errors, referral)
        if errors:
            raise ValidationError(errors) from None
        raise
    return assessment


def _check_one_open(errors: Errors, referral: Referral) -> None:
    """One assessment at a time until it is authorised (also a database constraint)."""
    current = referral.assessments.filter(authorised_on__isnull=True).first()
    if current is not None:
        add(
            errors,
            "started_on",
            f"An assessment started on {_d(current.started_on)} is still open: "
            "one assessment at a time, until it is authorised.",
        )


def assessment_update(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int,
    child_seen_on: date | None,
    factors: list[str],
    summary: str,
) -> Assessment:
    """Save the assessment as it goes: when the child was seen, the factors so far, the summary."""
    referral = assessment.referral
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _check_editable(errors, assessment)
    _check_child_seen(errors, assessment, child_seen_on)
    codes = check_factors(errors, factors, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment.child_seen_on = child_seen_on
        assessment.factors = codes
        assessment.summary = summary.strip()
        save_versioned(assessment, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=assessment, section="assessment", reason="updated")
        clocks_sync(referral)
    return assessment


def assessment_complete(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int,
    completed_on: date,
    outcome: str,
    factors: list[str],
    child_seen_on: date | None,
    summary: str,
) -> Assessment:
    """Send the assessment for authorisation with its outcome and factors. The clock runs on
    until a manager authorises it.
    """
    referral = assessment.referral
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _check_editable(errors, assessment)
    _check_child_seen(errors, assessment, child_seen_on)
    codes = check_factors(errors, factors, required=True)
    check_activity_date(errors, referral, "completed_on", completed_on, label="completion date")
    check_not_before(
        errors,
        "completed_on",
        completed_on,
        assessment.started_on,
        label="completion date",
        what="start of the assessment",
    )
    if not outcome:
        add(errors, "outcome", "Choose the outcome of the assessment.")
    elif outcome not in AssessmentOutcome.values:
        add(errors, "outcome", "Choose an outcome from the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment.child_seen_on = child_seen_on
        assessment.factors = codes
        assessment.summary = summary.strip()
        assessment.completed_on = completed_on
        assessment.outcome = outcome
        save_versioned(assessment, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=assessment, section="assessment", reason="completed"
        )
        clocks_sync(referral)
    return assessment


def assessment_authorise(
    *, actor: Any, assessment: Assessment, expected_version: int, authorised_on: date
) -> Assessment:
    """A manager signs the assessment off; this stops its 45-working-day clock."""
    referral = assessment.referral
    referral_policy.check(actor, "manage", referral)
    errors: Errors = {}
    check_open(errors, referral)
    if assessment.authorised_on is not None:
        add(errors, "__all__", f"The assessment was already authorised on {_d(assessment.authorised_on)}.")
    elif assessment.completed_on is None:
        add(errors, "__all__", "The assessment has not been completed: the worker completes it first.")
    check_activity_date(errors, referral, "authorised_on", authorised_on, label="date of authorisation")
    check_not_before(
        errors,
        "authorised_on",
        authorised_on,
        assessment.completed_on,
        label="date of authorisation",
        what="completion of the assessment",
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment.authorised_on = authorised_on
        assessment.authorised_by = actor
        save_versioned(assessment, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=assessment, section="assessment", reason="authorised"
        )
        clocks_sync(referral, done={Clock.ASSESSMENT.value: authorised_on}, done_by=actor)
    return assessment


def assessment_return(
    *, actor: Any, assessment: Assessment, expected_version: int, reason: str
) -> Assessment:
    """A manager sends a completed assessment back to the worker. The completion and outcome are
    cleared; the clock keeps running. The manager's reason is kept on the child's record as a
    management oversight note (the audit trail gets a fixed code only, R27).
    """
    referral = assessment.referral
    referral_policy.check(actor, "manage", referral)
    errors: Errors = {}
    check_open(errors, referral)
    if assessment.authorised_on is not None:
        add(
            errors,
            "__all__",
            f"The assessment was authorised on {_d(assessment.authorised_on)}; it cannot be returned.",
        )
    elif assessment.completed_on is None:
        add(
            errors,
            "__all__",
            "The assessment has not been sent for authorisation, so there is nothing to return.",
        )
    if not reason.strip():
        add(errors, "reason", "Say what needs to change before the assessment can be authorised.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment.completed_on = None
        assessment.outcome = ""
        save_versioned(assessment, expected_version=expected_version, actor=actor)
        CaseNote.objects.create(
            person_id=referral.person_id,
            involvement_id=referral.involvement_id,
            kind=NoteKind.MANAGEMENT_OVERSIGHT,
            occurred_at=clock.now(),
            subject="Assessment returned for changes",
            text=reason.strip(),
            author=actor,
            updated_by=actor,
        )
        record_event(
            actor=actor, verb=Verb.UPDATE, target=assessment, section="assessment", reason="returned"
        )
        clocks_sync(referral)
    return assessment
