"""The MASH dashboard: the figures for a small known set, small-cell suppression (R22), who may see it
(R18), the audit of every view, and a query count that does not grow with the data."""

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.platform.errors import PermissionRefused

from ...constants import Outcome
from ...disclosure import SUPPRESSED, WITHHELD, Group, Rate, cell, protect, suppress_group
from ...selectors.dashboard import default_range, mash_dashboard, period_starts
from .factories_dashboard import GREEN, RED, Seeder, health, police

pytestmark = pytest.mark.django_db

URL = reverse("front_door_dashboard:dashboard")
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday; London is on UTC in November
WEEK_A = dt.datetime(2026, 11, 9, 10, 0, tzinfo=dt.UTC)  # Monday
WEEK_B = dt.datetime(2026, 11, 17, 10, 0, tzinfo=dt.UTC)  # Tuesday of the next week
START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def analyst():
    return UserFactory(role=Role.PERFORMANCE_ANALYST)


def seed_known_set() -> None:
    """Week A: 10 contacts (5 red rated in time, 5 green rated late), 7 decided in time (6 no
    further action, 1 strategy discussion); police asked 6 times (5 answered in 2 hours, 1 open),
    health asked twice. Week B: 3 contacts not yet rated, from the police (source 6)."""
    seed = Seeder()
    contacts = []
    for i in range(5):
        contacts.append(seed.contact(WEEK_A + timedelta(minutes=i), rag=RED, rated_after=timedelta(hours=1)))
    for i in range(5):
        contacts.append(
            seed.contact(
                WEEK_A + timedelta(hours=1, minutes=i),
                rag=GREEN,
                rated_after=timedelta(days=4),
                rag_clock=timedelta(days=3),
            )
        )
    # A later change of rating, given late, does not make a first rating given in time late.
    seed.rating(
        contacts[0], GREEN, at=WEEK_A + timedelta(days=9), due_at=WEEK_A + timedelta(days=3), previous=RED
    )
    for index, contact in enumerate(contacts[:7]):
        contact.status = "decided"
        contact.decided_at = contact.received_at + timedelta(hours=20)
        contact.outcome = Outcome.STRATEGY if index == 0 else Outcome.NO_FURTHER_ACTION
        contact.next_due_at = None
        contact.save()
    for i, contact in enumerate(contacts[:6]):
        seed.request(
            contact,
            police(),
            sent_at=contact.received_at + timedelta(hours=1),
            answered_after=timedelta(hours=2) if i < 5 else None,
        )
    for contact in contacts[:2]:
        seed.request(
            contact,
            health(),
            sent_at=contact.received_at + timedelta(hours=1),
            answered_after=timedelta(hours=1),
        )
    for i in range(3):
        seed.contact(WEEK_B + timedelta(minutes=i), source="6", next_due_at=NOW + timedelta(hours=1))


# --- small cells and rates ----------------------------------------------------------------------
def test_counts_from_one_to_four_are_shown_as_fewer_than_five():
    """R22: a count of 1 to 4 could single out a child or family; 0 and 5+ cannot."""
    assert [cell(n).text for n in (0, 1, 4, 5, 1234)] == ["0", SUPPRESSED, SUPPRESSED, "5", "1,234"]
    assert cell(3).shown is None
    assert cell(5).shown == 5


def test_a_rate_of_or_out_of_a_small_count_is_not_shown():
    """R22: 3 of 10 or 3 of 3 give the small count away as surely as the count itself."""
    assert Rate(6, 10).text == "60%"
    assert Rate(3, 10).hidden
    assert SUPPRESSED in Rate(3, 10).text
    assert Rate(3, 3).hidden
    assert Rate(0, 7).text == "0%"
    assert Rate(0, 0).text == "none"


def test_one_hidden_cell_in_a_group_hides_the_next_smallest_so_it_cannot_be_subtracted():
    """R22: with the total shown, a single hidden cell is the total less the others."""
    cells = suppress_group([10, 3, 7, 0])
    assert [c.hidden for c in cells] == [False, True, True, False]
    assert [c.hidden for c in suppress_group([10, 3, 2])] == [False, True, True]
    assert [c.hidden for c in suppress_group([3, 0, 0])] == [True, False, False]
    assert not any(c.hidden for c in suppress_group([5, 0, 9]))


