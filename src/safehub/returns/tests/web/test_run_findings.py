"""The validation run page shows a child's finding in full only to someone who may open the child;
one finding is one row however many places the validator flagged; the findings come a page at a
time; the explain page refuses a child the officer may not open; an import run shows the values it
refused only to the data officer.

R19 (object scoping), R22 (restricted records), R20 (field-level rules), R27 (audit names only the
people shown).
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from safehub.access.models import RestrictedRecord
from safehub.access.tests.factories import make_grant
from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
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

pytestmark = pytest.mark.django_db

DOB = "2011-04-05"  # a value the validator flags: a date of birth
UPN = "A123456789012"


def _run(officer: Any) -> ValidationRun:
    produced = ProducedReturn.objects.create(
        kind=ReturnKind.CIN, year=2026, produced_by=officer, children=2, status=ValidationStatus.FAILING
    )
    return ValidationRun.objects.create(
        produced=produced, started_by=officer, status=ValidationStatus.FAILING, validator_version="cin test"
    )


def _child(child_id: str) -> Any:
    person: Any = PersonFactory()
    ChildReturnId.objects.create(person=person, child_id=child_id, source=ChildIdSource.IMPORTED)
    return person


def _issue(run: ValidationRun, person: Any, child_id: str, **fields: Any) -> ValidationIssue:
    fields.setdefault("rule_code", "8520")
    fields.setdefault("severity", IssueSeverity.ERROR)
    fields.setdefault("description", "Date of birth must be on or before the end of the census period")
    fields.setdefault("table", "ChildIdentifiers")
    fields.setdefault("fields", "PersonBirthDate")
    fields.setdefault("row", "0")
    return ValidationIssue.objects.create(run=run, child_id=child_id, person=person, **fields)


def _run_with_a_restricted_child(officer: Any) -> tuple[ValidationRun, Any, Any, ValidationIssue]:
    """One open child and one restricted child, each with an error and a query on their UPN."""
    run = _run(officer)
    open_child, hidden_child = _child("OPEN0001"), _child("HIDE0002")
    for person, child_id in ((open_child, "OPEN0001"), (hidden_child, "HIDE0002")):
        _issue(run, person, child_id, value=DOB if person is hidden_child else "2012-01-01")
    query = _issue(
        run, hidden_child, "HIDE0002", rule_code="1530Q", severity=IssueSeverity.QUERY,
        description="UPN is invalid", fields="UPN", value=UPN,
    )  # fmt: skip
    restrict(hidden_child)
    return run, open_child, hidden_child, query


def _restriction_of(person: Any) -> RestrictedRecord:
    return RestrictedRecord.objects.get(object_type="people.person", object_id=person.pk)


def _last_view(run: ValidationRun) -> AuditEvent:
    return AuditEvent.objects.filter(object_id=str(run.pk), verb="view").order_by("-seq").first()  # type: ignore[return-value]


# --- M1: a child the viewer may not open -------------------------------------------------------


def test_finding_about_a_restricted_child_shows_rule_message_and_count_only(
    signed_in: Any, make_user: Any
) -> None:
    """R22, R19: no return id, name, value, fix link or explain link for a child the viewer may
    not open; the rule, its message and its count stay. R27: the audit names only the open child."""
    client = signed_in(Role.DATA_OFFICER)
    run, open_child, hidden_child, query = _run_with_a_restricted_child(make_user(Role.DATA_OFFICER))

    page = client.get(reverse("returns:run", args=[run.pk])).content.decode()

    for leak in ("HIDE0002", DOB, UPN, escape(str(hidden_child))):
        assert leak not in page, leak
    assert reverse("people:detail", args=[hidden_child.pk]) not in page
    assert reverse("returns:explain", args=[query.pk]) not in page
    assert "a child whose record you cannot open" in page
    assert "1530Q" in page
    assert "UPN is invalid" in page
    # The open child is listed in full.
    assert "OPEN0001" in page
    assert escape(str(open_child)) in page
    assert "2012-01-01" in page
    assert reverse("people:detail", args=[open_child.pk]) in page
    assert _last_view(run).detail["result_ids"] == [str(open_child.pk)]


def test_by_rule_counts_every_child_whoever_is_looking(signed_in: Any, make_user: Any) -> None:
    run, *_ = _run_with_a_restricted_child(make_user(Role.DATA_OFFICER))
    client = signed_in(Role.DATA_OFFICER)
    response = client.get(reverse("returns:run", args=[run.pk]))
    rules = {rule.code: rule.count for rule in response.context["by_rule"]}
    hidden = {rule.code: rule.count for rule in response.context["hidden_rules"]}
    assert rules == {"8520": 2, "1530Q": 1}
    assert hidden == {"8520": 1, "1530Q": 1}


def test_a_granted_officer_sees_the_restricted_child_in_full(signed_in: Any, make_user: Any) -> None:
    """R22: a time-bound grant opens the record, and with it the child's findings."""
    client = signed_in(Role.DATA_OFFICER)
    run, _, hidden_child, query = _run_with_a_restricted_child(make_user(Role.DATA_OFFICER))
    make_grant(_restriction_of(hidden_child), client.user)

    page = client.get(reverse("returns:run", args=[run.pk])).content.decode()

    assert "HIDE0002" in page
    assert DOB in page
    assert reverse("returns:explain", args=[query.pk]) in page
    assert "a child whose record you cannot open" not in page
    assert str(hidden_child.pk) in _last_view(run).detail["result_ids"]


