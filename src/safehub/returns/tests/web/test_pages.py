"""The returns pages: permissions, by rule / by child, fix links, explain form (issue 7, item 7)."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.returns.constants import ChildIdSource, IssueSeverity, ReturnKind, ValidationStatus
from safehub.returns.models import (
    ChildReturnId,
    ImportRejection,
    ImportRun,
    ProducedReturn,
    QueryExplanation,
    ValidationIssue,
    ValidationRun,
)
from safehub.returns.services.produce import produced_return_save

pytestmark = pytest.mark.django_db


def _run_with_findings(actor: Any) -> tuple[Any, Any, Any]:
    """A stored CIN run with one error and one query for a child, and a return-level query."""
    person: Any = PersonFactory()
    ChildReturnId.objects.create(person=person, child_id="SH00000042", source=ChildIdSource.IMPORTED)
    produced = produced_return_save(
        actor=actor,
        kind=ReturnKind.CIN,
        year=2026,
        files={"cin.xml": b"<Message/>"},
        person_ids=[person.pk],
        seconds=0,
    )
    run = ValidationRun.objects.create(
        produced=produced,
        status=ValidationStatus.FAILING,
        errors=1,
        queries=2,
        validator_version="cin 0.1.13",
    )
    common = {"run": run, "child_id": "SH00000042", "person": person}
    ValidationIssue.objects.create(
        rule_code="4220", severity=IssueSeverity.ERROR, description="Ethnicity is missing or invalid",
        table="ChildCharacteristics", fields="Ethnicity", row="0", value="XXXX", **common,
    )  # fmt: skip
    query = ValidationIssue.objects.create(
        rule_code="8770Q", severity=IssueSeverity.QUERY, description="UPN query",
        table="ChildIdentifiers", fields="UPN", row="0", value="", **common,
    )  # fmt: skip
    ValidationIssue.objects.create(
        run=run, rule_code="2887Q", severity=IssueSeverity.QUERY, description="Less than 8 disability codes"
    )
    return run, query, person


@pytest.mark.parametrize("role", [Role.PERFORMANCE_ANALYST, Role.DATA_OFFICER, Role.TEAM_MANAGER])
def test_returns_roles_see_the_pages(signed_in: Any, make_user: Any, role: str) -> None:
    run, _, _ = _run_with_findings(make_user(Role.DATA_OFFICER))
    client = signed_in(role)
    for url in (
        reverse("returns:home"),
        reverse("returns:produced", args=[run.produced_id]),
        reverse("returns:run", args=[run.pk]),
        reverse("returns:imports"),
    ):
        assert client.get(url).status_code == 200, url


def test_social_worker_is_refused(signed_in: Any, make_user: Any) -> None:
    run, query, _ = _run_with_findings(make_user(Role.DATA_OFFICER))
    client = signed_in(Role.SOCIAL_WORKER)
    for url in (
        reverse("returns:home"),
        reverse("returns:run", args=[run.pk]),
        reverse("returns:explain", args=[query.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_run_by_rule_and_by_child_with_fix_links(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run, query, person = _run_with_findings(client.user)
    page = client.get(reverse("returns:run", args=[run.pk])).content.decode()
    assert "By rule" in page
    assert "By child" in page
    assert "4220" in page
    assert "Ethnicity is missing or invalid" in page
    assert "SH00000042" in page
    assert escape(str(person)) in page  # the data officer may open the person
    assert reverse("people:detail", args=[person.pk]) in page
    assert reverse("returns:explain", args=[query.pk]) in page
    assert "SH00000042" not in reverse("returns:run", args=[run.pk])


def test_restricted_child_is_not_named_by_name_or_return_id(signed_in: Any, make_user: Any) -> None:
    """R22: a restricted child's findings are counted by rule, never tied to the child."""
    run, _, person = _run_with_findings(make_user(Role.DATA_OFFICER))
    restrict(person)
    client = signed_in(Role.DATA_OFFICER)
    page = client.get(reverse("returns:run", args=[run.pk])).content.decode()
    assert "SH00000042" not in page
    assert "XXXX" not in page  # the value flagged
    assert escape(str(person)) not in page
    assert reverse("people:detail", args=[person.pk]) not in page
    assert "a child whose record you cannot open" in page
    assert "4220" in page


def test_analyst_sees_rules_without_ids_names_or_values(signed_in: Any, make_user: Any) -> None:
    """R19/R22: an analyst may open no one's record, so every child-level finding is unnamed."""
    run, _, person = _run_with_findings(make_user(Role.DATA_OFFICER))
    page = signed_in(Role.PERFORMANCE_ANALYST).get(reverse("returns:run", args=[run.pk])).content.decode()
    assert "SH00000042" not in page
    assert "XXXX" not in page
    assert escape(str(person)) not in page
    assert "Ethnicity is missing or invalid" in page


