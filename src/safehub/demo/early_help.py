"""The demo city's early help (issue 9): families supported by a Team Around the Family.

Built through the early help services with explicit past dates, so every clock, score and
status on the pages is what the services derived. The stories:

- a family whose needs were met: a school's request for support, an assessment in the family's
  words, a TAF with the school and the health visitor, a plan whose goals rose from 3-4 to 7-8
  over three reviews, closed with needs met;
- a family the school's early help lead leads (so `school.lead@` sees it, and nothing else);
- a family whose plan review is overdue, and one whose assessment falls due soon;
- a family stepped down from children's social care with the social worker's handover;
- a family that withdrew consent, with what happened next;
- requests for support waiting for the early help team, and one declined with its reason.

Deterministic for a seed. A small city may run out of children: later stories are then skipped.
"""

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.accounts.models import Agency, Team, User
from safehub.casework.models import Involvement
from safehub.early_help.constants import (
    Attendance,
    ConsentState,
    EpisodeSource,
    MemberRole,
    NeedArea,
)
from safehub.early_help.models import (
    Consent,
    EarlyHelpAssessment,
    EarlyHelpEpisode,
    EpisodeMember,
    FamilyPlan,
    GoalScore,
    MeetingAttendance,
    PlanAction,
    PlanGoal,
    PlanReview,
    Step,
    SupportRequest,
    TafMeeting,
    TafMember,
)
from safehub.early_help.services.actions import NewAction
from safehub.early_help.services.assessment import assessment_complete, assessment_start, assessment_update
from safehub.early_help.services.consent import consent_record
from safehub.early_help.services.episodes import episode_open
from safehub.early_help.services.plan import NewGoal, plan_review_record, plan_start
from safehub.early_help.services.taf import meeting_record, taf_member_add
from safehub.people.constants import RelationshipKind
from safehub.people.models import Person, Relationship
from safehub.platform import clock
from safehub.platform.calendar import calendar

from . import city
from . import early_help_stories as stories

STEPS = 2
Advance = Callable[[str], None]


def wipe(person_ids: Iterable[uuid.UUID]) -> None:
    """Remove the demo's early help before its casework and people go (`--reset`): its members
    protect the involvements and the people."""
    ids = list(person_ids)
    demo_users = User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}")
    episodes = EarlyHelpEpisode.objects.filter(Q(members__person_id__in=ids) | Q(recorded_by__in=demo_users))
    episode_ids = list(episodes.values_list("pk", flat=True).distinct())
    SupportRequest.objects.filter(Q(episode_id__in=episode_ids) | Q(requested_by__in=demo_users)).delete()
    Step.objects.filter(Q(episode_id__in=episode_ids) | Q(person_id__in=ids)).delete()
    GoalScore.objects.filter(review__plan__episode_id__in=episode_ids).delete()
    PlanReview.objects.filter(plan__episode_id__in=episode_ids).delete()
    PlanAction.objects.filter(episode_id__in=episode_ids).delete()
    PlanGoal.objects.filter(plan__episode_id__in=episode_ids).delete()
    FamilyPlan.objects.filter(episode_id__in=episode_ids).delete()
    MeetingAttendance.objects.filter(meeting__episode_id__in=episode_ids).delete()
    TafMeeting.objects.filter(episode_id__in=episode_ids).delete()
    TafMember.objects.filter(episode_id__in=episode_ids).delete()
    Consent.objects.filter(episode_id__in=episode_ids).delete()
    EarlyHelpAssessment.objects.filter(episode_id__in=episode_ids).delete()
    EpisodeMember.objects.filter(episode_id__in=episode_ids).delete()
    EarlyHelpEpisode.objects.filter(pk__in=episode_ids).delete()


@dataclass(frozen=True)
class Summary:
    episodes: int
    requests: int


@dataclass
class Family:
    children: list[Person]
    adults: list[Person]

    @property
    def name(self) -> str:
        return f"the {self.children[0].family_name} family"