def test_analyst_sees_no_child_and_the_audit_names_no_one(signed_in: Any, make_user: Any) -> None:
    """R19: an analyst may open no child's record; R27: so the view names no one."""
    run, open_child, *_ = _run_with_a_restricted_child(make_user(Role.DATA_OFFICER))
    client = signed_in(Role.PERFORMANCE_ANALYST)
    page = client.get(reverse("returns:run", args=[run.pk])).content.decode()
    for leak in ("OPEN0001", "HIDE0002", DOB, UPN, "2012-01-01", escape(str(open_child))):
        assert leak not in page, leak
    assert "8520" in page
    assert _last_view(run).detail["result_ids"] == []


def test_a_finding_whose_child_has_no_record_is_not_named(signed_in: Any, make_user: Any) -> None:
    """Fail closed (R19): a return id with no person behind it is a record no one can be shown to open."""
    run = _run(make_user(Role.DATA_OFFICER))
    _issue(run, None, "GONE0003", value=DOB)
    page = signed_in(Role.DATA_OFFICER).get(reverse("returns:run", args=[run.pk])).content.decode()
    assert "GONE0003" not in page
    assert DOB not in page
    assert "a child whose record you cannot open" in page


# --- the explain page ----------------------------------------------------------------------------


def test_explain_refuses_a_query_about_a_restricted_child(signed_in: Any, make_user: Any) -> None:
    """R19, R22: the data officer holds prepare_returns, but may not open this child: 404, and
    nothing is saved."""
    client = signed_in(Role.DATA_OFFICER)
    _, _, hidden_child, query = _run_with_a_restricted_child(make_user(Role.DATA_OFFICER))
    url = reverse("returns:explain", args=[query.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "The UPN is right."}).status_code == 404
    assert not QueryExplanation.objects.exists()

    make_grant(_restriction_of(hidden_child), client.user)
    assert client.get(url).status_code == 200


