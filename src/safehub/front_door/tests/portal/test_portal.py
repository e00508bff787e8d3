"""The professional referral portal (issue 4, item 2)."""

from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent

from ...constants import Channel, ContactStatus, LawfulBasis, Outcome, SubjectRole
from ...models import Contact
from ...services.decision import decision_authorise
from ..decision.factories_decision import proposed_decision
from ..factories import (
    ContactFactory,
    ContactSubjectFactory,
    InformationRequestFactory,
    PartnerResponseFactory,
)

pytestmark = pytest.mark.django_db

PARTNER_SECRET = "Police intelligence about the stepfather (test)"


def _form(**overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "referrer_name": "Imogen Testwell",
        "referrer_role": "Designated safeguarding lead",
        "referrer_phone": "01632 960123",
        "referrer_email": "dsl@school.example.test",
        "identity_withheld": "no",
        "child_0_given_name": "Poppy",
        "child_0_family_name": "Farthingale",
        "child_0_date_of_birth_day": "4",
        "child_0_date_of_birth_month": "3",
        "child_0_date_of_birth_year": "2016",
        "child_0_sex": "F",
        "child_0_postcode": "SW1A 1AA",
        "adult_0_role": SubjectRole.PARENT_CARER,
        "adult_0_given_name": "Gareth",
        "adult_0_family_name": "Farthingale",
        "concerns": ["neglect", "domestic_abuse"],
        "summary": "Poppy came to school hungry three days running and said her dad shouted.",
        "consent": "given",
    }
    data.update(overrides)
    return data


@pytest.fixture
def referrer(signed_in: Any) -> Any:
    return signed_in(Role.REFERRER)


def _own(client: Any, **kw: Any) -> Contact:
    return ContactFactory(submitted_by=client.user, channel=Channel.PORTAL, **kw)


# --- the form -----------------------------------------------------------------------------------
def test_a_referral_is_made_and_acknowledged_with_its_reference(referrer: Any) -> None:
    response = referrer.post(reverse("portal:referral_new"), _form())
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:acknowledgement", kwargs={"id": contact.pk})
    assert contact.channel == Channel.PORTAL
    assert contact.submitted_by == referrer.user
    assert contact.referral_source == "2A"  # a school
    assert contact.lawful_basis == LawfulBasis.PUBLIC_TASK_SAFEGUARDING
    assert contact.referrer_agency == referrer.user.agency
    assert contact.referrer_email == "dsl@school.example.test"
    subjects = {(s.role, s.details.get("given_name")) for s in contact.subjects.all()}
    assert subjects == {(SubjectRole.CHILD, "Poppy"), (SubjectRole.PARENT_CARER, "Gareth")}
    child = contact.subjects.get(role=SubjectRole.CHILD)
    assert child.details["date_of_birth"] == "2016-03-04"
    assert child.person is None  # the MASH links people at screening; a referrer cannot search
    page = referrer.get(response["Location"])
    assert page.status_code == 200
    assert contact.reference in page.content.decode()


def test_an_unborn_child_needs_its_expected_date(referrer: Any) -> None:
    form = _form(
        child_0_given_name="",
        child_0_date_of_birth_day="",
        child_0_date_of_birth_month="",
        child_0_date_of_birth_year="",
        child_0_unborn="on",
    )
    response = referrer.post(reverse("portal:referral_new"), form)
    assert response.status_code == 200
    assert "Enter the expected date of birth" in response.content.decode()
    assert not Contact.objects.exists()


