"""A child through a period of care, from section 20 to adoption, in a real browser.

Issue 6. Over the past 18 months: the team manager records Kerensa as looked after under section 20
(V2) with approved foster carers, and allocates her to a social worker; the period page shows the
derived 903 episode (RNE S) and the review and visit clocks appear on the worker's My tasks. The
worker records a move to other foster carers (reason CARPL): episode 2 starts (RNE P) and episode 1
ends X1 with the reason; a second move dated before the current placement started is refused at the
date. The manager records an interim care order (C1, RNE L). The IRO's first review dated before
entry is refused at the date; on the right date it is saved. The worker's regulation 28 visit moves
the visit task on. A placement order (E1, RNE L), the agency decision that Kerensa should be placed
for adoption, the match with the adopters and the move to them (A6, RNE P), the adoption order and
the end of care (E11) follow; the 903 episodes table shows the chain S, P, L, L, P with X1 on every
episode but the last, which ends E11.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R19 (the forms are reached through the care policy).
"""

import logging
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp
from safehub.casework.models import Task
from safehub.looked_after.constants import ApprovalStatus, Clock, HouseholdKind
from safehub.looked_after.models import AdoptionDecision, LookedAfterPeriod, Placement
from safehub.looked_after.tests.factories import HouseholdCarerFactory, HouseholdFactory
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock
from tests.conftest import Journey

from .test_child_protection_journey import desks, open_desk, signed_in_here  # noqa: F401 (fixture)
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHILD_GIVEN, FAMILY = "Kerensa", "Polglase"
BORN = date(2019, 4, 9)


def ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_path(period: LookedAfterPeriod) -> str:
    return f"/care/{period.pk}/"


def open_period(desk: Journey, period: LookedAfterPeriod, label: str) -> None:
    desk.go(period_path(period))
    expect(desk.page.get_by_role("heading", level=1)).to_contain_text("Looked after from")
    desk.check_accessibility(label)


def follow(desk: Journey, link: str, url: str, label: str) -> None:
    """Click a link on the page, wait for the form it leads to, and check it with axe."""
    desk.page.get_by_role("link", name=link, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    expect(desk.page.get_by_role("heading", level=1)).to_be_visible()
    desk.check_accessibility(label)


def submit(desk: Journey, button: str, period: LookedAfterPeriod) -> None:
    """Press the form's button and wait to be back on the period page."""
    desk.page.get_by_role("button", name=button, exact=True).click()
    desk.page.wait_for_url(re.compile(rf"/care/{period.pk}/$"))


def refused(desk: Journey, field: str, message: str, label: str) -> None:
    """The form came back with the error summary linking to `field` and the message at the field."""
    page = desk.page
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(f".govuk-error-summary a[href='#id_{field}']")).to_contain_text(message)
    expect(page.locator(f"#id_{field}-error, #{field}-error").first).to_contain_text(message)
    desk.check_accessibility(label)


def episode_rows(page: Any) -> Any:
    table = page.locator("table", has=page.locator("caption", has_text="Derived SSDA903 episodes"))
    return table.locator("tbody tr")


def expect_episode(
    row: Any, decom: date, rne: str, ls: str, place: str, rec: str = "", reason: str = ""
) -> None:
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(f"{decom:%d/%m/%Y}")
    for index, code in ((1, rne), (2, ls), (3, place), (6, rec), (7, reason)):
        expect(cells.nth(index)).to_have_text(coded(code))


def coded(code: str) -> Any:
    """A cell showing a 903 code, with or without its meaning ("V2: Accommodated under section 20 …")."""
    return re.compile(rf"^\s*{re.escape(code)}(: .+)?\s*$") if code else re.compile(r"^\s*$")


def household(name: str, kind: str, approved_on: date, carer_given: str, carer_family: str) -> Any:
    """An approved household with one adult carer (synthetic)."""
    found = HouseholdFactory(
        name=name, kind=kind, status=ApprovalStatus.APPROVED, approved_on=approved_on, places=2
    )
    HouseholdCarerFactory(
        household=found,
        person=indexed_person(
            actor=found.recorded_by,
            given_name=carer_given,
            family_name=carer_family,
            date_of_birth=date(1978, 6, 2),
            sex=Sex.FEMALE,
        ),
        added_on=approved_on,
    )
    return found


def fill_placement(page: Any, *, placement_type: str, provider: str, household: Any, until_18: bool) -> None:
    page.locator("#id_placement_type").select_option(placement_type)
    page.locator("#id_provider").select_option(provider)
    page.locator("#id_household").select_option(str(household.pk))
    page.locator(f"input[name=intended_until_18][value={'yes' if until_18 else 'no'}]").check()


