"""Contacts from partner systems over the API: submit, retry safely, follow the status (issue 4, item 9)."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.api.constants import Scope
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.front_door.constants import Channel, ContactStatus, DecisionStatus, FeedbackChannel, Outcome
from safehub.front_door.models import Contact, ContactSubject, Decision, ReferrerFeedback

from ..conftest import assert_error

CREATE = reverse("api:contact-create")


def status_url(reference: str) -> str:
    return reverse("api:contact-status", kwargs={"reference": reference})


@pytest.fixture(autouse=True)
def _referral_sources(code_lists: Any) -> None:
    """The real CIN census code lists: the referral source is checked against them."""


@pytest.fixture
def police_key(key_client, make_user):
    """A police system's key: a referrer-role service user of a police agency."""

    def _make(scopes: list[str] | None = None, user: Any = None) -> APIClient:
        police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
        acting = user or make_user(Role.REFERRER, mfa=False, agency=police, full_name="Police system")
        return key_client(
            Role.REFERRER,
            user=acting,
            scopes=[Scope.CONTACTS_WRITE, Scope.CONTACTS_READ] if scopes is None else scopes,
        )

    return _make


def body(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": "police_notification",
        "external_reference": "DA-0001",
        "referrer": {"name": "PC Test Officer", "role": "Response officer", "phone": "01632 960000"},
        "referral_source": "6",
        "summary": "Police called to a verbal argument at the home; two children present.",
        "concerns": ["domestic_abuse"],
        "consent": "not_sought",
        "consent_reason": "Seeking consent could increase the risk to the children.",
        "lawful_basis": "law_enforcement",
        "subjects": [
            {
                "role": "child",
                "given_name": "Amara",
                "family_name": "Testperson",
                "date_of_birth": "2017-05-17",
            },
            {"role": "parent_carer", "given_name": "Jo", "family_name": "Testperson"},
        ],
    }
    payload.update(changes)
    return payload


def post(client: APIClient, payload: dict[str, Any]) -> Any:
    return client.post(CREATE, payload, format="json")


# --- submitting ---------------------------------------------------------------------------------
def test_a_police_notification_is_recorded_for_the_keys_user_and_agency(police_key):
    client = police_key()
    response = post(client, body())
    assert response.status_code == 201, response.content
    data = response.json()
    contact = Contact.objects.get()
    assert data["reference"] == contact.reference
    assert data["id"] == str(contact.pk)
    assert data["status"] == {"code": "received", "text": "Received"}
    assert data["duplicate"] is False
    assert response["Location"] == status_url(contact.reference) == data["status_url"]
    user = client.key.user
    assert contact.channel == Channel.POLICE_NOTIFICATION
    assert contact.submitted_by == user
    assert contact.source_agency == user.agency == contact.referrer_agency
    assert contact.external_reference == "DA-0001"
    assert contact.referrer_name == "PC Test Officer"
    assert contact.lawful_basis == "law_enforcement"
    subjects = {s.role: s.details for s in ContactSubject.objects.filter(contact=contact)}
    assert subjects["child"] == {
        "given_name": "Amara",
        "family_name": "Testperson",
        "date_of_birth": "2017-05-17",
    }
    assert set(contact.concerns.values_list("category", flat=True)) == {"domestic_abuse"}


def test_a_referral_kind_comes_on_the_partner_system_channel(police_key):
    response = post(police_key(), body(kind="referral", external_reference="R-1"))
    assert response.status_code == 201, response.content
    assert Contact.objects.get().channel == Channel.API


def test_a_retry_with_the_same_external_reference_returns_the_first_contact(police_key):
    client = police_key()
    first = post(client, body())
    again = post(client, body(summary="The same message, sent again after a timeout."))
    assert first.status_code == 201
    assert again.status_code == 200, again.content
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["duplicate"] is True
    assert again["Location"] == first["Location"]
    assert Contact.objects.count() == 1
    # The repeat is itself recorded as a read of the first contact.
    assert AuditEvent.objects.filter(verb=Verb.VIEW, section="duplicate submission").count() == 1


def test_the_same_external_reference_from_another_agency_is_another_contact(police_key, key_client):
    post(police_key(), body())
    school = key_client(Role.REFERRER, scopes=[Scope.CONTACTS_WRITE])
    response = post(
        school, body(kind="referral", lawful_basis="public_task_safeguarding", referral_source="2A")
    )
    assert response.status_code == 201, response.content
    assert Contact.objects.count() == 2


def test_the_submission_is_audited_as_a_create_over_the_api(police_key):
    client = police_key()
    post(client, body())
    contact = Contact.objects.get()
    event = AuditEvent.objects.get(verb=Verb.CREATE, object_id=str(contact.pk))
    assert event.channel == "api"
    assert event.actor_id == client.key.user_id


