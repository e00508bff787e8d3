"""Review pages (issue 10, item 2): the list (labels only, never the child), recording a national
or legacy review, the review page and the forms that build it. Who may open them (R18, R19) and
that reading a review is audited (R27)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent

from ...constants import RapidReviewDecision, ReviewKind, ReviewStatus
from ...models import Finding, Recommendation, Review, ReviewMember, ReviewMilestone
from .. import factories as f
from .conftest import day, url

pytestmark = pytest.mark.django_db

TODAY = f.TODAY


def test_the_list_shows_labels_never_the_child(login) -> None:
    child = f.child(given_name="Rowan", family_name="Synthby")
    review = f.review(incident=f.incident(child=child), subject_label="Child R")
    review.themes.add(f.theme("Neglect"))
    f.review(
        kind=ReviewKind.SERIOUS_CASE, incident=None, subject_label="Child S", status=ReviewStatus.PUBLISHED
    )
    client = login(f.partnership_manager())
    body = client.get(url("review_list")).content.decode()
    assert "<h1" in body
    assert "Child R" in body
    assert "Child S" in body
    assert "Neglect" in body
    assert "Rowan" not in body
    assert "Synthby" not in body
    assert "Overdue" not in body  # the rapid review is due 9 December
    filtered = client.get(url("review_list") + "?kind=serious_case").content.decode()
    assert "Child S" in filtered
    assert "Child R" not in filtered
    in_progress = client.get(url("review_list") + "?status=in_progress").content.decode()
    assert "Child R" in in_progress
    assert "Child S" not in in_progress


def test_a_partner_lists_and_opens_only_the_reviews_their_agency_is_part_of(login) -> None:
    """R19: a review their agency is not part of answers 404."""
    ours = f.review(subject_label="Child O")
    f.agency_return(ours, agency=f.police())
    f.agency_return(ours, agency=f.health())
    theirs = f.review(subject_label="Child T")
    client = login(f.learning_partner(f.police()))
    body = client.get(url("review_list")).content.decode()
    assert "Child O" in body
    assert "Child T" not in body
    page = client.get(url("review", ours)).content.decode()
    assert "Synthetic Constabulary" in page
    # Another agency's return is that agency's business.
    assert "Synthetic Health Trust" not in page
    assert "Add a finding" not in page
    assert client.get(url("review", theirs)).status_code == 404
    assert client.get(url("finding_add", ours)).status_code == 403


def test_staff_without_learning_are_refused_the_reviews(login) -> None:
    """R18."""
    review = f.review()
    client = login(UserFactory(role=Role.SOCIAL_WORKER))
    assert client.get(url("review_list")).status_code == 403
    assert client.get(url("review", review)).status_code == 403


def test_the_review_page_shows_everything_and_is_audited(login) -> None:
    """R27: the view is audited; the child is never named, even to the partnership."""
    manager = f.partnership_manager()
    child = f.child(given_name="Quinn", family_name="Synthford")
    review = f.review(incident=f.incident(child=child), subject_label="Child Q", due_on=date(2026, 11, 20))
    review.themes.add(f.theme("Hidden and unseen adults"))
    ReviewMember.objects.create(review=review, name="Pat Reviewer", role="lead")
    ReviewMilestone.objects.create(review=review, name="Practitioner event", due_on=date(2026, 12, 2))
    f.agency_return(review, agency=f.health())
    finding = Finding.objects.create(
        review=review, text="Nobody asked who else lived there.", recorded_by=manager
    )
    finding.themes.add(f.theme("Hidden and unseen adults"))
    recommendation = f.recommendation(review, finding=finding)
    f.action(recommendation)
    response = login(manager).get(url("review", review))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Child Q",
        "Rapid review",
        "Overdue by 6 days",
        "Pat Reviewer",
        "Practitioner event",
        "Synthetic Health Trust",
        "Nobody asked who else lived there.",
        "Hidden and unseen adults",
        "1 action",
        f"/learning/actions/new/?recommendation={recommendation.pk}",
        "Record the decision",
    ):
        assert text in body, text
    assert "Quinn" not in body
    assert "Synthford" not in body
    assert AuditEvent.objects.filter(verb=Verb.VIEW, object_id=str(review.pk), section="review").exists()


def test_recording_a_legacy_serious_case_review(login) -> None:
    client = login(f.partnership_manager())
    assert client.get(url("review_new")).status_code == 200
    response = client.post(
        url("review_new"),
        {"kind": ReviewKind.SERIOUS_CASE, "subject_label": "Child J", "title": "SCR: Child J"}
        | day("started_on", date(2016, 3, 1)),
    )
    review = Review.objects.get()
    assert response.status_code == 302
    assert response.url == url("review", review)
    assert review.kind == ReviewKind.SERIOUS_CASE
    assert review.incident is None


def test_a_label_naming_the_child_is_refused_when_recording_against_an_incident(login) -> None:
    incident = f.incident(child=f.child(given_name="Ivy", family_name="Synthley"))
    client = login(f.partnership_manager())
    response = client.post(
        url("review_new"),
        {
            "kind": ReviewKind.NATIONAL,
            "subject_label": "SYNTHLEY",
            "title": "National review",
            "incident": str(incident.pk),
        }
        | day("started_on", TODAY),
    )
    body = response.content.decode()
    assert 'href="#id_subject_label"' in body
    assert "This label would reveal who the child is" in body
    assert not Review.objects.exists()


def test_only_the_partnership_records_and_manages_reviews(login) -> None:
    review = f.review()
    f.agency_return(review, agency=f.police())
    client = login(f.learning_partner(f.police()))
    for name in ("review_new",):
        assert client.get(url(name)).status_code == 403
    for name in (
        "review_decide",
        "review_member_add",
        "review_milestone_add",
        "review_themes",
        "return_request",
    ):
        assert client.get(url(name, review)).status_code == 403, name


def test_deciding_a_rapid_review_opens_the_local_review(login) -> None:
    review = f.review()
    client = login(f.partnership_manager())
    assert client.get(url("review_decide", review)).status_code == 200
    response = client.post(
        url("review_decide", review),
        {
            "version": review.version,
            "decision": RapidReviewDecision.LOCAL_REVIEW,
            "rationale": "Significant learning across agencies.",
        }
        | day("decided_on", TODAY),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    local = Review.objects.get(kind=ReviewKind.LOCAL)
    assert local.due_on == date(2027, 5, 26)
    page = client.get(url("review", review)).content.decode()
    assert "Commission a local child safeguarding practice review" in page


def test_a_decision_without_its_reasons_is_refused_at_the_field(login) -> None:
    review = f.review()
    client = login(f.partnership_manager())
    response = client.post(
        url("review_decide", review),
        {"version": review.version, "decision": RapidReviewDecision.NO_FURTHER_REVIEW}
        | day("decided_on", TODAY),
    )
    body = response.content.decode()
    assert 'href="#id_rationale"' in body
    assert "Say why the partnership reached this decision." in body
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS


def test_only_a_rapid_review_has_a_decision_page(login) -> None:
    local = f.review(kind=ReviewKind.LOCAL, incident=None)
    assert login(f.partnership_manager()).get(url("review_decide", local)).status_code == 404


def test_adding_members_and_milestones(login) -> None:
    review = f.review()
    lead = f.learning_partner(f.health())
    client = login(f.partnership_manager())
    response = client.post(url("review_member_add", review), {"role": "panel", "user": lead.email})
    assert response.status_code == 302
    member = ReviewMember.objects.get()
    assert member.user == lead
    assert member.name == lead.full_name
    response = client.post(
        url("review_milestone_add", review),
        {"name": "Terms of reference agreed"} | day("due_on", date(2026, 12, 1)),
    )
    assert response.status_code == 302
    milestone = ReviewMilestone.objects.get()
    assert client.get(url("review_milestone_done", review, milestone)).status_code == 200
    response = client.post(url("review_milestone_done", review, milestone), day("done_on", TODAY))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY


def test_a_member_with_no_name_and_a_milestone_due_before_the_start_are_refused(login) -> None:
    review = f.review()
    client = login(f.partnership_manager())
    body = client.post(url("review_member_add", review), {"role": "lead"}).content.decode()
    assert 'href="#id_name"' in body
    assert "Enter the member&#x27;s name." in body
    body = client.post(
        url("review_milestone_add", review), {"name": "Draft"} | day("due_on", date(2026, 1, 1))
    ).content.decode()
    assert 'href="#id_due_on"' in body
    assert "cannot be due before the review started" in body
    assert not ReviewMember.objects.exists()
    assert not ReviewMilestone.objects.exists()


def test_setting_themes_and_adding_findings_and_recommendations(login) -> None:
    review = f.review()
    neglect = f.theme("Neglect")
    adults = f.theme("Hidden and unseen adults")
    client = login(f.partnership_manager())
    assert "Neglect" in client.get(url("review_themes", review)).content.decode()
    assert client.post(url("review_themes", review), {"themes": [str(neglect.pk)]}).status_code == 302
    assert list(review.themes.all()) == [neglect]
    response = client.post(
        url("finding_add", review), {"text": "Fathers were not seen.", "themes": [str(adults.pk)]}
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert list(finding.themes.all()) == [adults]
    page = client.get(url("recommendation_add", review)).content.decode()
    assert "Fathers were not seen." in page
    response = client.post(
        url("recommendation_add", review), {"text": "Ask who lives in the home.", "finding": str(finding.pk)}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert recommendation.number == 1
    assert recommendation.finding == finding


def test_empty_findings_and_recommendations_are_refused_at_the_field(login) -> None:
    review = f.review()
    client = login(f.partnership_manager())
    body = client.post(url("finding_add", review), {"text": ""}).content.decode()
    assert 'href="#id_text"' in body
    assert "Enter what the review found." in body
    body = client.post(url("recommendation_add", review), {"text": " "}).content.decode()
    assert 'href="#id_text"' in body
    assert "Enter the recommendation." in body
    assert not Finding.objects.exists()
    assert not Recommendation.objects.exists()


def test_completing_and_publishing_a_local_review(login) -> None:
    review = f.review(kind=ReviewKind.LOCAL, incident=None, started_on=date(2026, 5, 1))
    client = login(f.partnership_manager())
    response = client.post(
        url("review_complete", review),
        {"version": review.version, "summary": "Agencies did not share."}
        | day("completed_on", date(2026, 11, 2)),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    assert "Record publication" in client.get(url("review", review)).content.decode()
    bad = client.post(
        url("review_publish", review),
        {"version": review.version, "publication_url": "http://example.test/report"}
        | day("published_on", TODAY),
    ).content.decode()
    assert 'href="#id_publication_url"' in bad
    assert "starting https://" in bad
    response = client.post(
        url("review_publish", review),
        {"version": review.version, "publication_url": "https://example.test/report"}
        | day("published_on", TODAY),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED


def test_a_stale_completion_shows_the_conflict(login) -> None:
    """R49."""
    review = f.review(kind=ReviewKind.LOCAL, incident=None)
    Review.objects.filter(pk=review.pk).update(version=review.version + 1)
    client = login(f.partnership_manager())
    body = client.post(
        url("review_complete", review),
        {"version": review.version, "summary": "Done."} | day("completed_on", TODAY),
    ).content.decode()
    assert "after you opened it" in body
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS


def test_the_list_takes_a_flat_number_of_queries(login, django_assert_max_num_queries) -> None:
    neglect = f.theme("Neglect")
    f.review(subject_label="Child 0").themes.add(neglect)
    client = login(f.partnership_manager())
    client.get(url("review_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("review_list"))
    for n in range(1, 5):
        f.review(subject_label=f"Child {n}").themes.add(neglect)
    with django_assert_max_num_queries(len(one)):
        body = client.get(url("review_list")).content.decode()
    assert all(f"Child {n}" in body for n in range(5))
