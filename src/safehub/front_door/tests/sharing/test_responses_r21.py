"""The MASH agency firewall: who reads a partner's answer, before and after the decision (R21)."""

from typing import Any

import pytest

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory

from ...constants import LawfulBasis, ResponseKind
from ...selectors.responses import items_released_to_agency, responses_for_contact
from ...services.sharing import sharing_decision_record
from ..factories import InformationRequestFactory, PartnerResponseFactory
from .factories_sharing import decide, world

pytestmark = pytest.mark.django_db
POLICE_CONTENT = "Two call-outs to the address in March: verbal argument, no arrests."


def _answered(w: Any) -> Any:
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    return PartnerResponseFactory(request=request, content=POLICE_CONTENT, responded_by=w.police_officer)


def _share(w: Any, response: Any, agency: Any, share: bool = True) -> None:
    sharing_decision_record(
        actor=w.mash_manager,
        contact=w.contact,
        share=share,
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        purpose="So the school nurse can support the child",
        recipient_agency=agency,
        responses=[response],
    )


def _contents(actor: Any, contact: Any) -> list[str]:
    return [v.content for v in responses_for_contact(actor=actor, contact=contact) if v.visible]


def test_mash_roles_read_every_answer_before_and_after_the_decision() -> None:
    """R21: MASH roles see partner contributions before the decision and after."""
    w = world()
    _answered(w)
    assert _contents(w.mash_worker, w.contact) == [POLICE_CONTENT]
    decide(w.contact)
    assert _contents(w.mash_manager, w.contact) == [POLICE_CONTENT]


def test_another_agency_gets_only_the_marker_before_the_decision() -> None:
    """R21: a health user cannot read the police contribution; they get the marker, no content."""
    w = world()
    response = _answered(w)
    _share(w, response, w.health)  # a release does not count until the decision
    views = responses_for_contact(actor=w.health_officer, contact=w.contact)
    assert [(v.visible, v.marker, v.content, v.kind) for v in views] == [
        (False, "Confidential information held by Test Police", "", "")
    ]


def test_after_the_decision_only_what_a_sharing_decision_releases() -> None:
    """R21 with R33: released to health only; the school still gets the marker."""
    w = world()
    response = _answered(w)
    school = AgencyFactory(name="Test School", kind=AgencyKind.SCHOOL)
    school_user = UserFactory(role=Role.REFERRER, agency=school)
    _share(w, response, w.health)
    decide(w.contact)
    assert _contents(w.health_officer, w.contact) == [POLICE_CONTENT]
    assert _contents(school_user, w.contact) == []


def test_a_later_decision_not_to_share_withdraws_the_release() -> None:
    w = world()
    response = _answered(w)
    _share(w, response, w.health)
    _share(w, response, w.health, share=False)
    decide(w.contact)
    assert _contents(w.health_officer, w.contact) == []


def test_a_partner_always_reads_their_own_agencys_answer() -> None:
    w = world()
    _answered(w)
    assert _contents(w.police_officer, w.contact) == [POLICE_CONTENT]
    decide(w.contact)
    assert _contents(w.police_officer, w.contact) == [POLICE_CONTENT]


def test_the_marker_does_not_give_away_a_no_trace() -> None:
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    PartnerResponseFactory(request=request, kind=ResponseKind.NO_TRACE, content="", sensitivity="")
    view = responses_for_contact(actor=w.health_officer, contact=w.contact)[0]
    assert not view.visible
    assert view.kind == ""
    assert view.marker.startswith("Confidential information held by")


def test_a_user_with_no_agency_or_role_sees_only_markers() -> None:
    w = world()
    _answered(w)
    decide(w.contact)
    for actor in (
        UserFactory(role=Role.PERFORMANCE_ANALYST),
        UserFactory(role=Role.SYSADMIN, agency=None),
        None,
    ):
        assert _contents(actor, w.contact) == []


def test_contact_items_follow_the_same_rule() -> None:
    w = world()
    sharing_decision_record(
        actor=w.mash_manager,
        contact=w.contact,
        share=True,
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        purpose="Support in school",
        recipient_agency=w.health,
        fields=["summary", "outcome"],
    )
    assert items_released_to_agency(contact=w.contact, agency_id=w.health.pk) == set()
    decide(w.contact)
    assert items_released_to_agency(contact=w.contact, agency_id=w.health.pk) == {"summary", "outcome"}
    assert items_released_to_agency(contact=w.contact, agency_id=w.police.pk) == set()
