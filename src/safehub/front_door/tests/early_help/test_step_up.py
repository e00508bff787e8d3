"""Stepping a family up to the front door: `step_up`, and its completion when the MASH decision
on the step-up contact is authorised (ADR 0007, decision 6; issue 9, item 5)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.early_help.constants import EndReason, MemberRole, StepDirection
from safehub.early_help.models import Step
from safehub.early_help.services.episodes import episode_close
from safehub.early_help.tests.factories import children_of, partner, taf_member
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import (
    Channel,
    ConcernCategory,
    ConsentStatus,
    ContactStatus,
    DecisionStatus,
    SubjectRole,
)
from ...models import Contact, ContactSubject
from ...services.decision import decision_authorise, decision_return
from ...services.early_help import STEP_UP_HEADING, STEP_UP_REFERRAL_SOURCE, step_up
from ..decision.factories_decision import proposed_decision
from .helpers import (
    FAMILY_WORDS,
    GOAL,
    TAF_NAME,
    eh_practitioner,
    family_with_history,
    mash_manager,
    screened,
)

pytestmark = pytest.mark.django_db

REASON = "Mum disclosed that her new partner hit her in front of the children last weekend."


def _step_up(actor: Any, episode: Any, **kwargs: Any) -> Contact:
    kwargs.setdefault("reason", REASON)
    kwargs.setdefault("concerns", [ConcernCategory.DOMESTIC_ABUSE])
    kwargs.setdefault("consent", ConsentStatus.GIVEN)
    return step_up(actor=actor, episode=episode, **kwargs)


def test_the_step_up_contact_names_the_family_and_carries_the_history() -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    contact = _step_up(practitioner, episode)

    assert contact.status == ContactStatus.AWAITING_SCREENING
    assert contact.referral_source == STEP_UP_REFERRAL_SOURCE
    assert contact.channel == Channel.EARLY_HELP
    assert contact.recorded_by == practitioner
    assert contact.submitted_by is None
    assert list(contact.concerns.values_list("category", flat=True)) == [ConcernCategory.DOMESTIC_ABUSE]
    subjects = list(ContactSubject.objects.filter(contact=contact).order_by("created_at"))
    family = {m.person_id: m.role for m in episode.members.all()}
    assert {s.person_id for s in subjects} == set(family)
    for subject in subjects:
        assert subject.person is not None
        assert subject.person_id is not None
        expected = (
            SubjectRole.CHILD if family[subject.person_id] == MemberRole.CHILD else SubjectRole.PARENT_CARER
        )
        assert subject.role == expected
        assert subject.details["family_name"] == subject.person.family_name

    story = contact.summary
    assert story.startswith(f"{STEP_UP_HEADING}\n{REASON}\n")
    assert episode.reason in story
    assert "Consent given" in story
    assert FAMILY_WORDS in story
    assert "Getting a good education; Secure housing" in story
    assert f"- {GOAL} (Getting a good education; working on it): baseline 3/10, latest 6/10" in story
    assert "Move to a settled home (Secure housing; working on it): baseline 2/10, not yet scored" in story
    assert f"{TAF_NAME}, Designated safeguarding lead, Synthetic Primary" in story
    review_day = episode.opened_on + timedelta(days=50)
    assert f"Last review: {review_day:%-d %B %Y}." in story

    step = Step.objects.get(episode=episode)
    assert step.direction == StepDirection.UP
    assert step.person == children_of(episode)[0]
    assert (step.requested_on, step.completed_on) == (clock.today(), None)
    assert (step.reason, step.other_reference, step.requested_by) == (REASON, contact.reference, practitioner)
    assert AuditEvent.objects.filter(object_id=str(contact.pk), verb="create").exists()
    assert AuditEvent.objects.filter(object_id=str(step.pk), verb="create").exists()


def test_a_family_with_no_assessment_or_plan_yet_says_so() -> None:
    team, practitioner = eh_practitioner()
    from safehub.early_help.tests.factories import opened

    episode = opened(practitioner, team=team)
    story = _step_up(practitioner, episode).summary
    assert "Consent: none recorded." in story
    assert "Assessment: none started." in story
    assert "Family plan: none yet." in story


def test_a_second_step_up_waits_for_the_first_decision() -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    first = _step_up(practitioner, episode)
    with pytest.raises(ValidationError) as error:
        _step_up(practitioner, episode)
    assert first.reference in " ".join(error.value.messages)
    assert Contact.objects.count() == 1


def test_a_closed_episode_cannot_be_stepped_up() -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    episode_close(
        actor=practitioner,
        episode=episode,
        expected_version=episode.version,
        closed_on=clock.today(),
        end_reason=EndReason.NEEDS_MET,
    )
    with pytest.raises(ValidationError):
        _step_up(practitioner, episode)
    assert not Contact.objects.exists()
    assert not Step.objects.exists()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("reason", {"reason": "  "}),
        ("concerns", {"concerns": []}),
        ("concerns", {"concerns": ["not_a_concern"]}),
        ("consent_reason", {"consent": ConsentStatus.NOT_SOUGHT}),
        ("consent", {"consent": "maybe"}),
    ],
)
def test_what_the_practitioner_typed_is_checked_at_the_field(field: str, kwargs: dict[str, Any]) -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    with pytest.raises(ValidationError) as error:
        _step_up(practitioner, episode, **kwargs)
    assert field in error.value.message_dict
    assert not Contact.objects.exists()


@pytest.mark.parametrize("who", ["mash_social_worker", "social_worker", "partner_on_the_team"])
def test_without_manage_on_the_episode_it_is_not_there(who: str, make_user: Any) -> None:
    """R18/R19: even a TAF member who may record on the episode may not step it up."""
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    if who == "partner_on_the_team":
        actor = partner()
        taf_member(episode, user=actor)
    else:
        actor = make_user(who, mfa=False)
    with pytest.raises(NotFoundOrForbidden):
        _step_up(actor, episode)
    assert not Contact.objects.exists()


def test_authorising_the_mash_decision_completes_the_step_up() -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    contact = screened(_step_up(practitioner, episode))
    decision = proposed_decision(contact, outcome="assessment")
    decision_authorise(actor=mash_manager(), decision=decision, expected_version=decision.version)

    step = Step.objects.get(episode=episode)
    assert step.completed_on == clock.today()
    assert AuditEvent.objects.filter(object_id=str(step.pk), section="step_up_complete").exists()
    # Done: the family may be stepped up again later.
    _step_up(practitioner, episode)
    assert Step.objects.filter(episode=episode, completed_on__isnull=True).count() == 1


def test_a_returned_decision_leaves_the_step_up_waiting() -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    contact = screened(_step_up(practitioner, episode))
    decision = proposed_decision(contact, outcome="assessment")
    decision_return(actor=mash_manager(), decision=decision, comment="Ask the school what it has seen first.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED
    assert Step.objects.get(episode=episode).completed_on is None


def test_another_contacts_decision_leaves_the_step_up_waiting() -> None:
    _team, practitioner = eh_practitioner()
    episode = family_with_history(practitioner)
    _step_up(practitioner, episode)
    decision = proposed_decision(outcome="early_help")
    decision_authorise(actor=mash_manager(), decision=decision, expected_version=decision.version)
    assert Step.objects.get(episode=episode).completed_on is None


def test_a_history_longer_than_a_contact_holds_is_cut_and_says_where_the_rest_is() -> None:
    from safehub.front_door.services.contact import SUMMARY_MAX
    from safehub.front_door.services.early_help import HISTORY_CUT, _within_limit

    short = "Why: attendance.\n\nHistory."
    assert _within_limit(short) == short
    cut = _within_limit("x" * (SUMMARY_MAX + 500))
    assert len(cut) == SUMMARY_MAX
    assert cut.endswith(HISTORY_CUT)