def test_small_cells_that_the_total_pins_down_are_protected_too():
    """R22: two "fewer than 5" cells that are 8 between them are both 4; two that are 2 are both 1."""
    assert [c.hidden for c in suppress_group([10, 4, 4])] == [True, True, True]
    assert [c.hidden for c in suppress_group([10, 1, 1])] == [True, True, True]
    assert [c.text for c in suppress_group([10, 4, 4])] == [WITHHELD, SUPPRESSED, SUPPRESSED]
    assert not suppress_group([10, 2, 3])[0].hidden  # 5 between them: 1 and 4, 2 and 3, ...


def _solutions(table, row_totals, column_totals, limit=40):
    """Ways a reader could fill the hidden cells of a table from what it shows: a small cell is
    1 to 4, a withheld one 5 or more; rows and columns must add up to their shown totals.

    A depth-first search that drops a partial filling as soon as a row or column overshoots its
    total or is complete and wrong, and stops once every hidden cell has shown two values (all
    the test needs), so the check stays fast however large the counts."""
    hidden = [(r, c) for r, row in enumerate(table) for c, cell_ in enumerate(row) if cell_.hidden]
    rows = [None if t.hidden else t.value for t in row_totals]
    columns = [None if t.hidden else t.value for t in column_totals]
    filled = [[None if cell_.hidden else cell_.value for cell_ in row] for row in table]
    seen: dict = {key: set() for key in hidden}
    found = []

    def consistent(line, total):
        if total is None:
            return True
        known = [v for v in line if v is not None]
        return sum(known) == total if len(known) == len(line) else sum(known) <= total

    def search(i):
        if all(len(values) >= 2 for values in seen.values()):
            return True
        if i == len(hidden):
            solution = {key: filled[key[0]][key[1]] for key in hidden}
            found.append(solution)
            for key, value in solution.items():
                seen[key].add(value)
            return False
        r, c = hidden[i]
        low, high = (1, 4) if not table[r][c].withheld else (5, limit)
        for value in range(low, high + 1):
            filled[r][c] = value
            column = [row[c] for row in filled]
            if consistent(filled[r], rows[r]) and consistent(column, columns[c]) and search(i + 1):
                filled[r][c] = None
                return True
        filled[r][c] = None
        return False

    search(0)
    return hidden, found


@pytest.mark.parametrize(
    "counts",
    [
        [[10, 3], [7, 6]],  # the finding: 2A's 3 was its "All" less its 10
        [[12, 0, 2], [9, 8, 0], [0, 6, 7]],
        [[1, 20, 0], [0, 0, 9], [30, 1, 5]],
    ],
)
def test_no_hidden_cell_of_a_table_with_row_and_column_totals_can_be_worked_out(counts):
    """R22: rows against their totals and columns against theirs, together, until stable. Every
    hidden cell has at least two values that fit everything the table shows."""
    groups, values = [], {}
    for r, row in enumerate(counts):
        for c, value in enumerate(row):
            values[(r, c)] = value
        values[("row", r)] = sum(row)
        groups.append(Group(("row", r), tuple((r, c) for c in range(len(row)))))
    for c in range(len(counts[0])):
        values[("column", c)] = sum(row[c] for row in counts)
        groups.append(Group(("column", c), tuple((r, c) for r in range(len(counts)))))
    cells = protect(values, groups)
    table = [[cells[(r, c)] for c in range(len(counts[0]))] for r in range(len(counts))]
    row_totals = [cells[("row", r)] for r in range(len(counts))]
    column_totals = [cells[("column", c)] for c in range(len(counts[0]))]
    hidden, solutions = _solutions(table, row_totals, column_totals)
    assert hidden, "the table has small cells"
    assert solutions, "the table as shown must be consistent with its true counts"
    for key in hidden:
        assert len({solution[key] for solution in solutions}) >= 2, key


