"""The audit programme pages (issue 10, item 5): the list, new tools and programmes, the programme
page with its cases and grades, sampling, giving a case to an auditor, completing, and "My
audits"; who sees them (R18, R19), refusals at the field, and flat query counts on the lists."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory, enrol_totp
from safehub.casework.constants import CaseService
from safehub.casework.tests.factories import InvolvementFactory
from safehub.learning.constants import AuditGrade, CaseAuditStatus, ProgrammeStatus
from safehub.learning.models import AuditProgramme, AuditTool, CaseAudit, CaseAuditor
from safehub.learning.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    def _login(user: Any) -> Any:
        enrol_totp(user)
        client.force_login(user)
        return client

    return _login


def url(name: str, *args: Any) -> str:
    return reverse(f"learning_audits:{name}", args=[getattr(a, "pk", a) for a in args])


def day(prefix: str, value: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def test_the_partnership_sees_the_programmes_with_their_counts(login: Any) -> None:
    manager = f.partnership_manager()
    programme = f.programme(title="Neglect audit, winter 2026")
    f.case_audit(
        programme,
        status=CaseAuditStatus.MODERATED,
        moderated_grade=AuditGrade.GOOD,
        moderated_by=manager,
        moderated_on=f.TODAY,
    )
    f.case_audit(programme)
    body = login(manager).get(url("programme_list")).content.decode()
    assert "Neglect audit, winter 2026" in body
    assert "Neglect audit tool" in body
    assert "2 November 2026 to 18 December 2026" in body
    assert "Auditing" in body
    assert "1 of 2" in body
    assert "New audit programme" in body
    assert "New audit tool" in body


def test_staff_without_the_partnership_s_capabilities_are_refused(login: Any) -> None:
    """R18: a partner auditor cannot list programmes; a social worker reaches no audit page."""
    programme = f.programme()
    client = login(f.learning_partner())
    assert client.get(url("programme_list")).status_code == 403
    assert client.get(url("programme", programme)).status_code == 403
    assert client.get(url("programme_new")).status_code == 403
    assert client.get(url("mine")).status_code == 200
    client = login(UserFactory(role=Role.SOCIAL_WORKER))
    for name, args in (("programme_list", ()), ("mine", ()), ("programme", (programme,))):
        assert client.get(url(name, *args)).status_code == 403


def test_a_tool_is_made_from_one_question_a_line_and_refused_at_its_field(login: Any) -> None:
    client = login(f.partnership_manager())
    assert client.get(url("tool_new")).status_code == 200
    refused = client.post(url("tool_new"), {"name": "", "questions": "Was the child seen?"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "There is a problem" in body
    assert 'href="#id_name"' in body
    assert "Enter a name for the audit tool." in body
    response = client.post(
        url("tool_new"),
        {"name": "Neglect tool", "questions": "Was the child seen?\n\n  Were their views recorded?  \n"},
    )
    assert response.status_code == 302
    tool = AuditTool.objects.get(name="Neglect tool")
    assert [q.text for q in tool.questions.order_by("number")] == [
        "Was the child seen?",
        "Were their views recorded?",
    ]


def test_a_programme_is_opened_and_a_due_date_before_its_start_is_refused(login: Any) -> None:
    manager = f.partnership_manager()
    tool = f.tool()
    theme = f.theme("Neglect")
    client = login(manager)
    form = {
        "title": "Winter audit",
        "tool": str(tool.pk),
        "focus": "Neglect of babies",
        "themes": [str(theme.pk)],
    }
    refused = client.post(
        url("programme_new"),
        {**form, **day("starts_on", date(2026, 12, 1)), **day("due_on", date(2026, 11, 1))},
    )
    assert "The due date cannot be before the audit starts on 1 December 2026." in refused.content.decode()
    assert 'href="#id_due_on"' in refused.content.decode()
    response = client.post(
        url("programme_new"),
        {**form, **day("starts_on", date(2026, 12, 1)), **day("due_on", date(2027, 1, 29))},
    )
    programme = AuditProgramme.objects.get(title="Winter audit")
    assert response["Location"] == url("programme", programme)
    assert programme.lead == manager
    assert list(programme.themes.all()) == [theme]


def test_the_programme_page_numbers_the_cases_and_counts_the_grades(login: Any) -> None:
    manager = f.partnership_manager()
    police_lead = f.learning_partner(f.police(), full_name="Pat Synthetic")
    programme = f.programme()
    first = f.case_audit(
        programme, auditors=(police_lead,), child=f.child(given_name="Amara", family_name="Synthetic")
    )
    f.case_audit(
        programme,
        status=CaseAuditStatus.MODERATED,
        moderated_grade=AuditGrade.INADEQUATE,
        moderated_by=manager,
        moderated_on=f.TODAY,
    )
    CaseAuditor.objects.filter(case_audit=first).update(grade=AuditGrade.GOOD, submitted_on=f.TODAY)
    body = login(manager).get(url("programme", programme)).content.decode()
    assert "Case 1" in body
    assert "Case 2" in body
    assert "Amara Synthetic" in body  # a manager sees whose case it is
    assert "Question 1: was the child seen?" in body
    assert "Pat Synthetic, Synthetic Constabulary: submitted 26 November 2026" in body
    assert url("auditor_add", first) in body
    assert "Inadequate</strong>" in body
    # The grade table: one inadequate, one not moderated yet.
    assert body.count('govuk-table__cell--numeric">1<') == 2


def test_sampling_adds_cases_and_refuses_at_the_service_when_none_are_left(login: Any) -> None:
    programme = f.programme()
    for _ in range(3):
        InvolvementFactory(service=CaseService.LOOKED_AFTER, person=f.child())
    client = login(f.partnership_manager())
    assert "Sample cases" in client.get(url("programme", programme)).content.decode()
    response = client.post(url("sample", programme), {"service": CaseService.LOOKED_AFTER, "count": "2"})
    assert response.status_code == 302
    assert CaseAudit.objects.filter(programme=programme).count() == 2
    refused = client.post(url("sample", programme), {"service": CaseService.EARLY_HELP, "count": "2"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "No open cases in Early help are left to sample for this programme." in body
    assert 'href="#id_service"' in body
    assert client.get(url("sample", programme)).status_code == 405


def test_a_case_is_given_to_an_auditor_from_another_agency(login: Any) -> None:
    programme = f.programme()
    case = f.case_audit(programme)
    health_lead = f.learning_partner(f.health(), full_name="Harper Synthetic")
    client = login(f.partnership_manager())
    page = client.get(url("auditor_add", case)).content.decode()
    assert "Harper Synthetic, Synthetic Health Trust" in page
    response = client.post(url("auditor_add", case), {"user": str(health_lead.pk)})
    assert response["Location"] == url("programme", programme)
    assert CaseAuditor.objects.get(case_audit=case).agency.name == "Synthetic Health Trust"
    again = client.post(url("auditor_add", case), {"user": str(health_lead.pk)}).content.decode()
    assert "Harper Synthetic is already auditing this case." in again
    assert 'href="#id_user"' in again


def test_completing_is_refused_until_every_case_is_moderated_and_a_stale_form_conflicts(login: Any) -> None:
    """R49: completing from a programme page read before another change says so."""
    manager = f.partnership_manager()
    programme = f.programme(status=ProgrammeStatus.MODERATION)
    case = f.case_audit(programme, status=CaseAuditStatus.READY)
    client = login(manager)
    assert "Complete the programme" in client.get(url("programme", programme)).content.decode()
    refused = client.post(url("programme_complete", programme), {"version": programme.version})
    assert (
        "1 case is not moderated yet: moderate every case before completing the programme."
        in refused.content.decode()
    )
    CaseAudit.objects.filter(pk=case.pk).update(
        status=CaseAuditStatus.MODERATED,
        moderated_grade=AuditGrade.GOOD,
        moderated_by=manager,
        moderated_on=f.TODAY,
    )
    AuditProgramme.objects.filter(pk=programme.pk).update(version=programme.version + 1)
    stale = client.post(url("programme_complete", programme), {"version": programme.version}).content.decode()
    assert "This programme was changed by" in stale
    done = client.post(url("programme_complete", programme), {"version": programme.version + 1})
    assert done.status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.COMPLETE


def test_my_audits_lists_only_the_cases_given_to_me(login: Any) -> None:
    """R19: an auditor from another agency sees only the cases they were given."""
    police_lead = f.learning_partner(f.police())
    health_lead = f.learning_partner(f.health())
    programme = f.programme(title="Winter neglect audit")
    mine = f.case_audit(programme, auditors=(police_lead,), child=f.child(given_name="Policecase"))
    theirs = f.case_audit(programme, auditors=(health_lead,), child=f.child(given_name="Healthcase"))
    body = login(police_lead).get(url("mine")).content.decode()
    assert "Winter neglect audit" in body
    assert "18 December 2026" in body
    assert "Policecase" in body
    assert url("case_audit", mine) in body
    assert "Healthcase" not in body
    assert url("case_audit", theirs) not in body
    assert "Not submitted" in body
    CaseAuditor.objects.filter(user=health_lead).update(grade=AuditGrade.GOOD, submitted_on=f.TODAY)
    body = login(health_lead).get(url("mine")).content.decode()
    assert "Healthcase" in body
    assert "Policecase" not in body
    assert "Submitted</strong> 26 November 2026" in body


def test_the_lists_take_a_flat_number_of_queries(login: Any, django_assert_max_num_queries: Any) -> None:
    manager = f.partnership_manager()
    auditor = f.team_manager()
    tool = f.tool()
    client = login(manager)

    def grow() -> None:
        # Made here, not with f.programme, which makes a new tool of the same name every time.
        programme = AuditProgramme.objects.create(
            title="Neglect audit, winter 2026", tool=tool, lead=manager, starts_on=f.TODAY, due_on=f.TODAY
        )
        f.case_audit(programme, auditors=(auditor,))

    grow()
    with django_assert_max_num_queries(30) as one:
        client.get(url("programme_list"))
    few = len(one.captured_queries)
    for _ in range(4):
        grow()
    with django_assert_max_num_queries(few):
        assert client.get(url("programme_list")).content.decode().count("Neglect audit, winter 2026") == 5

    client = login(auditor)
    with django_assert_max_num_queries(30) as one:
        client.get(url("mine"))
    few = len(one.captured_queries)
    for _ in range(4):
        grow()
    with django_assert_max_num_queries(few):
        assert client.get(url("mine")).content.decode().count("Not submitted") == 9
