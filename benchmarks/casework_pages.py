"""Casework pages (issue 5): the worker's task list and a child's record, as the case grows.

Bulk-loads synthetic casework (no services, so the load takes seconds, but the rows are shaped as
the services make them: a Person, an Involvement with its current Allocation and a Referral per
case, clock tasks with their keys assigned to the allocated worker) into a fresh database, then
times through Django's test client, signed in with a second factor:

- `casework:my_tasks` for a worker with 6 open cases and 20 open tasks, and one with 60 open cases
  and 200 open tasks, among about 20,000 tasks of 100 other workers;
- the child's record, for a child with 30, 300 and 1,000 events in the chronology (a referral,
  earlier closed referrals, assessments, strategy discussions and section 47 enquiries,
  conferences, a child protection plan, statutory visits, significant case notes, names and
  addresses): the person page `people:detail`, the chronology `people:chronology`, the case
  page `child_protection:case` and the case notes `casework:notes`;
- the baseline in the same run: the home page `web:home` for the same signed-in workers.

It prints median / p95 / max (ms) and the number of queries per request, and the ratios of the
big size to the small one for time and queries. A query count that does not move with the size is
the point (issue 5: p95 <= 200 ms on PostgreSQL with a constant query count). When a page's count
does move, the statements that grew are listed with the code that sent them.

    .venv/bin/python benchmarks/casework_pages.py                        # SQLite in a temp dir
    .venv/bin/python benchmarks/casework_pages.py --requests 200 --budget 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safehub_bench_case .venv/bin/python benchmarks/casework_pages.py

On PostgreSQL the named database must exist and hold no referrals. Prints figures; no pass/fail.
Each series stops early once it has used `--budget` seconds and says how many requests it made.
Runs with DEBUG off (SAFEHUB_DEBUG=false unless set), as production renders templates.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

SRC = str(ROOT / "src" / "safehub")
WARM_UP = 5
EMAIL = "case-bench-{}@example.test"
TARGET_P95_MS = 200.0
OTHER_WORKERS = 100
OTHER_CASES_PER_WORKER = 40
OTHER_TASKS = 20_000
WORKER_SIZES = ((6, 20), (60, 200))  # (open cases, open tasks)
CHILD_SIZES = (30, 300, 1_000)  # chronology events
# Stages of the other cases and the clock keys each has open (as child_protection.clocks makes them).
STAGE_KEYS: dict[str, tuple[str, ...]] = {
    "cp": ("cp.core_group", "cp.review_conference", "cp.visit"),
    "cin": ("cin.visit", "cin.plan_review"),
    "s47": ("cin.assessment", "cp.icpc"),
    "assessment": ("cin.assessment",),
}
STAGE_WEIGHTS = {"cp": 7, "cin": 2, "s47": 1, "assessment": 0}
LEVEL = {"cp": "cp", "cin": "cin", "s47": "assessment", "assessment": "assessment"}
TITLES = {
    "cin.assessment": (
        "Complete the child and family assessment",
        "Working Together: within 45 working days",
    ),
    "cp.icpc": ("Hold the initial child protection conference", "Working Together: within 15 working days"),
    "cp.first_core_group": ("Hold the first core group", "Working Together: within 10 working days"),
    "cp.core_group": ("Hold the next core group", "Local timescale: 6 weeks after the last core group"),
    "cp.review_conference": ("Hold the review child protection conference", "Working Together: 6 months"),
    "cp.visit": ("Visit and see the child (child protection plan)", "Local timescale: 10 working days"),
    "cin.visit": ("Visit and see the child (child in need plan)", "Local timescale: 20 working days"),
    "cin.plan_review": ("Review the child in need plan", "Local timescale: 3 months"),
    "manual": ("Call the school about attendance", ""),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, help="SQLite file (default: a new one in a temp dir)")
    parser.add_argument("--requests", type=int, default=100, help="Requests per series")
    parser.add_argument("--budget", type=float, default=10.0, help="Seconds a series may use at most")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-1000", dest="big", action="store_false", help="Leave out the 1,000-event child")
    args = parser.parse_args()

    db_path = args.db or Path(tempfile.mkdtemp(prefix="safehub-case-bench-")) / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path.resolve()}")
    os.environ.setdefault("SAFEHUB_DEBUG", "false")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from safehub.child_protection.models import Referral
    from safehub.platform import clock
    from safehub.reference_data.models import Code
    from safehub.reference_data.services import reference_data_sync

    call_command("migrate", verbosity=0)
    if Referral.objects.exists():
        sys.exit("This database already holds referrals: the benchmark needs a fresh one.")
    print(f"database: {connection.vendor} {os.environ['DATABASE_URL']}", file=sys.stderr)
    if not Code.objects.exists():
        reference_data_sync(source_dir=Path(settings.SAFEHUB_REFERENCE_DIR), today=clock.today())

    # Reproducible synthetic data, not secrets.
    rng = random.Random(args.seed)  # nosec B311
    started = time.perf_counter()
    world = _World.make(rng)
    small = _worker_caseload(world, "small", *WORKER_SIZES[0])
    big = _worker_caseload(world, "big", *WORKER_SIZES[1])
    _other_caseloads(world)
    print(f"caseloads loaded in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    children: list[_Child] = []
    for events in CHILD_SIZES if args.big else CHILD_SIZES[:2]:
        started = time.perf_counter()
        children.append(_child(world, events))
        print(f"child with {events:,} events loaded in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    with connection.cursor() as cursor:
        # Fresh planner statistics, as autovacuum (PostgreSQL) or `optimize` (SQLite) would give.
        cursor.execute("ANALYZE")
    _report_rows(world, children, small, big)

    from django.urls import reverse

    reader = big  # the child pages are read by a social worker who may see every case
    series: list[_Series] = []

    def run(page: str, size: str, user: Any, url: str) -> None:
        s = _measure(page, size, user, url, args.requests, args.budget)
        series.append(s)
        print(f"{page} {size}: measured ({s.n} requests)", file=sys.stderr)

    run("home (baseline)", "20 tasks", small, reverse("web:home"))
    run("home (baseline)", "200 tasks", big, reverse("web:home"))
    run("my tasks", "20 tasks", small, reverse("casework:my_tasks"))
    run("my tasks", "200 tasks", big, reverse("casework:my_tasks"))
    for name, route in (
        ("person page", "people:detail"),
        ("chronology", "people:chronology"),
        ("case notes", "casework:notes"),
    ):
        for child in children:
            run(name, f"{child.events:,} events", reader, reverse(route, args=[child.person_id]))
    for child in children:
        run(
            "case page",
            f"{child.events:,} events",
            reader,
            reverse("child_protection:case", args=[child.referral_id]),
        )
    _print(connection.vendor, series)


# --- loading ---------------------------------------------------------------------------------------


@dataclass
class _World:
    rng: random.Random
    today: date
    council: Any
    team: Any
    manager: Any
    colleague: Any
    sources: list[str]
    needs: list[str]
    closures: list[str]
    categories: list[str]
    factors: list[str]
    counter: int = 0

    @classmethod
    def make(cls, rng: random.Random) -> "_World":
        from safehub.accounts.constants import AgencyKind, Role, TeamKind
        from safehub.accounts.models import Agency, Team, TeamMembership
        from safehub.child_protection.constants import (
            CATEGORY_LIST,
            CLOSURE_REASON_LIST,
            FACTOR_LIST,
            PRIMARY_NEED_LIST,
            REFERRAL_SOURCE_LIST,
        )
        from safehub.platform import clock
        from safehub.reference_data.selectors import code_choices

        council, _ = Agency.objects.get_or_create(
            name="Casework benchmark council", defaults={"kind": AgencyKind.CHILDRENS_SERVICES}
        )
        team = Team.objects.create(
            name="Benchmark child protection team", kind=TeamKind.CHILD_PROTECTION, agency=council
        )
        manager = _user("manager", Role.TEAM_MANAGER, council)
        colleague = _user("colleague", Role.SOCIAL_WORKER, council)
        TeamMembership.objects.create(team=team, user=manager, is_manager=True)
        TeamMembership.objects.create(team=team, user=colleague)

        def codes(key: str, fallback: list[str]) -> list[str]:
            found = [str(code) for code, _ in code_choices(key) if code]
            return found or fallback

        return cls(
            rng=rng,
            today=clock.today(),
            council=council,
            team=team,
            manager=manager,
            colleague=colleague,
            sources=codes(REFERRAL_SOURCE_LIST, ["2A"]),
            needs=codes(PRIMARY_NEED_LIST, ["N1"]),
            closures=[c for c in codes(CLOSURE_REASON_LIST, ["RC7"]) if c not in ("RC8", "RC9")] or ["RC7"],
            categories=codes(CATEGORY_LIST, ["NEG"]),
            factors=codes(FACTOR_LIST, ["1A"]),
        )

    def next(self) -> int:
        self.counter += 1
        return self.counter


def _user(label: str, role: str, agency: Any) -> Any:
    from safehub.accounts.models import User
    from safehub.accounts.tests.factories import enrol_totp

    user = User.objects.create_user(
        EMAIL.format(label),
        "bench-password-not-used",
        full_name=f"Bench {label.title()}",
        role=role,
        agency=agency,
    )
    enrol_totp(user)  # the MFA middleware lets only enrolled users through (R7)
    return user


def _person(world: _World, n: int, *, child: bool = True) -> Any:
    from safehub.people.models import Person

    years = world.rng.randint(1, 16) if child else world.rng.randint(20, 50)
    return Person(
        id=uuid.uuid4(),
        given_name=f"Child{n}" if child else f"Adult{n}",
        family_name=f"Casebench{n % 499}",
        date_of_birth=world.today - timedelta(days=years * 365 + world.rng.randint(0, 364)),
        sex=world.rng.choice("MF"),
    )


@dataclass
class _Cases:
    """Rows for a batch of cases, written together with bulk_create."""

    people: list[Any] = field(default_factory=list)
    names: list[Any] = field(default_factory=list)
    involvements: list[Any] = field(default_factory=list)
    allocations: list[Any] = field(default_factory=list)
    referrals: list[Any] = field(default_factory=list)
    tasks: list[Any] = field(default_factory=list)

    def save(self) -> None:
        from safehub.casework.models import Allocation, Involvement, Task
        from safehub.child_protection.models import Referral
        from safehub.people.models import Person, PersonName

        Person.objects.bulk_create(self.people, batch_size=2_000)
        PersonName.objects.bulk_create(self.names, batch_size=2_000)
        Involvement.objects.bulk_create(self.involvements, batch_size=2_000)
        Allocation.objects.bulk_create(self.allocations, batch_size=2_000)
        Referral.objects.bulk_create(self.referrals, batch_size=2_000)
        Task.objects.bulk_create(self.tasks, batch_size=2_000)


def _case(world: _World, cases: _Cases, worker: Any, team: Any, stage: str) -> tuple[Any, Any, Any]:
    """One open case allocated to `worker`: the child, the involvement, the allocation, the referral."""
    from safehub.casework.constants import CaseService
    from safehub.casework.models import Allocation, Involvement
    from safehub.child_protection.models import Referral
    from safehub.people.constants import NameKind
    from safehub.people.models import PersonName

    n = world.next()
    person = _person(world, n)
    opened = world.today - timedelta(days=world.rng.randint(20, 400))
    referral_id = uuid.uuid4()
    involvement = Involvement(
        id=uuid.uuid4(),
        person=person,
        service=CaseService.CHILD_IN_NEED,
        level=LEVEL[stage],
        title=f"Referral {opened:%-d %B %Y}",
        url=f"/cases/referrals/{referral_id}/",
        opened_on=opened,
        team=team,
        worker=worker,
        updated_by=world.manager,
    )
    referral = Referral(
        id=referral_id,
        person=person,
        involvement=involvement,
        referral_date=opened,
        source=world.rng.choice(world.sources),
        primary_need=world.rng.choice(world.needs),
        summary="Synthetic benchmark referral.",
        recorded_by=worker,
        updated_by=worker,
    )
    cases.people.append(person)
    cases.names.append(
        PersonName(
            person=person, kind=NameKind.CURRENT, given_name=person.given_name, family_name=person.family_name
        )
    )
    cases.involvements.append(involvement)
    cases.allocations.append(
        Allocation(
            involvement=involvement, team=team, worker=worker, started_on=opened, allocated_by=world.manager
        )
    )
    cases.referrals.append(referral)
    return person, involvement, referral


def _task(
    world: _World, involvement: Any, person: Any, worker: Any, team: Any, key: str, *, done: bool
) -> Any:
    from safehub.casework.constants import TaskStatus
    from safehub.casework.models import Task

    title, basis = TITLES[key]
    if done:
        due = world.today - timedelta(days=world.rng.randint(5, 400))
        return Task(
            involvement=involvement,
            person=person,
            key=key,
            title=title,
            basis=basis,
            due_on=due,
            status=TaskStatus.DONE,
            completed_on=due - timedelta(days=world.rng.randint(-3, 5)),
            completed_by=worker,
            assigned_to=worker,
            team=team,
            manual=key == "manual",
            created_by=worker if key == "manual" else None,
        )
    return Task(
        involvement=involvement,
        person=person,
        key=key,
        title=title,
        basis=basis,
        due_on=world.today + timedelta(days=world.rng.randint(-10, 60)),
        assigned_to=worker,
        team=team,
        manual=key == "manual",
        created_by=worker if key == "manual" else None,
    )


def _stages(world: _World, count: int) -> list[str]:
    names = list(STAGE_WEIGHTS)
    return world.rng.choices(names, weights=[STAGE_WEIGHTS[s] or 0.0001 for s in names], k=count)


def _worker_caseload(world: _World, label: str, cases_count: int, open_tasks: int) -> Any:
    """A social worker in the team with `cases_count` open cases and exactly `open_tasks` open tasks:
    each case's clock tasks for its stage, then personal (manual) tasks to make up the number; and
    two finished tasks a case, as the clocks leave behind."""
    from safehub.accounts.constants import Role
    from safehub.accounts.models import TeamMembership

    worker = _user(f"worker-{label}", Role.SOCIAL_WORKER, world.council)
    TeamMembership.objects.create(team=world.team, user=worker)
    cases = _Cases()
    made: list[tuple[Any, Any]] = []
    for stage in _stages(world, cases_count):
        person, involvement, _ = _case(world, cases, worker, world.team, stage)
        made.append((person, involvement))
        for key in STAGE_KEYS[stage]:
            if len(cases.tasks) < open_tasks:
                cases.tasks.append(_task(world, involvement, person, worker, world.team, key, done=False))
        for _ in range(2):
            key = world.rng.choice(STAGE_KEYS[stage])
            cases.tasks.append(_task(world, involvement, person, worker, world.team, key, done=True))
    open_made = sum(1 for t in cases.tasks if t.status == "open")
    for i in range(open_tasks - open_made):
        person, involvement = made[i % len(made)]
        cases.tasks.append(_task(world, involvement, person, worker, world.team, "manual", done=False))
    cases.save()
    return worker


def _other_caseloads(world: _World) -> None:
    """100 other workers in five teams, 40 cases each, about 20,000 tasks in all (open and done)."""
    from safehub.accounts.constants import Role, TeamKind
    from safehub.accounts.models import Team, TeamMembership, User
    from safehub.casework.constants import TaskStatus

    teams = [
        Team.objects.create(name=f"Benchmark team {i}", kind=TeamKind.CHILD_PROTECTION, agency=world.council)
        for i in range(5)
    ]
    workers = []
    for i in range(OTHER_WORKERS):
        user = User(
            email=EMAIL.format(f"other-{i}"),
            full_name=f"Other Worker {i}",
            role=Role.SOCIAL_WORKER,
            agency=world.council,
        )
        user.set_unusable_password()
        workers.append(user)
    User.objects.bulk_create(workers)
    TeamMembership.objects.bulk_create(
        TeamMembership(team=teams[i % len(teams)], user=w) for i, w in enumerate(workers)
    )
    cases = _Cases()
    made: list[tuple[Any, Any, Any, Any, str]] = []
    for i, worker in enumerate(workers):
        team = teams[i % len(teams)]
        for stage in _stages(world, OTHER_CASES_PER_WORKER):
            person, involvement, _ = _case(world, cases, worker, team, stage)
            made.append((person, involvement, worker, team, stage))
            for key in STAGE_KEYS[stage]:
                cases.tasks.append(_task(world, involvement, person, worker, team, key, done=False))
    while len(cases.tasks) < OTHER_TASKS:
        person, involvement, worker, team, stage = world.rng.choice(made)
        key = world.rng.choice(STAGE_KEYS[stage])
        cases.tasks.append(_task(world, involvement, person, worker, team, key, done=True))
    cases.save()
    open_count = sum(1 for t in cases.tasks if t.status == TaskStatus.OPEN)
    print(
        f"other workers: {len(made):,} cases, {len(cases.tasks):,} tasks ({open_count:,} open)",
        file=sys.stderr,
    )


@dataclass
class _Child:
    events: int  # the chronology's entries, counted by `chronology_for` once loaded
    planned: int
    person_id: Any
    referral_id: Any
    counts: dict[str, int]


def _plan(target: int) -> dict[str, int]:
    """How many of each record make about `target` chronology events (the shape of a long CP case).

    Fixed parts grow slowly with the case (earlier referrals, assessments, strategy discussions,
    reviews, past names and addresses); visits (60 %) and significant notes (40 %) make up the rest.
    At 300: 2 earlier referrals, 3 assessments, 3 strategy discussions with enquiries, an initial and
    5 review conferences, a CP plan, 3 names, 4 addresses, about 150 visits and 100 notes.
    """
    shape = {
        "prior_referrals": target // 150,
        "assessments": max(1, target // 100),
        "strategy": max(1, target // 100),
        "reviews": target // 60,
        "old_names": target // 150,
        "old_addresses": target // 100,
        "core_groups": target // 20,
    }
    fixed = (
        4 * shape["prior_referrals"]  # referral, closure, assessment started and authorised
        + 1  # the open referral
        + 2 * shape["assessments"]
        + 3 * shape["strategy"]  # discussion, enquiry started, enquiry completed
        + 2  # initial conference, plan started
        + shape["reviews"]
        + 1
        + 2 * shape["old_names"]
        + 1
        + 2 * shape["old_addresses"]
    )
    rest = max(0, target - fixed)
    shape["visits"] = round(rest * 0.6)
    shape["notes"] = rest - shape["visits"]
    shape["planned"] = fixed + rest
    return shape


def _child(world: _World, target: int) -> _Child:
    """A child on a child protection plan with `target` chronology events, allocated to a colleague."""
    from safehub.casework.constants import CaseLevel, CaseService, NoteKind, TaskStatus
    from safehub.casework.models import Allocation, CaseNote, Involvement, Task
    from safehub.child_protection.constants import (
        AssessmentOutcome,
        ConferenceDecision,
        ConferenceKind,
        Section47Outcome,
        StrategyDecision,
        VisitKind,
    )
    from safehub.child_protection.models import (
        Assessment,
        ChildProtectionPlan,
        Conference,
        CoreGroupMeeting,
        Referral,
        Section47Enquiry,
        StrategyAttendee,
        StrategyDiscussion,
        Visit,
    )
    from safehub.people.constants import AddressKind, NameKind
    from safehub.people.models import Address, Person, PersonAddress, PersonName
    from safehub.platform.calendar import add_working_days

    shape = _plan(target)
    rng, today, worker, team = world.rng, world.today, world.colleague, world.team
    n = world.next()
    span = shape["visits"] * 6 + 200  # days the current referral has run
    start = today - timedelta(days=span)
    born = start - timedelta(days=365 * 6 + 200 * shape["prior_referrals"] + 400)
    person = Person(
        id=uuid.uuid4(),
        given_name=f"Chronology{target}",
        family_name=f"Casebench{n}",
        date_of_birth=born,
        sex="F",
    )
    Person.objects.bulk_create([person])

    # Names and addresses: earlier ones ended, the current one open.
    names = [
        PersonName(
            person=person,
            kind=NameKind.CURRENT,
            given_name=person.given_name,
            family_name=person.family_name,
            valid_from=born,
        )
    ]
    for i in range(shape["old_names"]):
        names.append(
            PersonName(
                person=person,
                kind=NameKind.PREVIOUS,
                given_name=person.given_name,
                family_name=f"Formerly{i}",
                valid_from=born + timedelta(days=100 * i),
                valid_to=born + timedelta(days=100 * i + 90),
            )
        )
    PersonName.objects.bulk_create(names)
    addresses = [
        Address(line_1=f"{i + 1} Benchmark Road", town="Testtown", postcode=f"ZZ{(n + i) % 90 + 10} 1AA")
        for i in range(shape["old_addresses"] + 1)
    ]
    Address.objects.bulk_create(addresses)
    PersonAddress.objects.bulk_create(
        PersonAddress(
            person=person,
            address=address,
            kind=AddressKind.HOME,
            valid_from=born + timedelta(days=120 * i),
            valid_to=None if i == len(addresses) - 1 else born + timedelta(days=120 * i + 110),
        )
        for i, address in enumerate(addresses)
    )

    # Earlier referrals, each assessed and closed.
    involvements, allocations, referrals, assessments = [], [], [], []
    for i in range(shape["prior_referrals"]):
        opened = born + timedelta(days=400 + 200 * i)
        inv = Involvement(
            id=uuid.uuid4(),
            person=person,
            service=CaseService.CHILD_IN_NEED,
            level=CaseLevel.CHILD_IN_NEED,
            title=f"Referral {opened:%-d %B %Y}",
            opened_on=opened,
            closed_on=opened + timedelta(days=90),
            team=team,
            worker=worker,
        )
        ref = Referral(
            id=uuid.uuid4(),
            person=person,
            involvement=inv,
            referral_date=opened,
            source=rng.choice(world.sources),
            primary_need=rng.choice(world.needs),
            closed_on=opened + timedelta(days=90),
            closure_reason=rng.choice(world.closures),
            recorded_by=worker,
        )
        inv.url = f"/cases/referrals/{ref.id}/"
        involvements.append(inv)
        allocations.append(
            Allocation(
                involvement=inv,
                team=team,
                worker=worker,
                started_on=opened,
                ended_on=opened + timedelta(days=90),
                allocated_by=world.manager,
            )
        )
        referrals.append(ref)
        assessments.append(
            _assessment(world, ref, opened + timedelta(days=2), AssessmentOutcome.NO_FURTHER_ACTION)
        )

    # The current referral, on a child protection plan.
    inv = Involvement(
        id=uuid.uuid4(),
        person=person,
        service=CaseService.CHILD_IN_NEED,
        level=CaseLevel.CHILD_PROTECTION,
        title=f"Referral {start:%-d %B %Y}",
        opened_on=start,
        team=team,
        worker=worker,
    )
    current = Referral(
        id=uuid.uuid4(),
        person=person,
        involvement=inv,
        referral_date=start,
        source=rng.choice(world.sources),
        primary_need=rng.choice(world.needs),
        summary="Synthetic benchmark referral.",
        recorded_by=worker,
    )
    inv.url = f"/cases/referrals/{current.id}/"
    involvements.append(inv)
    allocations.append(
        Allocation(involvement=inv, team=team, worker=worker, started_on=start, allocated_by=world.manager)
    )
    referrals.append(current)
    for i in range(shape["assessments"]):
        outcome = AssessmentOutcome.STRATEGY if i == 0 else AssessmentOutcome.CIN_PLAN
        assessments.append(_assessment(world, current, start + timedelta(days=1 + 60 * i), outcome))
    Involvement.objects.bulk_create(involvements)
    Allocation.objects.bulk_create(allocations)
    Referral.objects.bulk_create(referrals)
    Assessment.objects.bulk_create(assessments)

    # Strategy discussions, each opening a section 47 enquiry; the first leads to the conference.
    discussions, attendees, enquiries = [], [], []
    for i in range(shape["strategy"]):
        held = start + timedelta(days=5 + 45 * i)
        discussion = StrategyDiscussion(
            id=uuid.uuid4(),
            referral=current,
            held_on=held,
            decision=StrategyDecision.SECTION_47,
            rationale="Synthetic benchmark rationale.",
            recorded_by=worker,
        )
        discussions.append(discussion)
        for agency_name, role in (
            ("Police", "Detective sergeant"),
            ("Health", "Named nurse"),
            ("Children's services", "Social worker"),
        ):
            attendees.append(
                StrategyAttendee(
                    discussion=discussion, agency_name=agency_name, name=f"Attendee {role}", role=role
                )
            )
        enquiries.append(
            Section47Enquiry(
                id=uuid.uuid4(),
                referral=current,
                strategy_discussion=discussion,
                started_on=held,
                icpc_due_on=add_working_days(held, 15),
                completed_on=held + timedelta(days=10),
                outcome=Section47Outcome.CONFERENCE
                if i == 0
                else Section47Outcome.SUBSTANTIATED_NO_CONFERENCE,
                summary="Synthetic benchmark enquiry.",
            )
        )
    StrategyDiscussion.objects.bulk_create(discussions)
    StrategyAttendee.objects.bulk_create(attendees)
    Section47Enquiry.objects.bulk_create(enquiries)

    # The initial conference starts the plan; reviews every few months; the next one scheduled.
    category = rng.choice(world.categories)
    plan_start = discussions[0].held_on + timedelta(days=14)  # the first enquiry completed, then 4 days
    plan = ChildProtectionPlan(
        id=uuid.uuid4(),
        referral=current,
        person=person,
        started_on=plan_start,
        initial_category=category,
        latest_category=category,
    )
    ChildProtectionPlan.objects.bulk_create([plan])
    conferences = [
        Conference(
            referral=current,
            kind=ConferenceKind.INITIAL,
            section47=enquiries[0],
            plan=plan,
            due_on=enquiries[0].icpc_due_on,
            held_on=plan_start,
            decision=ConferenceDecision.PLAN,
            category=category,
            quorate=True,
            chair=world.manager,
            recorded_by=world.manager,
        )
    ]
    review_gap = max(30, (today - plan_start).days // (shape["reviews"] + 1))
    for i in range(shape["reviews"]):
        held = plan_start + timedelta(days=review_gap * (i + 1))
        conferences.append(
            Conference(
                referral=current,
                kind=ConferenceKind.REVIEW,
                plan=plan,
                due_on=held,
                held_on=held,
                decision=ConferenceDecision.CONTINUE,
                quorate=True,
                chair=world.manager,
                recorded_by=world.manager,
            )
        )
    conferences.append(
        Conference(
            referral=current,
            kind=ConferenceKind.REVIEW,
            plan=plan,
            due_on=today + timedelta(days=40),
            recorded_by=world.manager,
        )
    )
    Conference.objects.bulk_create(conferences)
    CoreGroupMeeting.objects.bulk_create(
        CoreGroupMeeting(
            plan=plan,
            held_on=plan_start + timedelta(days=10 + 42 * i),
            notes="Synthetic core group.",
            recorded_by=worker,
        )
        for i in range(shape["core_groups"])
        if plan_start + timedelta(days=10 + 42 * i) <= today
    )

    # Statutory visits: assessment visits before the plan, child protection visits on it.
    visits = []
    before = max(1, shape["visits"] // 10)
    for i in range(shape["visits"]):
        on_plan = i >= before
        day = (
            start + timedelta(days=1 + i)
            if not on_plan
            else plan_start
            + timedelta(
                days=max(1, (today - plan_start).days * (i - before) // max(1, shape["visits"] - before))
            )
        )
        seen = rng.random() < 0.9
        visits.append(
            Visit(
                referral=current,
                kind=VisitKind.CP if on_plan else VisitKind.ASSESSMENT,
                cp_plan=plan if on_plan else None,
                visited_on=min(day, today),
                child_seen=seen,
                seen_alone=(rng.random() < 0.6) if seen else None,
                bedroom_seen=(rng.random() < 0.5) if seen else None,
                notes="Synthetic benchmark visit.",
                recorded_by=worker,
            )
        )
    Visit.objects.bulk_create(visits)

    # Case notes: the significant ones are in the chronology; as many ordinary ones beside them.
    kinds = [k.value for k in NoteKind]
    notes = []
    for i in range(shape["notes"] * 2):
        day = start + timedelta(days=(today - start).days * i // max(1, shape["notes"] * 2))
        notes.append(
            CaseNote(
                person=person,
                involvement=inv,
                kind=rng.choice(kinds),
                occurred_at=datetime.combine(day, dtime(10, 30)).astimezone(),
                subject=f"Synthetic note {i}",
                text="Synthetic benchmark case note. " * rng.randint(2, 20),
                significant=i % 2 == 0,
                author=worker,
            )
        )
    CaseNote.objects.bulk_create(notes)

    # The clocks as child_protection.clocks leaves them: the plan's three open, visits done.
    tasks = [_task(world, inv, person, worker, team, key, done=False) for key in STAGE_KEYS["cp"]]
    for visit in visits[before:]:
        tasks.append(
            Task(
                involvement=inv,
                person=person,
                key="cp.visit",
                title=TITLES["cp.visit"][0],
                basis=TITLES["cp.visit"][1],
                due_on=visit.visited_on + timedelta(days=3),
                status=TaskStatus.DONE,
                completed_on=visit.visited_on,
                completed_by=worker,
                assigned_to=worker,
                team=team,
            )
        )
    Task.objects.bulk_create(tasks)
    counts = {
        "referrals": len(referrals),
        "assessments": len(assessments),
        "strategy discussions": len(discussions),
        "conferences": len(conferences),
        "visits": len(visits),
        "significant notes": sum(1 for note in notes if note.significant),
        "other notes": sum(1 for note in notes if not note.significant),
        "names": len(names),
        "addresses": len(addresses),
    }
    events = _chronology_length(person.pk)
    return _Child(
        events=events, planned=shape["planned"], person_id=person.pk, referral_id=current.pk, counts=counts
    )


def _assessment(world: _World, referral: Any, started: date, outcome: str) -> Any:
    from safehub.child_protection.models import Assessment
    from safehub.platform.calendar import add_working_days

    return Assessment(
        referral=referral,
        started_on=started,
        due_on=add_working_days(referral.referral_date, 45),
        child_seen_on=started + timedelta(days=3),
        factors=world.rng.sample(world.factors, k=min(3, len(world.factors))),
        summary="Synthetic benchmark assessment.",
        completed_on=started + timedelta(days=30),
        outcome=outcome,
        authorised_on=started + timedelta(days=32),
        authorised_by=world.manager,
    )


def _chronology_length(person_id: Any) -> int:
    """The number of entries the colleague's chronology shows (the truth, not the plan)."""
    from safehub.accounts.models import User
    from safehub.people.chronology import chronology_for
    from safehub.people.models import Person

    reader = User.objects.get(email=EMAIL.format("colleague"))
    return len(chronology_for(actor=reader, person=Person.objects.get(pk=person_id)).entries)


