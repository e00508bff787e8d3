"""The board report's and the themes view's figures, each checked exactly against a known set of
incidents, reviews, actions and audits (issue 10, item 6). Today is Thursday 26 November 2026.

`board_world()` is also used by the board pages' tests.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.people.tests.factories import restrict
from safehub.platform.errors import PermissionRefused

from ..constants import (
    ActionStatus,
    AuditGrade,
    CaseAuditStatus,
    Rag,
    RapidReviewDecision,
    ReviewKind,
    ReviewStatus,
)
from ..models import AuditProgramme, Finding, Theme
from ..selectors.reports import board_report, learning_scrutiny_section, overdue_actions
from ..selectors.themes import theme_reviews, themes_across_reviews
from . import factories as f
from .factories import TODAY

pytestmark = pytest.mark.django_db

YESTERDAY = TODAY - timedelta(days=1)
CHILD_NAME = ("Zephyrine", "Quillfeather")


@dataclass
class World:
    manager: Any
    hidden_child: Any
    themes: dict[str, Theme]
    reviews: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, Any] = field(default_factory=dict)


def _incident(reference: str, **fields: Any) -> Any:
    fields.setdefault("child", f.child(given_name=CHILD_NAME[0], family_name=CHILD_NAME[1]))
    return f.incident(reference=reference, **fields)


def _moderated(programme: Any, grade: str, manager: Any, **fields: Any) -> Any:
    return f.case_audit(
        programme,
        status=CaseAuditStatus.MODERATED,
        moderated_grade=grade,
        moderated_by=manager,
        moderated_on=date(2026, 11, 20),
        **fields,
    )


def board_world() -> World:
    """A known partnership. Every child is named Zephyrine Quillfeather, so a page that shows a
    child's name is caught."""
    manager = f.partnership_manager()
    themes = {
        "hidden": f.theme("Hidden and unseen adults"),
        "info": f.theme("Information sharing between agencies"),
        "neglect": f.theme("Recognising neglect"),
    }
    world = World(manager=manager, hidden_child=None, themes=themes)

    # Incidents: on time, late, awaiting past due, awaiting not yet due, on the due day, and one
    # about a child the reader is restricted from (never counted, R22).
    on_time = _incident("SIN-0001", notified_on=date(2026, 11, 20))
    late = _incident("SIN-0002", notified_on=date(2026, 11, 25))
    _incident("SIN-0003")  # not notified, due 24 November: overdue
    _incident("SIN-0004", notify_due_on=date(2026, 11, 27))  # not notified, not yet due
    on_due_day = _incident("SIN-0005", notified_on=date(2026, 11, 24))
    old = _incident(
        "SIN-0006",
        incident_on=date(2026, 9, 25),
        aware_on=date(2026, 9, 28),
        notify_due_on=date(2026, 10, 5),
        notified_on=date(2026, 10, 1),
    )
    hidden = _incident("SIN-0007", notified_on=date(2026, 11, 25))
    world.hidden_child = hidden.child
    restrict(hidden.child)

    r = world.reviews
    # Rapid review due yesterday: 1 working day overdue.
    r["late_rapid"] = f.review(manager, incident=on_time, subject_label="Child A", due_on=YESTERDAY)
    # Rapid review due today: not overdue.
    r["rapid_today"] = f.review(manager, incident=late, subject_label="Child B", due_on=TODAY)
    # A completed rapid review, long past its due date, that commissioned a local review.
    r["done_rapid"] = f.review(
        manager,
        incident=on_due_day,
        subject_label="Child C",
        started_on=date(2025, 6, 2),
        due_on=date(2025, 6, 23),
        status=ReviewStatus.COMPLETED,
        completed_on=date(2025, 6, 20),
        decision=RapidReviewDecision.LOCAL_REVIEW,
        decision_on=date(2026, 6, 1),
    )
    # A local review due six months after its decision, 26 May 2026: 184 days overdue.
    r["late_local"] = f.review(
        manager,
        kind=ReviewKind.LOCAL,
        subject_label="Child D",
        started_on=date(2026, 1, 5),
        due_on=date(2026, 5, 26),
    )
    # A local review recorded without a due date: 6 months from the decision, 1 December 2026.
    r["local_no_due"] = f.review(
        manager,
        kind=ReviewKind.LOCAL,
        subject_label="Child E",
        started_on=date(2026, 6, 2),
        due_on=None,
        commissioned_from=r["done_rapid"],
    )
    # A rapid review without a stored due date: 15 working days from the notification on
    # 1 October is 22 October, so it is 25 working days overdue.
    r["rapid_no_due"] = f.review(
        manager, incident=old, subject_label="Child G", started_on=date(2026, 10, 2), due_on=None
    )
    # A published legacy review from 2019: counted by kind, outside the themes' six years.
    r["legacy"] = f.review(
        manager,
        kind=ReviewKind.SERIOUS_CASE,
        subject_label="Child H",
        started_on=date(2019, 3, 4),
        due_on=None,
        status=ReviewStatus.PUBLISHED,
        completed_on=date(2019, 12, 2),
        published_on=date(2020, 1, 6),
    )

    # Themes: "hidden" on three 2026 reviews directly and on a 2025 review through a finding.
    for key in ("late_rapid", "rapid_today", "late_local", "legacy"):
        r[key].themes.add(themes["hidden"])
    first = Finding.objects.create(review=r["done_rapid"], text="Synthetic finding one.", recorded_by=manager)
    first.themes.add(themes["info"])
    second = Finding.objects.create(
        review=r["done_rapid"], text="Synthetic finding two.", recorded_by=manager
    )
    second.themes.add(themes["info"], themes["hidden"])

    # Actions, all on Child A's recommendations or an audit finding.
    health, police = f.health(), f.police()
    rec = f.recommendation(r["late_rapid"])
    a = world.actions
    a["due_yesterday"] = f.action(
        rec, agency=health, due_on=YESTERDAY, rag=Rag.RED, description="Due yesterday"
    )
    a["due_today"] = f.action(rec, agency=health, due_on=TODAY, rag=Rag.AMBER, description="Due today")
    a["future"] = f.action(
        rec, agency=health, due_on=date(2027, 1, 29), rag=Rag.GREEN, description="Next year"
    )
    a["signed_off"] = f.action(
        rec,
        agency=police,
        due_on=date(2026, 10, 1),
        status=ActionStatus.SIGNED_OFF,
        completed_on=date(2026, 10, 2),
        signed_off_on=date(2026, 10, 5),
        signed_off_by=manager,
        description="Signed off late",
    )
    a["awaiting"] = f.action(
        rec,
        agency=police,
        due_on=date(2026, 10, 1),
        status=ActionStatus.COMPLETED,
        completed_on=date(2026, 9, 30),
        description="Awaiting sign-off",
    )

    # Case audits: the neglect programme has 2 good, 1 inadequate and 1 unmoderated case of
    # children the reader may see, and an outstanding one they may not (never counted).
    neglect = f.programme(manager, title="Neglect audit, winter 2026")
    _moderated(neglect, AuditGrade.GOOD, manager)
    good = _moderated(neglect, AuditGrade.GOOD, manager)
    _moderated(neglect, AuditGrade.INADEQUATE, manager)
    f.case_audit(neglect)
    hidden_case = _moderated(neglect, AuditGrade.OUTSTANDING, manager, child=world.hidden_child)
    # Made directly: factories.programme() builds its default tool even when given one.
    AuditProgramme.objects.create(
        lead=manager,
        title="Exploitation audit, spring 2027",
        tool=f.tool("Exploitation tool"),
        starts_on=date(2026, 11, 2),
        due_on=date(2026, 12, 18),
    )
    finding = f.audit_finding(good, recorded_by=manager)
    finding.themes.add(themes["neglect"])
    f.audit_finding(hidden_case, recorded_by=manager).themes.add(themes["neglect"])
    a["audit_overdue"] = f.action(
        finding, agency=police, due_on=date(2026, 11, 1), rag=Rag.GREEN, owner_name="=HYPERLINK(1)"
    )
    return world


