"""Reads of tasks: a worker's list, a team's list, a case's list, and the compliance view (issue 5, item 2).

Every read starts from the involvement policy's scope, so a restricted child's tasks are never
listed for someone who may not open the child (R19). Lists are audited as one event naming the
ids shown (R27). Query counts do not grow with the number of tasks: the child, the case and the
worker come in the same query, and the working-day calendar is read once per list.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from safehub.accounts.constants import Capability
from safehub.accounts.models import Team, TeamMembership
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.calendar import WorkingCalendar, calendar
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import LocalTimescale, TaskStatus, TimescaleUnit
from ..models import Involvement, Task
from ..policies import involvement_policy
from ..timescales import add_period, timescales

TASK_TYPE = Task._meta.label_lower
DUE_FILTERS = ("", "soon", "overdue")
MANUAL_KEY = "manual"

# --- clock labels: the services above casework register theirs in AppConfig.ready() -------------
_clock_labels: dict[str, str] = {MANUAL_KEY: "Personal task"}


def register_clock_labels(labels: Mapping[str, str]) -> None:
    """Give the compliance view a name for each clock key ("cp.visit" → "Child protection visit")."""
    _clock_labels.update({str(key): str(label) for key, label in labels.items()})


def clock_label(key: str) -> str:
    return _clock_labels.get(key, key)


# --- due dates in words ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DueNote:
    """How a task stands today: `state` is "overdue", "today", "soon" or "later"."""

    state: str
    text: str

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


@dataclass(frozen=True)
class DueWindow:
    today: date
    soon_until: date
    calendar: WorkingCalendar

    def note(self, due_on: date) -> DueNote:
        if due_on < self.today:
            days = (self.today - due_on).days
            return DueNote("overdue", f"Overdue by {days} day{'s' if days != 1 else ''}")
        if due_on == self.today:
            return DueNote("today", "Due today")
        working = self.calendar.working_days_between(self.today, due_on)
        text = f"Due in {working} working day{'s' if working != 1 else ''}"
        return DueNote("soon" if due_on <= self.soon_until else "later", text)


def due_window(values: dict[str, tuple[int, str]] | None = None) -> DueWindow:
    """Today, the last day that counts as "due soon" (local timescale `due_soon`), and the calendar.

    Three queries however many tasks follow: the settings, the closures, nothing else.
    """
    today = clock.today()
    amount, unit = (values or timescales())[LocalTimescale.DUE_SOON]
    cal = calendar()
    soon_until = (
        cal.add_working_days(today, amount)
        if unit == TimescaleUnit.WORKING_DAYS
        else add_period(today, amount, unit)
    )
    return DueWindow(today=today, soon_until=soon_until, calendar=cal)


def _with_notes(tasks: list[Task], window: DueWindow) -> list[Task]:
    for task in tasks:
        # Read by the templates as `task.due_note`; a plain attribute, never saved.
        setattr(task, "due_note", window.note(task.due_on))  # noqa: B010
    return tasks


# --- scope ----------------------------------------------------------------------------------------
def _scope(actor: Any, action: str = "view") -> QuerySet[Task]:
    """Tasks on cases the actor may see: the involvement policy decides (R19)."""
    visible = involvement_policy.scope(actor, Involvement.objects.all(), action).values("pk")
    return Task.objects.filter(involvement_id__in=visible)


def _open(actor: Any) -> QuerySet[Task]:
    return (
        _scope(actor)
        .filter(status=TaskStatus.OPEN)
        .select_related("person", "involvement", "assigned_to", "team")
        .order_by("due_on", "title", "pk")
    )


def _due(qs: QuerySet[Task], due: str, window: DueWindow) -> QuerySet[Task]:
    if due == "overdue":
        return qs.filter(due_on__lt=window.today)
    if due == "soon":
        return qs.filter(due_on__gte=window.today, due_on__lte=window.soon_until)
    return qs


def _audit_list(actor: Any, tasks: list[Task], section: str) -> None:
    record_event(
        actor=actor, verb=Verb.LIST, object_type=TASK_TYPE, section=section, result_ids=[t.pk for t in tasks]
    )


# --- the worker's own list ------------------------------------------------------------------------
def tasks_for_worker(*, actor: Any, due: str = "") -> list[Task]:
    """The actor's open tasks, soonest first; `due` is "", "soon" (due today or within the local
    `due_soon` timescale) or "overdue" (due before today)."""
    if due not in DUE_FILTERS:
        due = ""
    window = due_window()
    tasks = list(_due(_open(actor).filter(assigned_to=actor), due, window))
    _audit_list(actor, tasks, "my_tasks")
    return _with_notes(tasks, window)


@dataclass(frozen=True)
class TaskCounts:
    all: int
    soon: int
    overdue: int


def task_counts(qs: QuerySet[Task], window: DueWindow) -> TaskCounts:
    row = qs.aggregate(
        all=Count("pk"),
        soon=Count("pk", filter=Q(due_on__gte=window.today, due_on__lte=window.soon_until)),
        overdue=Count("pk", filter=Q(due_on__lt=window.today)),
    )
    return TaskCounts(all=row["all"], soon=row["soon"], overdue=row["overdue"])


def task_counts_for_worker(*, actor: Any) -> TaskCounts:
    """The numbers on the All / Due soon / Overdue links: one query, no personal data."""
    return task_counts(_scope(actor).filter(status=TaskStatus.OPEN, assigned_to=actor), due_window())


# --- a team's list --------------------------------------------------------------------------------
def team_for_manager(*, actor: Any, team_id: uuid.UUID | str) -> Team:
    """A team the actor manages cases in: MANAGE_CASES and a member of it, else NotFoundOrForbidden."""
    if not actor.has_capability(Capability.MANAGE_CASES):
        raise NotFoundOrForbidden()
    team = Team.objects.filter(pk=team_id, memberships__user=actor).first()
    if team is None:
        raise NotFoundOrForbidden()
    return team


def teams_for_manager(*, actor: Any) -> list[Team]:
    """The teams whose lists the actor may read, by name (no capability: none)."""
    if not actor.has_capability(Capability.MANAGE_CASES):
        return []
    return list(Team.objects.filter(memberships__user=actor, is_active=True).order_by("name"))


def team_members(*, team: Team) -> list[Any]:
    """The team's members by name (staff, not children: no audit)."""
    memberships = TeamMembership.objects.filter(team=team).select_related("user").order_by("user__full_name")
    return [m.user for m in memberships]


