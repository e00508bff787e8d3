"""The demo city's front door: a MASH queue in every state, built through the front door's services.

About forty contacts about the city's own children: awaiting screening (fresh, one about to breach,
one overdue), rated red/amber/green with requests to the police, the hospital and a school
(answered, no trace, held but not shareable, overdue and reminded), one awaiting authorisation,
one decided with each outcome and its feedback sent, a child with three contacts in a year and one
with concerns from two agencies in a week, an unborn child, a child not yet identified, and
referrals from the school's and the GP's portal accounts. Under them, about 150 decided contacts
over the past twelve weeks (fewer in a small city) so the dashboard has data.

Clocks run from the `received_at` each contact is given. The services stamp "now" on what they
do (screened, decided, sent), so the history's moments are moved back afterwards with plain
updates: the audit trail still says, truthfully, that the demo loader did it all today.
Deterministic for a seed.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q

from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.accounts.models import Agency, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.front_door.clocks import Clocks
from safehub.front_door.constants import (
    REFERRAL_SOURCE_LIST,
    Channel,
    ClockKey,
    ConsentStatus,
    FeedbackChannel,
    FeedbackStatus,
    LawfulBasis,
    Outcome,
    Rag,
    ResponseKind,
    Sensitivity,
    SubjectRole,
)
from safehub.front_door.models import (
    Contact,
    Decision,
    Handover,
    InformationRequest,
    PartnerResponse,
    RagRating,
    ReferrerFeedback,
    SharingDecision,
)
from safehub.front_door.services.contact import (
    ReferrerInput,
    SubjectInput,
    contact_create,
    contact_subject_link,
)
from safehub.front_door.services.decision import decision_propose
from safehub.front_door.services.feedback import feedback_deliver
from safehub.front_door.services.reminders import requests_remind_and_escalate
from safehub.front_door.services.requests import information_request_send, partner_response_record
from safehub.front_door.services.screening import rag_set
from safehub.front_door.services.sharing import sharing_decision_record
from safehub.people.constants import RelationshipKind, Sex
from safehub.people.models import Person, Relationship
from safehub.platform import clock
from safehub.reference_data.models import CodeList
from safehub.reference_data.services import reference_data_sync

from . import city
from .front_door_stories import (
    HISTORY_OUTCOMES,
    HOSPITAL_SOURCE,
    MIDWIFE,
    NEIGHBOUR,
    POLICE_SOURCE,
    QUESTIONS,
    RATIONALE,
    SCHOOL_SOURCE,
    SOURCES,
    Source,
)

# Steps `load` reports to the progress bar.
STEPS = 3
HISTORY_MAX = 150
HISTORY_WEEKS = 12
BUSY_DAY = 10
CONTACT_TYPE = Contact._meta.label_lower


@dataclass(frozen=True)
class Summary:
    contacts: int
    history: int


_SEX: dict[str, str] = {Sex.MALE: "M", Sex.FEMALE: "F"}


def _sex(person: Person) -> str:
    return _SEX.get(person.sex, "U")


def details(person: Person) -> dict[str, str]:
    """The person as a referrer would describe them."""
    found = {"given_name": person.given_name, "family_name": person.family_name, "sex": _sex(person)}
    if person.date_of_birth:
        found["date_of_birth"] = person.date_of_birth.isoformat()
    if person.expected_date_of_birth:
        found["expected_date_of_birth"] = person.expected_date_of_birth.isoformat()
    return found


def ensure_reference_data() -> None:
    """Contacts carry a CIN referral source, so the code lists must be there (`make demo` syncs
    them first; a bare `load_demo_city` on a new database has not)."""
    if not CodeList.objects.filter(key=REFERRAL_SOURCE_LIST).exists():
        reference_data_sync(actor=None, source_dir=Path(settings.SAFEHUB_REFERENCE_DIR), today=clock.today())


def demo_contacts() -> Any:
    demo = Q(recorded_by__email__iendswith=f"@{city.DEMO_DOMAIN}")
    return Contact.objects.filter(demo | Q(submitted_by__email__iendswith=f"@{city.DEMO_DOMAIN}"))


def wipe() -> None:
    """Remove the demo's contacts before its people go (`--reset`): their rows protect both."""
    ids = list(demo_contacts().values_list("pk", flat=True))
    if not ids:
        return
    SharingDecision.objects.filter(contact_id__in=ids).delete()
    PartnerResponse.objects.filter(request__contact_id__in=ids).delete()
    InformationRequest.objects.filter(contact_id__in=ids).delete()
    ReferrerFeedback.objects.filter(contact_id__in=ids).delete()
    Handover.objects.filter(contact_id__in=ids).delete()
    Decision.objects.filter(contact_id__in=ids).delete()
    Contact.objects.filter(pk__in=ids).delete()
    record_event(
        actor=None,
        actor_label="safehub load_demo_city --reset",
        verb=Verb.DELETE,
        object_type=CONTACT_TYPE,
        result_ids=ids,
    )