# --- the board report ---------------------------------------------------------------------------


def test_reviews_by_kind_and_status_count_each_review_once() -> None:
    world = board_world()
    report = board_report(actor=world.manager, today=TODAY)
    by_kind = {row.kind: row for row in report.reviews_by_kind}
    assert (by_kind["rapid"].in_progress, by_kind["rapid"].completed, by_kind["rapid"].published) == (3, 1, 0)
    assert (by_kind["local"].in_progress, by_kind["local"].completed) == (2, 0)
    assert (by_kind["serious_case"].published, by_kind["serious_case"].in_progress) == (1, 0)
    assert by_kind["national"].in_progress == 0
    assert [by_kind[k].overdue for k in ("rapid", "local", "national", "serious_case")] == [2, 1, 0, 0]


def test_reviews_overdue_are_worked_out_from_due_dates_in_working_days_for_rapid_reviews() -> None:
    """R52: a rapid review's 15 days are working days, so its lateness is too."""
    world = board_world()
    report = board_report(actor=world.manager, today=TODAY)
    running = {row.subject_label: row for row in report.reviews_in_progress}
    assert set(running) == {"Child A", "Child B", "Child D", "Child E", "Child G"}
    assert (running["Child A"].days_overdue, running["Child A"].unit) == (1, "working days")
    assert running["Child B"].overdue is False  # due today
    assert (running["Child D"].days_overdue, running["Child D"].unit) == (184, "days")
    assert running["Child E"].due_on == date(2026, 12, 1)
    assert not running["Child E"].overdue
    assert running["Child G"].due_on == date(2026, 10, 22)
    assert (running["Child G"].days_overdue, running["Child G"].unit) == (25, "working days")
    assert report.reviews_overdue == 3
    # Earliest due first, so the longest overdue lead.
    assert [row.subject_label for row in report.reviews_in_progress][:3] == ["Child D", "Child G", "Child A"]