# --- bad input: every problem at its field, nothing saved ---------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"concerns": []}, "concerns"),
        ({"concerns": ["not_a_concern"]}, "concerns.0"),
        ({"consent": "maybe"}, "consent"),
        ({"consent_reason": ""}, "consent_reason"),
        ({"referral_source": "ZZ"}, "referral_source"),
        ({"external_reference": ""}, "external_reference"),
        ({"lawful_basis": "because"}, "lawful_basis"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2099-01-01T00:00:00Z"}, "received_at"),
        ({"subjects": [{"role": "sibling", "family_name": "X"}]}, "subjects.0.role"),
        (
            {"subjects": [{"role": "child", "family_name": "Testperson", "date_of_birth": "2017-02-30"}]},
            "subjects.0.date_of_birth",
        ),
        ({"subjects": [{"role": "child", "nhs_number": "1234567890"}]}, "subjects.0.nhs_number"),
        ({"subjects": [{"role": "child", "family_name": "Testperson", "sex": "X"}]}, "subjects.0.sex"),
        ({"subjects": [{"role": "parent_carer", "family_name": "Testperson"}]}, "subjects"),
        ({"subjects": [{"role": "unborn_child"}]}, "subjects.0.expected_date_of_birth"),
        ({"referrer": {"email": "not-an-email"}}, "referrer.email"),
    ],
)
def test_a_bad_field_is_refused_at_that_field_and_nothing_is_saved(police_key, changes, field):
    response = post(police_key(), body(**changes))
    error = assert_error(response, 400, "validation_error")
    assert field in error["fields"], error["fields"]
    assert Contact.objects.count() == 0
    assert not AuditEvent.objects.filter(verb=Verb.CREATE, object_type="front_door.contact").exists()


def test_every_problem_the_service_finds_comes_back_at_once(police_key):
    payload = body(
        concerns=[],
        consent_reason="",
        referral_source="ZZ",
        subjects=[{"role": "child", "given_name": "A", "date_of_birth": "2099-01-01"}],
    )
    error = assert_error(post(police_key(), payload), 400, "validation_error")
    assert {"concerns", "consent_reason", "referral_source", "subjects.0.date_of_birth"} <= set(
        error["fields"]
    )


def test_an_unborn_child_or_a_reason_makes_a_contact_without_a_named_child_acceptable(police_key):
    client = police_key()
    unborn = post(
        client,
        body(
            external_reference="U-1",
            subjects=[{"role": "unborn_child", "expected_date_of_birth": "2027-03-01"}],
        ),
    )
    assert unborn.status_code == 201, unborn.content
    reason = post(
        client,
        body(
            external_reference="U-2",
            subjects=[],
            child_not_identified_reason="Children seen at the address; names not known.",
        ),
    )
    assert reason.status_code == 201, reason.content


def test_only_a_police_agency_may_use_law_enforcement_processing(key_client):
    school = key_client(Role.REFERRER, scopes=[Scope.CONTACTS_WRITE])
    error = assert_error(post(school, body(kind="referral", referral_source="2A")), 400, "validation_error")
    assert "lawful_basis" in error["fields"]


def test_only_a_police_agency_may_send_a_police_notification(key_client):
    """R24: the API checks what the staff form does; only a police key uses the police channel."""
    school = key_client(Role.REFERRER, scopes=[Scope.CONTACTS_WRITE])
    payload = body(kind="police_notification", lawful_basis="public_task_safeguarding", referral_source="2A")
    error = assert_error(post(school, payload), 400, "validation_error")
    assert "police agency" in " ".join(error["fields"]["kind"])
    assert Contact.objects.count() == 0
    referral = post(
        school, body(kind="referral", lawful_basis="public_task_safeguarding", referral_source="2A")
    )
    assert referral.status_code == 201, referral.content
    assert Contact.objects.get().channel == Channel.API


@pytest.mark.parametrize(
    ("received_at", "accepted"),
    [
        (timedelta(days=8), False),
        (timedelta(days=400), False),
        (timedelta(days=6, hours=23), True),
        (timedelta(minutes=-10), False),  # in the future
    ],
)
def test_received_at_cannot_be_backdated_beyond_seven_days_or_set_ahead(police_key, received_at, accepted):
    """R52: received_at starts every clock (and the dashboard's timeliness); a key must not
    back-date a contact past the week, or date it ahead."""
    when = (timezone.now() - received_at).isoformat()
    response = post(police_key(), body(received_at=when))
    if accepted:
        assert response.status_code == 201, response.content
        return
    error = assert_error(response, 400, "validation_error")
    assert "received_at" in error["fields"]
    assert Contact.objects.count() == 0


def test_malformed_and_hostile_bodies_never_fail_the_server(police_key):
    client = police_key()
    hostile: list[Any] = [
        None,
        True,
        0,
        -1,
        2**63,
        "",
        "x" * 30_000,
        "\x00",
        "<script>",
        [],
        ["a"],
        {},
        {"a": [1]},
    ]
    for field in body():
        for value in hostile:
            response = client.post(
                CREATE, json.dumps(body(**{field: value})), content_type="application/json"
            )
            assert response.status_code < 500, (field, value, response.content[:300])
    for raw in (b"", b"{", b"null", b"[]", b"\xff"):
        assert client.post(CREATE, raw, content_type="application/json").status_code == 400


