"""Sending and withdrawing after the security review: people chosen, reasons kept off the audit
trail, restricted contacts, and the decided-contact race (R19, R22, R27, R34)."""

from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from safehub.access.tests.factories import make_grant, restrict
from safehub.accounts.tests.factories import enrol_totp, has_totp
from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import RequestStatus, SubjectRole
from ...models import InformationRequest
from ...policies import information_request_policy
from ...selectors.requests import information_request_get, partner_request_get, requests_panel_for
from ...services.requests import information_request_send, information_request_withdraw
from ..factories import ContactFactory, ContactSubjectFactory
from .factories_sharing import add_adult, asked, world

pytestmark = pytest.mark.django_db
REASON = "Zanzibar: DS Okonkwo phoned the answer through (synthetic)."


def _as(client: Any, user: Any) -> Any:
    if not has_totp(user):
        enrol_totp(user)
    client.force_login(user)
    return client


# --- R34: which people the agency is told about ----------------------------------------------------


def test_by_default_the_agency_is_told_about_the_children_only() -> None:
    """R34: without a choice, the children; never the adults; no addresses."""
    w = world()
    child = w.contact.subjects.get()
    unborn = ContactSubjectFactory(contact=w.contact, role=SubjectRole.UNBORN_CHILD, person=None, details={})
    add_adult(w.contact)
    request = information_request_send(actor=w.mash_worker, contact=w.contact, agency=w.police, question="?")
    assert set(request.subjects.all()) == {child, unborn}
    assert request.include_addresses is False


def test_the_mash_chooses_the_people_and_the_addresses() -> None:
    w = world()
    adult = add_adult(w.contact)
    request = information_request_send(
        actor=w.mash_worker,
        contact=w.contact,
        agency=w.police,
        question="Call-outs?",
        subject_ids=[str(adult.pk)],
        include_addresses=True,
    )
    assert list(request.subjects.all()) == [adult]
    assert request.include_addresses is True
    [shown] = partner_request_get(actor=w.police_officer, id=request.pk).subjects
    assert (shown.family_name, shown.role_label, shown.postcode) == ("Quillfeather", "Adult", "ZZ1 1ZZ")


def test_people_of_another_contact_are_a_field_error() -> None:
    """R34, R19: a subject id from another contact cannot be slipped into the request."""
    w = world()
    stranger = ContactSubjectFactory(contact=ContactFactory())
    with pytest.raises(ValidationError) as caught:
        information_request_send(
            actor=w.mash_worker, contact=w.contact, agency=w.police, question="?", subject_ids=[stranger.pk]
        )
    assert set(caught.value.message_dict) == {"subjects"}
    with pytest.raises(ValidationError) as caught:
        information_request_send(
            actor=w.mash_worker, contact=w.contact, agency=w.police, question="?", subject_ids=[]
        )
    assert set(caught.value.message_dict) == {"subjects"}
    assert not InformationRequest.objects.exists()


def test_the_form_ticks_the_children_and_sends_the_choice(client: Any) -> None:
    """R34 through the page: the children ticked, the adult not, addresses off by default."""
    w = world()
    child = w.contact.subjects.get()
    adult = add_adult(w.contact)
    url = reverse("front_door_sharing:request_new", kwargs={"contact_id": w.contact.pk})
    body = _as(client, w.mash_worker).get(url).content.decode()
    assert f'value="{child.pk}" checked>' in body
    assert f'value="{adult.pk}">' in body
    assert "Include their addresses" in body
    nobody = client.post(url, {"agency": str(w.police.pk), "question": "?"}).content.decode()
    assert "Select at least one person the agency should search for" in nobody
    posted = client.post(
        url,
        {"agency": str(w.police.pk), "question": "?", "subjects": [str(adult.pk)], "include_addresses": "on"},
    )
    assert posted.status_code == 302
    request = InformationRequest.objects.get()
    assert list(request.subjects.all()) == [adult]
    assert request.include_addresses


