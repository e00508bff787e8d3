"""support_request_submit, _decline, _accept (issue 9, item 1; ADR 0007 §7)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.early_help.constants import EpisodeSource, RequestStatus, TafRole
from safehub.early_help.selectors import episode_get, support_request_get, support_requests_mine
from safehub.early_help.services import (
    support_request_accept,
    support_request_decline,
    support_request_submit,
)
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ..factories import TODAY, adult, child, eh_staff, partner

pytestmark = pytest.mark.django_db


def _submit(actor, **fields):
    values: dict[str, Any] = {
        "child_first_name": "Amira",
        "child_last_name": "Synthetic",
        "child_date_of_birth": date(2017, 3, 14),
        "reason": "Attendance 82%; mum says mornings are hard. Tried a school attendance plan.",
        "family_consents": True,
        "needs": ["education"],
        "willing_to_lead": True,
    }
    values.update(fields)
    return support_request_submit(actor=actor, **values)


def test_a_request_without_the_familys_agreement_points_to_the_front_door():
    with pytest.raises(ValidationError) as error:
        _submit(partner(), family_consents=False)
    assert error.value.message_dict["family_consents"] == [
        "Early help needs the family's agreement. If you are worried about a child's safety without it, "
        "make a referral to the front door."
    ]


def test_a_date_of_birth_in_the_future_is_refused_and_only_requesters_may_ask():
    with pytest.raises(ValidationError) as error:
        _submit(partner(), child_date_of_birth=TODAY + timedelta(days=1))
    assert "child_date_of_birth" in error.value.message_dict
    with pytest.raises(PermissionRefused):
        _submit(UserFactory(role=Role.IRO))


def test_a_partner_willing_to_lead_becomes_the_lead_professional():
    head = partner()
    request = _submit(head)
    assert request.agency == head.agency
    assert AuditEvent.objects.filter(
        object_id=str(request.pk), section="support_request", verb="create"
    ).exists()
    team, (worker,) = eh_staff()
    kid, mum = child(), adult()
    episode = support_request_accept(
        actor=worker,
        request=request,
        children=[kid],
        adults=[mum],
        team=team,
        worker=worker,
        family_name="the Synthetic family",
    )
    request.refresh_from_db()
    assert (request.status, request.decided_on, request.episode) == (RequestStatus.ACCEPTED, TODAY, episode)
    assert (episode.source, episode.lead_professional, episode.organisation) == (
        EpisodeSource.PARTNER_REQUEST,
        head,
        head.agency,
    )
    lead = episode.taf_members.get()
    assert (lead.user, lead.role) == (head, TafRole.LEAD_PROFESSIONAL)
    assert episode_get(actor=head, id=episode.pk) == episode
    with pytest.raises(ValidationError):
        support_request_decline(actor=worker, request=request, reason="Changed our mind")


def test_a_referrer_joins_the_team_as_a_member_and_the_council_leads():
    referrer = UserFactory(role=Role.REFERRER)
    request = _submit(referrer)
    team, (worker,) = eh_staff()
    episode = support_request_accept(
        actor=worker,
        request=request,
        children=[child()],
        adults=[],
        team=team,
        worker=worker,
        family_name="the Synthetic family",
    )
    member = episode.taf_members.get()
    assert (member.user, member.role, member.agency) == (referrer, TafRole.MEMBER, referrer.agency)
    assert episode.organisation == team.agency
    # A referrer has no view of early help, so membership does not show them the family.
    with pytest.raises(NotFoundOrForbidden):
        episode_get(actor=referrer, id=episode.pk)


def test_declining_needs_a_reason_and_the_requester_reads_it():
    head = partner()
    request = _submit(head)
    _team, (worker,) = eh_staff()
    with pytest.raises(ValidationError) as error:
        support_request_decline(actor=worker, request=request, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(NotFoundOrForbidden):
        support_request_decline(actor=head, request=request, reason="I lead it myself")
    support_request_decline(actor=worker, request=request, reason="The school nurse can meet this need.")
    mine = support_requests_mine(actor=head)
    assert [(r.status, r.decision_reason) for r in mine] == [
        (RequestStatus.DECLINED, "The school nurse can meet this need.")
    ]
    with pytest.raises(NotFoundOrForbidden):
        support_request_get(actor=partner(), id=request.pk)
    assert support_requests_mine(actor=partner()) == []
