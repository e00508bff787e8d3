"""Case note pages: who may read and write, errors at the fields, the author's correction."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.models import CaseNote
from safehub.casework.selectors.notes import notes_for
from safehub.casework.tests.factories import CaseNoteFactory, InvolvementFactory
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform import clock

pytestmark = pytest.mark.django_db


def _form(**overrides: str) -> dict[str, str]:
    at = timezone.localtime(clock.now() - timedelta(hours=1))
    data = {
        "kind": "home_visit",
        "occurred_on_day": str(at.day),
        "occurred_on_month": str(at.month),
        "occurred_on_year": str(at.year),
        "occurred_time": f"{at:%H:%M}",
        "subject": "Home visit",
        "text": "Synthetic: the child showed me their room.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SOCIAL_WORKER, 200), (Role.IRO, 200), (Role.MASH_SOCIAL_WORKER, 200), (Role.EARLY_HELP, 403)],
)
def test_notes_page_by_role(signed_in: Any, role: str, status: int) -> None:
    person = PersonFactory()
    assert signed_in(role).get(reverse("casework:notes", args=[person.pk])).status_code == status


@pytest.mark.parametrize(("role", "status"), [(Role.SOCIAL_WORKER, 200), (Role.IRO, 403)])
def test_note_form_by_role(signed_in: Any, role: str, status: int) -> None:
    person = PersonFactory()
    assert signed_in(role).get(reverse("casework:note_new", args=[person.pk])).status_code == status


def test_a_restricted_child_is_not_found(signed_in: Any) -> None:
    """R19: 404 for both missing and forbidden."""
    person = PersonFactory()
    restrict(person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(reverse("casework:notes", args=[person.pk])).status_code == 404
    assert client.get(reverse("casework:note_new", args=[person.pk])).status_code == 404


def test_adding_a_note_and_reading_it(signed_in: Any) -> None:
    person = PersonFactory()
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(reverse("casework:note_new", args=[person.pk]), _form(significant="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:notes", args=[person.pk])
    note = CaseNote.objects.get()
    assert (note.author, note.significant) == (client.user, True)
    page = client.get(reverse("casework:notes", args=[person.pk]), {"significant": "on"}).content.decode()
    assert "the child showed me their room" in page
    assert "Significant" in page


def test_the_note_page_writes_one_audit_event(signed_in: Any) -> None:
    """R27: one event per authorised GET."""
    person = PersonFactory()
    client = signed_in(Role.SOCIAL_WORKER)
    for url in (reverse("casework:notes", args=[person.pk]), reverse("casework:note_new", args=[person.pk])):
        before = AuditEvent.objects.count()
        client.get(url)
        assert AuditEvent.objects.count() == before + 1


def test_a_note_on_a_case_returns_to_the_case(signed_in: Any) -> None:
    involvement = InvolvementFactory(url="/cases/example/")
    client = signed_in(Role.SOCIAL_WORKER)
    url = reverse("casework:note_new", args=[involvement.person.pk]) + f"?involvement={involvement.pk}"
    response = client.post(url, _form())
    assert response["Location"] == "/cases/example/"
    assert CaseNote.objects.get().involvement == involvement
    other = reverse("casework:note_new", args=[PersonFactory().pk]) + f"?involvement={involvement.pk}"
    assert client.get(other).status_code == 404
    assert (
        client.get(reverse("casework:note_new", args=[involvement.person.pk]) + "?involvement=x").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"text": ""}, "text"),
        ({"occurred_time": "25:00"}, "occurred_time"),
        ({"occurred_on_month": ""}, "occurred_on"),
    ],
)
def test_bad_input_at_the_field(signed_in: Any, overrides: dict[str, str], field: str) -> None:
    response = signed_in(Role.SOCIAL_WORKER).post(
        reverse("casework:note_new", args=[PersonFactory().pk]), _form(**overrides)
    )
    assert response.status_code == 200
    assert f'href="#id_{field}"' in response.content.decode()
    assert not CaseNote.objects.exists()


def test_a_time_in_the_future_is_refused(signed_in: Any) -> None:
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=UTC), tick=False):
        response = signed_in(Role.SOCIAL_WORKER).post(
            reverse("casework:note_new", args=[PersonFactory().pk]), _form(occurred_time="13:00")
        )
    assert "The time it happened must be now or in the past" in response.content.decode()


def test_only_the_author_corrects_a_note(signed_in: Any, make_user: Any, client: Any) -> None:
    author = make_user(Role.SOCIAL_WORKER)
    note = CaseNoteFactory(author=author, text="Synthetic first words.")
    url = reverse("casework:note_edit", args=[note.pk])
    client.force_login(author)
    assert client.get(url).status_code == 200
    response = client.post(url, _form(text="Synthetic corrected words.", version=str(note.version)))
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.version) == ("Synthetic corrected words.", 2)
    stale = client.post(url, _form(text="Synthetic stale words.", version="1"))
    assert stale.status_code == 200
    assert "was changed by" in stale.content.decode()
    colleague = make_user(Role.SOCIAL_WORKER)
    client.force_login(colleague)
    assert client.get(url).status_code == 403


def test_the_notes_panel_renders_for_the_case_page(rf: Any, make_user: Any) -> None:
    worker = make_user(Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    CaseNoteFactory(person=involvement.person, involvement=involvement, subject="Synthetic subject")
    request = rf.get("/")
    request.user = worker
    html = render_to_string(
        "casework/_notes_panel.html",
        {
            "notes": notes_for(actor=worker, person=involvement.person, involvement=involvement),
            "person": involvement.person,
            "involvement": involvement,
            "can_record": True,
        },
        request=request,
    )
    assert "Synthetic subject" in html
    assert f"?involvement={involvement.pk}" in html