class _Hub:
    def __init__(self, users: dict[str, User], agencies: dict[str, Agency], seed: int) -> None:
        self.manager = users[Role.MASH_MANAGER]
        self.worker = users[Role.MASH_SOCIAL_WORKER]
        self.police = users[Role.MASH_PARTNER]
        self.health = users[city.HEALTH_PARTNER_EMAIL]
        self.school_referrer = users[Role.REFERRER]
        self.gp_referrer = users[city.GP_REFERRER_EMAIL]
        self.agencies = agencies
        # Reproducible synthetic data, not secrets.
        self.rng = random.Random(seed * 104729 + 4)  # noqa: S311  # nosec B311
        self.now = clock.now()
        self.today = clock.today()
        self.clocks = Clocks()
        self.made: list[Contact] = []
        restricted = set(RestrictedRecord.objects.values_list("object_id", flat=True))
        people = [
            p
            for p in Person.objects.filter(merged_into__isnull=True).order_by(
                "family_name", "given_name", "date_of_birth", "expected_date_of_birth"
            )
            if p.pk not in restricted
        ]
        adult_born = self.today - timedelta(days=18 * 366)
        self.children = [p for p in people if p.date_of_birth and p.date_of_birth > adult_born]
        self.unborn = [p for p in people if p.date_of_birth is None and p.expected_date_of_birth]
        self.adults: dict[str, list[Person]] = {}
        for p in people:
            if p.date_of_birth and p.date_of_birth <= adult_born - timedelta(days=365):
                self.adults.setdefault(p.family_name, []).append(p)

    # --- building blocks ---------------------------------------------------------------------
    def subjects(self, child: Person, role: str = SubjectRole.CHILD) -> list[SubjectInput]:
        found = [SubjectInput(role=role, details=details(child), person_id=child.pk)]
        for adult in self.adults.get(child.family_name, [])[:2]:
            found.append(
                SubjectInput(role=SubjectRole.PARENT_CARER, details=details(adult), person_id=adult.pk)
            )
        return found

    def record(
        self,
        source: Source,
        received_at: datetime,
        subjects: list[SubjectInput],
        *,
        actor: User | None = None,
        channel: str = "",
        reason_unidentified: str = "",
        summary: str = "",
    ) -> Contact:
        actor = actor or self.worker
        portal = actor.role == Role.REFERRER
        referrer = (
            ReferrerInput(name=actor.full_name, agency=actor.agency, role=actor.job_title, email=actor.email)
            if portal
            else ReferrerInput(
                name=source.name,
                agency=self.agencies.get(source.agency),
                role=source.role,
                email=source.email,
            )
        )
        consent = ConsentStatus.GIVEN if self.rng.random() < 0.6 else ConsentStatus.NOT_SOUGHT
        contact = contact_create(
            actor=actor,
            channel=Channel.PORTAL if portal else (channel or source.channel),
            referral_source=source.referral_source,
            summary=summary or source.summary,
            concerns=list(source.concerns),
            consent=consent,
            consent_reason=""
            if consent == ConsentStatus.GIVEN
            else "Asking the family first could place the child at greater risk.",
            lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
            subjects=subjects,
            referrer=referrer,
            received_at=received_at,
            child_not_identified_reason=reason_unidentified,
        )
        self.made.append(contact)
        return contact

    def rate(self, contact: Contact, rag: str) -> Contact:
        return rag_set(actor=self.manager, contact=contact, rag=rag, expected_version=contact.version)

    def ask(self, contact: Contact, agency: str) -> InformationRequest:
        return information_request_send(
            actor=self.worker, contact=contact, agency=self.agencies[agency], question=QUESTIONS[agency]
        )

    def answer(self, request: InformationRequest, kind: str, content: str = "", condition: str = "") -> None:
        officer = self.police if request.agency_id == self.police.agency_id else self.health
        partner_response_record(
            actor=officer,
            request_id=request.pk,
            kind=kind,
            content=content,
            sensitivity=Sensitivity.OFFICIAL_SENSITIVE if kind == ResponseKind.INFORMATION else "",
            condition=condition,
        )

    def decide(self, contact: Contact, outcome: str, *, authorise: bool = True) -> Decision:
        """Decided by the manager in one step (proposed and authorised), the referrer's e-mail sent
        at once; or, with authorise=False, proposed by the social worker for the manager."""
        contact.refresh_from_db()
        if authorise:
            decision = decision_propose(
                actor=self.manager,
                contact=contact,
                outcome=outcome,
                rationale=RATIONALE[outcome],
                authorise=True,
            )
            for feedback in ReferrerFeedback.objects.filter(decision=decision, channel=FeedbackChannel.EMAIL):
                # The outbox task would send it once the load commits; the demo shows it sent.
                feedback_deliver(feedback.pk)
            return decision
        return decision_propose(
            actor=self.worker, contact=contact, outcome=outcome, rationale=RATIONALE[outcome]
        )

    def backdate(
        self, contact: Contact, screened: datetime | None = None, decided: datetime | None = None
    ) -> None:
        """Move what the services stamped "now" back to when it happened in the story."""
        if screened is not None:
            Contact.objects.filter(pk=contact.pk).update(screened_at=screened)
            RagRating.objects.filter(contact=contact).update(created_at=screened)
        if decided is not None:
            Contact.objects.filter(pk=contact.pk).update(decided_at=decided)
            Decision.objects.filter(contact=contact).update(created_at=decided, authorised_at=decided)
            Handover.objects.filter(contact=contact).update(created_at=decided)
            ReferrerFeedback.objects.filter(contact=contact).update(created_at=decided)
            ReferrerFeedback.objects.filter(contact=contact, status=FeedbackStatus.SENT).update(
                sent_at=decided + timedelta(minutes=2)
            )
            sent = screened or decided - timedelta(hours=2)
            InformationRequest.objects.filter(contact=contact, answered_at__isnull=False).update(
                sent_at=sent, due_at=sent + timedelta(hours=2), answered_at=sent + timedelta(minutes=75)
            )

    def received_for(self, key: str, due: datetime, *, first_at_or_after: bool) -> datetime:
        """The receipt time that puts the clock `key` due at `due` (as near as office hours allow):
        the earliest receipt due at or after it, or the latest due at or before it."""
        low, high = self.now - timedelta(days=21), self.now
        for _ in range(40):
            middle = low + (high - low) / 2
            if (self.clocks.due_after(middle, key) >= due) == first_at_or_after:
                high = middle
            else:
                low = middle
        return high if first_at_or_after else low

    def ago(self, **kwargs: float) -> datetime:
        return self.now - timedelta(**kwargs)

    # --- the history under the dashboard ------------------------------------------------------
    def history(self, count: int, pool: list[Person]) -> None:
        for n in range(count):
            source = SOURCES[self.rng.randrange(len(SOURCES))]
            received = self.ago(days=self.rng.uniform(3, HISTORY_WEEKS * 7))
            child = pool[self.rng.randrange(len(pool))]
            contact = self.record(source, received, self.subjects(child))
            self.rate(contact, self.rng.choice((Rag.RED, Rag.AMBER, Rag.AMBER, Rag.GREEN, Rag.GREEN)))
            if n % 3 == 0:
                request = self.ask(contact, city.POLICE)
                self.answer(request, ResponseKind.INFORMATION, "One call-out in the last year; words only.")
            self.decide(contact, self.rng.choice(HISTORY_OUTCOMES))
            screened = received + timedelta(hours=self.rng.uniform(0.5, 3))
            self.backdate(contact, screened, screened + timedelta(hours=self.rng.uniform(2, 30)))

    # --- the stories on today's queue ---------------------------------------------------------
    def awaiting_screening(self, kids: list[Person]) -> None:
        self.record(SOURCES[7], self.ago(minutes=20), self.subjects(kids[0]), channel=Channel.PHONE)
        self.record(SOURCES[8], self.ago(hours=1, minutes=10), self.subjects(kids[1]))
        soon = self.now + timedelta(minutes=40)
        self.record(
            SOURCES[10],
            self.received_for(ClockKey.DECISION, soon, first_at_or_after=True),
            self.subjects(kids[2]),
        )
        late = self.now - timedelta(hours=3)
        self.record(
            SOURCES[6],
            self.received_for(ClockKey.DECISION, late, first_at_or_after=False),
            self.subjects(kids[3]),
        )
        self.record(
            NEIGHBOUR,
            self.ago(minutes=35),
            [],
            reason_unidentified="Anonymous caller; the flat and the family are not yet known. Police asked to help.",
        )
        unborn = self.unborn[0] if self.unborn else None
        expected = unborn.expected_date_of_birth if unborn else self.today + timedelta(days=90)
        described = (
            details(unborn)
            if unborn
            else {"family_name": "Thorne", "expected_date_of_birth": (expected or self.today).isoformat()}
        )
        self.record(
            MIDWIFE,
            self.ago(hours=2),
            [SubjectInput(SubjectRole.UNBORN_CHILD, described, unborn.pk if unborn else None)],
        )
        # From the portals: linked to the index at screening, not by the referrer.
        self.record(SCHOOL_SOURCE, self.ago(minutes=50), self._described(kids[4]), actor=self.school_referrer)
        self.record(SOURCES[4], self.ago(hours=3), self._described(kids[5]), actor=self.gp_referrer)

    def _described(self, child: Person) -> list[SubjectInput]:
        return [SubjectInput(SubjectRole.CHILD, details(child))]

    def in_progress(self, kids: list[Person]) -> None:
        red = self.record(POLICE_SOURCE, self.ago(hours=2), self.subjects(kids[6]))
        self.rate(red, Rag.RED)
        police = self.ask(red, city.POLICE)
        self.answer(
            police, ResponseKind.INFORMATION, "Three call-outs to the address since March; one arrest."
        )
        hospital = self.ask(red, city.HOSPITAL)
        self.answer(hospital, ResponseKind.INFORMATION, "Attended A&E twice this year with minor injuries.")
        self.ask(red, city.SCHOOL)
        sharing_decision_record(
            actor=self.manager,
            contact=red,
            share=True,
            lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
            purpose="The hospital safeguarding team needs the police history to plan the child's discharge.",
            recipient_agency=self.agencies[city.HOSPITAL],
            responses=[police.responses.get()],
            fields=["summary"],
        )
        red2 = self.record(HOSPITAL_SOURCE, self.ago(hours=1), self.subjects(kids[7]))
        self.rate(red2, Rag.RED)
        self.ask(red2, city.POLICE)
        amber = self.record(SOURCES[5], self.ago(hours=5), self.subjects(kids[8]))
        self.rate(amber, Rag.AMBER)
        self.answer(self.ask(amber, city.POLICE), ResponseKind.NO_TRACE)
        self.answer(
            self.ask(amber, city.HOSPITAL),
            ResponseKind.HELD_NOT_SHAREABLE,
            condition="A sexual health clinic record: shareable only with the young person's consent or a court order.",
        )
        overdue = self.record(SOURCES[1], self.ago(days=1, hours=2), self.subjects(kids[9]))
        self.rate(overdue, Rag.AMBER)
        school = self.ask(overdue, city.SCHOOL)
        sent = self.ago(hours=26)
        InformationRequest.objects.filter(pk=school.pk).update(
            sent_at=sent,
            due_at=self.clocks.due_after(sent, ClockKey.REQUEST_AMBER),
            escalate_at=self.now + timedelta(hours=1),
        )
        requests_remind_and_escalate(self.now)
        for n, rag in enumerate((Rag.GREEN, Rag.GREEN, Rag.AMBER)):
            contact = self.record(SOURCES[9 + n], self.ago(hours=4 + 6 * n), self.subjects(kids[10 + n]))
            self.rate(contact, rag)
            if n == 0:
                self.ask(contact, city.HOSPITAL)
        waiting = self.record(SOURCES[11], self.ago(hours=7), self.subjects(kids[13]))
        self.rate(waiting, Rag.AMBER)
        self.decide(waiting, Outcome.ASSESSMENT, authorise=False)

    def decided(self, kids: list[Person]) -> None:
        for n, outcome in enumerate(Outcome.values):
            received = self.ago(days=1 + n, hours=3)
            contact = self.record(SOURCES[n], received, self.subjects(kids[14 + n]))
            self.rate(
                contact, Rag.GREEN if outcome in (Outcome.NO_FURTHER_ACTION, Outcome.ADVICE) else Rag.AMBER
            )
            self.decide(contact, outcome)
            self.backdate(contact, received + timedelta(hours=1), received + timedelta(hours=5))
        portal = self.record(
            SCHOOL_SOURCE, self.ago(days=6), self._described(kids[19]), actor=self.school_referrer
        )
        self._link_all(portal)
        self.rate(portal, Rag.GREEN)
        self.decide(portal, Outcome.EARLY_HELP)
        self.backdate(portal, self.ago(days=6) + timedelta(hours=1), self.ago(days=5))

    def busy_day(self, kids: list[Person]) -> None:
        """The rest of a normal day's queue: some waiting for screening, some rated and being checked."""
        for n in range(BUSY_DAY):
            source = SOURCES[(n * 5 + 3) % len(SOURCES)]
            contact = self.record(
                source, self.ago(minutes=self.rng.randint(10, 60 * 30)), self.subjects(kids[n])
            )
            if n % 3:
                self.rate(contact, (Rag.RED, Rag.AMBER, Rag.GREEN)[n % 3])
                if n % 2:
                    self.ask(contact, city.POLICE)

    def _link_all(self, contact: Contact) -> None:
        for subject in contact.subjects.filter(person__isnull=True):
            person = Person.objects.filter(
                given_name=subject.details.get("given_name", ""),
                family_name=subject.details.get("family_name", ""),
                date_of_birth=subject.details.get("date_of_birth") or None,
            ).first()
            contact_subject_link(actor=self.worker, subject=subject, person=person, create=person is None)

    def patterns(self, repeat: Person, multi: Person) -> None:
        """Three contacts in a year about one child, and two agencies in a week about another."""
        for days, outcome in ((200, Outcome.NO_FURTHER_ACTION), (60, Outcome.ADVICE)):
            received = self.ago(days=days)
            contact = self.record(SOURCES[days % len(SOURCES)], received, self.subjects(repeat))
            self.rate(contact, Rag.GREEN)
            self.decide(contact, outcome)
            self.backdate(contact, received + timedelta(hours=2), received + timedelta(hours=20))
        self.record(SCHOOL_SOURCE, self.ago(minutes=15), self.subjects(repeat))
        first = self.record(SOURCES[1], self.ago(days=3), self.subjects(multi))
        self.rate(first, Rag.GREEN)
        self.record(POLICE_SOURCE, self.ago(hours=1, minutes=30), self.subjects(multi))

    def flagged_family(self) -> None:
        """The family the flagged adult moved in with: a police notification naming him."""
        adult = Person.objects.filter(given_name="Darren", family_name="Kettlewell").first()
        if adult is None:
            return
        partners = Relationship.objects.filter(
            Q(person_a=adult) | Q(person_b=adult), kind=RelationshipKind.PARTNER
        ).select_related("person_a", "person_b")
        mother = next((r.person_b if r.person_a_id == adult.pk else r.person_a for r in partners), None)
        child = next((c for c in self.children if mother and c.family_name == mother.family_name), None)
        if child is None:
            return
        subjects = [
            *self.subjects(child),
            SubjectInput(SubjectRole.ALLEGED_PERPETRATOR, details(adult), adult.pk),
        ]
        contact = self.record(POLICE_SOURCE, self.ago(hours=4), subjects)
        self.rate(contact, Rag.RED)


def load(
    *,
    users: dict[str, User],
    agencies: dict[str, Agency],
    seed: int,
    people: int,
    advance: Callable[[str], None],
) -> Summary:
    """Build today's queue and the past weeks' decided contacts; returns how many of each."""
    ensure_reference_data()
    hub = _Hub(users, agencies, seed)
    kids = hub.children
    if len(kids) < 3:
        return Summary(0, 0)
    # The stories need distinct children where a child can have only one open contact to tell
    # it; a small city reuses them.
    story = [kids[i % len(kids)] for i in range(22)]
    repeat, multi = story[20], story[21]
    others = [k for k in kids if k not in (repeat, multi)] or kids
    count = min(HISTORY_MAX, max(people // 2, 10))
    hub.history(count, others)
    advance("contacts")
    hub.patterns(repeat, multi)
    hub.decided(story)
    hub.in_progress(story)
    hub.busy_day(story[::-1])
    advance("contacts")
    hub.awaiting_screening(story)
    hub.flagged_family()
    advance("contacts")
    return Summary(len(hub.made) - count, count)
