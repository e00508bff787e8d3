"""The demo city's casework: a case at every stage to try, built through the services (issue 5).

Checked by test_demo_stories.py on the one city it loads (a load is the slow part)."""

from safehub.accounts.constants import Role
from safehub.accounts.models import Team, User
from safehub.casework.constants import DocumentSource, TaskStatus
from safehub.casework.models import CaseNote, Document, Involvement, LetterTemplate, Task, TimescaleSetting
from safehub.casework.selectors.caseloads import caseloads
from safehub.child_protection.clocks import referral_stage
from safehub.child_protection.constants import Clock, ConferenceKind, Stage
from safehub.child_protection.models import ChildProtectionPlan, Conference, Referral, Visit
from safehub.demo import city
from safehub.front_door.constants import HandoverService, HandoverStatus
from safehub.front_door.models import Handover
from safehub.platform import clock
from safehub.platform.calendar import add_working_days


def check_casework() -> None:
    """Each casework story the demo promises, on a loaded city."""
    _a_case_at_every_stage()
    _overdue_and_due_soon_tasks_for_the_social_worker()
    _an_unborn_child_on_a_plan_and_a_visit_not_seen()
    _handovers_accepted_and_still_waiting()
    _caseloads_for_the_team()
    _notes_letters_and_default_timescales()


def _a_case_at_every_stage() -> None:
    stages = {referral_stage(r) for r in Referral.objects.all()}
    assert stages == set(Stage.values), set(Stage.values) - stages
    # Some cases wait for a worker; every open case is allocated to a team.
    waiting = Involvement.objects.filter(closed_on__isnull=True, worker__isnull=True)
    assert waiting.exists()
    assert not Involvement.objects.filter(closed_on__isnull=True, team__isnull=True).exists()
    # The stories span the last ten months or so.
    oldest = Referral.objects.order_by("referral_date").first()
    assert oldest is not None
    assert (clock.today() - oldest.referral_date).days > 180
    # A plan that ran past its first review has had a review conference, and the next is arranged.
    assert Conference.objects.filter(kind=ConferenceKind.REVIEW, held_on__isnull=False).exists()
    assert Conference.objects.filter(
        kind=ConferenceKind.REVIEW, held_on__isnull=True, scheduled_on__isnull=False
    ).exists()


def _overdue_and_due_soon_tasks_for_the_social_worker() -> None:
    today = clock.today()
    worker = User.objects.get(email=f"social.worker@{city.DEMO_DOMAIN}")
    mine = Task.objects.filter(assigned_to=worker, status=TaskStatus.OPEN)
    assert mine.filter(due_on__lt=today, key=Clock.ASSESSMENT).exists()
    assert mine.filter(due_on__gte=today, due_on__lte=add_working_days(today, 5)).exists()
    assert mine.filter(due_on__lt=today, key=Clock.CP_VISIT).exists()
    # The second social worker has cases too, and clocks have been done (on time and late).
    second = User.objects.get(email=city.SOCIAL_WORKER2_EMAIL)
    assert second.role == Role.SOCIAL_WORKER
    assert Task.objects.filter(assigned_to=second, status=TaskStatus.OPEN).exists()
    assert Task.objects.filter(status=TaskStatus.DONE).count() > 10


def _an_unborn_child_on_a_plan_and_a_visit_not_seen() -> None:
    plan = ChildProtectionPlan.objects.get(unborn_at_start=True)
    assert plan.is_open
    assert plan.person.date_of_birth is None
    assert Visit.objects.filter(child_seen=False).exists()


def _handovers_accepted_and_still_waiting() -> None:
    social_care = Handover.objects.filter(
        service__in=(HandoverService.ASSESSMENT, HandoverService.CHILD_PROTECTION)
    )
    assert social_care.filter(status=HandoverStatus.WAITING).count() >= 2
    picked = social_care.filter(status=HandoverStatus.PICKED_UP)
    assert picked.exists()
    assert Referral.objects.exclude(mash_reference="").count() >= picked.count()


def _caseloads_for_the_team() -> None:
    manager = User.objects.get(email=f"team.manager@{city.DEMO_DOMAIN}")
    team = Team.objects.get(name="Child Protection Team")
    rows = {row.worker.email: row for row in caseloads(actor=manager, team_id=team.pk)}
    assert rows[f"social.worker@{city.DEMO_DOMAIN}"].count > 0
    assert rows[city.SOCIAL_WORKER2_EMAIL].count > 0


def _notes_letters_and_default_timescales() -> None:
    assert CaseNote.objects.count() > Referral.objects.count()
    assert CaseNote.objects.filter(significant=True).exists()
    assert LetterTemplate.objects.count() == 3
    assert Document.objects.filter(source=DocumentSource.LETTER).count() == 1
    assert not TimescaleSetting.objects.exists()
