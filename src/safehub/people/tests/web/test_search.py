"""Searching for people over HTTP: POST only, capped, specific enough, scoped (R4, R19, R22, R45)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.constants import SEARCH_RESULT_CAP
from safehub.people.tests.factories import PersonFactory, restrict

pytestmark = pytest.mark.django_db
URL = reverse("people:search")


DETAIL_LINK = re.compile(r'href="/people/[0-9a-f-]{36}/"')


def _post(client, **data: str):
    return client.post(URL, data)


def _result_links(html: str) -> int:
    return len(DETAIL_LINK.findall(html))


def test_get_shows_the_form_and_writes_no_audit(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    before = AuditEvent.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="family_name"' in response.content
    assert b'name="date_of_birth_day"' in response.content
    assert AuditEvent.objects.count() == before


def test_search_by_family_and_given_name_lists_matches_with_links(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    match = PersonFactory(
        given_name="Aled", family_name="Testperson", date_of_birth=date(2015, 3, 14), nhs_number="9434765919"
    )
    PersonFactory(given_name="Bethan", family_name="Testperson")
    PersonFactory(given_name="Aled", family_name="Otherperson")
    response = _post(client, family_name="testperson", given_name="Al")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 person found" in html
    assert reverse("people:detail", args=[match.pk]) in html
    assert "TESTPERSON, Aled" in html
    assert "14 March 2015" in html
    assert "943 476 5919" in html  # 3-3-4, as the NHS prints it
    assert "Bethan" not in html
    assert "Otherperson" not in html


def test_search_by_nhs_number_with_spaces(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(nhs_number="9434765919")
    response = _post(client, nhs_number="943 476 5919")
    assert reverse("people:detail", args=[person.pk]) in response.content.decode()


def test_search_by_family_name_and_date_of_birth(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(family_name="Testperson", date_of_birth=date(2015, 3, 14))
    PersonFactory(family_name="Testperson", date_of_birth=date(2016, 3, 14))
    response = _post(
        client,
        family_name="Testperson",
        date_of_birth_day="14",
        date_of_birth_month="3",
        date_of_birth_year="2015",
    )
    html = response.content.decode()
    assert "1 person found" in html
    assert reverse("people:detail", args=[person.pk]) in html


def test_results_are_capped_with_a_message_to_add_detail(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    PersonFactory.create_batch(SEARCH_RESULT_CAP + 3, given_name="Aled", family_name="Testperson")
    response = _post(client, family_name="Testperson", given_name="Aled")
    html = response.content.decode()
    assert f"Showing the first {SEARCH_RESULT_CAP}" in html
    assert "add more detail" in html
    assert _result_links(html) == SEARCH_RESULT_CAP


def test_results_under_the_cap_carry_no_truncation_message(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    PersonFactory.create_batch(3, given_name="Aled", family_name="Testperson")
    html = _post(client, family_name="Testperson", given_name="Aled").content.decode()
    assert "3 people found" in html
    assert "Showing the first" not in html


def test_not_specific_enough_is_an_error_summary_and_no_search(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    before = AuditEvent.objects.filter(verb=Verb.LIST).count()
    response = _post(client, family_name="Testperson")
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a family name with a given name or date of birth, or an NHS number" in html
    assert AuditEvent.objects.filter(verb=Verb.LIST).count() == before


def test_invalid_nhs_number_is_a_field_error_linked_from_the_summary(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    html = _post(client, nhs_number="943 476 5918").content.decode()
    assert '<a href="#id_nhs_number">Enter a valid NHS number</a>' in html
    assert 'id="id_nhs_number-error"' in html


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("14", "3", ""), "Date of birth must include a year"),
        (("30", "2", "2015"), "Date of birth must be a real date"),
        (("1", "1", "2999"), "Date of birth must be today or in the past"),
    ],
)
def test_date_of_birth_errors_are_shown_at_the_field(signed_in, parts, message) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    day, month, year = parts
    response = _post(
        client,
        family_name="Testperson",
        date_of_birth_day=day,
        date_of_birth_month=month,
        date_of_birth_year=year,
    )
    html = response.content.decode()
    assert f'<a href="#id_date_of_birth">{message}</a>' in html
    assert "govuk-form-group--error" in html
    # What was typed is shown again, so the user can correct it.
    if year:
        assert f'value="{year}"' in html


def test_search_result_set_is_audited_by_id_only(signed_in) -> None:
    """R27: the search is audited with the ids of the results, and none of their content."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(given_name="Aled", family_name="Testperson")
    _post(client, family_name="Testperson", given_name="Aled")
    event = AuditEvent.objects.filter(verb=Verb.LIST, actor=client.user).get()
    assert event.detail["result_ids"] == [str(person.pk)]
    assert "Testperson" not in str(event.__dict__)


def test_personal_data_never_reaches_a_url(signed_in) -> None:
    """R4: the search posts to a fixed address and answers in place; nothing typed is in a URL."""
    client = signed_in(Role.SOCIAL_WORKER)
    person = PersonFactory(
        given_name="Aled", family_name="Testperson", date_of_birth=date(2015, 3, 14), nhs_number="9434765919"
    )
    response = _post(
        client,
        family_name="Testperson",
        date_of_birth_day="14",
        date_of_birth_month="3",
        date_of_birth_year="2015",
    )
    assert response.status_code == 200  # answered in place: no redirect carrying criteria
    html = response.content.decode()
    assert re.search(r'<form method="post" action="/people/"', html)
    urls = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert urls
    for url in urls:
        assert "Testperson" not in url
        assert "testperson" not in url.lower()
        assert "2015" not in url
        assert "9434765919" not in url
        assert "943 476" not in url
    assert reverse("people:detail", args=[person.pk]) in urls


def test_restricted_people_do_not_appear_even_to_emergency_access_roles(signed_in) -> None:
    """R22: a restricted or sealed namesake is left out, and the count is the same as without it."""
    client = signed_in(Role.TEAM_MANAGER)  # holds BREAK_GLASS
    ordinary = PersonFactory(given_name="Aled", family_name="Testperson")
    restrict(PersonFactory(given_name="Aled", family_name="Testperson"))
    restrict(PersonFactory(given_name="Aled", family_name="Testperson"), Level.SEALED)
    html = _post(client, family_name="Testperson", given_name="Aled").content.decode()
    assert "1 person found" in html
    assert _result_links(html) == 1
    assert reverse("people:detail", args=[ordinary.pk]) in html


@pytest.mark.parametrize("role", [Role.MASH_PARTNER, Role.REFERRER, Role.IG_OFFICER, Role.SYSADMIN])
def test_roles_without_view_people_are_refused(signed_in, role) -> None:
    client = signed_in(role)
    assert client.get(URL).status_code == 403
    assert _post(client, nhs_number="9434765919").status_code == 403


def test_anonymous_is_sent_to_sign_in(client) -> None:
    response = client.post(URL, {"nhs_number": "9434765919"})
    assert response.status_code == 302
    assert "9434765919" not in response["Location"]
