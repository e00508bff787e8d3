"""Reviews: start, record, decide, members, milestones, themes, complete, publish (issue 10, item 2;
ADR 0008 §3; R18, R19, R49, R52)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

from ...constants import RapidReviewDecision, ReviewerRole, ReviewKind, ReviewStatus
from ...models import Review, ReviewMember
from ...services import reviews as review_services
from ...services.reviews import (
    rapid_review_decide,
    rapid_review_start,
    review_complete,
    review_member_add,
    review_milestone_add,
    review_milestone_done,
    review_publish,
    review_record,
    review_themes_set,
)
from .. import factories as f

pytestmark = pytest.mark.django_db

LOCAL, NATIONAL, NONE = (
    RapidReviewDecision.LOCAL_REVIEW,
    RapidReviewDecision.NATIONAL_PANEL,
    RapidReviewDecision.NO_FURTHER_REVIEW,
)


def _start(actor: Any, incident: Any = None, **fields: Any) -> Review:
    values: dict[str, Any] = {
        "incident": incident or f.incident(),
        "subject_label": "Child F",
        "title": "Rapid review: Child F",
        "started_on": date(2026, 11, 18),
    }
    values.update(fields)
    return rapid_review_start(actor=actor, **values)


def _decide(actor: Any, review: Review, decision: str = LOCAL, **fields: Any) -> tuple[Review, Review | None]:
    values: dict[str, Any] = {
        "expected_version": review.version,
        "decided_on": f.TODAY,
        "rationale": "Agencies did not share concerns about the baby's bruising (synthetic).",
    }
    values.update(fields)
    return rapid_review_decide(actor=actor, review=review, decision=decision, **values)


def _fields(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return sorted(error.value.message_dict)


# --- starting and recording -------------------------------------------------------------------


def test_a_rapid_review_is_due_15_working_days_from_awareness_until_the_panel_is_notified() -> None:
    """R52: Working Together 2023 ch. 5."""
    manager = f.partnership_manager()
    review = _start(manager)
    assert (review.kind, review.status, review.created_by) == (
        ReviewKind.RAPID,
        ReviewStatus.IN_PROGRESS,
        manager,
    )
    assert review.due_on == add_working_days(date(2026, 11, 17), 15) == date(2026, 12, 8)
    notified = f.incident(notified_on=date(2026, 11, 20))
    assert _start(manager, notified).due_on == add_working_days(date(2026, 11, 20), 15)
    assert AuditEvent.objects.filter(object_id=str(review.pk), verb="create", section="review").exists()


def test_one_rapid_review_per_incident() -> None:
    manager = f.partnership_manager()
    incident = f.incident()
    _start(manager, incident)
    with pytest.raises(ValidationError) as error:
        _start(manager, incident)
    assert error.value.message_dict == {
        "incident": ["A rapid review of this incident was started on 18 November 2026."]
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"started_on": date(2026, 11, 16)}, "started_on"),  # before the council became aware
        ({"started_on": f.TODAY + timedelta(days=1)}, "started_on"),
        ({"title": " "}, "title"),
        ({"subject_label": ""}, "subject_label"),
    ],
)
def test_starting_refuses_bad_input_at_its_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        _start(f.partnership_manager(), **fields)
    assert _fields(error) == [field]
    assert not Review.objects.exists()


def test_only_the_partnership_starts_a_rapid_review() -> None:
    """R18/R19: a partner cannot see the incident (404); its recorder sees it but may not start one."""
    recorder = f.team_manager()
    incident = f.incident(recorded_by=recorder)
    with pytest.raises(NotFoundOrForbidden):
        _start(f.learning_partner(), incident)
    with pytest.raises(PermissionRefused):
        _start(recorder, incident)
    assert not Review.objects.exists()


def test_recording_a_legacy_or_national_review() -> None:
    manager = f.partnership_manager()
    legacy = review_record(
        actor=manager,
        kind=ReviewKind.SERIOUS_CASE,
        subject_label="Family J",
        title="Serious case review: Family J",
        started_on=date(2016, 1, 11),
        due_on=date(2016, 7, 11),
    )
    assert (legacy.kind, legacy.incident, legacy.due_on) == (ReviewKind.SERIOUS_CASE, None, date(2016, 7, 11))
    national = review_record(
        actor=manager,
        kind=ReviewKind.NATIONAL,
        subject_label="Child F",
        title="National review",
        started_on=f.TODAY,
        incident=f.incident(),
    )
    assert national.due_on is None
    with pytest.raises(ValidationError) as error:
        review_record(
            actor=manager,
            kind=ReviewKind.RAPID,
            subject_label="Child F",
            title="Rapid",
            started_on=f.TODAY,
            due_on=f.TODAY - timedelta(days=1),
        )
    assert _fields(error) == ["due_on", "kind"]
    with pytest.raises(PermissionRefused):
        review_record(
            actor=f.learning_partner(),
            kind=ReviewKind.SERIOUS_CASE,
            subject_label="Child F",
            title="SCR",
            started_on=f.TODAY,
        )


# --- the rapid review's decision ----------------------------------------------------------------


def test_a_local_review_decision_opens_the_local_review_due_6_months_later() -> None:
    manager = f.partnership_manager()
    rapid = _start(manager)
    rapid, local = _decide(manager, rapid, LOCAL)
    rapid.refresh_from_db()
    assert (rapid.status, rapid.completed_on, rapid.decision, rapid.decision_on, rapid.version) == (
        ReviewStatus.COMPLETED,
        f.TODAY,
        LOCAL,
        f.TODAY,
        2,
    )
    assert local is not None
    assert (local.kind, local.commissioned_from, local.incident, local.subject_label) == (
        ReviewKind.LOCAL,
        rapid,
        rapid.incident,
        "Child F",
    )
    assert (local.started_on, local.due_on, local.status) == (
        f.TODAY,
        date(2027, 5, 26),
        ReviewStatus.IN_PROGRESS,
    )
    assert AuditEvent.objects.filter(object_id=str(rapid.pk), reason=LOCAL).exists()
    assert AuditEvent.objects.filter(object_id=str(local.pk), reason="commissioned").exists()


def test_six_months_from_the_end_of_august_is_the_end_of_february() -> None:
    manager = f.partnership_manager()
    rapid = _start(
        manager,
        f.incident(incident_on=date(2026, 8, 19), aware_on=date(2026, 8, 20)),
        started_on=date(2026, 8, 21),
    )
    _rapid, local = _decide(manager, rapid, LOCAL, decided_on=date(2026, 8, 31))
    assert local is not None
    assert local.due_on == date(2027, 2, 28)


def test_a_national_panel_decision_opens_a_national_review_without_a_local_due_date() -> None:
    manager = f.partnership_manager()
    _rapid, national = _decide(manager, _start(manager), NATIONAL)
    assert national is not None
    assert (national.kind, national.due_on) == (ReviewKind.NATIONAL, None)


def test_no_further_review_just_completes_the_rapid_review() -> None:
    manager = f.partnership_manager()
    rapid, none = _decide(manager, _start(manager), NONE)
    assert none is None
    assert rapid.status == ReviewStatus.COMPLETED
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rationale": "  "}, "rationale"),
        ({"decided_on": date(2026, 11, 17)}, "decided_on"),  # before the review started
        ({"decided_on": f.TODAY + timedelta(days=1)}, "decided_on"),
        ({"decision": "something_else"}, "decision"),
    ],
)
def test_a_decision_needs_its_rationale_and_a_good_date(fields: dict[str, Any], field: str) -> None:
    manager = f.partnership_manager()
    rapid = _start(manager)
    decision = fields.pop("decision", LOCAL)
    with pytest.raises(ValidationError) as error:
        _decide(manager, rapid, decision, **fields)
    assert _fields(error) == [field]
    rapid.refresh_from_db()
    assert rapid.status == ReviewStatus.IN_PROGRESS


def test_a_decision_is_made_once_only_on_a_rapid_review_and_only_by_the_partnership() -> None:
    manager = f.partnership_manager()
    rapid = _start(manager)
    with pytest.raises(NotFoundOrForbidden):
        _decide(f.learning_partner(), rapid)
    rapid, local = _decide(manager, rapid, LOCAL)
    with pytest.raises(ValidationError) as error:
        _decide(manager, rapid, NONE)
    assert error.value.message_dict["__all__"] == [
        "This review was completed on 26 November 2026: you cannot record another decision."
    ]
    assert local is not None
    with pytest.raises(ValidationError) as error:
        _decide(manager, local, NONE)
    assert "Only a rapid review ends in a decision" in error.value.message_dict["__all__"][0]


def test_a_stale_decision_is_a_conflict() -> None:
    """R49: two managers record the decision from the same page."""
    manager = f.partnership_manager()
    rapid = _start(manager)
    mine = Review.objects.get(pk=rapid.pk)
    _decide(manager, rapid, NONE)
    with pytest.raises(ConflictError):
        _decide(manager, mine, LOCAL, expected_version=1)
    assert Review.objects.count() == 1


def test_a_failed_decision_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """If opening the local review fails, the rapid review is not completed either."""
    manager = f.partnership_manager()
    rapid = _start(manager)

    def broken(decided_on: date) -> date:
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(review_services, "local_review_due", broken)
    with pytest.raises(RuntimeError):
        _decide(manager, rapid, LOCAL)
    fresh = Review.objects.get(pk=rapid.pk)
    assert (fresh.status, fresh.decision, fresh.version) == (ReviewStatus.IN_PROGRESS, "", 1)
    assert Review.objects.count() == 1
    assert not AuditEvent.objects.filter(object_id=str(rapid.pk), verb="update").exists()


# --- members, milestones, themes --------------------------------------------------------------


def test_members_are_users_or_named_people_once_each() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL)
    partner = f.learning_partner(f.health())
    member = review_member_add(actor=manager, review=review, role=ReviewerRole.PANEL, user=partner)
    assert (member.name, member.agency) == (partner.full_name, partner.agency)
    independent = review_member_add(
        actor=manager, review=review, role=ReviewerRole.LEAD, name="Synthetic Independent Reviewer"
    )
    assert independent.user is None
    with pytest.raises(ValidationError) as error:
        review_member_add(actor=manager, review=review, role=ReviewerRole.PANEL, user=partner)
    assert _fields(error) == ["user"]
    with pytest.raises(ValidationError) as error:
        review_member_add(actor=manager, review=review, role="chair", name="")
    assert _fields(error) == ["name", "role"]
    with pytest.raises(NotFoundOrForbidden):
        review_member_add(actor=partner, review=review, role=ReviewerRole.PANEL, name="Someone")
    assert ReviewMember.objects.count() == 2
    assert AuditEvent.objects.filter(object_id=str(member.pk), section="review_member").exists()


def test_milestones_are_planned_and_done_once() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL, started_on=date(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        review_milestone_add(actor=manager, review=review, name="", due_on=date(2026, 11, 1))
    assert _fields(error) == ["due_on", "name"]
    milestone = review_milestone_add(
        actor=manager, review=review, name="Practitioner learning event", due_on=date(2026, 12, 10)
    )
    with pytest.raises(ValidationError) as error:
        review_milestone_done(actor=manager, milestone=milestone, done_on=f.TODAY + timedelta(days=1))
    assert _fields(error) == ["done_on"]
    review_milestone_done(actor=manager, milestone=milestone, done_on=f.TODAY)
    milestone.refresh_from_db()
    assert milestone.done_on == f.TODAY
    with pytest.raises(ValidationError) as error:
        review_milestone_done(actor=manager, milestone=milestone, done_on=f.TODAY)
    assert error.value.message_dict["__all__"] == [
        "Practitioner learning event was already done on 26 November 2026."
    ]


def test_themes_must_be_current_but_a_retired_one_already_on_the_review_may_stay() -> None:
    manager = f.partnership_manager()
    review = f.review(kind=ReviewKind.LOCAL)
    hidden, neglect = f.theme("Hidden and unseen adults"), f.theme("Recognising neglect")
    review_themes_set(actor=manager, review=review, themes=[hidden, neglect])
    assert set(review.themes.all()) == {hidden, neglect}
    neglect.active = False
    neglect.save()
    review_themes_set(actor=manager, review=review, themes=[neglect])
    assert list(review.themes.all()) == [neglect]
    other = f.review(kind=ReviewKind.LOCAL)
    with pytest.raises(ValidationError) as error:
        review_themes_set(actor=manager, review=other, themes=[hidden, neglect])
    assert error.value.message_dict == {
        "themes": ["Choose current themes only: Recognising neglect is retired."]
    }
    assert not other.themes.exists()


# --- completing and publishing ----------------------------------------------------------------


def _local(manager: Any) -> Review:
    return f.review(
        kind=ReviewKind.LOCAL, created_by=manager, started_on=date(2026, 6, 1), due_on=date(2026, 12, 1)
    )


def test_a_review_is_completed_with_its_summary_then_published_at_an_https_address() -> None:
    manager = f.partnership_manager()
    review = _local(manager)
    with pytest.raises(ValidationError) as error:
        review_complete(actor=manager, review=review, expected_version=1, completed_on=f.TODAY, summary=" ")
    assert _fields(error) == ["summary"]
    with pytest.raises(ValidationError) as error:
        review_publish(
            actor=manager,
            review=review,
            expected_version=1,
            published_on=f.TODAY,
            publication_url="https://x.test",
        )
    assert error.value.message_dict["__all__"] == ["Complete the review before recording its publication."]
    review_complete(
        actor=manager,
        review=review,
        expected_version=1,
        completed_on=date(2026, 11, 20),
        summary="Agencies did not see the baby as the focus (synthetic).",
    )
    assert (review.status, review.completed_on, review.version) == (
        ReviewStatus.COMPLETED,
        date(2026, 11, 20),
        2,
    )
    with pytest.raises(ValidationError) as error:
        review_publish(
            actor=manager,
            review=review,
            expected_version=2,
            published_on=date(2026, 11, 19),
            publication_url="http://partnership.example.test/child-f.pdf",
        )
    assert _fields(error) == ["publication_url", "published_on"]
    review_publish(
        actor=manager,
        review=review,
        expected_version=2,
        published_on=f.TODAY,
        publication_url="https://partnership.example.test/child-f.pdf",
    )
    review.refresh_from_db()
    assert (review.status, review.published_on) == (ReviewStatus.PUBLISHED, f.TODAY)
    assert AuditEvent.objects.filter(object_id=str(review.pk), reason="published").exists()
    with pytest.raises(ValidationError) as error:
        review_publish(
            actor=manager,
            review=review,
            expected_version=3,
            published_on=f.TODAY,
            publication_url="https://partnership.example.test/child-f.pdf",
        )
    assert error.value.message_dict["__all__"] == ["This review was already published on 26 November 2026."]


def test_completing_refuses_a_rapid_review_a_finished_review_and_a_bad_date() -> None:
    manager = f.partnership_manager()
    with pytest.raises(ValidationError) as error:
        review_complete(
            actor=manager, review=_start(manager), expected_version=1, completed_on=f.TODAY, summary="x"
        )
    assert error.value.message_dict["__all__"] == ["A rapid review is completed by recording its decision."]
    review = _local(manager)
    with pytest.raises(ValidationError) as error:
        review_complete(
            actor=manager, review=review, expected_version=1, completed_on=date(2026, 5, 1), summary="x"
        )
    assert _fields(error) == ["completed_on"]
    review_complete(actor=manager, review=review, expected_version=1, completed_on=f.TODAY, summary="x")
    with pytest.raises(ValidationError):
        review_complete(actor=manager, review=review, expected_version=2, completed_on=f.TODAY, summary="y")
    with pytest.raises(ValidationError):
        review_milestone_add(actor=manager, review=review, name="Too late", due_on=f.TODAY)


def test_a_stale_completion_is_a_conflict_and_partners_cannot_complete() -> None:
    """R49 and R19."""
    manager = f.partnership_manager()
    review = _local(manager)
    mine = Review.objects.get(pk=review.pk)
    review_themes_set(actor=manager, review=review, themes=[])  # no version change
    review_complete(actor=manager, review=review, expected_version=1, completed_on=f.TODAY, summary="First")
    with pytest.raises(ConflictError):
        review_complete(
            actor=manager, review=mine, expected_version=1, completed_on=f.TODAY, summary="Second"
        )
    partner = f.learning_partner()
    f.agency_return(review, agency=partner.agency)  # the partner can now see the review
    with pytest.raises(NotFoundOrForbidden):
        review_complete(
            actor=partner, review=_local(manager), expected_version=1, completed_on=f.TODAY, summary="x"
        )
    review.refresh_from_db()
    assert review.summary == "First"