def test_a_source_hidden_in_one_week_cannot_be_taken_from_its_total_or_the_week_received():
    """R22, the finding: source 2A sent 10 in week A and 3 in week B. Before, its "All" of 13
    less the 10 shown gave the 3; so did week B's received count less the other sources."""
    seed = Seeder()
    for i in range(10):
        seed.contact(WEEK_A + timedelta(minutes=i), source="2A")
    for i in range(7):
        seed.contact(WEEK_A + timedelta(hours=2, minutes=i), source="6")
    for i in range(3):
        seed.contact(WEEK_B + timedelta(minutes=i), source="2A")
    for i in range(6):
        seed.contact(WEEK_B + timedelta(hours=2, minutes=i), source="6")
    board = mash_dashboard(actor=analyst(), period="week", start=START, end=END)
    sources = {s.code: s for s in board.sources}
    received = {row.start: row.received for row in board.rows}
    for source in sources.values():
        shown = [c for c in source.cells if not c.hidden]
        hidden = [c for c in source.cells if c.hidden]
        assert len(hidden) != 1 or source.total.hidden, source.code
        assert sum(c.value for c in shown) + sum(c.value for c in hidden) == source.total.value
    for index, start in enumerate(row.start for row in board.rows):
        column = [s.cells[index] for s in sources.values()]
        assert sum(c.hidden for c in column) != 1 or received[start].hidden, start
    assert sources["2A"].cells[2].text == SUPPRESSED  # week B
    assert sources["2A"].cells[1].text == WITHHELD  # its 10 in week A
    assert received[WEEK_B.date() - timedelta(days=1)].text == "9"


def test_the_range_is_widened_to_whole_periods():
    """R22: a range starting on a Wednesday and one starting on the Thursday would differ by one
    day's contacts; both now show the whole week."""
    seed = Seeder()
    seed.contact(dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC))  # Tuesday
    wednesday = mash_dashboard(actor=analyst(), period="week", start=dt.date(2026, 11, 11), end=END)
    thursday = mash_dashboard(actor=analyst(), period="week", start=dt.date(2026, 11, 12), end=END)
    assert wednesday.start == thursday.start == dt.date(2026, 11, 9)
    assert wednesday.rows[0].received.value == thursday.rows[0].received.value == 1
    assert wednesday.end == END  # the current week runs to today
    earlier = mash_dashboard(
        actor=analyst(), period="month", start=dt.date(2026, 9, 3), end=dt.date(2026, 10, 9)
    )
    assert (earlier.start, earlier.end) == (dt.date(2026, 9, 1), dt.date(2026, 10, 31))


def test_periods_and_the_default_range():
    assert period_starts(dt.date(2026, 11, 4), dt.date(2026, 11, 17), "week") == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
    ]
    assert period_starts(dt.date(2026, 11, 15), dt.date(2027, 1, 2), "month") == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]
    assert default_range("week", dt.date(2026, 11, 25)) == (dt.date(2026, 9, 7), dt.date(2026, 11, 25))
    assert default_range("month", dt.date(2026, 11, 25)) == (dt.date(2025, 12, 1), dt.date(2026, 11, 25))


# --- the figures --------------------------------------------------------------------------------
def test_the_weekly_figures_for_a_known_set():
    seed_known_set()
    board = mash_dashboard(actor=analyst(), period="week", start=START, end=END)
    rows = {row.start: row for row in board.rows}
    assert list(rows) == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    ]

    empty, week_a, week_b = (
        rows[dt.date(2026, 11, 2)],
        rows[dt.date(2026, 11, 9)],
        rows[dt.date(2026, 11, 16)],
    )
    assert empty.received.text == "0"
    assert week_a.received.text == "10"
    assert {k: c.text for k, c in week_a.rag.items()} == {
        "red": "5",
        "amber": "0",
        "green": "5",
        "not_rated": "0",
    }
    assert week_a.rated_in_time.text == "50%"  # the 5 reds; the later late re-rating does not count
    assert week_a.decided_in_time.text == "100%"
    # 7 decided beside 3 undecided (a reader may know that): the 1 strategy discussion would be
    # 7 less 6, so the 6 is withheld too.
    assert week_a.outcomes[Outcome.NO_FURTHER_ACTION].text == WITHHELD
    assert week_a.outcomes[Outcome.NO_FURTHER_ACTION].value == 6
    assert week_a.outcomes[Outcome.STRATEGY].text == SUPPRESSED
    assert week_a.outcomes[Outcome.EARLY_HELP].text == "0"

    assert week_b.received.text == SUPPRESSED
    assert week_b.rag["not_rated"].text == SUPPRESSED
    assert week_b.rated_in_time.text == "none"

    sources = {s.code: s for s in board.sources}
    assert set(sources) == {"2A", "6"}
    assert [c.text for c in sources["2A"].cells] == ["0", "10", "0", "0"]
    assert sources["2A"].total.text == "10"
    assert sources["6"].total.text == SUPPRESSED
    assert sources["2A"].label != "2A"  # the CIN census label, not the bare code

    agencies = {a.name: a for a in board.agencies}
    police_row = agencies["Test Police"]
    assert (police_row.sent.text, police_row.answered.text) == ("6", "5")
    assert police_row.answered_in_time.text == "100%"
    assert police_row.median_hours == "2.0"
    health_row = agencies["Test Health Trust"]
    assert health_row.sent.text == SUPPRESSED
    assert health_row.median_hours == SUPPRESSED


