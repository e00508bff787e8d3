"""What a review found and what it recommends (issue 10, item 2). Each recommendation becomes
actions owned by agencies (`actions.py`); findings carry the themes the themes view counts."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..models import Finding, Recommendation, Review, Theme
from ..policies import review_policy
from ._review_rules import Errors, add, check_text, check_themes, raise_if

NUMBER_ATTEMPTS = 5


def finding_add(*, actor: Any, review: Review, text: str, themes: Iterable[Theme] = ()) -> Finding:
    """Record a finding of the review, tagged with current themes. Findings may be added after the
    review completes: the report is often finalised then."""
    review_policy.check(actor, "manage", review)
    errors: Errors = {}
    text = check_text(errors, "text", text, "Enter what the review found.")
    chosen = check_themes(errors, themes)
    raise_if(errors)
    with transaction.atomic():
        finding = Finding(review=review, text=text, recorded_by=actor)
        finding.full_clean()
        finding.save()
        finding.themes.set(chosen)
        record_event(actor=actor, verb=Verb.CREATE, target=finding, section="finding")
    return finding


def _next_number(review: Review) -> int:
    return (Recommendation.objects.filter(review=review).aggregate(top=Max("number"))["top"] or 0) + 1


def recommendation_add(
    *, actor: Any, review: Review, text: str, finding: Finding | None = None
) -> Recommendation:
    """Add the review's next recommendation (numbered 1, 2, 3… in the order they are added),
    optionally answering one of its own findings."""
    review_policy.check(actor, "manage", review)
    errors: Errors = {}
    text = check_text(errors, "text", text, "Enter the recommendation.")
    if finding is not None and finding.review_id != review.pk:
        add(errors, "finding", "Choose a finding of this review.")
    raise_if(errors)
    with transaction.atomic():
        recommendation = Recommendation(review=review, text=text, finding=finding, updated_by=actor)
        recommendation.full_clean(exclude=["number"])
        # Two people adding at once could take the same number: the unique index decides and the
        # loser takes the next one, inside a savepoint so its transaction survives.
        for _attempt in range(NUMBER_ATTEMPTS):
            recommendation.number = _next_number(review)
            try:
                with transaction.atomic():
                    recommendation.save()
                break
            except IntegrityError:
                continue
        else:
            raise ValidationError({"__all__": ["Could not number the recommendation: please try again."]})
        record_event(actor=actor, verb=Verb.CREATE, target=recommendation, section="recommendation")
    return recommendation


__all__ = ["finding_add", "recommendation_add"]
