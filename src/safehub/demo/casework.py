"""The demo city's casework (issue 5): children's cases at every stage, built through the services.

About forty cases about the city's own children over the last ten months (fewer in a small city:
one child per case): referrals awaiting allocation (two of them accepted from the MASH's
handovers, so they carry its reference; the newest handovers are left in the inbox), assessments
due soon, overdue and awaiting authorisation, section 47 enquiries heading for the initial
conference (one overdue), child protection plans with core groups, visits and review
conferences (one for an unborn child, one with a visit overdue after a visit the child was not
seen), child in need plans with visits and reviews (one review overdue), and closed cases.
Case notes on most, three letter templates and one letter.

Every date is given to the services explicitly (they accept past dates), so each case's clocks
are what its story says: the tasks on the workers' lists, their due dates and whether each was
done on time are all derived by the services themselves. Deterministic for a seed.

This module holds the office (its staff, calendar and children, and one method per service it
calls) and the entry points; the stories are in `casework_stories`.
"""

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.accounts.models import Agency, Team, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.documents import storage
from safehub.casework.models import (
    CaseloadWeight,
    CaseNote,
    Document,
    Involvement,
    LetterTemplate,
    Task,
    TimescaleSetting,
)
from safehub.casework.services.involvement import allocation_change
from safehub.casework.services.letters import letter_generate, letter_template_save
from safehub.casework.services.notes import case_note_add
from safehub.child_protection.constants import (
    ConferenceDecision,
    ConferenceKind,
    Section47Outcome,
    StrategyDecision,
)
from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CinPlanReview,
    Conference,
    CoreGroupMeeting,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from safehub.child_protection.services.assessment import (
    assessment_authorise,
    assessment_complete,
    assessment_start,
    assessment_update,
)
from safehub.child_protection.services.conference import conference_record, conference_schedule
from safehub.child_protection.services.plan import (
    visit_record,
)
from safehub.child_protection.services.referral import referral_close, referral_create
from safehub.child_protection.services.strategy import (
    AttendeeInput,
    section47_complete,
    strategy_discussion_record,
)
from safehub.front_door.constants import CHILD_ROLES, ContactStatus, HandoverService, HandoverStatus
from safehub.front_door.models import ContactSubject, Handover
from safehub.front_door.services.handover_intake import handover_accept_as_referral
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.calendar import calendar

from . import casework_stories as stories
from . import city
from .casework_stories import Why

# Steps `load` reports to the progress bar.
STEPS = 4
# The newest handovers to children's social care stay in the MASH inbox for the manager to try.
HANDOVERS_LEFT_WAITING = 2
HANDOVERS_ACCEPTED = 2
REFERRAL_TYPE = Referral._meta.label_lower
SOCIAL_CARE = (HandoverService.ASSESSMENT, HandoverService.CHILD_PROTECTION)


@dataclass(frozen=True)
class Summary:
    cases: int
    from_handovers: int


def wipe(person_ids: Iterable[uuid.UUID]) -> None:
    """Remove the demo's casework before its contacts and people go (`--reset`): these rows
    protect both. Local settings changed by demo users go back to their defaults."""
    ids = list(person_ids)
    referrals = Referral.objects.filter(person_id__in=ids)
    referral_ids = list(referrals.values_list("pk", flat=True))
    Visit.objects.filter(referral_id__in=referral_ids).delete()
    CinPlanReview.objects.filter(plan__referral_id__in=referral_ids).delete()
    CoreGroupMeeting.objects.filter(plan__referral_id__in=referral_ids).delete()
    Conference.objects.filter(referral_id__in=referral_ids).delete()
    ChildProtectionPlan.objects.filter(person_id__in=ids).delete()
    ChildInNeedPlan.objects.filter(referral_id__in=referral_ids).delete()
    Section47Enquiry.objects.filter(referral_id__in=referral_ids).delete()
    StrategyDiscussion.objects.filter(referral_id__in=referral_ids).delete()
    Assessment.objects.filter(referral_id__in=referral_ids).delete()
    Referral.objects.filter(pk__in=referral_ids).delete()
    for document in Document.objects.filter(person_id__in=ids):
        storage.delete(document.storage_name)
        document.delete()
    CaseNote.objects.filter(person_id__in=ids).delete()
    Task.objects.filter(person_id__in=ids).delete()
    Involvement.objects.filter(person_id__in=ids).delete()  # allocations go with them
    demo_users = User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}")
    TimescaleSetting.objects.filter(updated_by__in=demo_users).delete()
    CaseloadWeight.objects.filter(updated_by__in=demo_users).delete()
    if referral_ids:
        record_event(
            actor=None,
            actor_label="safehub load_demo_city --reset",
            verb=Verb.DELETE,
            object_type=REFERRAL_TYPE,
            result_ids=referral_ids,
        )


