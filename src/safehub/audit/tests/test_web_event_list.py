"""The audit trail search for information governance (R27, R29): filters, paging, bounded queries."""

import re
import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.selectors import PAGE_SIZE
from safehub.audit.services import record_event

pytestmark = pytest.mark.django_db
URL = reverse("audit:event_list")


def _rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S)


@pytest.fixture
def trail(make_user):
    """Events by two staff members over three days, on two records."""
    alice = make_user(Role.SOCIAL_WORKER, email="alice@example.test", full_name="Alice Example")
    bob = make_user(Role.TEAM_MANAGER, email="bob@example.test", full_name="Bob Example")
    record_a, record_b = uuid.uuid4(), uuid.uuid4()
    for day, actor, verb, record in (
        (1, alice, Verb.VIEW, record_a),
        (2, alice, Verb.UPDATE, record_a),
        (2, bob, Verb.VIEW, record_b),
        (3, bob, Verb.EXPORT, record_b),
    ):
        with time_machine.travel(datetime(2026, 3, day, 12, tzinfo=UTC), tick=False):
            record_event(actor=actor, verb=verb, object_type="people.person", object_id=record)
    return {"alice": alice, "bob": bob, "a": record_a, "b": record_b}


def test_ig_sees_every_event_newest_first(signed_in, trail) -> None:
    client = signed_in(Role.IG_OFFICER)
    response = client.get(URL)
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    assert len(rows) == 4
    assert "Exported" in rows[0]
    assert "Viewed" in rows[-1]
    assert "Alice Example (alice@example.test)" in rows[-1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"email": "ALICE@example.test"}, 2),
        ({"verb": Verb.VIEW}, 2),
        ({"email": "bob@example.test", "verb": Verb.EXPORT}, 1),
        ({"date_from": "2/3/2026"}, 3),
        ({"date_to": "2/3/2026"}, 3),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, 2),
        ({"date_from": "4/3/2026"}, 0),
    ],
)
def test_filters(signed_in, trail, query, expected) -> None:
    client = signed_in(Role.IG_OFFICER)
    html = client.get(URL, query).content.decode()
    rows = [r for r in _rows(html) if "No events." not in r]
    assert len(rows) == expected


def test_filter_by_record_id(signed_in, trail) -> None:
    client = signed_in(Role.IG_OFFICER)
    rows = _rows(client.get(URL, {"object_id": str(trail["b"])}).content.decode())
    assert len(rows) == 2
    assert all(str(trail["b"]) in row for row in rows)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter an e-mail address in the correct format"),
        ({"date_from": "31/2/2026"}, "date_from", "The start date must be a real date"),
        (
            {"date_from": "3/3/2026", "date_to": "1/3/2026"},
            "date_to",
            "The end date must be the same as or after",
        ),
        ({"object_id": "Testperson"}, "object_id", "Enter a record id like"),
        ({"verb": "frobnicate"}, "verb", "Select a valid choice"),
    ],
)
def test_bad_filters_are_field_errors_and_list_nothing(signed_in, trail, query, field, message) -> None:
    client = signed_in(Role.IG_OFFICER)
    html = client.get(URL, query).content.decode()
    assert "govuk-error-summary" in html
    assert f'<a href="#id_{field}">{message}' in html
    assert '<tbody class="govuk-table__body">' not in html


def test_paging_keeps_the_filters(signed_in, make_user) -> None:
    client = signed_in(Role.IG_OFFICER)
    worker = make_user(Role.SOCIAL_WORKER, email="carol@example.test")
    for _ in range(PAGE_SIZE + 5):
        record_event(actor=worker, verb=Verb.VIEW, object_type="people.person", object_id=uuid.uuid4())
    html = client.get(URL, {"email": "carol@example.test"}).content.decode()
    assert len(_rows(html)) == PAGE_SIZE
    assert "email=carol%40example.test&amp;page=2" in html
    second = client.get(URL, {"email": "carol@example.test", "page": "2"}).content.decode()
    assert len(_rows(second)) == 5


def test_query_count_does_not_grow_with_the_page(signed_in, make_user, django_assert_max_num_queries) -> None:
    client = signed_in(Role.IG_OFFICER)
    for _n in range(3):
        record_event(
            actor=make_user(Role.SOCIAL_WORKER), verb=Verb.VIEW, object_type="x.y", object_id=uuid.uuid4()
        )
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    baseline = len(few)
    for _n in range(40):
        record_event(
            actor=make_user(Role.SOCIAL_WORKER), verb=Verb.VIEW, object_type="x.y", object_id=uuid.uuid4()
        )
    with django_assert_max_num_queries(baseline):
        client.get(URL)


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SYSADMIN, Role.MASH_MANAGER])
def test_only_information_governance_may_search_the_trail(signed_in, role) -> None:
    client = signed_in(role)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("audit:chain_status")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client) -> None:
    assert client.get(URL).status_code == 302