# --- who may send -------------------------------------------------------------------------------
def test_no_credentials_is_401():
    assert_error(APIClient().post(CREATE, body(), format="json"), 401, "not_authenticated")


def test_a_key_without_the_write_scope_is_403(police_key):
    response = post(police_key(scopes=[Scope.CONTACTS_READ]), body())
    assert_error(response, 403, "permission_denied")
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.MASH_PARTNER, Role.MASH_MANAGER, Role.PERFORMANCE_ANALYST]
)
def test_a_key_whose_user_does_not_submit_referrals_is_403(key_client, role):
    response = post(key_client(role, scopes=[Scope.CONTACTS_WRITE]), body())
    assert_error(response, 403, "permission_denied")


# --- following the status -----------------------------------------------------------------------
def test_the_sender_reads_the_status_and_the_read_is_audited(police_key):
    client = police_key()
    reference = post(client, body()).json()["reference"]
    response = client.get(status_url(reference))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data == {
        "reference": reference,
        "received_at": data["received_at"],
        "status": {"code": "received", "text": "Received"},
        "decided_at": None,
        "feedback": None,
    }
    contact = Contact.objects.get()
    event = AuditEvent.objects.get(verb=Verb.VIEW, object_id=str(contact.pk), section="status")
    assert event.channel == "api"


def test_once_decided_the_status_carries_the_feedback_and_nothing_else(police_key, make_user):
    client = police_key()
    reference = post(client, body()).json()["reference"]
    contact = Contact.objects.get()
    manager = make_user(Role.MASH_MANAGER)
    decision = Decision.objects.create(
        contact=contact,
        outcome=Outcome.ASSESSMENT,
        rationale="SECRET RATIONALE: police intelligence shows repeated incidents.",
        status=DecisionStatus.AUTHORISED,
        proposed_by=manager,
        authorised_by=manager,
        updated_by=manager,
    )
    ReferrerFeedback.objects.create(
        contact=contact,
        decision=decision,
        channel=FeedbackChannel.PORTAL,
        subject=f"Your referral {reference}",
        body="Children's social care will carry out an assessment.",
    )
    Contact.objects.filter(pk=contact.pk).update(
        status=ContactStatus.DECIDED,
        outcome=Outcome.ASSESSMENT,
        decided_at=contact.received_at,
        rag="red",
        rag_due_at=contact.decision_due_at,
    )
    data = client.get(status_url(reference)).json()
    assert data["status"] == {"code": "decided", "text": "Decision made"}
    assert data["decided_at"] is not None
    assert data["feedback"] == {
        "subject": f"Your referral {reference}",
        "body": "Children's social care will carry out an assessment.",
    }
    text = json.dumps(data)
    assert "SECRET" not in text
    assert "red" not in text.lower().replace("received", "")
    assert "outcome" not in data
    assert "rag" not in data


def test_another_keys_contact_is_404_like_one_that_does_not_exist(police_key, key_client):
    reference = post(police_key(), body()).json()["reference"]
    other = key_client(Role.REFERRER, scopes=[Scope.CONTACTS_READ])
    assert_error(other.get(status_url(reference)), 404, "not_found")
    assert_error(other.get(status_url("MASH-2026-999999")), 404, "not_found")
    assert not AuditEvent.objects.filter(verb=Verb.VIEW, section="status").exists()


def test_reading_the_status_needs_the_read_scope(police_key):
    client = police_key(scopes=[Scope.CONTACTS_WRITE])
    reference = post(client, body()).json()["reference"]
    assert_error(client.get(status_url(reference)), 403, "permission_denied")


def test_a_mash_key_cannot_read_the_status_endpoint(police_key, key_client):
    reference = post(police_key(), body()).json()["reference"]
    assert_error(key_client(Role.MASH_MANAGER).get(status_url(reference)), 403, "permission_denied")


# --- the schema ---------------------------------------------------------------------------------
def test_both_operations_are_in_the_schema_with_their_scopes(session_client):
    schema = session_client(Role.SOCIAL_WORKER).get("/api/v1/schema/").json()
    validate_schema(schema)
    create = schema["paths"]["/api/v1/contacts"]["post"]
    status = schema["paths"]["/api/v1/contacts/{reference}/status"]["get"]
    assert create["x-api-key-scopes"] == ["contacts:write"]
    assert status["x-api-key-scopes"] == ["contacts:read"]
    assert {"200", "201", "400", "401", "403", "500"} <= set(create["responses"])
    assert {"200", "401", "403", "404", "500"} <= set(status["responses"])
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert status["responses"]["200"]["content"]["application/json"]["examples"]
    status_schema = schema["components"]["schemas"]["ContactStatusOutput"]
    assert set(status_schema["properties"]) == {
        "reference",
        "received_at",
        "status",
        "decided_at",
        "feedback",
    }
