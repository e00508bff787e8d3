"""A review's people, milestones and themes (issue 10, item 2). Import them from `reviews`."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..constants import ReviewerRole
from ..models import Review, ReviewMember, ReviewMilestone, Theme
from ..policies import review_policy
from ._review_rules import Errors, add, check_day, check_in_progress, check_text, check_themes, d, raise_if

NAME_MAX = 200  # ReviewMember.name, ReviewMilestone.name


def review_member_add(
    *,
    actor: Any,
    review: Review,
    role: str,
    name: str = "",
    agency: Agency | None = None,
    user: Any = None,
) -> ReviewMember:
    """Add a reviewer or panel member: a Safehub user (`user`; their name and agency by default) or
    someone outside Safehub, on the record by `name`. A user member sees the review (policies.py)."""
    review_policy.check(actor, "manage", review)
    check_in_progress(review, "add people to it")
    errors: Errors = {}
    if role not in ReviewerRole.values:
        add(errors, "role", "Choose the member's role on the review.")
    if user is not None:
        if not user.is_active:
            add(errors, "user", f"{user.full_name}'s account is not active.")
        elif ReviewMember.objects.filter(review=review, user=user).exists():
            add(errors, "user", f"{user.full_name} is already on this review.")
    name = (name or "").strip() or (user.full_name if user is not None else "")
    if not name:
        add(errors, "name", "Enter the member's name.")
    elif len(name) > NAME_MAX:
        add(errors, "name", f"The name is at most {NAME_MAX} characters.")
    raise_if(errors)
    with transaction.atomic():
        member = ReviewMember(
            review=review,
            name=name,
            role=role,
            user=user,
            agency=agency or (user.agency if user is not None else None),
        )
        member.full_clean()
        member.save()
        record_event(actor=actor, verb=Verb.CREATE, target=member, section="review_member")
    return member


def review_milestone_add(*, actor: Any, review: Review, name: str, due_on: date | None) -> ReviewMilestone:
    """Plan a stage of the review (terms of reference agreed, practitioner event, draft report…)."""
    review_policy.check(actor, "manage", review)
    check_in_progress(review, "plan more of it")
    errors: Errors = {}
    name = check_text(errors, "name", name, "Enter what the milestone is.")
    if len(name) > NAME_MAX:
        add(errors, "name", f"The milestone's name is at most {NAME_MAX} characters.")
    if due_on is None:
        add(errors, "due_on", "Enter the date the milestone is due.")
    elif due_on < review.started_on:
        add(
            errors,
            "due_on",
            f"A milestone cannot be due before the review started on {d(review.started_on)}.",
        )
    raise_if(errors)
    assert due_on is not None
    with transaction.atomic():
        milestone = ReviewMilestone(review=review, name=name, due_on=due_on)
        milestone.full_clean()
        milestone.save()
        record_event(actor=actor, verb=Verb.CREATE, target=milestone, section="review_milestone")
    return milestone


def review_milestone_done(*, actor: Any, milestone: ReviewMilestone, done_on: date | None) -> ReviewMilestone:
    """Mark a milestone done on `done_on`."""
    review = milestone.review
    review_policy.check(actor, "manage", review)
    check_in_progress(review, "update its milestones")
    if milestone.done_on is not None:
        raise ValidationError({"__all__": [f"{milestone.name} was already done on {d(milestone.done_on)}."]})
    errors: Errors = {}
    check_day(
        errors,
        "done_on",
        done_on,
        label="date the milestone was done",
        not_before=review.started_on,
        since="the review started",
    )
    raise_if(errors)
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.full_clean()
        milestone.save(update_fields=["done_on", "updated_at"])
        record_event(
            actor=actor, verb=Verb.UPDATE, target=milestone, section="review_milestone", reason="done"
        )
    return milestone


def review_themes_set(*, actor: Any, review: Review, themes: Iterable[Theme]) -> Review:
    """Set the themes the review shows. Allowed in any state: themes are often agreed when the
    report is written. A retired theme the review already has may stay; new ones must be current."""
    review_policy.check(actor, "manage", review)
    errors: Errors = {}
    chosen = check_themes(errors, themes, keep=review.themes.all())
    raise_if(errors)
    with transaction.atomic():
        review.themes.set(chosen)
        record_event(actor=actor, verb=Verb.UPDATE, target=review, section="review", reason="themes")
    return review


__all__ = ["review_member_add", "review_milestone_add", "review_milestone_done", "review_themes_set"]
