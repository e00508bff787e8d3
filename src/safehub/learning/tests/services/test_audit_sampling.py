"""Setting up a case audit round (issue 10, item 5; ADR 0008 §8): tools, programmes, and the
children's cases, named or sampled from open casework. The partnership manager cannot search
people, so sampling is how most children come into an audit."""

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseService
from safehub.casework.tests.factories import InvolvementFactory
from safehub.people.models import Person
from safehub.people.tests.factories import restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ...constants import ProgrammeStatus
from ...models import AuditProgramme, AuditTool, CaseAudit
from ...services.audits import (
    SAMPLE_MAX,
    audit_tool_create,
    case_audit_add,
    cases_sample,
    programme_create,
)
from .. import factories as f

pytestmark = pytest.mark.django_db

CIN = CaseService.CHILD_IN_NEED


def open_cases(count: int, service: str = CIN) -> list[Person]:
    children = [f.child() for _ in range(count)]
    for child in children:
        InvolvementFactory(person=child, service=service)
    return children


def a_programme(manager: Any, number: int = 1) -> AuditProgramme:
    # Made directly, each on a tool of its own (tool names are unique).
    return AuditProgramme.objects.create(
        lead=manager,
        title=f"Round {number}",
        tool=f.tool(f"Tool {number}"),
        starts_on=date(2026, 11, 2),
        due_on=date(2026, 12, 18),
    )


def fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def children_of(cases: list[CaseAudit]) -> list[Any]:
    return [case.child_id for case in cases]


# --- tools and programmes ---------------------------------------------------------------------


def test_a_tool_needs_a_manager_a_unique_name_and_questions_with_text() -> None:
    with pytest.raises(PermissionRefused):
        audit_tool_create(actor=f.learning_partner(), name="Tool", questions=["Question?"])
    manager = f.partnership_manager()
    audit_tool_create(actor=manager, name="Neglect audit tool", questions=["Question?"])
    with pytest.raises(ValidationError) as error:
        audit_tool_create(actor=manager, name=" neglect AUDIT tool ", questions=[])
    assert error.value.message_dict.keys() == {"name", "questions"}
    with pytest.raises(ValidationError) as error:
        audit_tool_create(actor=manager, name="", questions=["Fine?", ("  ", "Guidance only")])
    assert "Question 2 has no text" in error.value.message_dict["questions"][0]
    assert "name" in fields(error)
    assert AuditTool.objects.count() == 1


def test_a_programme_needs_a_manager_a_current_tool_and_themes_and_sane_dates() -> None:
    with pytest.raises(NotFoundOrForbidden):
        programme_create(
            actor=f.learning_partner(), title="T", tool=f.tool(), starts_on=f.TODAY, due_on=f.TODAY
        )
    retired_tool = f.tool("Old tool")
    retired_tool.active = False
    retired_tool.save()
    retired_theme = f.theme("Old theme")
    retired_theme.active = False
    retired_theme.save()
    with pytest.raises(ValidationError) as error:
        programme_create(
            actor=f.partnership_manager(),
            title=" ",
            tool=retired_tool,
            starts_on=date(2026, 12, 1),
            due_on=date(2026, 11, 30),
            themes=[retired_theme],
        )
    assert fields(error) == {"title", "tool", "due_on", "themes"}
    assert AuditProgramme.objects.count() == 0


# --- cases by name ----------------------------------------------------------------------------


def test_a_child_is_added_once_and_only_while_the_programme_is_auditing() -> None:
    manager = f.partnership_manager()
    programme = a_programme(manager)
    child = f.child()
    case_audit_add(actor=manager, programme=programme, child=child)
    with pytest.raises(ValidationError) as error:
        case_audit_add(actor=manager, programme=programme, child=child)
    assert fields(error) == {"child"}
    programme.status = ProgrammeStatus.MODERATION
    programme.save()
    with pytest.raises(ValidationError) as error:
        case_audit_add(actor=manager, programme=programme, child=f.child())
    assert fields(error) == {"__all__"}
    assert CaseAudit.objects.count() == 1


def test_a_restricted_child_cannot_be_added_and_a_partner_cannot_add_cases() -> None:
    """R18, R19: answered as if the child did not exist."""
    manager = f.partnership_manager()
    programme = a_programme(manager)
    hidden = f.child()
    restrict(hidden)
    with pytest.raises(NotFoundOrForbidden):
        case_audit_add(actor=manager, programme=programme, child=hidden)
    with pytest.raises(NotFoundOrForbidden):
        case_audit_add(actor=f.learning_partner(), programme=programme, child=f.child())
    assert CaseAudit.objects.count() == 0