def test_the_monthly_figures_add_the_weeks_up():
    seed_known_set()
    board = mash_dashboard(actor=analyst(), period="month", start=dt.date(2026, 10, 1), end=END)
    rows = {row.start: row for row in board.rows}
    assert list(rows) == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    november = rows[dt.date(2026, 11, 1)]
    assert november.received.text == "13"
    # Three not rated beside 5, 0 and 5: the hidden cell takes the smallest other (red) with it;
    # and as red was picked for being smallest, it is at most green's 5, so green goes too.
    assert [c.hidden for c in november.rag.values()] == [True, False, True, True]
    assert november.rag["not_rated"].text == SUPPRESSED
    assert november.rag["green"].text == WITHHELD


def test_open_now_counts_the_open_contacts_by_rating_and_those_past_their_clock():
    seed_known_set()
    board = mash_dashboard(actor=analyst(), period="week", start=START, end=END)
    open_now = {row.rag: row for row in board.open_now}
    # 3 rated and undecided (all past their decision clock), 3 not rated and due in an hour.
    assert board.open_total.text == "6"
    assert board.overdue_total.text == SUPPRESSED
    assert open_now["not_rated"].open.hidden
    assert open_now["amber"].open.text == "0"


def test_the_selector_refuses_a_role_without_the_dashboard():
    with pytest.raises(PermissionRefused):
        mash_dashboard(actor=UserFactory(role=Role.MASH_SOCIAL_WORKER), period="week", start=START, end=END)


# --- the page -----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.PERFORMANCE_ANALYST, Role.PARTNERSHIP_MANAGER, Role.MASH_MANAGER])
def test_dashboard_roles_see_the_page(signed_in, role):
    """R18: the dashboard's roles, and only they."""
    response = signed_in(role).get(URL)
    assert response.status_code == 200
    assert "MASH dashboard" in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER, Role.MASH_SOCIAL_WORKER, Role.SYSADMIN]
)
def test_other_roles_are_refused(signed_in, role):
    """R18: deny by default."""
    assert signed_in(role).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302


def test_the_page_shows_counts_only_and_is_audited(signed_in):
    """R22, R27: no references or names on the page; the view is in the audit trail."""
    seed_known_set()
    client = signed_in(Role.PERFORMANCE_ANALYST)
    response = client.get(
        URL, {"period": "week", "start_day": "2", "start_month": "11", "start_year": "2026"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "MASH-2026" not in html
    assert "Week of 9 Nov 2026" in html
    assert SUPPRESSED in html
    assert "<svg" in html
    assert "<table" in html
    assert "Red</strong>" in html  # the rating in words, not colour alone
    event = AuditEvent.objects.get(verb=Verb.VIEW, object_type="front_door.dashboard")
    assert event.actor_id == client.user.pk
    assert event.section == "week 2026-11-02..2026-11-25"


def test_monthly_switch(signed_in):
    response = signed_in(Role.PERFORMANCE_ANALYST).get(URL, {"period": "month"})
    assert response.status_code == 200
    assert "November 2026" in response.content.decode()


def test_an_end_before_the_start_is_an_error_at_the_field_and_the_default_figures_show(signed_in):
    response = signed_in(Role.PERFORMANCE_ANALYST).get(
        URL,
        {
            "period": "week",
            "start_day": "20",
            "start_month": "11",
            "start_year": "2026",
            "end_day": "1",
            "end_month": "11",
            "end_year": "2026",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The end date must be the same as or after the start date" in html
    assert "Week of 7 Sep 2026" in html  # the default 12 weeks


def test_the_query_count_does_not_grow_with_the_data(signed_in, django_assert_max_num_queries):
    client = signed_in(Role.PERFORMANCE_ANALYST)
    client.get(URL)  # the session's first request records the session itself
    seed_known_set()
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    seed_known_set_again()
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(len(small)):
        client.get(URL)


def seed_known_set_again() -> None:
    seed = Seeder()
    for day in range(20):
        contact = seed.contact(
            WEEK_A - timedelta(days=day * 3), rag=RED, rated_after=timedelta(hours=2), source="3A"
        )
        seed.request(contact, health(), sent_at=contact.received_at, answered_after=timedelta(hours=5))
