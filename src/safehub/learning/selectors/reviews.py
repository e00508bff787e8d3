"""Reads of reviews (issue 10, item 2). Each starts from the review policy: the partnership sees
every review, a partner agency's lead only the reviews their agency is part of, and anything else
answers the same 404 as a review that does not exist (R18, R19).

A review is known by its anonymised label; nothing read here follows the incident to the child.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import ReviewKind, ReviewStatus
from ..models import AgencyReturn, Finding, Recommendation, Review, ReviewMember, ReviewMilestone, Theme
from ..policies import agency_return_policy, review_policy


def reviews_visible(actor: Any, action: str = "view") -> QuerySet[Review]:
    """Every review the actor may `action`: the start of every review list and count."""
    return review_policy.scope(actor, Review.objects.all(), action)


def review_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> Review:
    """One review the actor may `action`, with its members, milestones and themes, or
    NotFoundOrForbidden. Audited as one view of the review when `section` names the page."""
    review = (
        reviews_visible(actor, action)
        .select_related("incident", "commissioned_from")
        .prefetch_related(
            Prefetch("members", queryset=ReviewMember.objects.select_related("agency", "user")),
            "milestones",
            "themes",
        )
        .filter(pk=id)
        .first()
    )
    if review is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=review, section=section)
    return review


@dataclass
class ReviewRecord:
    """What the review page shows under one review, each part read through its own policy."""

    returns: list[AgencyReturn]
    findings: list[Finding]
    recommendations: list[Recommendation]
    commissioned: list[Review]


def review_record(*, actor: Any, review: Review) -> ReviewRecord:
    """The returns (only those the actor may see: a partner sees their own agency's), findings
    with their themes, recommendations with a count of their actions, and any review this one
    commissioned, for a review already read through the policy. A fixed number of queries."""
    returns = agency_return_policy.scope(actor, AgencyReturn.objects.filter(review=review)).select_related(
        "agency"
    )
    findings = Finding.objects.filter(review=review).prefetch_related("themes").order_by("created_at")
    recommendations = (
        Recommendation.objects.filter(review=review)
        .select_related("finding")
        .annotate(action_count=Count("actions"))
        .order_by("number")
    )
    commissioned = reviews_visible(actor).filter(commissioned_from=review).order_by("started_on")
    return ReviewRecord(
        returns=list(returns.order_by("due_on", "agency__name")),
        findings=list(findings),
        recommendations=list(recommendations),
        commissioned=list(commissioned),
    )


def review_list(*, actor: Any, kind: str = "", status: str = "") -> list[Review]:
    """Reviews the actor may see, newest first, with their themes: labels only, never the child."""
    qs = reviews_visible(actor)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return list(qs.prefetch_related("themes").order_by("-started_on", "subject_label"))


def reviews_in_progress(*, actor: Any, kind: str) -> list[Review]:
    """Reviews of one kind still in progress, the soonest due first (the learning home's clocks)."""
    return list(
        reviews_visible(actor)
        .filter(kind=kind, status=ReviewStatus.IN_PROGRESS)
        .order_by("due_on", "started_on", "subject_label")
    )


def milestone_get(*, review: Review, id: uuid.UUID | str) -> ReviewMilestone:
    """A milestone of a review already read through the policy, or NotFoundOrForbidden."""
    milestone = ReviewMilestone.objects.filter(review=review, pk=id).first()
    if milestone is None:
        raise NotFoundOrForbidden()
    return milestone


def findings_of(review: Review) -> list[Finding]:
    """A review's findings, oldest first, for a review already read through the policy."""
    return list(Finding.objects.filter(review=review).order_by("created_at"))


def themes_active() -> list[Theme]:
    """The partnership's themes offered on forms (retired ones are kept on old records only)."""
    return list(Theme.objects.filter(active=True).order_by("name"))


RECORDABLE_KINDS = (ReviewKind.NATIONAL, ReviewKind.SERIOUS_CASE)