def _report_rows(world: _World, children: list[_Child], small: Any, big: Any) -> None:
    from safehub.casework.models import Task

    for user, label in ((small, "small"), (big, "big")):
        open_count = Task.objects.filter(assigned_to=user, status="open").count()
        print(f"worker {label}: {open_count} open tasks", file=sys.stderr)
    print(f"tasks in all: {Task.objects.count():,}", file=sys.stderr)
    for child in children:
        parts = ", ".join(f"{v} {k}" for k, v in child.counts.items())
        print(f"child ~{child.planned}: {child.events} chronology entries ({parts})", file=sys.stderr)


# --- measuring -------------------------------------------------------------------------------------


class _Counter:
    """Counts the statements a request sends; with `origins`, also where each came from."""

    def __init__(self, origins: bool = False) -> None:
        self.statements: list[tuple[str, str]] = []
        self.origins = origins

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, _origin() if self.origins else ""))
        return execute(sql, params, many, context)


def _origin() -> str:
    """The innermost Safehub code (file:line function) on the stack, and the template if any."""
    frames = traceback.extract_stack()[:-2]
    ours = [f for f in frames if f.filename.startswith(SRC)]
    where = "?"
    if ours:
        f = ours[-1]
        where = f"{os.path.relpath(f.filename, ROOT)}:{f.lineno} {f.name}"
    templates = [f for f in frames if "django/template" in f.filename]
    return where + (" (while rendering a template)" if templates else "")


