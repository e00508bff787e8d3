"""Emergency access over HTTP: step-up, safe redirects, the IG queue and review (R17, R18, R23)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.access.constants import BreakGlassReason, Level, ReviewOutcome
from safehub.access.models import BreakGlassAccess
from safehub.accounts.constants import Role
from safehub.platform import clock

from ..factories import PERSON, make_break_glass, make_person, restrict

pytestmark = pytest.mark.django_db

REASON = "Police at the door tonight asking whether this child is on a plan."


def emergency_url(person, next_url=""):
    url = reverse("access:break_glass_start", args=[PERSON, person.pk])
    return f"{url}?next={next_url}" if next_url else url


def post_reason(client, url):
    return client.post(url, {"reason_code": BreakGlassReason.IMMEDIATE_RISK, "reason_text": REASON})


def test_emergency_page_needs_fresh_authentication(signed_in, reauthenticate):
    """R17: stale authentication is sent to re-authenticate; fresh authentication reaches the form."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = make_person()
    restrict(person)
    url = emergency_url(person)
    stale = client.get(url)
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("account_reauthenticate"))
    assert post_reason(client, url).status_code == 302
    assert not BreakGlassAccess.objects.exists()
    reauthenticate(client)
    fresh = client.get(url)
    assert fresh.status_code == 200
    assert b"Use emergency access" in fresh.content
    with time_machine.travel(clock.now() + timedelta(minutes=6)):
        assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))


def test_emergency_access_redirects_to_a_safe_next(signed_in, reauthenticate):
    client = signed_in(Role.SOCIAL_WORKER)
    person = make_person()
    restrict(person)
    reauthenticate(client)
    response = post_reason(client, emergency_url(person, f"/people/{person.pk}/"))
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/"
    use = BreakGlassAccess.objects.get()
    assert (use.user, use.object_id) == (client.user, person.pk)


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/steal", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_an_unsafe_next_is_ignored(signed_in, reauthenticate, unsafe):
    client = signed_in(Role.SOCIAL_WORKER)
    person = make_person()
    restrict(person)
    reauthenticate(client)
    response = post_reason(client, emergency_url(person, unsafe))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_a_missing_reason_is_shown_at_the_field(signed_in, reauthenticate):
    """R23: no reason, no access; the form says what to fix."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = make_person()
    restrict(person)
    reauthenticate(client)
    response = client.post(emergency_url(person), {"reason_code": "", "reason_text": "too short"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert 'href="#id_reason_code"' in content
    assert 'href="#id_reason_text"' in content
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.parametrize("case", ["sealed", "unknown type", "unrestricted"])
def test_sealed_unknown_or_unrestricted_is_404(signed_in, reauthenticate, case):
    client = signed_in(Role.SOCIAL_WORKER)
    person = make_person()
    if case == "sealed":
        restrict(person, Level.SEALED)
    reauthenticate(client)
    object_type = "people.unknown" if case == "unknown type" else PERSON
    url = reverse("access:break_glass_start", args=[object_type, person.pk])
    assert client.get(url).status_code == 404
    assert post_reason(client, url).status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_a_role_without_emergency_access_gets_403(signed_in):
    client = signed_in(Role.EARLY_HELP)
    person = make_person()
    restrict(person)
    assert client.get(emergency_url(person)).status_code == 403


def test_information_governance_see_the_queue(signed_in, make_user):
    """R23: the queue shows who, what, when and why for each unreviewed use."""
    client = signed_in(Role.IG_OFFICER)
    worker = make_user(Role.SOCIAL_WORKER, mfa=False, full_name="Priya Olawale")
    person = make_person()
    restrict(person)
    use = make_break_glass(worker, person)
    response = client.get(reverse("access:break_glass_queue"))
    assert response.status_code == 200
    content = response.content.decode()
    for expected in ("Priya Olawale", str(person.pk), use.get_reason_code_display(), use.reason_text[:40]):
        assert expected in content
    assert reverse("access:break_glass_review", args=[use.pk]) in content


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SYSADMIN])
def test_other_roles_get_403_on_the_queue(signed_in, role):
    client = signed_in(role)
    assert client.get(reverse("access:break_glass_queue")).status_code == 403
    assert client.get(reverse("access:break_glass_report")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("access:break_glass_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_review_records_an_outcome_and_leaves_the_queue(signed_in, make_user):
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    restrict(person)
    use = make_break_glass(make_user(Role.SOCIAL_WORKER, mfa=False), person)
    url = reverse("access:break_glass_review", args=[use.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"outcome": ReviewOutcome.NOT_JUSTIFIED, "notes": ""})
    assert missing.status_code == 200
    assert 'href="#id_notes"' in missing.content.decode()
    done = client.post(
        url, {"outcome": ReviewOutcome.NOT_JUSTIFIED, "notes": "No emergency recorded by EDT."}
    )
    assert done.status_code == 302
    use.refresh_from_db()
    assert (use.review_outcome, use.reviewed_by) == (ReviewOutcome.NOT_JUSTIFIED, client.user)
    assert str(use.pk) not in client.get(reverse("access:break_glass_queue")).content.decode()


def test_own_use_cannot_be_reviewed_over_http(signed_in):
    """R23, R26: a reviewer's own use shows no form and a POST is refused."""
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    restrict(person)
    own = make_break_glass(client.user, person)
    url = reverse("access:break_glass_review", args=[own.pk])
    assert b"Another officer must review it" in client.get(url).content
    assert client.post(url, {"outcome": ReviewOutcome.JUSTIFIED, "notes": ""}).status_code == 403
    own.refresh_from_db()
    assert own.review_outcome == ""


def test_monthly_report_page(signed_in, make_user):
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    restrict(person)
    make_break_glass(make_user(Role.SOCIAL_WORKER, mfa=False, full_name="Tomasz Eze"), person)
    month = clock.today().strftime("%Y-%m")
    response = client.get(reverse("access:break_glass_report"), {"month": month})
    assert response.status_code == 200
    assert "Tomasz Eze" in response.content.decode()
    bad = client.get(reverse("access:break_glass_report"), {"month": "2026-13"})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()


def test_queue_query_count_does_not_grow_with_the_list(signed_in, make_user):
    """The queue loads users and agencies with the uses, not one query per row."""
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    restrict(person)
    url = reverse("access:break_glass_queue")
    make_break_glass(make_user(Role.SOCIAL_WORKER, mfa=False), person)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        make_break_glass(make_user(Role.TEAM_MANAGER, mfa=False), person)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert len(five) == len(one)
