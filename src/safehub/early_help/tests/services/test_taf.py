"""TAF members, lead professional, meetings and actions (issue 9, item 3; ADR 0007 §2 and §4)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.early_help.constants import ActionStatus, Attendance, Clock, MeetingKind, TafRole
from safehub.early_help.models import MeetingAttendance, PlanAction, TafMeeting
from safehub.early_help.selectors import episode_get
from safehub.early_help.services import (
    NewAction,
    action_add,
    action_update,
    lead_professional_change,
    meeting_record,
    taf_member_add,
    taf_member_leave,
)
from safehub.platform.errors import NotFoundOrForbidden

from ..factories import OPENED, TODAY, opened, partner, practitioner, school

pytestmark = pytest.mark.django_db


def _meeting(
    actor, episode, *, kind=MeetingKind.INITIAL, held_on=date(2026, 10, 20), attendance=None, actions=()
):
    return meeting_record(
        actor=actor,
        episode=episode,
        kind=kind,
        held_on=held_on,
        attendance=attendance or {},
        family_attended=True,
        notes="Synthetic meeting notes.",
        actions=actions,
    )


def test_a_partner_added_to_the_team_sees_the_episode_and_loses_it_on_leaving():
    """R18, R19: a partner sees only the episodes they are a current member of."""
    worker = practitioner()
    episode = opened(worker)
    nurse = partner(agency=school("Synthetic Health Visiting"), full_name="Nia Synthetic")
    with pytest.raises(NotFoundOrForbidden):
        episode_get(actor=nurse, id=episode.pk)
    member = taf_member_add(actor=worker, episode=episode, agency=nurse.agency, user=nurse, joined_on=OPENED)
    assert member.name == "Nia Synthetic"
    assert episode_get(actor=nurse, id=episode.pk) == episode
    taf_member_leave(actor=worker, member=member, left_on=TODAY)
    with pytest.raises(NotFoundOrForbidden):
        episode_get(actor=nurse, id=episode.pk)
    assert AuditEvent.objects.filter(object_id=str(member.pk), section="taf_member", reason="left").exists()


def test_a_member_without_an_account_is_on_the_record_by_name():
    worker = practitioner()
    episode = opened(worker)
    member = taf_member_add(
        actor=worker,
        episode=episode,
        agency=school("Synthetic Youth Trust"),
        name=" Kit Synthetic ",
        job_title="Youth worker",
    )
    assert (member.name, member.user, member.joined_on) == ("Kit Synthetic", None, TODAY)
    with pytest.raises(ValidationError) as error:
        taf_member_add(actor=worker, episode=episode, agency=None, name="")
    assert {"agency", "name"} <= set(error.value.message_dict)


def test_an_inactive_user_cannot_join_and_nobody_joins_twice():
    worker = practitioner()
    episode = opened(worker)
    gone = partner(is_active=False)
    with pytest.raises(ValidationError) as error:
        taf_member_add(actor=worker, episode=episode, agency=gone.agency, user=gone)
    assert "not active" in error.value.message_dict["user"][0]
    nurse = partner()
    taf_member_add(actor=worker, episode=episode, agency=nurse.agency, user=nurse)
    with pytest.raises(ValidationError) as error:
        taf_member_add(actor=worker, episode=episode, agency=nurse.agency, user=nurse)
    assert "already in the team" in error.value.message_dict["user"][0]


def test_changing_the_lead_professional_moves_the_role_and_the_organisation():
    worker = practitioner()
    head = partner()
    episode = opened(worker, lead_professional=head, organisation=head.agency)
    charity = school("Synthetic Family Charity")
    newcomer = taf_member_add(actor=worker, episode=episode, agency=charity, name="Ash Synthetic")
    lead_professional_change(actor=worker, episode=episode, member=newcomer)
    episode.refresh_from_db()
    assert (episode.lead_professional, episode.organisation) == (None, charity)
    roles = {m.name: m.role for m in episode.taf_members.all()}
    assert roles == {head.full_name: TafRole.MEMBER, "Ash Synthetic": TafRole.LEAD_PROFESSIONAL}
    # A partner records but never manages, not even as the old lead.
    with pytest.raises(NotFoundOrForbidden):
        lead_professional_change(actor=head, episode=episode, member=newcomer)


def test_the_lead_and_an_owner_of_open_actions_cannot_just_leave():
    worker = practitioner()
    head = partner()
    episode = opened(worker, lead_professional=head, organisation=head.agency)
    lead = episode.taf_members.get()
    other = taf_member_add(actor=worker, episode=episode, agency=school(), name="Jo Synthetic")
    action_add(
        actor=worker, episode=episode, description="Refer to the school nurse", owner=other, due_on=TODAY
    )
    for member, words in ((lead, "lead professional"), (other, "1 open action")):
        with pytest.raises(ValidationError) as error:
            taf_member_leave(actor=worker, member=member)
        assert words in error.value.message_dict["__all__"][0]


def test_the_first_meeting_records_attendance_and_actions_and_satisfies_the_clock():
    worker = practitioner()
    head = partner()
    episode = opened(worker, lead_professional=head, organisation=head.agency)
    lead = episode.taf_members.get()
    meeting = _meeting(
        worker,
        episode,
        attendance={lead.pk: Attendance.ATTENDED},
        actions=[
            NewAction("Book the attendance panel", lead.pk, date(2026, 11, 30)),
            NewAction("Ask the GP about sleep", lead.pk, date(2026, 12, 15)),
        ],
    )
    assert MeetingAttendance.objects.get(meeting=meeting).attendance == Attendance.ATTENDED
    assert PlanAction.objects.filter(meeting=meeting, owner=lead).count() == 2
    first_taf = Task.objects.get(key=Clock.FIRST_TAF)
    assert (first_taf.status, first_taf.completed_on) == (TaskStatus.DONE, date(2026, 10, 20))
    action_task = Task.objects.get(key=Clock.ACTION, status=TaskStatus.OPEN)
    assert action_task.due_on == date(2026, 11, 30)
    assert "Book the attendance panel" in action_task.title
    with pytest.raises(ValidationError) as error:
        _meeting(worker, episode)
    assert "first TAF meeting was held on 20 October 2026" in error.value.message_dict["kind"][0]


def test_an_action_without_an_owner_or_a_date_is_refused_at_the_field():
    """Issue 9, bad input: a plan action without an owner."""
    worker = practitioner()
    episode = opened(worker)
    with pytest.raises(ValidationError) as error:
        _meeting(worker, episode, actions=[NewAction("Someone phones the GP", None, None)])
    assert error.value.message_dict["owner"][0].startswith("Every action needs an owner:")
    assert "due_on" in error.value.message_dict
    assert not TafMeeting.objects.exists()
    with pytest.raises(ValidationError) as error:
        action_add(actor=worker, episode=episode, description="Phone the GP", owner=None, due_on=TODAY)
    assert error.value.message_dict["owner"][0].startswith("Every action needs an owner:")


def test_attendance_and_owners_must_belong_to_the_episode():
    worker = practitioner()
    episode, elsewhere = opened(worker), opened(worker)
    stranger = taf_member_add(actor=worker, episode=elsewhere, agency=school(), name="Lee Synthetic")
    with pytest.raises(ValidationError) as error:
        _meeting(
            worker,
            episode,
            attendance={stranger.pk: Attendance.ATTENDED},
            actions=[NewAction("Visit", stranger.pk, TODAY)],
        )
    assert {"attendance", "owner"} <= set(error.value.message_dict)


def test_finishing_the_earliest_action_ticks_the_task_and_the_next_opens():
    worker = practitioner()
    episode = opened(worker)
    owner = taf_member_add(actor=worker, episode=episode, agency=school(), name="Mo Synthetic")
    first = action_add(
        actor=worker, episode=episode, description="First", owner=owner, due_on=date(2026, 11, 30)
    )
    action_add(actor=worker, episode=episode, description="Second", owner=owner, due_on=date(2026, 12, 30))
    with pytest.raises(ValidationError) as error:
        action_update(actor=worker, action=first, expected_version=first.version, status=ActionStatus.DONE)
    assert "completed_on" in error.value.message_dict
    action_update(
        actor=worker,
        action=first,
        expected_version=first.version,
        status=ActionStatus.DONE,
        completed_on=TODAY,
        progress_note="Done at the school gate.",
    )
    tasks = Task.objects.filter(key=Clock.ACTION).order_by("created_at")
    assert [(t.status, t.due_on) for t in tasks] == [
        (TaskStatus.DONE, date(2026, 11, 30)),
        (TaskStatus.OPEN, date(2026, 12, 30)),
    ]


def test_a_partner_on_the_episode_records_a_meeting_and_one_not_on_it_gets_404():
    worker = practitioner()
    head = partner()
    episode = opened(worker, lead_professional=head, organisation=head.agency)
    _meeting(head, episode)
    outsider = partner()
    with pytest.raises(NotFoundOrForbidden):
        _meeting(outsider, episode, kind=MeetingKind.REVIEW)
    team_manager = UserFactory(role=Role.TEAM_MANAGER)  # sees early help, records none
    with pytest.raises(NotFoundOrForbidden):
        _meeting(team_manager, episode, kind=MeetingKind.REVIEW)