class Office:
    """The children's social care office: its staff, its calendar and the children it works with."""

    def __init__(
        self, users: dict[str, User], agencies: dict[str, Agency], teams: dict[str, Team], seed: int
    ) -> None:
        self.manager = users[Role.TEAM_MANAGER]
        self.iro = users[Role.IRO]
        self.police = users[Role.MASH_PARTNER]
        self.health = users[city.HEALTH_PARTNER_EMAIL]
        self.workers = {"sw1": users[Role.SOCIAL_WORKER], "sw2": users[city.SOCIAL_WORKER2_EMAIL]}
        self.teams = teams
        self.council = agencies[city.COUNCIL]
        self.force, self.hospital = agencies[city.POLICE], agencies[city.HOSPITAL]
        # Reproducible synthetic data, not secrets.
        self.rng = random.Random(seed * 7919 + 5)  # noqa: S311  # nosec B311
        self.today = clock.today()
        self.now = clock.now()
        self.cal = calendar()
        self.reasons = 0
        self.cases = 0
        # The case whose initial conference is arranged, and its worker: they get a letter.
        self.invitation: tuple[Referral, User] | None = None
        self.pool, self.unborn = self._children()

    # --- the children ---------------------------------------------------------------------------
    def _children(self) -> tuple[list[Person], list[Person]]:
        """The city's children, shuffled; those on open MASH contacts last (they would already be
        on the front door's queue), and those about to turn 18 after them."""
        restricted = set(RestrictedRecord.objects.values_list("object_id", flat=True))
        people = [
            p
            for p in Person.objects.filter(merged_into__isnull=True).order_by(
                "family_name", "given_name", "date_of_birth", "expected_date_of_birth"
            )
            if p.pk not in restricted and str(p.pk) not in restricted
        ]
        adult_born = self.today - timedelta(days=18 * 366)
        nearly = self.today - timedelta(days=17 * 366)
        children = [p for p in people if p.date_of_birth and p.date_of_birth > adult_born]
        unborn = [p for p in people if p.date_of_birth is None and p.expected_date_of_birth]
        busy = set(
            ContactSubject.objects.filter(person__isnull=False)
            .exclude(contact__status=ContactStatus.DECIDED)
            .values_list("person_id", flat=True)
        )
        free = [c for c in children if c.pk not in busy and c.date_of_birth and c.date_of_birth > nearly]
        rest = [c for c in children if c not in free]
        self.rng.shuffle(free)
        self.rng.shuffle(rest)
        # The front door's midwife contact is about the first unborn child: take another if there is one.
        return free + rest, unborn[1:] + unborn[:1]

    def pick(self, born_by: date) -> Person | None:
        """The next child in the pool born by `born_by` (a case cannot start before the birth)."""
        for n, child in enumerate(self.pool):
            if child.date_of_birth and child.date_of_birth <= born_by:
                return self.pool.pop(n)
        return None

    def take(self, people: Iterable[Person]) -> None:
        taken = {p.pk for p in people}
        self.pool = [c for c in self.pool if c.pk not in taken]
        self.unborn = [c for c in self.unborn if c.pk not in taken]

    # --- dates ----------------------------------------------------------------------------------
    def wd(self, n: int) -> date:
        """`n` working days before today."""
        return self.cal.add_working_days(self.today, -n)

    def after(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def working(self, day: date) -> date:
        """`day`, or the working day before it."""
        while not self.cal.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def months_ago(self, months: float) -> date:
        return self.working(self.today - timedelta(days=round(months * 30.44)))

    def at(self, day: date, hour: int = 10, minute: int = 30) -> datetime:
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return min(moment, self.now - timedelta(minutes=5))

    def why(self) -> Why:
        self.reasons += 1
        return stories.REASONS[self.reasons % len(stories.REASONS)]

    # --- building blocks ------------------------------------------------------------------------
    @staticmethod
    def fresh(referral: Referral) -> Referral:
        """The referral as it now stands. The services keep the clocks through the referral's
        involvement (its worker gets the tasks), so each is handed a copy read after the last
        allocation, never one cached before it."""
        return Referral.objects.select_related("involvement", "person").get(pk=referral.pk)

    def refer(self, child: Person, on: date, why: Why) -> Referral:
        self.cases += 1
        return referral_create(
            actor=self.manager,
            person=child,
            referral_date=on,
            source=why.source,
            primary_need=why.need,
            summary=why.summary,
        )

    def allocate(
        self, referral: Referral, team: str, worker: User | None, on: date, reason: str = ""
    ) -> None:
        allocation_change(
            actor=self.manager,
            # Read afresh: the services that keep the clocks update the involvement's level.
            involvement=Involvement.objects.get(pk=referral.involvement_id),
            team=self.teams[team],
            worker=worker,
            started_on=min(on, self.today),
            reason=reason,
        )

    def note(self, referral: Referral, author: User, key: str, on: date) -> None:
        subject, text, kind, significant = stories.NOTES[key]
        case_note_add(
            actor=author,
            person=referral.person,
            involvement=referral.involvement,
            kind=kind,
            occurred_at=self.at(on, 9 + self.rng.randrange(8), self.rng.choice((0, 15, 30, 45))),
            subject=subject,
            text=text,
            significant=significant,
        )

    def assess(
        self,
        referral: Referral,
        worker: User,
        started: date,
        *,
        seen: date | None = None,
        completed: date | None = None,
        outcome: str = "",
        authorised: date | None = None,
        factors: Iterable[str] = (),
    ) -> Assessment:
        assessment = assessment_start(actor=worker, referral=self.fresh(referral), started_on=started)
        if referral.person.date_of_birth is None:
            seen = None  # an unborn child cannot be seen
        if completed is None:
            if seen is not None:
                assessment_update(
                    actor=worker,
                    assessment=assessment,
                    expected_version=assessment.version,
                    child_seen_on=seen,
                    factors=list(factors),
                    summary="Assessment under way: the child has been seen; checks with the school and GP.",
                )
            return assessment
        assessment_complete(
            actor=worker,
            assessment=assessment,
            expected_version=assessment.version,
            completed_on=completed,
            outcome=outcome,
            factors=list(factors) or ["21"],
            child_seen_on=seen,
            summary=stories.OUTCOME_SUMMARY.get(outcome, ""),
        )
        if authorised is not None:
            assessment_authorise(
                actor=self.manager,
                assessment=assessment,
                expected_version=assessment.version,
                authorised_on=authorised,
            )
        return assessment

    def strategy(self, referral: Referral, worker: User, held: date) -> Section47Enquiry:
        attendees = [
            AttendeeInput(worker.full_name, self.council.name, worker.job_title, self.council.pk),
            AttendeeInput(self.police.full_name, self.force.name, self.police.job_title, self.force.pk),
            AttendeeInput(self.health.full_name, self.hospital.name, self.health.job_title, self.hospital.pk),
        ]
        discussion = strategy_discussion_record(
            actor=worker,
            referral=self.fresh(referral),
            held_on=held,
            decision=StrategyDecision.SECTION_47,
            rationale=stories.STRATEGY_RATIONALE,
            attendees=attendees,
        )
        self.note(referral, worker, "strategy", held)
        return Section47Enquiry.objects.get(strategy_discussion=discussion)

    def enquiry_done(self, enquiry: Section47Enquiry, worker: User, completed: date) -> Conference:
        """The enquiry's outcome: a conference (the initial conference row is made by the service)."""
        section47_complete(
            actor=worker,
            enquiry=enquiry,
            expected_version=enquiry.version,
            completed_on=completed,
            outcome=Section47Outcome.CONFERENCE,
            summary=stories.S47_SUMMARY,
        )
        return Conference.objects.get(section47=enquiry, kind=ConferenceKind.INITIAL)

    def arrange(self, conference: Conference, on: date) -> Conference:
        return conference_schedule(
            actor=self.iro,
            conference=conference,
            expected_version=conference.version,
            scheduled_on=on,
            chair=self.iro,
        )

    def hold(self, conference: Conference, held: date, decision: str, category: str = "") -> Conference:
        summaries: dict[str, str] = {
            ConferenceDecision.PLAN: stories.CONFERENCE_SUMMARY,
            ConferenceDecision.CONTINUE: stories.REVIEW_SUMMARY,
            ConferenceDecision.END: stories.ENDED_SUMMARY,
        }
        current = Conference.objects.get(pk=conference.pk)
        return conference_record(
            actor=self.iro,
            conference=current,
            expected_version=current.version,
            held_on=held,
            decision=decision,
            category=category,
            chair=self.iro,
            quorate=True,
            summary=summaries.get(decision, ""),
        )

    def close(self, referral: Referral, on: date, reason: str, *, nfa: bool = False) -> None:
        current = Referral.objects.get(pk=referral.pk)
        referral_close(
            actor=self.manager,
            referral=current,
            expected_version=current.version,
            closed_on=on,
            reason=reason,
            nfa=nfa,
        )

    def visits(
        self, referral: Referral, worker: User, kind: str, start: date, stop: date, gaps: tuple[int, ...]
    ) -> date | None:
        """Visits from `start` to `stop`, `gaps` working days apart (chosen at random); the child
        seen each time. Returns the last visit's date."""
        last = None
        day = self.after(start, self.rng.choice(gaps))
        old_enough = referral.person.date_of_birth is not None and (
            day - referral.person.date_of_birth
        ) > timedelta(days=4 * 365)
        while day <= stop:
            visit_record(
                actor=worker,
                referral=self.fresh(referral),
                kind=kind,
                visited_on=day,
                child_seen=True,
                seen_alone=self.rng.random() < 0.7 if old_enough else None,
                bedroom_seen=self.rng.random() < 0.6,
                notes=stories.VISIT_NOTES,
            )
            last = day
            day = self.after(day, self.rng.choice(gaps))
        return last

    # --- the MASH's handovers -------------------------------------------------------------------
    def accept_handovers(self) -> int:
        """Accept two of the MASH's handovers as referrals (team chosen, no worker yet), leaving
        the newest waiting in the inbox."""
        waiting = list(
            Handover.objects.filter(service__in=SOCIAL_CARE, status=HandoverStatus.WAITING).order_by(
                "-created_at", "-pk"
            )
        )
        accepted = 0
        for handover in waiting[HANDOVERS_LEFT_WAITING:]:
            if accepted == HANDOVERS_ACCEPTED:
                break
            children = list(
                ContactSubject.objects.filter(
                    contact_id=handover.contact_id, role__in=CHILD_ROLES
                ).select_related("person")
            )
            people = [s.person for s in children if s.person is not None]
            if not people or len(people) < len(children):
                continue
            if Referral.objects.filter(person__in=people, closed_on__isnull=True).exists():
                continue
            referrals = handover_accept_as_referral(
                actor=self.manager, handover=handover, primary_need="N1", team=self.teams["assessment"]
            )
            self.take(people)
            for referral in referrals:
                self.cases += 1
                self.note(referral, self.manager, "referral", referral.referral_date)
            accepted += 1
        return accepted

    # --- letters --------------------------------------------------------------------------------
    def letters(self) -> None:
        """The council's letter templates (kept if already there), and one letter: the invitation
        to the initial conference that is arranged."""
        templates = {}
        for name, description, body in stories.LETTER_TEMPLATES:
            found = LetterTemplate.objects.filter(name=name).first()
            templates[name] = found or letter_template_save(
                actor=self.manager, name=name, body=body, description=description
            )
        if self.invitation is None:
            return
        referral, worker = self.invitation
        parent = (
            Person.objects.filter(
                family_name=referral.person.family_name,
                date_of_birth__lt=self.today - timedelta(days=18 * 366),
            )
            .exclude(pk=referral.person_id)
            .order_by("date_of_birth")
            .first()
        )
        letter_generate(
            actor=worker,
            person=referral.person,
            involvement=referral.involvement,
            template=templates[stories.LETTER_TEMPLATES[0][0]],
            parent_name=f"{parent.given_name} {parent.family_name}" if parent else "Parent or carer",
        )


def load(
    *,
    users: dict[str, User],
    agencies: dict[str, Agency],
    teams: dict[str, Team],
    seed: int,
    advance: Callable[[str], None],
) -> Summary:
    """Build the cases; returns how many, and how many came from the MASH's handovers."""
    office = Office(users, agencies, teams, seed)
    accepted = office.accept_handovers()
    if office.unborn:
        stories.unborn_plan(office, office.unborn.pop(0))
    advance("casework")
    third = len(stories.SLOTS) // 3 + 1
    for part in range(3):
        for slot in stories.SLOTS[part * third : (part + 1) * third]:
            stories.fill(office, slot)  # a small city runs out of children: the later slots stay empty
        advance("casework")
    office.letters()
    return Summary(office.cases, accepted)
