"""Referrals: opening a CIN episode, correcting its description, and closing it (issue 5, items 1 and 5).

Each service checks, at entry, the CIN census rules that would otherwise be found months later by
the return's validator: one open referral per child (8815), nothing dated before the referral
(1103-1105, 2889) or after its closure (8565), "closed after assessment" only after an assessment
(8825Q), and a referral closed as "no further action" with nothing recorded on it (8831).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.services.involvement import involvement_close, involvement_open, involvement_update
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.locking import save_versioned
from safehub.reference_data.selectors import code_choices

from ..clocks import referral_clocks_sync
from ..constants import (
    CLOSED_AFTER_ASSESSMENT,
    CLOSURE_REASON_LIST,
    PRIMARY_NEED_LIST,
    REFERRAL_SOURCE_LIST,
)
from ..models import Referral
from ..policies import referral_policy
from ._rules import Errors, _d, add


def clocks_sync(referral: Referral, **kwargs: Any) -> None:
    """Bring the referral's clock tasks (and the involvement's level) in step with its record."""
    referral_clocks_sync(referral=referral, **kwargs)


def _codes(key: str) -> set[str]:
    return {code for code, _label in code_choices(key)}


def _check_source_and_need(errors: Errors, source: str, primary_need: str) -> None:
    if not source:
        add(errors, "source", "Choose who made the referral.")
    elif source not in _codes(REFERRAL_SOURCE_LIST):
        add(errors, "source", "Choose a referral source from the list.")
    if primary_need and primary_need not in _codes(PRIMARY_NEED_LIST):
        add(errors, "primary_need", "Choose a primary need from the list.")


def _open_referral(person: Person) -> Referral | None:
    return Referral.objects.filter(person=person, closed_on__isnull=True).first()


def _case_url(referral: Referral) -> str:
    try:
        return reverse("child_protection:case", args=[referral.pk])
    except NoReverseMatch:
        return ""


def referral_create(
    *,
    actor: Any,
    person: Person,
    referral_date: date,
    source: str,
    primary_need: str = "",
    summary: str = "",
    mash_reference: str = "",
) -> Referral:
    """Accept a referral: open the child's CIN episode and the casework involvement it hangs on.

    A child has one open referral at a time (CIN census 8815); a new one starts on or after the
    day the last one closed, so that episodes never overlap.
    """
    referral = Referral(person=person)
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    if person.merged_into_id is not None:
        add(
            errors,
            "person",
            "This record was merged into another child's record: record the referral on that record.",
        )
    if referral_date is None:
        add(errors, "referral_date", "Enter the date of the referral.")
    else:
        if referral_date > clock.today():
            add(errors, "referral_date", "The date of the referral cannot be in the future.")
        # An unborn child (expected date of birth only) may be referred before birth.
        if person.date_of_birth is not None and referral_date < person.date_of_birth:
            add(
                errors,
                "referral_date",
                f"The referral cannot be before the child's date of birth, {_d(person.date_of_birth)}.",
            )
        last_closed = (
            Referral.objects.filter(person=person, closed_on__isnull=False).order_by("-closed_on").first()
        )
        if (
            last_closed is not None
            and last_closed.closed_on is not None
            and referral_date < last_closed.closed_on
        ):
            add(
                errors,
                "referral_date",
                f"The child's previous referral closed on {_d(last_closed.closed_on)}: "
                "a new referral cannot be dated before that.",
            )
    open_referral = _open_referral(person)
    if open_referral is not None:
        add(
            errors,
            "person",
            f"The child already has an open referral, from {_d(open_referral.referral_date)}: "
            "record this on that referral, or close it first.",
        )
    _check_source_and_need(errors, source, primary_need)
    if len(mash_reference) > 20:
        add(errors, "mash_reference", "The MASH reference must be 20 characters or fewer.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        involvement = involvement_open(
            actor=actor,
            person=person,
            service=CaseService.CHILD_IN_NEED,
            level=CaseLevel.REFERRAL,
            title=f"Referral {referral_date:%-d %B %Y}",
            opened_on=referral_date,
        )
        referral.involvement = involvement
        referral.referral_date = referral_date
        referral.source = source
        referral.primary_need = primary_need
        referral.summary = summary.strip()
        referral.mash_reference = mash_reference.strip()
        referral.recorded_by = actor
        referral.updated_by = actor
        # The one-open-referral constraint is left to the database (below), which sees a referral
        # another user is saving at this moment; the check above gave the clear message.
        referral.full_clean(validate_constraints=False)
        try:
            # The database has the last word on "one open referral" (two people at once).
            with transaction.atomic():
                referral.save()
        except IntegrityError:
            raise ValidationError(
                {"person": ["The child already has an open referral: someone recorded it just now."]}
            ) from None
        involvement_update(involvement=involvement, url=_case_url(referral))
        record_event(actor=actor, verb=Verb.CREATE, target=referral, section="referral", reason="created")
        clocks_sync(referral)
    return referral


def referral_update(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    source: str,
    primary_need: str,
    summary: str,
) -> Referral:
    """Correct who referred, the primary need and the summary. The referral date is fixed once
    recorded: every clock and census date counts from it.
    """
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    _check_source_and_need(errors, source, primary_need)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral.source = source
        referral.primary_need = primary_need
        referral.summary = summary.strip()
        save_versioned(referral, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=referral, section="referral", reason="updated")
    return referral


def _activity_dates(referral: Referral) -> list[tuple[date, str]]:
    """Every dated thing done on the referral, with words for it (for rule 8565 at closure)."""
    found: list[tuple[date, str]] = []

    def note(day: date | None, what: str) -> None:
        if day is not None:
            found.append((day, what))

    for a in referral.assessments.all():
        note(a.started_on, "start of the assessment")
        note(a.child_seen_on, "day the child was seen for the assessment")
        note(a.completed_on, "completion of the assessment")
        note(a.authorised_on, "authorisation of the assessment")
    for s in referral.strategy_discussions.all():
        note(s.held_on, "strategy discussion")
    for e in referral.section47_enquiries.all():
        note(e.started_on, "start of the section 47 enquiry")
        note(e.completed_on, "completion of the section 47 enquiry")
    for c in referral.conferences.all():
        note(c.held_on, c.get_kind_display().lower())
    for p in referral.cp_plans.all():
        note(p.started_on, "start of the child protection plan")
        note(p.ended_on, "end of the child protection plan")
        for g in p.core_groups.all():
            note(g.held_on, "core group")
    for cin in referral.cin_plans.all():
        note(cin.started_on, "start of the child in need plan")
        note(cin.ended_on, "end of the child in need plan")
        for r in cin.reviews.all():
            note(r.held_on, "child in need plan review")
    for v in referral.visits.all():
        note(v.visited_on, v.get_kind_display().lower())
    return found


def _open_work(referral: Referral) -> list[str]:
    """What is still running on the referral; a closure would leave it open (refused)."""
    messages: list[str] = []
    for a in referral.assessments.filter(authorised_on__isnull=True):
        state = "waiting for authorisation" if a.completed_on else "open"
        messages.append(
            f"The assessment started on {_d(a.started_on)} is {state}: "
            "it must be authorised before the case closes."
        )
    for e in referral.section47_enquiries.filter(completed_on__isnull=True):
        messages.append(
            f"The section 47 enquiry started on {_d(e.started_on)} is open: record its outcome first."
        )
    for c in referral.conferences.filter(held_on__isnull=True, cancelled_on__isnull=True):
        when = c.scheduled_on or c.due_on
        suffix = f" ({'on' if c.scheduled_on else 'due'} {_d(when)})" if when else ""
        messages.append(f"The {c.get_kind_display().lower()}{suffix} has not been held: record it first.")
    for p in referral.cp_plans.filter(ended_on__isnull=True):
        messages.append(
            f"The child protection plan from {_d(p.started_on)} is open: end it before closing the case."
        )
    for cin in referral.cin_plans.filter(ended_on__isnull=True):
        messages.append(
            f"The child in need plan from {_d(cin.started_on)} is open: end it before closing the case."
        )
    return messages


def _anything_recorded(referral: Referral) -> bool:
    return (
        referral.assessments.exists()
        or referral.strategy_discussions.exists()
        or referral.section47_enquiries.exists()
        or referral.conferences.exists()
        or referral.cp_plans.exists()
        or referral.cin_plans.exists()
        or referral.visits.exists()
    )


def referral_close(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    closed_on: date,
    reason: str,
    nfa: bool = False,
) -> Referral:
    """Close the CIN episode with its census reason, end the allocation and cancel the clocks.

    Refused while work is still open (an assessment not authorised, an enquiry without an outcome,
    a conference not held, a plan not ended), and dated no earlier than the last thing recorded
    (8565). "Closed after assessment" (RC8, RC9) needs an authorised assessment (8825Q); a
    "no further action" referral has nothing recorded on it at all (8831).
    """
    referral_policy.check(actor, "manage", referral)
    errors: Errors = {}
    if not referral.is_open:
        assert referral.closed_on is not None
        add(errors, "__all__", f"The case already closed on {_d(referral.closed_on)}.")
        raise ValidationError(errors)
    if not reason:
        add(errors, "reason", "Choose the reason for closure.")
    elif reason not in _codes(CLOSURE_REASON_LIST):
        add(errors, "reason", "Choose a reason for closure from the list.")
    if closed_on is None:
        add(errors, "closed_on", "Enter the date the case closed.")
    else:
        if closed_on > clock.today():
            add(errors, "closed_on", "The closure date cannot be in the future.")
        if closed_on < referral.referral_date:
            add(
                errors,
                "closed_on",
                f"The case cannot close before the referral on {_d(referral.referral_date)}.",
            )
        else:
            dated = _activity_dates(referral)
            if dated:
                last_day, last_what = max(dated, key=lambda item: item[0])
                if closed_on < last_day:
                    add(
                        errors,
                        "closed_on",
                        f"The case cannot close before the last thing recorded on it: "
                        f"the {last_what} on {_d(last_day)}.",
                    )
    for message in _open_work(referral):
        add(errors, "__all__", message)
    if (
        reason in CLOSED_AFTER_ASSESSMENT
        and not referral.assessments.filter(authorised_on__isnull=False).exists()
    ):
        add(
            errors,
            "reason",
            f"Reason {reason} means the case closed after an assessment, and no assessment has been "
            "authorised on this referral: choose another reason, or complete the assessment first.",
        )
    if nfa and _anything_recorded(referral):
        add(
            errors,
            "nfa",
            "A referral closed with no further action has nothing else recorded on it; "
            "work has been recorded on this one, so it cannot be closed as no further action.",
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral.closed_on = closed_on
        referral.closure_reason = reason
        referral.nfa = nfa
        save_versioned(referral, expected_version=expected_version, actor=actor)
        involvement_close(actor=actor, involvement=referral.involvement, closed_on=closed_on)
        record_event(
            actor=actor,
            verb=Verb.UPDATE,
            target=referral,
            section="closure",
            reason="nfa" if nfa else reason,
        )
    return referral