@dataclass
class _Series:
    page: str
    size: str
    url: str
    n: int
    p50: float
    p95: float
    max: float
    cpu: float  # median CPU time of this process (Python; SQLite runs in it, PostgreSQL does not)
    queries: list[int]
    statements: list[tuple[str, str]]


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def _measure(page: str, size: str, user: Any, url: str, requests: int, budget: float) -> _Series:
    from django.db import connection, reset_queries

    client = _client(user)

    def call() -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")

    for _ in range(WARM_UP):
        call()
    wall: list[float] = []
    cpu: list[float] = []
    queries: set[int] = set()
    counter = _Counter()
    spent = time.perf_counter()
    for _ in range(requests):
        counter.statements.clear()
        reset_queries()
        with connection.execute_wrapper(counter):
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        queries.add(len(counter.statements))
        if time.perf_counter() - spent > budget:
            break
    # One more request, untimed, that records where each statement came from.
    traced = _Counter(origins=True)
    with connection.execute_wrapper(traced):
        call()
    return _Series(
        page=page,
        size=size,
        url=url,
        n=len(wall),
        p50=statistics.median(wall),
        p95=_percentile(wall, 0.95),
        max=max(wall),
        cpu=statistics.median(cpu),
        queries=sorted(queries),
        statements=traced.statements,
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


_IN_LIST = re.compile(r"\((?:%s|\?)(?:, (?:%s|\?))*\)")
_UUIDS = re.compile(r"'[0-9a-f]{32}'|'[0-9a-f-]{36}'")


def _shape(sql: str) -> str:
    return _UUIDS.sub("'…'", _IN_LIST.sub("(…)", sql))


def _grown(small: _Series, big: _Series) -> list[tuple[int, int, str, str]]:
    """Statements (by shape and origin) sent more often at the big size than the small one."""
    a = Counter((_shape(sql), origin) for sql, origin in small.statements)
    b = Counter((_shape(sql), origin) for sql, origin in big.statements)
    return sorted(
        ((a[key], b[key], key[1], key[0]) for key in set(a) | set(b) if b[key] > a[key]),
        key=lambda row: row[0] - row[1],
    )


def _print(vendor: str, series: list[_Series]) -> None:
    print(f"\nCasework pages benchmark ({vendor}); target p95 <= {TARGET_P95_MS:.0f} ms, constant queries\n")
    print(
        f"{'page':<16} {'size':<13} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8}  "
        f"{'queries':<8} p95 target"
    )
    for s in series:
        queries = "/".join(str(q) for q in s.queries)
        within = "within" if s.p95 <= TARGET_P95_MS else "OVER"
        print(
            f"{s.page:<16} {s.size:<13} {s.n:>4} {s.p50:>8.1f} {s.p95:>8.1f} {s.max:>8.1f} {s.cpu:>8.1f}  "
            f"{queries:<8} {within}"
        )

    pages: dict[str, list[_Series]] = {}
    for s in series:
        pages.setdefault(s.page, []).append(s)
    print("\nRatios, biggest and middle size against the smallest (median, p95, queries):")
    for page, rows in pages.items():
        first = rows[0]
        for other in rows[1:]:
            print(
                f"  {page}: {other.size} / {first.size}: median {other.p50 / first.p50:.2f}x, "
                f"p95 {other.p95 / first.p95:.2f}x, queries {max(first.queries)} -> {max(other.queries)}"
            )
    print("\nStatements that grow with the size (count at smallest -> biggest, where sent from):")
    found = False
    for page, rows in pages.items():
        if page.startswith("home"):
            continue
        for small_count, big_count, origin, sql in _grown(rows[0], rows[-1]):
            found = True
            print(f"  {page}: {small_count} -> {big_count}  {origin}\n      {sql[:220]}")
    if not found:
        print("  none: every page sends the same statements at every size.")


if __name__ == "__main__":
    main()
