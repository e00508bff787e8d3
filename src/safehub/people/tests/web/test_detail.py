"""One person's page: audited once per view, 404 for what the user may not see (R19, R22, R23, R27)."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.tests.factories import PersonFactory, emergency_access, restrict

pytestmark = pytest.mark.django_db


def _url(person_or_id) -> str:
    return reverse("people:detail", args=[getattr(person_or_id, "pk", person_or_id)])


def test_detail_shows_a_summary_list(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(
        given_name="Aled", family_name="Testperson", date_of_birth=date(2015, 3, 14), nhs_number="9434765919"
    )
    html = client.get(_url(person)).content.decode()
    assert "govuk-summary-list" in html
    assert "TESTPERSON, Aled" in html
    assert "14 March 2015" in html
    assert "943 476 5919" in html
    assert reverse("people:edit", args=[person.pk]) in html


def test_each_view_writes_exactly_one_audit_row_without_content(signed_in) -> None:
    """R27: each authorised GET writes one VIEW row naming the actor and the record, and nothing
    the record says (no name, no date of birth, no NHS number)."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(
        given_name="Zephyrine",
        family_name="Quillfeather",
        date_of_birth=date(2015, 3, 14),
        nhs_number="9434765919",
    )
    for expected in (1, 2):
        assert client.get(_url(person)).status_code == 200
        rows = AuditEvent.objects.filter(object_id=str(person.pk))
        assert rows.count() == expected
    event = rows.order_by("-seq").first()
    assert event.verb == Verb.VIEW
    assert event.actor == client.user
    assert event.actor_role == Role.SOCIAL_WORKER
    assert event.object_type == "people.person"
    assert event.channel == "web"
    assert event.request_id
    flat = " ".join(str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().first().values())
    for secret in ("Zephyrine", "Quillfeather", "2015-03-14", "14 March 2015", "9434765919"):
        assert secret not in flat


def test_unknown_id_is_404_and_audits_nothing(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    before = AuditEvent.objects.count()
    assert client.get(_url(uuid.uuid4())).status_code == 404
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("level", [Level.RESTRICTED, Level.SEALED])
def test_a_restricted_person_is_404_like_a_missing_one(signed_in, level) -> None:
    """R19, R22: the same answer as for an id that does not exist, for every role, and no VIEW row."""
    client = signed_in(Role.TEAM_MANAGER)
    person = restrict(PersonFactory(), level)
    missing = client.get(_url(uuid.uuid4()))
    hidden = client.get(_url(person))
    assert hidden.status_code == missing.status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(person.pk), verb=Verb.VIEW).exists()


def test_emergency_access_shows_a_banner(signed_in) -> None:
    """R23: someone in through emergency access is told so on the page."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory()
    restrict(person)
    emergency_access(client.user, person)
    html = client.get(_url(person)).content.decode()
    assert "Emergency access" in html
    assert "through emergency access until" in html
    event = AuditEvent.objects.filter(object_id=str(person.pk), verb=Verb.VIEW).get()
    assert event.purpose == "emergency access"


def test_an_unrestricted_person_has_no_banner(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    html = client.get(_url(PersonFactory())).content.decode()
    assert "Emergency access" not in html
    assert "restricted" not in html.lower()


def test_access_log_link_only_for_those_who_may_see_it(signed_in, client, make_user) -> None:
    person = PersonFactory()
    link = reverse("audit:access_log", args=["people.person", person.pk])
    manager = signed_in(Role.TEAM_MANAGER)
    assert link in manager.get(_url(person)).content.decode()
    client.force_login(make_user(Role.SOCIAL_WORKER))
    assert link not in client.get(_url(person)).content.decode()


@pytest.mark.parametrize(
    "role", [Role.MASH_PARTNER, Role.REFERRER, Role.PERFORMANCE_ANALYST, Role.IG_OFFICER]
)
def test_roles_without_view_people_are_refused(signed_in, role) -> None:
    client = signed_in(role)
    assert client.get(_url(PersonFactory())).status_code == 403


def test_detail_refuses_post(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.post(_url(PersonFactory())).status_code == 405


def test_opening_a_sealed_record_needs_a_fresh_sign_in(signed_in, reauthenticate) -> None:
    """R17, R22: a grant holder confirms who they are before a sealed record opens, and nothing is
    shown (or audited as viewed) until they have."""
    from safehub.access.tests.factories import make_grant

    client = signed_in(Role.TEAM_MANAGER)
    person = PersonFactory()
    make_grant(restrict(person, Level.SEALED), client.user)
    stale = client.get(_url(person))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(object_id=str(person.pk), verb=Verb.VIEW).exists()

    reauthenticate(client)
    assert client.get(_url(person)).status_code == 200
    assert AuditEvent.objects.filter(object_id=str(person.pk), verb=Verb.VIEW).count() == 1


def test_restricted_record_with_a_grant_needs_no_step_up(signed_in) -> None:
    """Only sealed records ask for the step-up; a restricted record opens with its grant alone."""
    from safehub.access.tests.factories import make_grant

    client = signed_in(Role.TEAM_MANAGER)
    person = PersonFactory()
    make_grant(restrict(person, Level.RESTRICTED), client.user)
    assert client.get(_url(person)).status_code == 200