class EarlyHelpOffice:
    """The early help hub: its practitioner, its partners, its calendar and the families it can take."""

    def __init__(
        self, users: dict[str, User], agencies: dict[str, Agency], teams: dict[str, Team], seed: int
    ):
        self.worker = users[Role.EARLY_HELP]
        self.school_lead = users[f"school.lead@{city.DEMO_DOMAIN}"]
        self.health_visitor = users[f"health.visitor@{city.DEMO_DOMAIN}"]
        self.social_worker = users[Role.SOCIAL_WORKER]
        self.manager = users[Role.TEAM_MANAGER]
        self.assessment_team = teams["assessment"]
        self.team = teams["early_help"]
        self.council = agencies[city.COUNCIL]
        self.school = agencies[city.SCHOOL]
        self.hospital = agencies[city.HOSPITAL]
        self.youth = agencies["vol_youth"]
        # Reproducible synthetic data, not secrets.
        self.rng = random.Random(seed * 104729 + 9)  # noqa: S311  # nosec B311
        self.today = clock.today()
        self.cal = calendar()
        self.episodes = 0
        self.requests = 0
        self.families = self._families()

    def _families(self) -> list[Family]:
        """Children with no open work anywhere, grouped with their brothers, sisters and parents."""
        busy = set(Involvement.objects.filter(closed_on__isnull=True).values_list("person_id", flat=True))
        # Restricted people stay out of the stories: a practitioner could not open them (R19).
        restricted = {str(pk) for pk in RestrictedRecord.objects.values_list("object_id", flat=True)}
        adult_born = self.today - timedelta(days=17 * 366)
        children = [
            p
            for p in Person.objects.filter(
                merged_into__isnull=True,
                date_of_birth__gt=adult_born,
                date_of_birth__lt=self.today - timedelta(days=400),
            ).order_by("family_name", "given_name", "date_of_birth")
            if p.pk not in busy and str(p.pk) not in restricted
        ]
        parents: dict[Any, set[Any]] = {}
        for a, b in Relationship.objects.filter(kind=RelationshipKind.PARENT).values_list(
            "person_a_id", "person_b_id"
        ):
            parents.setdefault(b, set()).add(a)
        families: list[Family] = []
        alone: list[Family] = []
        seen: set[Any] = set()
        for child in children:
            if child.pk in seen:
                continue
            mine = parents.get(child.pk, set())
            group = [c for c in children if c.pk not in seen and parents.get(c.pk, set()) & mine][:3] or [
                child
            ]
            seen.update(c.pk for c in group)
            adults = [
                a
                for a in Person.objects.filter(pk__in=mine, merged_into__isnull=True)
                if str(a.pk) not in restricted
            ]
            (families if adults else alone).append(Family(group, adults))
        self.rng.shuffle(families)
        self.rng.shuffle(alone)
        # `next_family` takes from the end: families with their parents on record first, then
        # children whose parents are not (a small or busy city has few of the former left).
        families = alone + families
        return families

    @staticmethod
    def parent(family: Family) -> Person | None:
        return family.adults[0] if family.adults else None

    def take_family_of(self, person_id: Any) -> Family | None:
        """The family this child is in, if it is still free, taken out of the pool."""
        for n, family in enumerate(self.families):
            if any(c.pk == person_id for c in family.children):
                return self.families.pop(n)
        return None

    def next_family(self) -> Family | None:
        return self.families.pop() if self.families else None

    def wd(self, n: int) -> date:
        """`n` working days before today."""
        return self.cal.add_working_days(self.today, -n)

    def after(self, day: date, n: int) -> date:
        return min(self.cal.add_working_days(day, n), self.today)

    # --- building blocks ------------------------------------------------------------------------
    def open(
        self,
        family: Family,
        opened: date,
        reason: str,
        *,
        source: str = EpisodeSource.FRONT_DOOR,
        **extra: Any,
    ) -> EarlyHelpEpisode:
        self.episodes += 1
        return episode_open(
            actor=self.worker,
            family_name=family.name,
            source=source,
            reason=reason,
            opened_on=opened,
            team=self.team,
            organisation=extra.pop("organisation", self.council),
            children=family.children,
            adults=[(a, MemberRole.PARENT_CARER) for a in family.adults],
            lead_professional=extra.pop("lead", self.worker),
            worker=self.worker,
            **extra,
        )

    def consent(self, episode: EarlyHelpEpisode, on: date, family: Family) -> None:
        consent_record(
            actor=self.worker,
            episode=episode,
            state=ConsentState.GIVEN,
            recorded_on=on,
            given_by=self.parent(family),
            scope="Share information with the school, the health visiting service and the youth project.",
        )

    def assess(
        self, episode: EarlyHelpEpisode, started: date, completed: date | None, needs: list[str]
    ) -> None:
        assessment = assessment_start(actor=self.worker, episode=episode, started_on=started)
        assessment = assessment_update(
            actor=self.worker,
            assessment=assessment,
            expected_version=assessment.version,
            strengths="A loving home; the children are close to their grandmother, who helps with the school run.",
            needs=needs,
            needs_summary="Mornings are a struggle and attendance has dropped; money worries since the hours were cut.",
            family_views='"We want the mornings to be calmer and the kids in school on time."',
            child_views='"I like school when I get there. I want to go to football club."',
        )
        if completed is not None:
            assessment_complete(
                actor=self.worker,
                assessment=assessment,
                expected_version=assessment.version,
                completed_on=completed,
            )

    def team_around(self, episode: EarlyHelpEpisode, joined: date) -> list[TafMember]:
        members = list(episode.taf_members.filter(left_on__isnull=True))
        for user, agency, title in (
            (self.school_lead, self.school, ""),
            (self.health_visitor, self.hospital, ""),
            (None, self.youth, "Youth worker"),
        ):
            if user is not None and any(m.user_id == user.pk for m in members):
                continue
            members.append(
                taf_member_add(
                    actor=self.worker,
                    episode=episode,
                    agency=agency,
                    user=user,
                    name="" if user else "Dale Ormerod",
                    job_title=title,
                    joined_on=joined,
                )
            )
        return members

    def meet(
        self,
        episode: EarlyHelpEpisode,
        kind: str,
        held: date,
        members: list[TafMember],
        actions: Iterable[NewAction] = (),
    ) -> TafMeeting:
        # The lead always attends; every third member sends apologies, so the record shows both.
        attendance = {
            m.pk: Attendance.APOLOGIES if n and n % 3 == 0 else Attendance.ATTENDED
            for n, m in enumerate(members)
        }
        return meeting_record(
            actor=self.worker,
            episode=episode,
            kind=kind,
            held_on=held,
            attendance=attendance,
            family_attended=True,
            notes="Everyone agreed the plan with the family; the family chose the goals.",
            actions=actions,
        )

    def plan(self, episode: EarlyHelpEpisode, started: date) -> FamilyPlan:
        return plan_start(
            actor=self.worker,
            episode=episode,
            started_on=started,
            summary="Calmer mornings, the children in school every day, and the bills under control.",
            goals=[
                NewGoal(NeedArea.EDUCATION, "The children get to school on time every day.", 3),
                NewGoal(NeedArea.FINANCES, "A budget we can stick to, and help with the rent arrears.", 4),
                NewGoal(NeedArea.RELATIONSHIPS, "Less shouting at home; time together at weekends.", 4),
            ],
        )

    def review(
        self, plan: FamilyPlan, on: date, step: int, meeting: TafMeeting | None = None, achieve: bool = False
    ) -> None:
        goals = list(plan.goals.filter(status="open"))
        plan_review_record(
            actor=self.worker,
            plan=plan,
            reviewed_on=on,
            scores={g.pk: min(10, g.baseline + step + (n % 2)) for n, g in enumerate(goals)},
            summary="Attendance is up and the family feel more in control.",
            family_views='"Things are better. The mornings are still hard on Mondays."',
            meeting=meeting,
            achieved=[g.pk for g in goals] if achieve else (),
        )


def load(
    *,
    users: dict[str, User],
    agencies: dict[str, Agency],
    teams: dict[str, Team],
    seed: int,
    advance: Advance,
) -> Summary:
    """Build the early help families, their TAFs and plans, and the requests for support."""
    office = EarlyHelpOffice(users, agencies, teams, seed)
    # The stories in order of what the demo must show, so a small city that runs out of families
    # still has a family from each source.
    stories.needs_met(office)
    stories.stepped_down(office)
    stories.running(office, months=5, lead_school=True, reviews=3)
    stories.consent_withdrawn(office)
    advance("early help")
    stories.running(office, months=6, lead_school=False, reviews=1)  # the next review is overdue
    stories.running(office, months=1, lead_school=False, reviews=0)  # the assessment falls due soon
    stories.requests(office)
    advance("early help")
    return Summary(office.episodes, office.requests)
