"""The issue-9 objects a route can name: an open early help episode (with a running assessment, a
TAF member and an action), a partner's request for support, a waiting step-down and an early help
handover from the MASH. No partner is on the episode's team, so every early_help_partner in the
sweep is a partner who is not a member (R19: 404)."""

from datetime import timedelta
from typing import Any

from safehub.accounts.constants import Role


def early_help_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.access.tests.factories import make_person
    from safehub.early_help.constants import StepDirection
    from safehub.early_help.models import Step
    from safehub.early_help.services.actions import action_add
    from safehub.early_help.services.assessment import assessment_start
    from safehub.early_help.services.requests import support_request_submit
    from safehub.early_help.services.taf import taf_member_add
    from safehub.early_help.tests.factories import eh_staff, opened
    from safehub.front_door.constants import HandoverService
    from safehub.front_door.models import Handover
    from safehub.platform import clock

    today = clock.today()
    _team, (worker,) = eh_staff()
    child = make_person(
        given_name="Sweep", family_name="Earlyhelper", date_of_birth=today - timedelta(days=3000)
    )
    episode = opened(
        worker, family_name="the Sweep family", children=[child], opened_on=today - timedelta(days=30)
    )
    assessment_start(actor=worker, episode=episode, started_on=today - timedelta(days=20))
    member = taf_member_add(
        actor=worker,
        episode=episode,
        agency=world["agency"],
        name="Sweep Member",
        joined_on=today - timedelta(days=20),
    )
    action = action_add(
        actor=worker,
        episode=episode,
        description="Sweep action",
        owner=member,
        due_on=today + timedelta(days=7),
    )
    requester = make_user(Role.EARLY_HELP_PARTNER, email="eh.requester@example.test", agency=world["agency"])
    request = support_request_submit(
        actor=requester,
        child_first_name="Sweep",
        child_last_name="Requestee",
        child_date_of_birth=today - timedelta(days=2500),
        reason="Sweep reason.",
        family_consents=True,
    )
    step_down = Step.objects.create(
        direction=StepDirection.DOWN,
        person=make_person(
            given_name="Sweep", family_name="Stepdown", date_of_birth=today - timedelta(days=2000)
        ),
        requested_on=today - timedelta(days=2),
        reason="Sweep handover.",
        other_reference=str(world["referral"].pk),
        requested_by=world["user"],
    )
    handover = Handover.objects.create(
        contact=world["contact"], decision=world["decision"], service=HandoverService.EARLY_HELP
    )
    return {
        "eh_episode": episode,
        "eh_member": member,
        "eh_action": action,
        "eh_request": request,
        "eh_step_down": step_down,
        "eh_handover": handover,
    }