def test_explain_still_opens_a_return_level_query(signed_in: Any, make_user: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run = _run(make_user(Role.DATA_OFFICER))
    query = ValidationIssue.objects.create(
        run=run, rule_code="2887Q", severity=IssueSeverity.QUERY, description="Less than 8 disability codes"
    )
    assert client.get(reverse("returns:explain", args=[query.pk])).status_code == 200


# --- one row per finding ------------------------------------------------------------------------


def test_one_row_per_rule_child_and_field_with_the_places_together(signed_in: Any, make_user: Any) -> None:
    """The CIN validator repeats a finding for each row it checked (and the same place can come
    twice); the page shows one row for the rule, child and field, with every row and value."""
    client = signed_in(Role.DATA_OFFICER)
    run = _run(make_user(Role.DATA_OFFICER))
    child = _child("MANY0004")
    common = {"rule_code": "8840Q", "severity": IssueSeverity.QUERY, "description": "Referral date query"}
    common |= {"table": "CINdetails", "fields": "CINreferralDate"}
    for row, value in (("7", "2025-09-01"), ("3", "2025-06-02"), ("12", "2025-11-30"), ("3", "2025-06-02")):
        _issue(run, child, "MANY0004", row=row, value=value, **common)
    _issue(run, child, "MANY0004", row="3", value="RC7", **{**common, "fields": "ReasonForClosure"})

    response = client.get(reverse("returns:run", args=[run.pk]))
    page = response.content.decode()

    (found,) = response.context["by_child"]
    assert [(row.issue.fields, row.rows) for row in found.issues] == [
        ("CINreferralDate", "3, 7, 12"),
        ("ReasonForClosure", "3"),
    ]
    assert page.count("Explain or fix<span") == 2  # one per field, not one per place
    for value in ("Row 3: 2025-06-02", "Row 7: 2025-09-01", "Row 12: 2025-11-30"):
        assert value in page
    assert page.count("2025-06-02") == 1
    # The count by rule is the distinct places, as before.
    assert {r.code: r.count for r in response.context["by_rule"]} == {"8840Q": 3}


# --- a page at a time -----------------------------------------------------------------------------


def test_findings_come_fifty_to_a_page_and_the_audit_names_that_page(
    signed_in: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    """R27: each page's audit names the children on that page; the counts stay whole-run."""
    client = signed_in(Role.DATA_OFFICER)
    run = _run(make_user(Role.DATA_OFFICER))
    children = [(_child(f"PAGE{n:04d}"), f"PAGE{n:04d}") for n in range(3)]
    for person, child_id in children:
        for rule in range(40):
            _issue(run, person, child_id, rule_code=f"{1000 + rule}", value=f"{child_id}-v{rule}")
    url = reverse("returns:run", args=[run.pk])

    with django_assert_max_num_queries(40):
        first = client.get(url)
    body = first.content.decode()
    assert first.context["page"].paginator.num_pages == 3
    assert sum(len(c.issues) for c in first.context["by_child"]) == 50
    assert 'class="govuk-pagination"' in body
    assert 'href="?page=2"' in body
    assert _last_view(run).detail["result_ids"] == sorted(str(p.pk) for p, _ in children[:2])
    assert len(first.context["by_rule"]) == 40
    assert all(rule.count == 3 for rule in first.context["by_rule"])

    second = client.get(url, {"page": 2})
    (continued, *_) = second.context["by_child"]
    assert continued.child_id == "PAGE0001"
    assert continued.continued
    assert continued.count == 40  # the child's findings in all, not on this page

    last = client.get(url, {"page": 3})
    assert sum(len(c.issues) for c in last.context["by_child"]) == 20
    assert _last_view(run).detail["result_ids"] == [str(children[2][0].pk)]
    assert "PAGE0000" not in last.content.decode()
    assert all(rule.count == 3 for rule in last.context["by_rule"])


def test_a_page_past_the_end_shows_the_last_page(signed_in: Any, make_user: Any) -> None:
    client = signed_in(Role.DATA_OFFICER)
    run = _run(make_user(Role.DATA_OFFICER))
    _issue(run, _child("ONLY0001"), "ONLY0001")
    for page in ("99", "x"):
        response = client.get(reverse("returns:run", args=[run.pk]), {"page": page})
        assert response.status_code == 200
        assert "ONLY0001" in response.content.decode()


# --- M2: the values an import refused --------------------------------------------------------


def _import_run(officer: Any) -> ImportRun:
    run = ImportRun.objects.create(
        directory="/srv/ssd/test",
        started_by=officer,
        rows_read=4,
        rows_rejected=3,
        failure="ValueError: cannot read postcode 'YO1 7HH'",
    )
    problems = (
        ("pers_dob", f"pers_dob {DOB} is in the future; use pers_expected_dob"),
        ("pers_sex", "pers_sex 'Q' is not M, F or U (SSD list sex)"),
        ("pers_upn", f"pers_upn is not a date in the form YYYY-MM-DD: {UPN!r}"),
    )
    for field, problem in problems:
        ImportRejection.objects.create(
            run=run, table="ssd_person", row_id="P77", field=field, problem=problem
        )
    return run


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.PERFORMANCE_ANALYST])
def test_import_run_hides_refused_values_from_viewers(signed_in: Any, make_user: Any, role: str) -> None:
    """R20: the table, row id, field and reason are shown; the refused value is not."""
    run = _import_run(make_user(Role.DATA_OFFICER))
    page = signed_in(role).get(reverse("returns:import_run", args=[run.pk])).content.decode()
    for leak in (DOB, UPN, "'Q'", "YO1", "7HH"):
        assert leak not in page, leak
    for kept in ("ssd_person", "P77", "pers_dob", "is in the future; use pers_expected_dob"):
        assert kept in page, kept
    assert "is not M, F or U" in page
    assert "[value hidden]" in page


