"""finding_add and recommendation_add (issue 10, item 2; R19)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import ReviewKind
from ...models import Finding, Recommendation
from ...services import findings as finding_services
from ...services.findings import finding_add, recommendation_add
from .. import factories as f

pytestmark = pytest.mark.django_db

FOUND = "Practitioners did not ask who else lived in the home (synthetic)."


def test_a_finding_is_tagged_with_current_themes() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL)
    hidden = f.theme("Hidden and unseen adults")
    finding = finding_add(actor=manager, review=review, text=f"  {FOUND} ", themes=[hidden, hidden])
    assert (finding.text, finding.recorded_by, list(finding.themes.all())) == (FOUND, manager, [hidden])
    assert AuditEvent.objects.filter(object_id=str(finding.pk), verb="create", section="finding").exists()


def test_a_finding_needs_text_and_current_themes() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL)
    retired = f.theme("Old taxonomy: parental factors")
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        finding_add(actor=manager, review=review, text=" ", themes=[retired])
    assert error.value.message_dict == {
        "text": ["Enter what the review found."],
        "themes": ["Choose current themes only: Old taxonomy: parental factors is retired."],
    }
    assert not Finding.objects.exists()


def test_partners_cannot_add_findings_even_to_a_review_they_see() -> None:
    """R19: a partner who can view the review cannot manage it."""
    review = f.review(kind=ReviewKind.LOCAL)
    partner = f.learning_partner()
    f.agency_return(review, agency=partner.agency)
    with pytest.raises(NotFoundOrForbidden):
        finding_add(actor=partner, review=review, text=FOUND)
    with pytest.raises(NotFoundOrForbidden):
        recommendation_add(actor=partner, review=review, text="Do better.")


def test_recommendations_are_numbered_in_order_per_review() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL)
    finding = finding_add(actor=manager, review=review, text=FOUND)
    first = recommendation_add(
        actor=manager, review=review, text="Ask about every adult in the home.", finding=finding
    )
    second = recommendation_add(actor=manager, review=review, text="Audit the use of the hidden adults tool.")
    other = recommendation_add(actor=manager, review=f.review(kind=ReviewKind.LOCAL), text="Elsewhere.")
    assert [(first.number, first.finding), (second.number, second.finding), (other.number,)] == [
        (1, finding),
        (2, None),
        (1,),
    ]
    assert AuditEvent.objects.filter(object_id=str(second.pk), section="recommendation").exists()


def test_a_recommendation_needs_text_and_a_finding_of_the_same_review() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL)
    elsewhere = finding_add(actor=manager, review=f.review(kind=ReviewKind.LOCAL), text=FOUND)
    with pytest.raises(ValidationError) as error:
        recommendation_add(actor=manager, review=review, text="", finding=elsewhere)
    assert error.value.message_dict == {
        "finding": ["Choose a finding of this review."],
        "text": ["Enter the recommendation."],
    }
    assert not Recommendation.objects.exists()


def test_a_number_taken_meanwhile_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two people adding at once: the unique index decides and the loser takes the next number."""
    review = f.review(kind=ReviewKind.LOCAL)
    f.recommendation(review)  # number 1
    offered = iter([1, 2])

    def racing(review_: Any) -> int:
        return next(offered)

    monkeypatch.setattr(finding_services, "_next_number", racing)
    made = recommendation_add(actor=f.partnership_manager(), review=review, text="Second.")
    assert made.number == 2
