"""A restricted or sealed child on a MASH handover is never named, nor said to have a case (R22, T5).

The child's record holds a new identity (an adoption); the referrer described the child by another
name. The record's name must not show on the inbox, on the accept page or in any refusal, and
accepting must refuse with one generic message (a form error, not a 404) and write nothing.
"""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.casework.models import Involvement
from safehub.casework.tests.factories import team_with
from safehub.child_protection.models import Referral
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.tests.factories import emergency_access, restrict

from ...constants import CHILD_ROLES, HandoverStatus
from ...models import Handover
from ...services import handover_intake
from ...services.handover_intake import HIDDEN_CHILD, handover_accept_as_referral
from .helpers import handover_with_children

pytestmark = pytest.mark.django_db

SEALED_GIVEN, SEALED_FAMILY = "Quillon", "Ravensworth"
SEALED_NAME = f"{SEALED_GIVEN} {SEALED_FAMILY}"
DESCRIBED = {"given_name": "Tamsin", "family_name": "Oakhurst"}


def _hidden_child_handover(level: str = Level.SEALED) -> tuple[Handover, Any, Any]:
    """Two children: the first as usual, the second restricted or sealed, its record holding a
    name the referrer did not give. Returns (handover, visible child, hidden child)."""
    handover = handover_with_children(children=2)
    visible_subject, hidden_subject = handover.contact.subjects.filter(role__in=CHILD_ROLES).order_by(
        "created_at"
    )
    hidden = hidden_subject.person
    assert hidden is not None
    hidden.given_name, hidden.family_name = SEALED_GIVEN, SEALED_FAMILY
    hidden.save(update_fields=["given_name", "family_name"])
    hidden_subject.details = {**hidden_subject.details, **DESCRIBED}
    hidden_subject.save(update_fields=["details"])
    restrict(hidden, level)
    return handover, visible_subject.person, hidden


def _manager(client: Any) -> tuple[Any, Any]:
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    client.force_login(manager)
    return client, manager


def _written() -> tuple[int, int, int]:
    """Referrals, involvements and audit events other than reads (the page audits its own view)."""
    writes = AuditEvent.objects.exclude(verb=Verb.VIEW).count()
    return Referral.objects.count(), Involvement.objects.count(), writes


def test_the_inbox_never_shows_a_sealed_childs_name(client: Any) -> None:
    """R22: the inbox names the child the manager may see, and the sealed one only as described."""
    _handover, visible, _hidden = _hidden_child_handover()
    client, _manager_user = _manager(client)
    page = client.get(reverse("front_door_handovers:inbox")).content.decode()
    assert SEALED_NAME not in page
    assert SEALED_FAMILY not in page
    assert escape(str(visible)) in page
    assert "Tamsin Oakhurst" in page


def test_the_accept_page_never_shows_a_sealed_childs_name(client: Any) -> None:
    """R22: the accept page's list of children leaves the sealed record's name out."""
    handover, visible, _hidden = _hidden_child_handover()
    client, _manager_user = _manager(client)
    response = client.get(reverse("front_door_handovers:accept", args=[handover.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert SEALED_FAMILY not in page
    assert escape(str(visible)) in page


@pytest.mark.parametrize("level", [Level.SEALED, Level.RESTRICTED])
def test_accepting_with_a_hidden_child_is_a_form_error_and_writes_nothing(client: Any, level: str) -> None:
    """R22, R50: a 200 with the generic message in the error summary, not a 404; no referral,
    involvement or audit event for either child, and the handover still waits."""
    handover, _visible, _hidden = _hidden_child_handover(level)
    client, _manager_user = _manager(client)
    url = reverse("front_door_handovers:accept", args=[handover.pk])
    client.get(url)
    before = _written()
    response = client.post(url, {"primary_need": "N1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [HIDDEN_CHILD]
    page = response.content.decode()
    assert "There is a problem" in page
    assert HIDDEN_CHILD in page
    assert SEALED_FAMILY not in page
    assert _written() == before
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WAITING


def test_a_hidden_childs_open_referral_is_not_confirmed_by_the_refusal() -> None:
    """R22, T5: the refusal says neither the child's name nor that they have a case, nor its date;
    the visible child's own open referral is still named with its date."""
    handover, visible, hidden = _hidden_child_handover()
    ReferralFactory(person=hidden, referral_date=date(2024, 3, 7))
    ReferralFactory(person=visible, referral_date=date(2024, 5, 9))
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    before = _written()
    with pytest.raises(ValidationError) as error:
        handover_accept_as_referral(actor=manager, handover=handover)
    messages = error.value.messages
    assert HIDDEN_CHILD in messages
    text = " ".join(messages)
    assert SEALED_FAMILY not in text
    assert "Oakhurst" not in text
    assert "7 March 2024" not in text
    assert text.count("already has an open referral") == 1
    assert f"{visible} already has an open referral, from 9 May 2024" in text
    assert _written() == before


def test_a_child_restricted_after_the_check_is_refused_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """R22, R50: if the restriction lands between the check and the referral, the referral
    service's 404 becomes the same generic refusal, and the first child's referral is rolled back."""
    handover, _visible, _hidden = _hidden_child_handover()
    monkeypatch.setattr(handover_intake, "handover_hidden_people", lambda actor, children: set())
    _team, (manager,) = team_with(Role.TEAM_MANAGER)
    before = _written()
    with pytest.raises(ValidationError) as error:
        handover_accept_as_referral(actor=manager, handover=handover)
    assert error.value.messages == [HIDDEN_CHILD]
    assert _written() == before
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WAITING


def test_a_manager_with_emergency_access_sees_the_restricted_child_and_may_accept(client: Any) -> None:
    """R22: a restricted record the manager has opened (emergency access) is named and taken on."""
    handover, _visible, hidden = _hidden_child_handover(Level.RESTRICTED)
    client, manager = _manager(client)
    emergency_access(manager, hidden)
    url = reverse("front_door_handovers:accept", args=[handover.pk])
    assert SEALED_NAME in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 302
    assert Referral.objects.filter(person=hidden, closed_on__isnull=True).exists()