def test_import_run_shows_refused_values_to_the_data_officer(signed_in: Any, make_user: Any) -> None:
    run = _import_run(make_user(Role.DATA_OFFICER))
    page = signed_in(Role.DATA_OFFICER).get(reverse("returns:import_run", args=[run.pk])).content.decode()
    for value in (DOB, UPN, escape("'Q'"), "YO1 7HH"):
        assert value in page, value
    assert "[value hidden]" not in page


def test_import_run_rejections_come_fifty_to_a_page(signed_in: Any, make_user: Any) -> None:
    officer = make_user(Role.DATA_OFFICER)
    run = ImportRun.objects.create(directory="/srv/ssd/test", started_by=officer, rows_rejected=60)
    ImportRejection.objects.bulk_create(
        ImportRejection(run=run, table="ssd_person", row_id=f"P{n}", field="pers_dob", problem="Not a date")
        for n in range(60)
    )
    client = signed_in(Role.TEAM_MANAGER)
    first = client.get(reverse("returns:import_run", args=[run.pk]))
    assert len(first.context["page"].object_list) == 50
    assert 'class="govuk-pagination"' in first.content.decode()
    second = client.get(reverse("returns:import_run", args=[run.pk]), {"page": 2})
    assert len(second.context["page"].object_list) == 10


def test_the_return_page_shows_explanations_only_about_children_the_viewer_may_open(signed_in) -> None:
    """R19/R22: an explanation names a child and says why their record is as it is; a viewer who may
    not open the child sees that one exists, not the child's id or the text. R27: the view's audit
    event names the children shown."""
    manager = signed_in(Role.TEAM_MANAGER)
    run, open_child, hidden_child, _query = _run_with_a_restricted_child(manager.user)
    for child_id, text in (
        ("OPEN0001", "Placed out of area by court order"),
        ("HIDE0002", "Refuge address withheld"),
    ):
        QueryExplanation.objects.create(
            kind=ReturnKind.CIN,
            year=2026,
            rule_code="1530Q",
            child_id=child_id,
            text=text,
            explained_by=manager.user,
        )
    page = manager.get(reverse("returns:produced", args=[run.produced.pk])).content.decode()
    assert "Placed out of area by court order" in page
    assert "OPEN0001" in page
    assert "Refuge address withheld" not in page
    assert "HIDE0002" not in page
    assert "1 explanation about children whose records you cannot open is not shown" in page
    event = AuditEvent.objects.filter(object_id=str(run.produced.pk), section="returns").latest("seq")
    assert event.detail["result_ids"] == [str(open_child.pk)]
    # Granted the restricted record, the same viewer sees both.
    make_grant(_restriction_of(hidden_child), manager.user)
    page = manager.get(reverse("returns:produced", args=[run.produced.pk])).content.decode()
    assert "Refuge address withheld" in page
    assert "not shown" not in page
