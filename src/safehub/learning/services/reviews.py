"""Rapid, local and national reviews and legacy serious case reviews (issue 10, item 2; ADR 0008).

A rapid review starts from a serious incident and ends in a decision (Working Together 2023,
chapter 5): commission a local child safeguarding practice review (due 6 months later), refer to
the national panel, or take the learning forward without a further review. Every review is known
by its anonymised label, checked against the child's names and date of birth (`labels.py`).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from safehub.access.capabilities import require
from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.locking import save_versioned

from ..clocks import local_review_due, rapid_review_due
from ..constants import RapidReviewDecision, ReviewKind, ReviewStatus
from ..models import Review, SeriousIncident
from ..policies import incident_policy, review_policy
from ._review_rules import Errors, add, check_day, check_in_progress, check_text, d, raise_if
from .labels import subject_label_errors

# Members, milestones and themes are in their own module to keep this one readable; they are part
# of the same contract (ADR 0008), so they are importable from here too.
from .review_parts import review_member_add, review_milestone_add, review_milestone_done, review_themes_set

TITLE_MAX = 200  # Review.title
PUBLICATION_URL_MAX = 200  # Review.publication_url
_https_only = URLValidator(schemes=["https"])

# What each decision commissions, if anything.
_COMMISSIONS = {
    RapidReviewDecision.LOCAL_REVIEW: ReviewKind.LOCAL,
    RapidReviewDecision.NATIONAL_PANEL: ReviewKind.NATIONAL,
}


def _check_title(errors: Errors, title: str) -> str:
    title = check_text(errors, "title", title, "Enter a title for the review.")
    if len(title) > TITLE_MAX:
        add(errors, "title", f"The title is at most {TITLE_MAX} characters.")
    return title


def _rapid_review_of(incident: SeriousIncident) -> Review | None:
    return Review.objects.filter(incident=incident, kind=ReviewKind.RAPID).first()


def rapid_review_start(
    *, actor: Any, incident: SeriousIncident, subject_label: str, title: str, started_on: date | None
) -> Review:
    """Start the incident's rapid review, due 15 working days from the notification (or from the
    day the council became aware, while the panel is not yet notified). One per incident."""
    incident_policy.check(actor, "view", incident)
    require(actor, Capability.MANAGE_LEARNING)
    errors: Errors = {}
    existing = _rapid_review_of(incident)
    if existing is not None:
        add(errors, "incident", f"A rapid review of this incident was started on {d(existing.started_on)}.")
    label = subject_label_errors(errors, subject_label, incident.child)
    title = _check_title(errors, title)
    check_day(
        errors,
        "started_on",
        started_on,
        label="date the rapid review started",
        not_before=incident.aware_on,
        since="the council became aware",
    )
    raise_if(errors)
    assert started_on is not None
    review = Review(
        kind=ReviewKind.RAPID,
        incident=incident,
        subject_label=label,
        title=title,
        started_on=started_on,
        due_on=rapid_review_due(incident),
        created_by=actor,
        updated_by=actor,
    )
    try:
        with transaction.atomic():
            review.full_clean()
            review.save()
            record_event(actor=actor, verb=Verb.CREATE, target=review, section="review", reason="rapid")
    except IntegrityError as exc:
        # Two managers starting it at once: the unique index keeps one.
        raise ValidationError(
            {"incident": ["A rapid review of this incident has just been started."]}
        ) from exc
    return review


def review_record(
    *,
    actor: Any,
    kind: str,
    subject_label: str,
    title: str,
    started_on: date | None,
    incident: SeriousIncident | None = None,
    due_on: date | None = None,
) -> Review:
    """Record a review that did not come from a rapid review in Safehub: a legacy serious case
    review, a national review, or a local review whose rapid review was held before Safehub.
    Without an incident there is no child to check the label against."""
    if incident is not None:
        incident_policy.check(actor, "view", incident)
    require(actor, Capability.MANAGE_LEARNING)
    errors: Errors = {}
    if kind == ReviewKind.RAPID:
        add(errors, "kind", "A rapid review starts from its serious incident: start it there.")
    elif kind not in ReviewKind.values:
        add(errors, "kind", "Choose the kind of review.")
    label = subject_label_errors(errors, subject_label, incident.child if incident else None)
    title = _check_title(errors, title)
    if incident is None:
        check_day(errors, "started_on", started_on, label="date the review started")
    else:
        check_day(
            errors,
            "started_on",
            started_on,
            label="date the review started",
            not_before=incident.aware_on,
            since="the council became aware",
        )
    if due_on is not None and started_on is not None and due_on < started_on:
        add(errors, "due_on", f"The review cannot be due before it started on {d(started_on)}.")
    raise_if(errors)
    assert started_on is not None
    with transaction.atomic():
        review = Review(
            kind=kind,
            incident=incident,
            subject_label=label,
            title=title,
            started_on=started_on,
            due_on=due_on,
            created_by=actor,
            updated_by=actor,
        )
        review.full_clean()
        review.save()
        record_event(actor=actor, verb=Verb.CREATE, target=review, section="review", reason=kind)
    return review


def rapid_review_decide(
    *,
    actor: Any,
    review: Review,
    expected_version: int,
    decision: str,
    decided_on: date | None,
    rationale: str,
) -> tuple[Review, Review | None]:
    """Record the rapid review's decision, which completes it.

    Answers `(rapid_review, commissioned)`: `commissioned` is the local review (due 6 calendar
    months after the decision) or the national review (no local due date: the panel sets it) the
    decision opens, with the same incident and label; None for no further review.
    """
    review_policy.check(actor, "manage", review)
    if review.kind != ReviewKind.RAPID:
        raise ValidationError(
            {"__all__": ["Only a rapid review ends in a decision: complete this review instead."]}
        )
    check_in_progress(review, "record another decision")
    errors: Errors = {}
    if decision not in RapidReviewDecision.values:
        add(errors, "decision", "Choose what the rapid review decided.")
    rationale = check_text(errors, "rationale", rationale, "Say why the partnership reached this decision.")
    check_day(
        errors,
        "decided_on",
        decided_on,
        label="date of the decision",
        not_before=review.started_on,
        since="the rapid review started",
    )
    raise_if(errors)
    assert decided_on is not None
    commissioned: Review | None = None
    with transaction.atomic():
        review.decision = decision
        review.decision_on = decided_on
        review.decision_rationale = rationale
        review.status = ReviewStatus.COMPLETED
        review.completed_on = decided_on
        save_versioned(review, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=review, section="review", reason=decision)
        kind = _COMMISSIONS.get(RapidReviewDecision(decision))
        if kind is not None:
            commissioned = Review(
                kind=kind,
                incident=review.incident,
                commissioned_from=review,
                subject_label=review.subject_label,
                title=f"{ReviewKind(kind).label}: {review.subject_label}"[:TITLE_MAX],
                started_on=decided_on,
                due_on=local_review_due(decided_on) if kind == ReviewKind.LOCAL else None,
                created_by=actor,
                updated_by=actor,
            )
            commissioned.full_clean()
            commissioned.save()
            record_event(
                actor=actor, verb=Verb.CREATE, target=commissioned, section="review", reason="commissioned"
            )
    return review, commissioned


def review_complete(
    *, actor: Any, review: Review, expected_version: int, completed_on: date | None, summary: str
) -> Review:
    """Complete a local, national or legacy review with its summary (a rapid review completes by
    its decision)."""
    review_policy.check(actor, "manage", review)
    if review.kind == ReviewKind.RAPID:
        raise ValidationError({"__all__": ["A rapid review is completed by recording its decision."]})
    check_in_progress(review, "complete it again")
    errors: Errors = {}
    summary = check_text(errors, "summary", summary, "Summarise what the review found.")
    check_day(
        errors,
        "completed_on",
        completed_on,
        label="date the review was completed",
        not_before=review.started_on,
        since="the review started",
    )
    raise_if(errors)
    with transaction.atomic():
        review.status = ReviewStatus.COMPLETED
        review.completed_on = completed_on
        review.summary = summary
        save_versioned(review, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=review, section="review", reason="completed")
    return review


def review_publish(
    *, actor: Any, review: Review, expected_version: int, published_on: date | None, publication_url: str
) -> Review:
    """Record the publication of a completed review's report, with its public address."""
    review_policy.check(actor, "manage", review)
    if review.status != ReviewStatus.COMPLETED:
        message = (
            f"This review was already published on {d(review.published_on)}."
            if review.status == ReviewStatus.PUBLISHED and review.published_on
            else "Complete the review before recording its publication."
        )
        raise ValidationError({"__all__": [message]})
    errors: Errors = {}
    publication_url = (publication_url or "").strip()
    try:
        _https_only(publication_url)
        if len(publication_url) > PUBLICATION_URL_MAX:
            raise ValidationError("too long")
    except ValidationError:
        add(
            errors,
            "publication_url",
            f"Enter the address of the published report, starting https:// "
            f"(at most {PUBLICATION_URL_MAX} characters).",
        )
    check_day(
        errors,
        "published_on",
        published_on,
        label="date of publication",
        not_before=review.completed_on,
        since="the review was completed",
    )
    raise_if(errors)
    with transaction.atomic():
        review.status = ReviewStatus.PUBLISHED
        review.published_on = published_on
        review.publication_url = publication_url
        save_versioned(review, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=review, section="review", reason="published")
    return review


__all__ = [
    "rapid_review_decide",
    "rapid_review_start",
    "review_complete",
    "review_member_add",
    "review_milestone_add",
    "review_milestone_done",
    "review_publish",
    "review_record",
    "review_themes_set",
]