def tasks_for_team(
    *, actor: Any, team_id: uuid.UUID | str, due: str = "", worker_id: uuid.UUID | str | None = None
) -> list[Task]:
    """The team's open tasks (MANAGE_CASES and a member of the team), optionally for one worker."""
    team = team_for_manager(actor=actor, team_id=team_id)
    if due not in DUE_FILTERS:
        due = ""
    window = due_window()
    qs = _due(_open(actor).filter(team=team), due, window)
    if worker_id:
        qs = qs.filter(assigned_to_id=uuid.UUID(str(worker_id)))
    tasks = list(qs)
    _audit_list(actor, tasks, "team_tasks")
    return _with_notes(tasks, window)


def task_counts_for_team(*, actor: Any, team_id: uuid.UUID | str, worker_id: Any = None) -> TaskCounts:
    team = team_for_manager(actor=actor, team_id=team_id)
    qs = _scope(actor).filter(status=TaskStatus.OPEN, team=team)
    if worker_id:
        qs = qs.filter(assigned_to_id=uuid.UUID(str(worker_id)))
    return task_counts(qs, due_window())


# --- a case's list and one task -------------------------------------------------------------------
def tasks_for_involvement(*, actor: Any, involvement: Involvement) -> list[Task]:
    """The case's open tasks by due date. For the case page, which audits its own view of the case."""
    involvement_policy.check(actor, "view", involvement)
    tasks = list(
        Task.objects.filter(involvement=involvement, status=TaskStatus.OPEN)
        .select_related("assigned_to")
        .order_by("due_on", "title", "pk")
    )
    return _with_notes(tasks, due_window())


