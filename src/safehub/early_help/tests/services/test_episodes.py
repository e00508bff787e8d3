"""episode_open, episode_member_add, episode_close: the family, its involvements, closure."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseLevel, CaseService, TaskStatus
from safehub.casework.models import Involvement, Task
from safehub.early_help.constants import (
    ActionStatus,
    Clock,
    ConsentState,
    EndReason,
    EpisodeSource,
    MemberRole,
    TafRole,
)
from safehub.early_help.models import EarlyHelpEpisode, PlanAction, TafMember
from safehub.early_help.services import consent_record, episode_close, episode_member_add, meeting_record
from safehub.early_help.services.taf import NewAction
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from ..factories import OPENED, TODAY, adult, child, eh_staff, opened, partner, practitioner, school

pytestmark = pytest.mark.django_db


def _refused(field: str, actor=None, **fields):
    with pytest.raises(ValidationError) as error:
        opened(actor or practitioner(), **fields)
    assert field in error.value.message_dict, error.value.message_dict
    return error.value.message_dict[field]


def test_opening_makes_the_family_one_involvement_per_child_and_the_clocks_on_the_first():
    worker = practitioner()
    first, second, parent = child(), child(), adult()
    lead = partner()
    episode = opened(
        worker,
        children=[first, second],
        adults=[parent],
        lead_professional=lead,
        organisation=lead.agency,
        family_name="  the Okafor family ",
    )
    assert episode.family_name == "the Okafor family"
    members = {m.person_id: m for m in episode.members.all()}
    assert members[parent.pk].role == MemberRole.PARENT_CARER
    assert members[parent.pk].involvement is None
    for person in (first, second):
        involvement = members[person.pk].involvement
        assert involvement is not None
        assert involvement.service == CaseService.EARLY_HELP
        assert involvement.level == CaseLevel.EARLY_HELP
        assert involvement.title == "Early help: the Okafor family"
        assert (involvement.worker, involvement.opened_on) == (worker, OPENED)
        assert involvement.allocations.get().started_on == OPENED
    # One family, one task: the clocks sit on the first child's involvement only (ADR 0007 §1).
    tasks = Task.objects.filter(status=TaskStatus.OPEN)
    assert {t.involvement_id for t in tasks} == {members[first.pk].involvement_id}
    assert {t.key: t.due_on for t in tasks} == {
        Clock.ASSESSMENT: add_working_days(OPENED, 30),
        Clock.FIRST_TAF: add_working_days(OPENED, 20),
    }
    assert all(t.assigned_to == worker for t in tasks)
    lead_member = TafMember.objects.get(episode=episode)
    assert (lead_member.user, lead_member.role, lead_member.agency) == (
        lead,
        TafRole.LEAD_PROFESSIONAL,
        lead.agency,
    )
    assert lead_member.name == lead.full_name
    assert AuditEvent.objects.filter(object_id=str(episode.pk), section="episode", verb="create").exists()


def test_an_episode_needs_a_child():
    assert "at least one child" in _refused("children", children=[])[0]


def test_an_adult_is_not_a_child():
    messages = _refused("children", children=[child(date_of_birth=date(2008, 9, 30))])
    assert "18 or over on 1 October 2026" in messages[0]


def test_an_unborn_child_may_be_in_early_help():
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=date(2027, 1, 10))
    episode = opened(practitioner(), children=[unborn])
    assert episode.members.get().person == unborn


def test_a_child_in_an_open_episode_is_refused_naming_it():
    worker = practitioner()
    kid = child()
    opened(worker, children=[kid], family_name="the Grey family")
    messages = _refused("children", actor=worker, children=[kid])
    assert "already in an open early help episode" in messages[0]
    assert "the Grey family" in messages[0]
    assert EarlyHelpEpisode.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("opened_on", {"opened_on": TODAY + timedelta(days=1)}),
        ("reason", {"reason": "  "}),
        ("family_name", {"family_name": ""}),
        ("source", {"source": "sideways"}),
        ("step_down_handover", {"source": EpisodeSource.STEP_DOWN}),
    ],
)
def test_bad_input_is_refused_at_the_field(field, fields):
    _refused(field, **fields)
    assert not Involvement.objects.exists()


def test_the_worker_must_be_in_the_team():
    outsider = eh_staff()[1][0]
    assert "is not a member of" in _refused("worker", worker=outsider)[0]


def test_opening_needs_manage_and_every_person_open_to_the_actor():
    with pytest.raises(NotFoundOrForbidden):
        opened(partner(), team=eh_staff()[0])
    hidden = child()
    restrict(hidden)
    with pytest.raises(NotFoundOrForbidden):
        opened(practitioner(), children=[hidden])
    assert not EarlyHelpEpisode.objects.exists()


def test_a_child_added_later_gets_an_involvement_allocated_like_the_first():
    worker = practitioner()
    episode = opened(worker)
    baby = child(date_of_birth=date(2026, 10, 20))
    member = episode_member_add(
        actor=worker, episode=episode, person=baby, role=MemberRole.CHILD, joined_on=date(2026, 11, 2)
    )
    assert member.involvement is not None
    assert member.involvement.worker == worker
    assert member.involvement.opened_on == date(2026, 11, 2)
    # The clocks stay on the first child's involvement.
    assert not Task.objects.filter(involvement=member.involvement).exists()
    with pytest.raises(ValidationError) as error:
        episode_member_add(actor=worker, episode=episode, person=baby, role=MemberRole.CHILD)
    assert "already in this family" in error.value.message_dict["person"][0]


def test_closing_closes_involvements_drops_actions_ends_the_team_and_cancels_tasks():
    worker = practitioner()
    lead = partner()
    episode = opened(worker, lead_professional=lead, organisation=lead.agency)
    owner = episode.taf_members.get()
    meeting_record(
        actor=worker,
        episode=episode,
        kind="initial",
        held_on=date(2026, 10, 20),
        attendance={owner.pk: "attended"},
        family_attended=True,
        notes="",
        actions=[NewAction("Phone the GP", owner.pk, date(2026, 12, 10))],
    )
    episode.refresh_from_db()
    episode_close(
        actor=worker,
        episode=episode,
        expected_version=episode.version,
        closed_on=TODAY,
        end_reason=EndReason.NEEDS_MET,
        summary="Attendance back above 95%.",
    )
    episode.refresh_from_db()
    assert (episode.closed_on, episode.end_reason) == (TODAY, EndReason.NEEDS_MET)
    closed = Involvement.objects.filter(early_help_member__episode=episode).values_list(
        "closed_on", flat=True
    )
    assert list(closed) == [TODAY]
    action = PlanAction.objects.get()
    assert (action.status, action.completed_on) == (ActionStatus.DROPPED, TODAY)
    assert TafMember.objects.get().left_on == TODAY
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()
    assert AuditEvent.objects.filter(object_id=str(episode.pk), section="closure").exists()


def test_closing_twice_before_opening_in_the_future_or_on_a_stale_page_is_refused():
    worker = practitioner()
    episode = opened(worker)
    for closed_on, field in (
        (OPENED - timedelta(days=1), "closed_on"),
        (TODAY + timedelta(days=1), "closed_on"),
    ):
        with pytest.raises(ValidationError) as error:
            episode_close(
                actor=worker,
                episode=episode,
                expected_version=episode.version,
                closed_on=closed_on,
                end_reason=EndReason.NEEDS_MET,
            )
        assert field in error.value.message_dict
    with pytest.raises(ConflictError):
        episode_close(
            actor=worker,
            episode=episode,
            expected_version=episode.version - 1,
            closed_on=TODAY,
            end_reason=EndReason.NEEDS_MET,
        )
    episode.refresh_from_db()
    assert episode.is_open
    episode_close(
        actor=worker,
        episode=episode,
        expected_version=episode.version,
        closed_on=TODAY,
        end_reason=EndReason.MOVED_AWAY,
    )
    with pytest.raises(ValidationError) as error:
        episode_close(
            actor=worker,
            episode=episode,
            expected_version=episode.version,
            closed_on=TODAY,
            end_reason=EndReason.NEEDS_MET,
        )
    assert "already ended" in error.value.message_dict["__all__"][0]


def test_closing_for_withdrawn_consent_needs_the_withdrawal_recorded():
    worker = practitioner()
    episode = opened(worker)
    with pytest.raises(ValidationError) as error:
        episode_close(
            actor=worker,
            episode=episode,
            expected_version=episode.version,
            closed_on=TODAY,
            end_reason=EndReason.CONSENT_WITHDRAWN,
        )
    assert "withdrawn" in error.value.message_dict["end_reason"][0]
    consent_record(actor=worker, episode=episode, state=ConsentState.GIVEN, recorded_on=OPENED)
    consent_record(
        actor=worker,
        episode=episode,
        state=ConsentState.WITHDRAWN,
        recorded_on=date(2026, 11, 20),
        next_steps="No safeguarding concern; the school keeps watch on attendance.",
    )
    episode_close(
        actor=worker,
        episode=episode,
        expected_version=episode.version,
        closed_on=TODAY,
        end_reason=EndReason.CONSENT_WITHDRAWN,
    )


def test_a_partner_may_never_close_even_an_episode_they_lead():
    worker = practitioner()
    lead = partner()
    episode = opened(worker, lead_professional=lead, organisation=lead.agency)
    with pytest.raises(NotFoundOrForbidden):
        episode_close(
            actor=lead,
            episode=episode,
            expected_version=episode.version,
            closed_on=TODAY,
            end_reason=EndReason.NEEDS_MET,
        )


def test_a_social_worker_sees_but_does_not_open_early_help():
    team, (social_worker,) = eh_staff(Role.SOCIAL_WORKER)
    with pytest.raises(NotFoundOrForbidden):
        opened(social_worker, team=team, organisation=school())