def test_incidents_notified_late_are_counted_without_the_restricted_child() -> None:
    """R22: the incident about a child the reader is restricted from is not counted."""
    world = board_world()
    incidents = board_report(actor=world.manager, today=TODAY).incidents
    assert (incidents.recorded, incidents.notified, incidents.notified_late, incidents.awaiting_overdue) == (
        6,
        4,
        1,
        1,
    )


def test_actions_by_agency_count_open_overdue_awaiting_and_signed_off() -> None:
    world = board_world()
    report = board_report(actor=world.manager, today=TODAY)
    rows = {row.agency: row for row in report.actions_by_agency}
    health = rows["Synthetic Health Trust"]
    police = rows["Synthetic Constabulary"]
    assert (health.open, health.overdue, health.awaiting_sign_off, health.signed_off) == (3, 1, 0, 0)
    assert (police.open, police.overdue, police.awaiting_sign_off, police.signed_off) == (1, 1, 1, 1)
    totals = report.action_totals
    assert (totals.open, totals.overdue, totals.awaiting_sign_off, totals.signed_off) == (4, 2, 1, 1)
    assert report.rag == [
        ("red", "Red: off track", 1),
        ("amber", "Amber: at risk", 1),
        ("green", "Green: on track", 2),
    ]


def test_an_action_due_yesterday_is_overdue_but_not_one_due_today_or_done() -> None:
    world = board_world()
    rows = overdue_actions(actor=world.manager, today=TODAY)
    assert [row.id for row in rows] == [world.actions["audit_overdue"].pk, world.actions["due_yesterday"].pk]
    assert [row.days_overdue for row in rows] == [25, 1]
    due_yesterday = rows[1]
    assert (due_yesterday.source, due_yesterday.agency, due_yesterday.officer) == (
        "Child A, recommendation 1",
        "Synthetic Health Trust",
        "Dr Synthetic Lead",
    )
    assert rows[0].source == "Case audit: Neglect audit, winter 2026"


def test_moderated_grades_per_programme_leave_out_the_restricted_child() -> None:
    world = board_world()
    programmes = {p.title: p for p in board_report(actor=world.manager, today=TODAY).programmes}
    neglect = programmes["Neglect audit, winter 2026"]
    assert (neglect.cases, neglect.moderated) == (4, 3)
    assert [(grade, n) for grade, _, n in neglect.grades] == [
        ("outstanding", 0),
        ("good", 2),
        ("requires_improvement", 0),
        ("inadequate", 1),
    ]
    empty = programmes["Exploitation audit, spring 2027"]
    assert (empty.cases, empty.moderated, sum(n for _, _, n in empty.grades)) == (0, 0, 0)


def test_a_reader_without_the_report_capability_is_refused() -> None:
    with pytest.raises(PermissionRefused):
        board_report(actor=f.learning_partner(), today=TODAY)


def test_the_analyst_gets_the_same_figures() -> None:
    world = board_world()
    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST)
    mine, theirs = board_report(actor=analyst, today=TODAY), board_report(actor=world.manager, today=TODAY)
    assert mine.action_totals == theirs.action_totals
    assert mine.incidents == theirs.incidents
    assert mine.reviews_by_kind == theirs.reviews_by_kind