def open_task(period: LookedAfterPeriod, key: str) -> Task:
    return Task.objects.get(involvement=period.involvement, key=key, status="open")


def test_section_20_to_adoption(journey, desks, browser, transactional_db, code_lists, caplog) -> None:  # noqa: F811
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Northbridge Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    team: Any = TeamFactory(
        name="Northbridge Children in Care Team", kind=TeamKind.CHILDREN_IN_CARE, agency=council
    )
    manager: Any = UserFactory(
        role=Role.TEAM_MANAGER,
        agency=council,
        email="manager@cic-journey.example.test",
        full_name="Tamsin Roskilly",
    )
    worker: Any = UserFactory(
        role=Role.SOCIAL_WORKER,
        agency=council,
        email="worker@cic-journey.example.test",
        full_name="Jago Trewin",
    )
    iro: Any = UserFactory(
        role=Role.IRO, agency=council, email="iro@cic-journey.example.test", full_name="Demelza Hocking"
    )
    for member in (manager, worker):
        TeamMembership.objects.create(team=team, user=member)
    secrets = {user.pk: enrol_totp(user) for user in (manager, worker, iro)}

    child = indexed_person(
        actor=worker, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=BORN, sex=Sex.FEMALE
    )
    first_carers = household(
        "The Penrose household", HouseholdKind.MAINSTREAM_FOSTER, ago(900), "Morwenna", "Penrose"
    )
    second_carers = household(
        "The Kitto household", HouseholdKind.MAINSTREAM_FOSTER, ago(900), "Lowenna", "Kitto"
    )
    adopters = household("The Nancarrow household", HouseholdKind.ADOPTERS, ago(700), "Senara", "Nancarrow")

    entered, moved, ico = ago(540), ago(480), ago(450)
    first_review, visited = ago(525), ago(440)
    decided, placement_order, matched, placed = ago(330), ago(300), ago(250), ago(240)
    adopted = ago(60)

    # --- 1. the manager: the child becomes looked after under section 20 ---------------------------
    desk_manager = signed_in_here(journey, manager, secrets[manager.pk])
    page = desk_manager.page
    desk_manager.go(f"/people/{child.pk}/")
    desk_manager.check_accessibility("the child's record")
    follow(desk_manager, "Start a period of care", rf"/care/start/{child.pk}/$", "start a period of care")
    fill_date(page, "started_on", entered)
    page.locator("#id_legal_status").select_option("V2")
    page.locator("#id_need_code").select_option("N1")
    fill_placement(page, placement_type="U4", provider="PR1", household=first_carers, until_18=False)
    page.get_by_role("button", name="Start care", exact=True).click()
    page.wait_for_url(re.compile(r"/care/[0-9a-f-]{36}/$"))
    period = LookedAfterPeriod.objects.get(person=child)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Looked after from {long_date(entered)}")
    rows = episode_rows(page)
    expect(rows).to_have_count(1)
    expect_episode(rows.nth(0), entered, "S", "V2", "U4")
    tasks = page.locator("h2:has-text('Open tasks') + ul")
    expect(tasks).to_contain_text("Hold the looked-after review")
    expect(tasks).to_contain_text("Visit the child in placement")
    desk_manager.check_accessibility("period page, care started")
    screenshot(page, "cic-01-started")

    desk_manager.go(f"/casework/involvements/{period.involvement_id}/allocate/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    desk_manager.check_accessibility("allocate the period of care")
    page.locator("#id_team").select_option(str(team.pk))
    page.locator("#id_worker").select_option(f"{team.pk}:{worker.pk}")
    fill_date(page, "started_on", entered)
    page.get_by_role("button", name="Allocate the case").click()
    page.wait_for_url(re.compile(r"/casework/allocation/$"))
    expect(page.locator("main")).to_contain_text(f"is allocated to {worker.full_name}")

    # --- 2. the social worker: the clocks on My tasks, a move, a move refused -----------------------
    desk_worker = open_desk(journey, browser, desks, worker, secrets[worker.pk])
    wpage = desk_worker.page
    desk_worker.go("/casework/tasks/")
    expect(wpage.get_by_role("heading", level=1)).to_have_text("My tasks")
    mine = wpage.locator("tbody tr").filter(has_text=re.compile(rf"{CHILD_GIVEN}\s+{FAMILY}", re.IGNORECASE))
    expect(mine.filter(has_text="Hold the looked-after review")).to_have_count(1)
    expect(mine.filter(has_text="Visit the child in placement")).to_have_count(1)
    desk_worker.check_accessibility("my tasks, a child in care")
    screenshot(wpage, "cic-02-my-tasks")
    assert open_task(period, Clock.REVIEW).assigned_to == worker

    open_period(desk_worker, period, "period page for the worker")
    follow(desk_worker, "Record a change of placement", rf"/care/{period.pk}/placement/$", "record a move")
    fill_date(wpage, "changed_on", moved)
    wpage.locator("#id_reason").select_option("CARPL")
    fill_placement(wpage, placement_type="U4", provider="PR1", household=second_carers, until_18=False)
    submit(desk_worker, "Save the move", period)
    rows = episode_rows(wpage)
    expect(rows).to_have_count(2)
    expect_episode(rows.nth(0), entered, "S", "V2", "U4", "X1", "CARPL")
    expect(rows.nth(0).locator("td").nth(5)).to_have_text(f"{moved:%d/%m/%Y}")
    expect_episode(rows.nth(1), moved, "P", "V2", "U4")
    desk_worker.check_accessibility("period page, after the move")

    follow(
        desk_worker, "Record a change of placement", rf"/care/{period.pk}/placement/$", "record a second move"
    )
    fill_date(wpage, "changed_on", ago(500))
    wpage.locator("#id_reason").select_option("CARPL")
    fill_placement(wpage, placement_type="U4", provider="PR1", household=first_carers, until_18=False)
    wpage.get_by_role("button", name="Save the move", exact=True).click()
    refused(
        desk_worker,
        "changed_on",
        f"The current placement started on {long_date(moved)}: the move must be after that",
        "record a move, dated before the current placement",
    )
    screenshot(wpage, "cic-03-move-refused")
    assert Placement.objects.filter(period=period).count() == 2

    # --- 3. the manager: an interim care order replaces section 20 -----------------------------------
    open_period(desk_manager, period, "period page for the manager")
    follow(
        desk_manager,
        "Change the legal status",
        rf"/care/{period.pk}/legal-status/$",
        "change the legal status",
    )
    fill_date(page, "changed_on", ico)
    page.locator("#id_legal_status").select_option("C1")
    submit(desk_manager, "Save the legal status", period)
    rows = episode_rows(page)
    expect(rows).to_have_count(3)
    expect_episode(rows.nth(1), moved, "P", "V2", "U4", "X1")
    expect_episode(rows.nth(2), ico, "L", "C1", "U4")
    follow(
        desk_manager, "Name the independent reviewing officer", rf"/care/{period.pk}/iro/$", "name the IRO"
    )
    page.locator("#id_iro").select_option(str(iro.pk))
    submit(desk_manager, "Save", period)
    desk_manager.check_accessibility("period page, on an interim care order")

    # --- 4. the IRO: the first review, first dated before entry --------------------------------------
    desk_iro = open_desk(journey, browser, desks, iro, secrets[iro.pk])
    ipage = desk_iro.page
    open_period(desk_iro, period, "period page for the IRO")
    review_due = open_task(period, Clock.REVIEW).due_on
    follow(desk_iro, "Record a review", rf"/care/{period.pk}/reviews/new/$", "record a review")
    fill_date(ipage, "held_on", entered - timedelta(days=3))
    ipage.locator("input[name=participation][value=PN1]").check()
    ipage.locator("#id_chair").select_option(str(iro.pk))
    ipage.locator("#id_summary").fill("Kerensa is settled; contact with her mother continues weekly.")
    ipage.get_by_role("button", name=re.compile("^Save")).click()
    refused(
        desk_iro,
        "held_on",
        f"cannot be before the child became looked after on {long_date(entered)}",
        "record a review, dated before entry",
    )
    screenshot(ipage, "cic-04-review-refused")
    fill_date(ipage, "held_on", first_review)
    ipage.get_by_role("button", name=re.compile("^Save")).click()
    ipage.wait_for_url(re.compile(rf"/care/{period.pk}/$"))
    reviews = ipage.locator("table", has=ipage.locator("caption", has_text="Reviews held"))
    expect(reviews).to_contain_text(long_date(first_review))
    expect(reviews).to_contain_text(iro.full_name)
    desk_iro.check_accessibility("period page, after the first review")
    assert open_task(period, Clock.REVIEW).due_on > review_due, "the review moves the review task on"

    # --- 5. the social worker: a regulation 28 visit moves the visit task on -------------------------
    visit_due = open_task(period, Clock.VISIT).due_on
    open_period(desk_worker, period, "period page for the worker, before the visit")
    follow(desk_worker, "Record a visit", rf"/care/{period.pk}/visits/new/$", "record a visit")
    fill_date(wpage, "visited_on", visited)
    wpage.locator("input[name=child_seen][value=yes]").check()
    wpage.locator("#id_seen_alone").check()
    wpage.locator("#id_bedroom_seen").check()
    wpage.locator("#id_summary").fill("Kerensa showed me her room and her drawings of the beach.")
    wpage.get_by_role("button", name=re.compile("^Save")).click()
    wpage.wait_for_url(re.compile(rf"/care/{period.pk}/$"))
    visit_after = open_task(period, Clock.VISIT).due_on
    assert visit_after == visited + timedelta(weeks=6)
    assert visit_after > visit_due, "the visit moves the visit task on"
    visits = wpage.locator("#visits ~ dl").first
    expect(visits).to_contain_text(f"{long_date(visited)}, seen alone")
    expect(visits).to_contain_text(long_date(visit_after))
    desk_worker.check_accessibility("period page, after the visit")
    screenshot(wpage, "cic-05-visit")

    # --- 6. the manager: adoption decision, placement order, match, placed for adoption -----------
    open_period(desk_manager, period, "period page for the manager, permanence")
    follow(
        desk_manager,
        "Record a decision to place for adoption",
        rf"/care/{period.pk}/adoption/new/$",
        "record the adoption decision",
    )
    fill_date(page, "decided_on", decided)
    submit(desk_manager, "Save the decision", period)
    decision = AdoptionDecision.objects.get(period=period)

    follow(desk_manager, "Change the legal status", rf"/care/{period.pk}/legal-status/$", "placement order")
    fill_date(page, "changed_on", placement_order)
    page.locator("#id_legal_status").select_option("E1")
    submit(desk_manager, "Save the legal status", period)

    follow(
        desk_manager,
        "Record the match with adopters",
        rf"/care/adoption/{decision.pk}/match/$",
        "record the match",
    )
    fill_date(page, "matched_on", matched)
    page.locator("#id_household").select_option(str(adopters.pk))
    page.locator("input[name=fostered_by_adopters][value=no]").check()
    page.locator("input[name=adopter_count][value='1']").check()
    page.locator("input[name=adopter_sex][value=F1]").check()
    page.locator("#id_adopter_legal_status").select_option("L0")
    submit(desk_manager, "Save the match", period)
    permanence = page.locator("#permanence ~ dl").nth(1)
    expect(permanence).to_contain_text(f"{long_date(matched)} with")
    desk_manager.check_accessibility("period page, matched")

    follow(
        desk_manager, "Record a change of placement", rf"/care/{period.pk}/placement/$", "placed for adoption"
    )
    fill_date(page, "changed_on", placed)
    page.locator("#id_reason").select_option("CARPL")
    fill_placement(page, placement_type="A6", provider="PR1", household=adopters, until_18=True)
    submit(desk_manager, "Save the move", period)
    placements = page.locator("table", has=page.locator("caption", has_text="Placements in this period"))
    expect(placements.locator("tbody tr").nth(2)).to_contain_text(adopters.name)
    screenshot(page, "cic-06-placed-for-adoption")

    # --- 7. the adoption order, and the end of care ------------------------------------------------
    follow(desk_manager, "Record an order", rf"/care/{period.pk}/orders/new/$", "record the adoption order")
    page.locator("input[name=kind][value=adoption]").check()
    fill_date(page, "made_on", adopted)
    submit(desk_manager, "Save the order", period)
    orders = page.locator("table", has=page.locator("caption", has_text="Orders"))
    expect(orders).to_contain_text(long_date(adopted))

    follow(desk_manager, "End the period of care", rf"/care/{period.pk}/end/$", "end the period of care")
    fill_date(page, "ended_on", adopted)
    page.locator("#id_reason").select_option("E11")
    submit(desk_manager, "End care", period)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Looked after from {long_date(entered)} to {long_date(adopted)}"
    )
    rows = episode_rows(page)
    expect(rows).to_have_count(5)
    chain = [
        (entered, "S", "V2", "U4", "X1", "CARPL"),
        (moved, "P", "V2", "U4", "X1", ""),
        (ico, "L", "C1", "U4", "X1", ""),
        (placement_order, "L", "E1", "U4", "X1", "CARPL"),
        (placed, "P", "E1", "A6", "E11", ""),
    ]
    for index, (decom, rne, ls, place, rec, reason) in enumerate(chain):
        expect_episode(rows.nth(index), decom, rne, ls, place, rec, reason)
    expect(rows.nth(4).locator("td").nth(5)).to_have_text(f"{adopted:%d/%m/%Y}")
    expect(page.locator("h2:has-text('Open tasks') + p")).to_have_text("No open tasks.")
    desk_manager.check_accessibility("period page, adopted")
    screenshot(page, "cic-07-adopted")

    period.refresh_from_db()
    assert (period.ended_on, period.end_reason) == (adopted, "E11")
    assert not Task.objects.filter(involvement=period.involvement, status="open").exists()

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = (CHILD_GIVEN, FAMILY, BORN.isoformat(), "Penrose", "Nancarrow")
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 25, journey.axe_checked