# --- sampling ---------------------------------------------------------------------------------


def test_the_same_seed_draws_the_same_children_from_open_casework_of_the_service() -> None:
    manager = f.partnership_manager()
    eligible = open_cases(8)
    open_cases(3, CaseService.EARLY_HELP)  # another service
    for closed in open_cases(3):  # casework that has ended
        closed.involvements.update(closed_on=clock.today() - timedelta(days=1))
    first = cases_sample(actor=manager, programme=a_programme(manager, 1), service=CIN, count=3, seed=7)
    second = cases_sample(actor=manager, programme=a_programme(manager, 2), service=CIN, count=3, seed=7)
    assert children_of(first) == children_of(second)
    # Drawn from the eligible children in id order, so the draw can be shown and repeated.
    expected = random.Random(7).sample(sorted(child.pk for child in eligible), 3)
    assert children_of(first) == expected
    assert {case.programme.title for case in first} == {"Round 1"}


def test_restricted_children_are_never_drawn() -> None:
    """R19: a child the manager may not open does not come into an audit by sampling."""
    manager = f.partnership_manager()
    visible = open_cases(4)
    for child in open_cases(3):
        restrict(child)
    drawn = cases_sample(actor=manager, programme=a_programme(manager), service=CIN, count=SAMPLE_MAX)
    assert sorted(children_of(drawn)) == sorted(child.pk for child in visible)


def test_children_already_in_the_programme_are_not_drawn_again_and_fewer_left_means_fewer_cases() -> None:
    manager = f.partnership_manager()
    programme = a_programme(manager)
    named, *rest = open_cases(5)
    case_audit_add(actor=manager, programme=programme, child=named)
    first = cases_sample(actor=manager, programme=programme, service=CIN, count=2, seed=1)
    second = cases_sample(actor=manager, programme=programme, service=CIN, count=10, seed=1)
    # Only two were left for the second draw: both are added and the list says so.
    assert (len(first), len(second)) == (2, 2)
    assert sorted(children_of(first) + children_of(second)) == sorted(child.pk for child in rest)
    assert CaseAudit.objects.filter(programme=programme).count() == 5
    with pytest.raises(ValidationError) as error:
        cases_sample(actor=manager, programme=programme, service=CIN, count=1)
    assert list(error.value.message_dict) == ["service"]
    assert "No open cases" in error.value.message_dict["service"][0]


def test_each_sampled_case_is_audited_as_created() -> None:
    manager = f.partnership_manager()
    open_cases(2)
    drawn = cases_sample(actor=manager, programme=a_programme(manager), service=CIN, count=2, seed=3)
    events = AuditEvent.objects.filter(section="case_sampled", object_type="learning.caseaudit")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(case.pk) for case in drawn)


@pytest.mark.parametrize("count", [0, -1, SAMPLE_MAX + 1, "3", True])
def test_a_sample_is_between_one_and_the_limit(count: Any) -> None:
    manager = f.partnership_manager()
    open_cases(1)
    with pytest.raises(ValidationError) as error:
        cases_sample(actor=manager, programme=a_programme(manager), service=CIN, count=count)
    assert list(error.value.message_dict) == ["count"]
    assert CaseAudit.objects.count() == 0


def test_an_unknown_service_and_a_programme_past_auditing_are_refused() -> None:
    manager = f.partnership_manager()
    open_cases(1)
    programme = a_programme(manager)
    with pytest.raises(ValidationError) as error:
        cases_sample(actor=manager, programme=programme, service="adoption", count=1)
    assert list(error.value.message_dict) == ["service"]
    programme.status = ProgrammeStatus.MODERATION
    programme.save()
    with pytest.raises(ValidationError) as error:
        cases_sample(actor=manager, programme=programme, service=CIN, count=1)
    assert list(error.value.message_dict) == ["__all__"]


def test_only_the_partnership_managers_sample() -> None:
    """R18: a partner agency's lead cannot put children into an audit."""
    manager = f.partnership_manager()
    open_cases(1)
    with pytest.raises(NotFoundOrForbidden):
        cases_sample(actor=f.learning_partner(), programme=a_programme(manager), service=CIN, count=1)
    assert CaseAudit.objects.count() == 0
