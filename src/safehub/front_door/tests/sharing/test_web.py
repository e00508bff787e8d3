"""The sharing pages over HTTP: the MASH's forms, the partner's inbox and answer page (R18, R19, R21)."""

from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import enrol_totp, has_totp

from ...constants import LawfulBasis, RequestStatus, ResponseKind, Sensitivity
from ...models import InformationRequest, PartnerResponse, SharingDecision
from ..factories import InformationRequestFactory, PartnerResponseFactory
from .factories_sharing import SUMMARY, asked, decide, world

pytestmark = pytest.mark.django_db
POLICE_CONTENT = "Two call-outs to the address in March: verbal argument, no arrests."


def _as(client: Any, user: Any) -> Any:
    if not has_totp(user):
        enrol_totp(user)  # R7: every signed-in user has a second factor
    client.force_login(user)
    return client


def test_staff_send_a_request(client: Any) -> None:
    w = world()
    url = reverse("front_door_sharing:request_new", kwargs={"contact_id": w.contact.pk})
    page = _as(client, w.mash_worker).get(url)
    assert page.status_code == 200
    assert "Test Police" in page.content.decode()
    child = w.contact.subjects.get()
    response = client.post(
        url, {"agency": str(w.police.pk), "question": "Any call-outs?", "subjects": [str(child.pk)]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("front_door:contact", kwargs={"id": w.contact.pk})
    assert InformationRequest.objects.get().agency == w.police


def test_the_request_form_shows_errors_at_the_fields(client: Any) -> None:
    w = world()
    url = reverse("front_door_sharing:request_new", kwargs={"contact_id": w.contact.pk})
    body = _as(client, w.mash_worker).post(url, {"agency": "", "question": ""}).content.decode()
    assert "There is a problem" in body
    assert "Select a partner agency" in body
    assert "Enter what you need to know from the agency" in body


def test_withdraw(client: Any) -> None:
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    url = reverse("front_door_sharing:request_withdraw", kwargs={"id": request.pk})
    assert _as(client, w.mash_worker).get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Answered by phone"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_record_a_sharing_decision(client: Any) -> None:
    w = world()
    response = PartnerResponseFactory(request=InformationRequestFactory(contact=w.contact, agency=w.police))
    url = reverse("front_door_sharing:sharing_new", kwargs={"contact_id": w.contact.pk})
    page = _as(client, w.mash_manager).get(url)
    assert page.status_code == 200
    body = client.post(url, {"share": "no"}).content.decode()
    assert "Select the lawful basis" in body
    assert "Select the agency, or describe the recipient" in body
    posted = client.post(
        url,
        {
            "share": "yes",
            "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
            "purpose": "Health visiting",
            "recipient_agency": str(w.health.pk),
            "responses": [str(response.pk)],
            "items": ["summary"],
        },
    )
    assert posted.status_code == 302
    decision = SharingDecision.objects.get()
    assert decision.share
    assert decision.fields == ["summary"]
    assert list(decision.responses.all()) == [response]


def test_staff_pages_refuse_other_roles(client: Any) -> None:
    """R18: deny by default: a partner or a MASH worker on the manager's page gets a 403."""
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    urls = [
        reverse("front_door_sharing:request_new", kwargs={"contact_id": w.contact.pk}),
        reverse("front_door_sharing:request_withdraw", kwargs={"id": request.pk}),
        reverse("front_door_sharing:sharing_new", kwargs={"contact_id": w.contact.pk}),
    ]
    _as(client, w.police_officer)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    _as(client, w.mash_worker)
    assert client.get(urls[2]).status_code == 403


def test_partner_answers_and_never_sees_the_contact(client: Any) -> None:
    """The partner page holds no summary, concerns or referrer; the answer is saved."""
    w = world()
    request = asked(w.contact, w.police)
    url = reverse("partner:request", kwargs={"id": request.pk})
    page = _as(client, w.police_officer).get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Vexley" in body
    assert request.question in body
    assert SUMMARY not in body
    assert "Quentin" not in body
    inbox = client.get(reverse("partner:inbox")).content.decode()
    assert w.contact.reference in inbox
    assert SUMMARY not in inbox
    error = client.post(url, {"kind": ResponseKind.INFORMATION}).content.decode()
    assert "Enter the information your agency is sharing" in error
    done = client.post(
        url,
        {"kind": ResponseKind.INFORMATION, "content": POLICE_CONTENT, "sensitivity": Sensitivity.OFFICIAL},
    )
    assert done.status_code == 302
    assert PartnerResponse.objects.get().content == POLICE_CONTENT
    assert POLICE_CONTENT in client.get(url).content.decode()


def test_another_agencys_request_is_404_on_get_and_post(client: Any) -> None:
    """R18, R19: a partner answering a request that is not theirs gets a 404, nothing saved."""
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    url = reverse("partner:request", kwargs={"id": request.pk})
    _as(client, w.health_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": ResponseKind.NO_TRACE}).status_code == 404
    assert not PartnerResponse.objects.exists()
    assert request.question not in client.get(reverse("partner:inbox")).content.decode()


def test_partner_pages_refuse_staff_and_anonymous(client: Any, make_user: Any) -> None:
    """R18: the partner pages need ANSWER_REQUESTS."""
    w = world()
    assert client.get(reverse("partner:inbox")).status_code == 302
    _as(client, make_user(Role.MASH_MANAGER))
    assert client.get(reverse("partner:inbox")).status_code == 403
    del w


def test_health_sees_the_marker_on_the_own_answer_page_only_for_police(client: Any) -> None:
    """R21 through the partner page: health's own answer shows; police content never does."""
    w = world()
    PartnerResponseFactory(
        request=InformationRequestFactory(contact=w.contact, agency=w.police),
        content=POLICE_CONTENT,
        responded_by=w.police_officer,
    )
    health_request = InformationRequestFactory(contact=w.contact, agency=w.health)
    decide(w.contact)
    body = (
        _as(client, w.health_officer)
        .get(reverse("partner:request", kwargs={"id": health_request.pk}))
        .content
    )
    assert POLICE_CONTENT not in body.decode()


def test_the_panel_shows_content_to_mash_and_markers_elsewhere() -> None:
    """R21 through the contact page's panel (rendered as the contact page includes it)."""
    from django.template.loader import render_to_string

    from ...selectors.requests import requests_panel_for

    w = world()
    PartnerResponseFactory(
        request=InformationRequestFactory(contact=w.contact, agency=w.police),
        content=POLICE_CONTENT,
        responded_by=w.police_officer,
    )
    panel = requests_panel_for(actor=w.mash_manager, contact=w.contact)
    html = render_to_string("front_door/sharing/_panel.html", {"requests_panel": panel})
    assert POLICE_CONTENT in html
    assert "Record a sharing decision" in html
    from ...models import PartnerResponse as Model
    from ...selectors.responses import response_views

    views = response_views(
        actor=w.health_officer,
        contact=w.contact,
        responses=Model.objects.select_related("request__agency", "responded_by"),
    )
    assert [v.marker for v in views] == ["Confidential information held by Test Police"]


def test_the_contact_page_includes_the_panel(client: Any) -> None:
    """The staff-UI helper's contact page renders this panel through the R21 selector."""
    w = world()
    PartnerResponseFactory(
        request=InformationRequestFactory(contact=w.contact, agency=w.police),
        content=POLICE_CONTENT,
        responded_by=w.police_officer,
    )
    body = (
        _as(client, w.mash_manager)
        .get(reverse("front_door:contact", kwargs={"id": w.contact.pk}))
        .content.decode()
    )
    assert "Information from partner agencies" in body
    assert POLICE_CONTENT in body