def test_the_partner_page_shows_neutral_roles_and_no_address_column(client: Any) -> None:
    """R34 on the rendered page: "Adult", never the MASH's suspicion; no address unless included."""
    w = world()
    request = asked(w.contact, w.police, [w.contact.subjects.get(), add_adult(w.contact)])
    body = _as(client, w.police_officer).get(reverse("partner:request", kwargs={"id": request.pk})).content
    text = body.decode()
    assert "Quillfeather" in text
    assert "Adult" in text
    for hidden in ("alleged", "pose a risk", "ZZ9 9ZZ", "1 Test Row", ">Address<"):
        assert hidden not in text


# --- race: a decision recorded while the request is being sent --------------------------------


def test_send_rechecks_the_contact_under_lock() -> None:
    """The caller's contact may be stale: a decision saved since must still stop the request."""
    w = world()
    stale = w.contact
    type(stale).objects.filter(pk=stale.pk).update(status="decided")
    assert stale.is_open  # the object in hand still says open
    with pytest.raises(ValidationError) as caught:
        information_request_send(actor=w.mash_worker, contact=stale, agency=w.police, question="?")
    assert NON_FIELD_ERRORS in caught.value.message_dict
    assert not InformationRequest.objects.exists()


# --- R27: the withdrawal reason lives on the request, not in the audit trail ----------------------


def test_the_withdrawal_reason_is_kept_on_the_request_not_in_the_audit_trail() -> None:
    """R27: typed text never reaches AuditEvent.reason or detail; the event carries a fixed code."""
    w = world()
    request = asked(w.contact, w.police)
    information_request_withdraw(actor=w.mash_worker, request=request, reason=REASON)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert request.withdrawn_reason == REASON
    assert request.withdrawn_by == w.mash_worker
    assert request.withdrawn_at is not None
    event = AuditEvent.objects.get(verb="update", object_id=str(request.pk), section="withdrawn")
    assert event.reason == "withdrawn"
    for row in AuditEvent.objects.all():
        assert "Zanzibar" not in f"{row.reason} {row.detail} {row.purpose} {row.section}"
    panel = requests_panel_for(actor=w.mash_manager, contact=w.contact)
    html = render_to_string("front_door/sharing/_panel.html", {"requests_panel": panel})
    assert REASON in html


def test_sending_again_clears_the_old_withdrawal() -> None:
    w = world()
    request = asked(w.contact, w.police)
    information_request_withdraw(actor=w.mash_worker, request=request, reason=REASON)
    again = information_request_send(actor=w.mash_worker, contact=w.contact, agency=w.police, question="?")
    again.refresh_from_db()
    assert (again.pk, again.status, again.withdrawn_reason, again.withdrawn_by) == (
        request.pk,
        RequestStatus.OPEN,
        "",
        None,
    )


# --- R19, R22: a contact the MASH user is restricted from hides its requests ----------------------


def test_a_restricted_contact_hides_its_requests_from_mash_staff(client: Any) -> None:
    """R19, R22: restricted from the contact means restricted from its requests: no load, no
    withdraw (404), not in the scope; the partner asked keeps their agency's request."""
    w = world()
    request = asked(w.contact, w.police)
    restriction = restrict(w.contact)
    for action in ("view", "manage"):
        assert not information_request_policy.can(w.mash_worker, action, request)
        assert not information_request_policy.scope(w.mash_worker, InformationRequest.objects.all(), action)
        with pytest.raises(NotFoundOrForbidden):
            information_request_get(actor=w.mash_worker, id=request.pk, action=action)
    with pytest.raises(NotFoundOrForbidden):
        information_request_withdraw(actor=w.mash_worker, request=request, reason="Not needed")
    url = reverse("front_door_sharing:request_withdraw", kwargs={"id": request.pk})
    assert _as(client, w.mash_worker).get(url).status_code == 404
    assert client.post(url, {"reason": "Not needed"}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert partner_request_get(actor=w.police_officer, id=request.pk).id == request.pk
    # A grant to the contact opens its requests again.
    make_grant(restriction, w.mash_worker)
    assert information_request_policy.can(w.mash_worker, "manage", request)
    assert information_request_get(actor=w.mash_worker, id=request.pk, action="manage") == request