def task_get(*, actor: Any, id: uuid.UUID | str, action: str = "view") -> Task:
    task = _scope(actor, action).select_related("involvement", "person", "assigned_to").filter(pk=id).first()
    if task is None:
        raise NotFoundOrForbidden()
    return task


# --- compliance -----------------------------------------------------------------------------------
@dataclass
class ComplianceRow:
    """Tasks done since the date (on time / late) and tasks open now (overdue / not yet due)."""

    key: str
    label: str
    done_on_time: int = 0
    done_late: int = 0
    open_overdue: int = 0
    open_not_due: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_percent(self) -> int | None:
        """Whole per cent of the tasks done since the date that were done by their due date."""
        if not self.done:
            return None
        return round(100 * self.done_on_time / self.done)


@dataclass
class ComplianceReport:
    team: Team
    since: date
    by_clock: list[ComplianceRow] = field(default_factory=list)
    by_worker: list[ComplianceRow] = field(default_factory=list)
    total: ComplianceRow = field(default_factory=lambda: ComplianceRow(key="", label="All clocks"))


def _counts(qs: QuerySet[Task], today: date, since: date, group: str) -> dict[Any, dict[str, int]]:
    rows = qs.values(group).annotate(
        done_on_time=Count(
            "pk",
            filter=Q(status=TaskStatus.DONE, completed_on__gte=since, completed_on__lte=F("due_on")),
        ),
        done_late=Count(
            "pk", filter=Q(status=TaskStatus.DONE, completed_on__gte=since, completed_on__gt=F("due_on"))
        ),
        open_overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lt=today)),
        open_not_due=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__gte=today)),
    )
    return {row.pop(group): row for row in rows}


def team_compliance(*, actor: Any, team_id: uuid.UUID | str, since: date) -> ComplianceReport:
    """Per clock and per worker: statutory and local clock tasks done since `since`, on time or
    late, and those open now, overdue or not yet due. Personal tasks are not clocks: left out.

    Counts only, never a child; restricted children's tasks are left out like everywhere else.
    """
    team = team_for_manager(actor=actor, team_id=team_id)
    today = clock.today()
    qs = _scope(actor).filter(team=team, manual=False).exclude(status=TaskStatus.CANCELLED)
    report = ComplianceReport(team=team, since=since)
    for key, counts in sorted(_counts(qs, today, since, "key").items(), key=lambda kv: clock_label(kv[0])):
        report.by_clock.append(ComplianceRow(key=key, label=clock_label(key), **counts))
    by_worker = _counts(qs, today, since, "assigned_to")
    members = team_members(team=team)
    member_ids = {m.pk for m in members}
    for member in members:
        report.by_worker.append(
            ComplianceRow(key=str(member.pk), label=member.full_name, **by_worker.get(member.pk, {}))
        )
    # Tasks of people who have left the team, or of no one, are counted in one row each.
    others = {
        "former": ComplianceRow(key="former", label="People no longer in the team"),
        "none": ComplianceRow(key="none", label="Not allocated to a worker"),
    }
    for worker_id, counts in by_worker.items():
        if worker_id in member_ids:
            continue
        row = others["none" if worker_id is None else "former"]
        for name, value in counts.items():
            setattr(row, name, getattr(row, name) + value)
    report.by_worker.extend(
        row for row in others.values() if row.done or row.open_overdue or row.open_not_due
    )
    for row in report.by_clock:
        report.total.done_on_time += row.done_on_time
        report.total.done_late += row.done_late
        report.total.open_overdue += row.open_overdue
        report.total.open_not_due += row.open_not_due
    return report