# --- themes across reviews ----------------------------------------------------------------------


def test_themes_count_reviews_findings_and_audit_findings_by_year_most_recurring_first() -> None:
    world = board_world()
    table = themes_across_reviews(actor=world.manager, today=TODAY)
    assert table.years == [2021, 2022, 2023, 2024, 2025, 2026]
    top = table.rows[:3]
    assert [row.name for row in top] == [
        "Hidden and unseen adults",
        "Information sharing between agencies",
        "Recognising neglect",
    ]
    hidden, info, neglect = top
    # Three 2026 reviews directly, Child C's 2025 review through its finding; 2019 is outside.
    assert (hidden.reviews, hidden.findings, hidden.audit_findings) == (
        [0, 0, 0, 0, 1, 3],
        [0, 0, 0, 0, 1, 0],
        [0] * 6,
    )
    assert (hidden.reviews_total, hidden.recurring) == (4, True)
    assert (info.reviews_total, info.findings_total, info.recurring) == (1, 2, False)
    # The restricted child's audit finding is not counted (R22).
    assert (neglect.reviews_total, neglect.audit_findings) == (0, [0, 0, 0, 0, 0, 1])
    assert [row.name for row in table.recurring] == ["Hidden and unseen adults"]


def test_a_retired_theme_stays_while_it_counts_and_goes_when_it_does_not() -> None:
    world = board_world()
    world.themes["info"].active = False
    world.themes["info"].save()
    unused = f.theme("Unused retired theme")
    unused.active = False
    unused.save()
    names = [row.name for row in themes_across_reviews(actor=world.manager, today=TODAY).rows]
    assert "Information sharing between agencies" in names
    assert "Unused retired theme" not in names


def test_theme_reviews_lists_labels_for_the_count_that_links_to_them() -> None:
    world = board_world()
    hidden = world.themes["hidden"]
    all_years = theme_reviews(actor=world.manager, id=hidden.pk, today=TODAY)
    assert sorted(r.subject_label for r in all_years.reviews) == ["Child A", "Child B", "Child C", "Child D"]
    in_2025 = theme_reviews(actor=world.manager, id=hidden.pk, today=TODAY, year=2025)
    assert [(r.subject_label, r.findings) for r in in_2025.reviews] == [("Child C", 1)]
    neglect = theme_reviews(actor=world.manager, id=world.themes["neglect"].pk, today=TODAY)
    assert [(p.title, p.audit_findings) for p in neglect.programmes] == [("Neglect audit, winter 2026", 1)]


# --- the scrutiny section -----------------------------------------------------------------------


def test_scrutiny_section_is_plain_data_with_the_board_figures() -> None:
    world = board_world()
    section = learning_scrutiny_section(actor=world.manager, today=TODAY)
    assert section["reviews"] == {"in_progress": 5, "completed": 1, "published": 1, "overdue": 3}
    assert section["incidents"] == {"recorded": 6, "notified": 4, "notified_late": 1, "awaiting_overdue": 1}
    assert section["actions"] == {"open": 4, "overdue": 2, "awaiting_sign_off": 1, "signed_off": 1}
    assert [t["name"] for t in section["themes"]] == [
        "Hidden and unseen adults",
        "Information sharing between agencies",
    ]
    assert section["recurring_themes"] == 1
    neglect = next(a for a in section["audits"] if a["title"] == "Neglect audit, winter 2026")
    assert [g["count"] for g in neglect["grades"]] == [0, 2, 0, 1]


def test_scrutiny_partial_renders_the_section_and_names_no_child() -> None:
    """R22: the section goes to elected members, so it carries labels and counts only."""
    world = board_world()
    section = learning_scrutiny_section(actor=world.manager, today=TODAY)
    html = render_to_string("learning/reports/_scrutiny_section.html", {"section": section})
    assert "Learning and improvement" in html
    assert "5 in progress, of which 3 overdue" in html
    assert "4 open, of which 2 overdue" in html
    assert "Hidden and unseen adults" in html
    assert "Recurring" in html
    assert "Neglect audit, winter 2026" in html
    for name in CHILD_NAME:
        assert name not in html
    assert "HYPERLINK" not in html  # no officer is named in the scrutiny section