def test_form_errors_are_shown_at_the_field_and_in_the_summary(referrer: Any) -> None:
    response = referrer.post(
        reverse("portal:referral_new"),
        _form(
            child_0_given_name="",
            child_0_family_name="",
            child_0_date_of_birth_day="",
            child_0_date_of_birth_month="",
            child_0_date_of_birth_year="",
            child_0_postcode="",
            summary="",
            consent="refused",
            concerns=[],
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'href="#id_child_0_family_name"' in html
    assert 'id="id_child_0_family_name-error"' in html
    assert ('href="#id_summary"' in html and 'href="#id_concerns_0"' in html) or 'href="#id_concerns"' in html
    assert "Error: Make a referral" in html
    assert not Contact.objects.exists()


def test_the_services_errors_come_back_at_the_row_they_belong_to(referrer: Any) -> None:
    """The service keys errors by subject index; the page puts them at the row on the page."""
    form = _form(
        consent="not_sought",
        child_1_given_name="Bea",
        child_1_family_name="Farthingale",
        child_1_nhs_number="1234567890",
    )
    response = referrer.post(reverse("portal:referral_new"), form)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_child_1_nhs_number-error"' in html
    assert 'id="id_consent_reason-error"' in html
    assert not Contact.objects.exists()


def test_a_child_not_yet_identified_needs_a_reason(referrer: Any) -> None:
    empty = {
        f"child_0_{k}": ""
        for k in (
            "given_name",
            "family_name",
            "date_of_birth_day",
            "date_of_birth_month",
            "date_of_birth_year",
            "postcode",
        )
    }
    response = referrer.post(reverse("portal:referral_new"), _form(child_not_identified="on", **empty))
    assert 'id="id_child_not_identified_reason-error"' in response.content.decode()
    response = referrer.post(
        reverse("portal:referral_new"),
        _form(
            child_not_identified="on",
            child_not_identified_reason="A toddler seen alone at the flat.",
            **empty,
        ),
    )
    assert response.status_code == 302
    assert Contact.objects.get().child_not_identified_reason == "A toddler seen alone at the flat."


def test_the_form_is_prefilled_from_the_account(referrer: Any) -> None:
    html = referrer.get(reverse("portal:referral_new")).content.decode()
    assert referrer.user.email in html
    assert "lawful" not in html.lower()  # the MASH records the basis, not the referrer


# --- seeing one's own referrals -----------------------------------------------------------------
def test_the_list_shows_only_the_referrers_own_referrals_newest_first(
    referrer: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    """R19: a referrer sees nothing but what they submitted."""
    from datetime import timedelta

    from safehub.platform import clock

    older = _own(referrer, received_at=clock.now() - timedelta(days=3))
    newer = _own(referrer, status=ContactStatus.DECIDED)
    other = ContactFactory(submitted_by=make_user(Role.REFERRER, mfa=False))
    staff = ContactFactory()
    for _ in range(5):
        _own(referrer, received_at=clock.now() - timedelta(days=10))
    with django_assert_max_num_queries(20):  # ~13 are sign-in, session and MFA middleware
        response = referrer.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(newer.reference) < html.index(older.reference)
    assert other.reference not in html
    assert staff.reference not in html
    assert "Decision made" in html
    assert "Received" in html
    assert AuditEvent.objects.filter(verb="list", object_type="front_door.contact", section="portal").exists()


def test_the_list_query_count_does_not_grow(referrer: Any, django_assert_max_num_queries: Any) -> None:
    _own(referrer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        referrer.get(reverse("portal:home"))
    for _ in range(10):
        _own(referrer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        referrer.get(reverse("portal:home"))


@pytest.mark.parametrize("name", ["portal:referral", "portal:acknowledgement"])
def test_another_referrers_referral_is_not_found(referrer: Any, make_user: Any, name: str) -> None:
    """R18/R19: the same 404 for someone else's referral as for one that does not exist."""
    other = ContactFactory(submitted_by=make_user(Role.REFERRER, mfa=False))
    assert referrer.get(reverse(name, kwargs={"id": other.pk})).status_code == 404
    staff_recorded = ContactFactory()
    assert referrer.get(reverse(name, kwargs={"id": staff_recorded.pk})).status_code == 404


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.MASH_PARTNER, Role.SOCIAL_WORKER])
def test_the_portal_is_for_referrers_only(signed_in: Any, role: str) -> None:
    client = signed_in(role)
    contact = ContactFactory(submitted_by=client.user)
    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:referral_new")).status_code == 403
    assert client.get(reverse("portal:referral", kwargs={"id": contact.pk})).status_code == 403


def test_a_referral_shows_status_children_and_the_feedback_and_nothing_else(
    referrer: Any, make_user: Any
) -> None:
    """R21: no RAG, no rationale, no partner content, no people the MASH added."""
    contact = _own(
        referrer,
        rag="red",
        rag_due_at=ContactFactory().received_at,
        status=ContactStatus.IN_PROGRESS,
        referrer_email="",
    )
    ContactSubjectFactory(contact=contact, details={"given_name": "Poppy", "family_name": "Farthingale"})
    PartnerResponseFactory(request=InformationRequestFactory(contact=contact), content=PARTNER_SECRET)
    url = reverse("portal:referral", kwargs={"id": contact.pk})
    html = referrer.get(url).content.decode()
    assert "Being looked at" in html
    assert "Poppy Farthingale" in html
    assert "has not made a decision yet" in html

    added_later = ContactSubjectFactory(
        contact=contact,
        role=SubjectRole.OTHER_ADULT,
        details={"given_name": "Secretive", "family_name": "Stepfather"},
    )
    type(added_later).objects.filter(pk=added_later.pk).update(
        created_at=contact.created_at + __import__("datetime").timedelta(hours=2)
    )
    decision = proposed_decision(contact, outcome=Outcome.ASSESSMENT)
    decision_authorise(
        actor=make_user(Role.MASH_MANAGER, mfa=False),
        decision=decision,
        expected_version=decision.version,
        comment="Manager-only remark",
    )
    html = referrer.get(url).content.decode()
    assert "Decision made" in html
    assert "an assessment by children&#x27;s social care" in html or "assessment" in html
    for hidden in [decision.rationale, "Manager-only remark", PARTNER_SECRET, "Stepfather", "Red", "red"]:
        assert hidden not in html, hidden
    assert AuditEvent.objects.filter(verb="view", object_id=str(contact.pk), section="portal").count() == 2