def test_explain_form_errors_at_the_field_then_saves(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run, query, _ = _run_with_findings(client.user)
    url = reverse("returns:explain", args=[query.pk])
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert 'href="#id_text"' in body
    assert "Enter why the data is right as it is" in body
    long = client.post(url, {"text": "x" * 2001})
    assert "2000 characters or fewer" in long.content.decode()
    saved = client.post(url, {"text": "Child is under school age."})
    assert saved.status_code == 302
    explanation = QueryExplanation.objects.get()
    assert (explanation.rule_code, explanation.child_id, explanation.year) == ("8770Q", "SH00000042", 2026)
    produced = client.get(reverse("returns:produced", args=[run.produced_id])).content.decode()
    assert "Child is under school age." in produced


def test_an_error_cannot_be_explained(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run, _, _ = _run_with_findings(client.user)
    error = run.issues.get(rule_code="4220")
    response = client.post(reverse("returns:explain", args=[error.pk]), {"text": "fine"})
    assert response.status_code == 302
    assert not QueryExplanation.objects.exists()


def test_team_manager_cannot_act(signed_in: Any, make_user: Any) -> None:
    run, query, _ = _run_with_findings(make_user(Role.DATA_OFFICER))
    client = signed_in(Role.TEAM_MANAGER)
    assert client.post(reverse("returns:explain", args=[query.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("returns:submit", args=[run.produced_id])).status_code == 403
    assert client.post(reverse("returns:produce"), {"kind": "cin", "year": 2026}).status_code == 403


def test_download_needs_a_fresh_password_and_is_audited_with_the_children(
    signed_in: Any, reauthenticate: Any
) -> None:
    from safehub.audit.models import AuditEvent

    client = signed_in(Role.DATA_OFFICER)
    run, _, person = _run_with_findings(client.user)
    part = run.produced.parts.get()
    url = reverse("returns:download", args=[run.produced_id, part.pk])

    stale = client.get(url)
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(section="download:cin.xml").exists()

    reauthenticate(client)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"<Message/>"
    assert response["Content-Disposition"] == 'attachment; filename="cin.xml"'
    event = AuditEvent.objects.get(verb="export", section="download:cin.xml")
    assert event.actor == client.user
    assert event.detail["result_ids"] == [str(person.pk)]


def test_submit_marks_once_and_a_second_mark_is_refused(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run, _, _ = _run_with_findings(client.user)
    url = reverse("returns:submit", args=[run.produced_id])
    assert client.post(url).status_code == 302
    run.produced.refresh_from_db()
    first = run.produced.submitted_at
    assert first is not None
    assert run.produced.submitted_by == client.user

    again = client.post(url, follow=True)
    assert "already marked submitted" in again.content.decode()
    run.produced.refresh_from_db()
    assert run.produced.submitted_at == first  # the first mark is kept


def test_an_analyst_sees_returns_but_cannot_produce_validate_or_download(
    signed_in: Any, make_user: Any, reauthenticate: Any
) -> None:
    run, _, _ = _run_with_findings(make_user(Role.DATA_OFFICER))
    part = run.produced.parts.get()
    client = signed_in(Role.PERFORMANCE_ANALYST)
    reauthenticate(client)  # a fresh password does not stand in for the function
    assert client.get(reverse("returns:produced", args=[run.produced_id])).status_code == 200
    assert (
        client.post(reverse("returns:produce"), {"kind": "annex_a", "as_at": "2026-06-30"}).status_code == 403
    )
    assert client.post(reverse("returns:validate", args=[run.produced_id])).status_code == 403
    assert client.get(reverse("returns:download", args=[run.produced_id, part.pk])).status_code == 403
    assert ProducedReturn.objects.count() == 1
    assert not ValidationRun.objects.exclude(pk=run.pk).exists()


def test_a_data_officer_produces_a_return(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    response = client.post(reverse("returns:produce"), {"kind": "annex_a", "as_at": "2026-06-30"})
    assert response.status_code == 302
    produced = ProducedReturn.objects.get()
    assert (produced.kind, produced.as_at, produced.produced_by) == (
        ReturnKind.ANNEX_A,
        date(2026, 6, 30),
        client.user,
    )


def test_produce_form_names_the_missing_field(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    response = client.post(reverse("returns:produce"), {"kind": "annex_a"})
    assert response.status_code == 400
    assert 'href="#id_as_at"' in response.content.decode()
    response = client.post(reverse("returns:produce"), {"kind": "cin", "year": "1990"})
    assert "Collection year must be between" in response.content.decode()
    assert not ProducedReturn.objects.exists()


def test_import_run_rejections_are_listed(signed_in: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run = ImportRun.objects.create(directory="extract", started_by=client.user, rows_read=3, rows_rejected=1)
    ImportRejection.objects.create(
        run=run, table="ssd_person", row_id="P1", field="pers_dob", problem="Not a date"
    )
    page = client.get(reverse("returns:import_run", args=[run.pk])).content.decode()
    assert "ssd_person" in page
    assert "pers_dob" in page
    assert "Not a date" in page


def test_run_the_validators_button_stores_a_run(signed_in: Any, settings: Any) -> None:
    from safehub.returns.tests.validation.returns_data import CIN_INVALID, cin_files

    client = signed_in(Role.DATA_OFFICER)
    produced = produced_return_save(
        actor=client.user,
        kind=ReturnKind.CIN,
        year=2026,
        files=cin_files(CIN_INVALID),
        person_ids=[],
        seconds=0,
    )
    response = client.post(reverse("returns:validate", args=[produced.pk]))
    assert response.status_code == 302
    produced.refresh_from_db()
    assert produced.status == ValidationStatus.FAILING
    page = client.get(reverse("returns:produced", args=[produced.pk])).content.decode()
    assert "Failing" in page
    assert "done" in page
