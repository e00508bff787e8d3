"""The demo city's casework stories (issue 5): what happens to each child, and what is said.

`SLOTS` is the order the cases are built in: the first of each kind comes early, so a small city
(fewer children than slots) still has a case at every stage; a full city fills them all. Each
story is a function of the `casework.Office` (its staff, its calendar, the children it has left)
that calls the services with the dates its story gives. All the words are invented.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from safehub.accounts.models import User
from safehub.casework.timescales import add_months
from safehub.child_protection.constants import (
    AssessmentOutcome,
    ConferenceDecision,
    ConferenceKind,
    VisitKind,
)
from safehub.child_protection.models import (
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
)
from safehub.child_protection.services.plan import (
    cin_plan_end,
    cin_plan_review_record,
    cin_plan_start,
    core_group_record,
    visit_record,
)
from safehub.people.models import Person

if TYPE_CHECKING:
    from .casework import Office


@dataclass(frozen=True)
class Why:
    """Why a child was referred: the CIN census source and primary need, and what was said."""

    source: str
    need: str
    summary: str
    factors: tuple[str, ...]


REASONS = (
    Why("2A", "N1", "School: repeated bruising and the child says they are frightened to go home.", ("3A", "1B")),
    Why("6", "N1", "Police: domestic abuse incidents at the address; the children were present.", ("3B", "3A")),
    Why("3E", "N2", "Hospital: a baby seen with an injury the explanation does not account for.", ("4B",)),
    Why("4", "N3", "Housing: the home is cold, dirty and without food; the children look unkempt.", ("2B", "1B")),
    Why("3A", "N4", "GP: the mother is struggling with her mental health and the children's care slips.", ("4B",)),
    Why("8", "N6", "Youth project: the young person is missing overnight and seen with older men.", ("2A", "4A")),
    Why("2A", "N5", "School: attendance has fallen to 60% and the child is often hungry.", ("5B",)),
    Why("1A", "N3", "A relative is worried the parents' drinking leaves the children unsupervised.", ("1B",)),
    Why("3F", "N1", "Midwife: the parents' cannabis use and the father's violence in pregnancy.", ("2B", "3B")),
    Why("6", "N4", "Police: a parent was arrested; the children were left with a neighbour.", ("2B",)),
)  # fmt: skip

OUTCOME_SUMMARY: dict[str, str] = {
    AssessmentOutcome.NO_FURTHER_ACTION: "The concerns were not borne out; the family has support around it.",
    AssessmentOutcome.EARLY_HELP: "Needs are real but met with the family's agreement by early help.",
    AssessmentOutcome.CIN_PLAN: "The child is in need: a child in need plan with the family and the school.",
    AssessmentOutcome.STRATEGY: "Risk of significant harm: a strategy discussion is needed.",
    AssessmentOutcome.OTHER: "Needs met by other services: the family's GP and a parenting course.",
}

STRATEGY_RATIONALE = (
    "The injuries and the child's account give reasonable cause to suspect significant harm; "
    "police and health agree a joint section 47 enquiry, the child to be seen and medically examined."
)
S47_SUMMARY = "The concerns are substantiated; the child remains at risk of significant harm."
CONFERENCE_SUMMARY = "The conference agreed the child is at continuing risk of significant harm."
REVIEW_SUMMARY = "Progress with the plan is slow; the risks are not yet reduced enough to end it."
ENDED_SUMMARY = "The risks have reduced and the family has worked with the plan; it ends today."
CORE_GROUP_NOTES = "Plan reviewed with the family, the school and the health visitor; actions updated."
CIN_REVIEW_NOTES = "The plan was reviewed with the family; school attendance is improving."
CIN_PLAN_SUMMARY = "Support with routines, school attendance and the parents' own health."
VISIT_NOTES = "Home visit: the child was seen; the home was warm and there was food."
NOT_SEEN_NOTES = "No answer at the door; a card was left and the school asked to see the child tomorrow."

# (subject, text, kind, significant)
NOTES = {
    "referral": (
        "Referral received",
        "Referral taken from the MASH; the family is not known to children's social care before.",
        "case_note",
        False,
    ),
    "seen": (
        "Child seen at school",
        "Saw the child alone at school; they spoke about home and drew their family.",
        "direct_work",
        False,
    ),
    "strategy": (
        "Strategy discussion: section 47 agreed",
        "Police, health and children's social care agreed a section 47 enquiry and a medical today.",
        "meeting",
        True,
    ),
    "disclosure": (
        "Disclosure to the social worker",
        "During the visit the child said again that an adult at home hurts them when angry.",
        "home_visit",
        True,
    ),
    "oversight": (
        "Management oversight",
        "Discussed in supervision: the plan is right; visits to stay at least fortnightly.",
        "management_oversight",
        False,
    ),
    "partner": (
        "Call from the school",
        "The school reports better attendance this half term and the child seems more settled.",
        "partner_contact",
        False,
    ),
    "closure": (
        "Case closed",
        "The work is finished; the family knows how to contact us and the school will keep an eye.",
        "case_note",
        True,
    ),
}

# (name, description, body): placeholders from casework.documents.letters.PLACEHOLDERS only.
LETTER_TEMPLATES = (
    (
        "Invitation to an initial child protection conference",
        "Sent to each parent when the initial conference is arranged.",
        "Dear $parent_name,\n\n"
        "An initial child protection conference about $child_name (born $child_dob) has been "
        "arranged. The conference brings together the family and the professionals who know "
        "$child_first_name to decide whether a child protection plan is needed.\n\n"
        "You are welcome to attend and to bring someone to support you. Please call me if you "
        "have any questions.\n\n"
        "Yours sincerely,\n\n$worker_name\n$team_name\n$council_name\n$today",
    ),
    (
        "Outcome of the child and family assessment",
        "Sent to the parents with the assessment's outcome.",
        "Dear $parent_name,\n\n"
        "Thank you for working with me on the assessment of $child_name's needs. I have written "
        "to let you know what it found and what happens next. I will go through this with you at "
        "our next visit.\n\n"
        "Yours sincerely,\n\n$worker_name\n$team_name\n$council_name\n$today",
    ),
    (
        "Case closure",
        "Sent to the family when children's social care closes the case.",
        "Dear $parent_name,\n\n"
        "Children's social care has now finished its work with $child_first_name. If you need "
        "help in the future, please contact the council's front door.\n\n"
        "Yours sincerely,\n\n$worker_name\n$team_name\n$council_name\n$today",
    ),
)

# Slot kinds, in the order they are filled. The worker ("sw1" is social.worker@, "sw2" is
# social.worker2@) and one number that each kind reads in its own way (working days, months).
AWAITING = "awaiting"
ASSESSMENT_DUE = "assessment_due"  # n: due in n working days (negative: overdue by -n)
ASSESSMENT_DONE = "assessment_done"  # completed, awaiting the manager's authorisation
S47 = "s47"  # n: strategy discussion n working days ago, enquiry open
S47_CONFERENCE = "s47_conference"  # n: as above, outcome conference; ICPC arranged
S47_OVERDUE = "s47_overdue"  # n: as above, outcome conference; ICPC overdue, not arranged
CP_PLAN = "cp_plan"  # n: plan started n months ago
CP_VISIT_OVERDUE = "cp_visit_overdue"  # n: months ago; the child last seen 15 working days ago
CIN_PLAN = "cin_plan"  # n: months ago
CIN_REVIEW_OVERDUE = "cin_review_overdue"  # n: months ago, never reviewed
CHILD_IN_NEED = "child_in_need"  # assessed, plan meeting booked
CLOSED_RC8 = "closed_rc8"  # n: months ago
CLOSED_RC9 = "closed_rc9"
CLOSED_CIN = "closed_cin"  # RC7 after a CIN plan
CLOSED_CP = "closed_cp"  # a CP plan ended at review, then closed
CLOSED_NFA = "closed_nfa"


@dataclass(frozen=True)
class Slot:
    kind: str
    worker: str = "sw1"
    n: float = 0
    category: str = "NEG"


SLOTS = (
    Slot(CP_PLAN, "sw1", 7, "NEG"),
    Slot(ASSESSMENT_DUE, "sw1", -6),
    Slot(ASSESSMENT_DUE, "sw1", 3),
    Slot(CIN_PLAN, "sw2", 5),
    Slot(S47, "sw1", 4),
    Slot(CHILD_IN_NEED, "sw2"),
    Slot(CLOSED_CP, "sw2", 9),
    Slot(S47_CONFERENCE, "sw2", 9),
    Slot(CP_VISIT_OVERDUE, "sw1", 3, "PHY"),
    Slot(AWAITING),
    Slot(ASSESSMENT_DONE, "sw2"),
    Slot(CIN_REVIEW_OVERDUE, "sw1", 4),
    Slot(CLOSED_RC8, "sw2", 5),
    Slot(S47_OVERDUE, "sw2", 19),
    Slot(CLOSED_RC9, "sw1", 3),
    Slot(ASSESSMENT_DUE, "sw2", -11),
    Slot(AWAITING),
    Slot(CP_PLAN, "sw2", 2, "PHY"),
    Slot(CLOSED_CIN, "sw2", 10),
    Slot(ASSESSMENT_DUE, "sw2", 2),
    Slot(CP_PLAN, "sw1", 9.5, "EMO"),
    Slot(CIN_PLAN, "sw1", 8),
    Slot(AWAITING),
    Slot(ASSESSMENT_DUE, "sw1", 4),
    Slot(CP_PLAN, "sw2", 4, "SAB"),
    Slot(CLOSED_NFA, "", 3),
    Slot(CIN_PLAN, "sw2", 2),
    Slot(ASSESSMENT_DUE, "sw1", 30),
    Slot(CP_PLAN, "sw1", 5, "MUL"),
    Slot(CIN_PLAN, "sw1", 1),
    Slot(ASSESSMENT_DUE, "sw2", 15),
    Slot(CP_PLAN, "sw2", 1, "NEG"),
    Slot(CLOSED_RC8, "sw1", 2),
    Slot(CIN_PLAN, "sw2", 3),
    Slot(ASSESSMENT_DUE, "sw1", 22),
    Slot(CP_PLAN, "sw1", 6, "EMO"),
    Slot(CIN_PLAN, "sw1", 6.5),
    Slot(CP_PLAN, "sw2", 3.5, "PHY"),
    Slot(ASSESSMENT_DUE, "sw2", 8),
)
# The slot kinds whose number is months ago (the others count working days).
MONTHS = frozenset(
    {
        CP_PLAN,
        CP_VISIT_OVERDUE,
        CIN_PLAN,
        CIN_REVIEW_OVERDUE,
        CLOSED_RC8,
        CLOSED_RC9,
        CLOSED_CIN,
        CLOSED_CP,
        CLOSED_NFA,
    }
)


# --- the stories ----------------------------------------------------------------------------
def awaiting(office: "Office", child: Person) -> None:
    """A referral accepted today or in the last few days, waiting for a worker."""
    on = office.wd(office.rng.randint(0, 3))
    referral = office.refer(child, on, office.why())
    office.allocate(referral, "assessment", None, on)
    office.note(referral, office.manager, "referral", on)


def assessment(office: "Office", child: Person, slot: Slot, worker: User, team: str) -> None:
    """An assessment in progress, due in `slot.n` working days (overdue if negative)."""
    on = office.wd(45 - int(slot.n))
    why = office.why()
    referral = office.refer(child, on, why)
    office.allocate(referral, team, worker, office.after(on, 1))
    office.note(referral, worker, "referral", on)
    seen = office.after(on, 6)
    office.assess(
        referral,
        worker,
        office.after(on, 2),
        seen=seen if seen < office.today else None,
        factors=why.factors,
    )
    if seen < office.today:
        office.note(referral, worker, "seen", seen)


def assessment_done(office: "Office", child: Person, worker: User, team: str) -> None:
    """Completed by the worker two days ago, waiting for the manager's authorisation."""
    on = office.wd(38)
    why = office.why()
    referral = office.refer(child, on, why)
    office.allocate(referral, team, worker, office.after(on, 1))
    office.note(referral, worker, "referral", on)
    office.assess(
        referral,
        worker,
        office.after(on, 2),
        seen=office.after(on, 5),
        completed=office.wd(2),
        outcome=AssessmentOutcome.CIN_PLAN,
        factors=why.factors,
    )
    office.note(referral, worker, "seen", office.after(on, 5))


def investigate(office: "Office", child: Person, slot: Slot, worker: User, team: str) -> Section47Enquiry:
    """Referral, assessment, then a strategy discussion `slot.n` working days ago: a s47 enquiry."""
    held = office.wd(int(slot.n))
    on = office.after(held, -3)
    why = office.why()
    referral = office.refer(child, on, why)
    office.allocate(referral, team, worker, on)
    office.note(referral, worker, "referral", on)
    office.assess(referral, worker, office.after(on, 1), seen=office.after(on, 2), factors=why.factors)
    return office.strategy(referral, worker, held)


def s47_conference(
    office: "Office", child: Person, slot: Slot, worker: User, team: str, *, arranged: bool
) -> None:
    enquiry = investigate(office, child, slot, worker, team)
    completed = office.wd(3 if arranged else max(int(slot.n) - 11, 1))
    conference = office.enquiry_done(enquiry, worker, completed)
    if arranged:
        due = conference.due_on or office.after(office.today, 5)
        office.arrange(conference, max(office.after(due, -1), office.after(office.today, 1)))
        office.invitation = (enquiry.referral, worker)


def protect(
    office: "Office",
    child: Person,
    worker: User,
    *,
    icpc: date,
    category: str,
    until: date | None = None,
    visits_stop: date | None = None,
    first_worker: User | None = None,
) -> Referral:
    """From referral to a child protection plan started at `icpc`, then its life until `until`
    (today for a plan still running): core groups, visits and review conferences."""
    strategy = office.after(icpc, -12)
    on = office.after(strategy, -4)
    why = office.why()
    referral = office.refer(child, on, why)
    first = first_worker or worker
    first_team = "assessment" if first is office.workers["sw1"] else "cp"
    office.allocate(referral, first_team, first, on)
    office.note(referral, first, "referral", on)
    office.assess(
        referral,
        first,
        office.after(on, 1),
        seen=office.after(on, 2),
        completed=office.after(strategy, -1),
        outcome=AssessmentOutcome.STRATEGY,
        authorised=strategy,
        factors=why.factors,
    )
    enquiry = office.strategy(referral, first, strategy)
    conference = office.enquiry_done(enquiry, first, office.after(icpc, -3))
    conference = office.arrange(conference, icpc)
    office.hold(conference, icpc, ConferenceDecision.PLAN, category)
    if first is not worker:
        office.allocate(referral, "cp", worker, icpc, reason="MANAGE")
    elif first_team != "cp":
        office.allocate(referral, "cp", worker, icpc)
    plan = ChildProtectionPlan.objects.get(referral=referral, ended_on__isnull=True)
    end = until or office.today
    _core_groups(office, plan, worker, icpc, end)
    if referral.person.date_of_birth is not None:
        last = office.visits(
            referral, worker, VisitKind.CP, icpc, visits_stop or end, (6, 7, 8, 9, 9, 10, 11)
        )
        # A plan running today: the child seen within the last week or so.
        running = until is None and visits_stop is None and office.after(icpc, 1) <= office.wd(2)
        if running and (last is None or last < office.wd(7)):
            visit_record(
                actor=worker,
                referral=office.fresh(referral),
                kind=VisitKind.CP,
                visited_on=max(office.wd(office.rng.randint(1, 5)), office.after(icpc, 1)),
                child_seen=True,
                bedroom_seen=True,
                notes=VISIT_NOTES,
            )
        middle = office.after(icpc, max(office.cal.working_days_between(icpc, end) // 2, 1))
        if middle < end:
            office.note(referral, worker, "disclosure", middle)
            office.note(referral, office.manager, "oversight", office.after(middle, 2))
    # Last: a review that ends the plan ends its visits and core groups too.
    _reviews(office, plan, end, ended=until is not None)
    return referral


def _core_groups(office: "Office", plan: ChildProtectionPlan, worker: User, icpc: date, end: date) -> None:
    day = office.after(icpc, 8)
    while day <= end:
        current = ChildProtectionPlan.objects.get(pk=plan.pk)
        core_group_record(actor=worker, plan=current, held_on=day, notes=CORE_GROUP_NOTES)
        day = office.working(day + timedelta(weeks=6) - timedelta(days=office.rng.randint(1, 6)))


def _reviews(office: "Office", plan: ChildProtectionPlan, end: date, *, ended: bool) -> None:
    """Review conferences, each held a few days before it falls due, continuing the plan;
    the next one is arranged. With `ended`, the first review ends the plan on `end`."""
    while True:
        review = Conference.objects.filter(
            plan=plan, kind=ConferenceKind.REVIEW, held_on__isnull=True
        ).first()
        if review is None or review.due_on is None:
            return
        if ended:
            office.hold(review, end, ConferenceDecision.END)
            return
        held = office.working(review.due_on - timedelta(days=office.rng.randint(2, 10)))
        if held > office.today:
            office.arrange(review, held)
            return
        office.hold(review, held, ConferenceDecision.CONTINUE)


def cp_plan(office: "Office", child: Person, slot: Slot, worker: User) -> None:
    first = office.workers["sw2"] if slot.n > 9 else None  # an older case changed worker
    protect(
        office,
        child,
        worker,
        icpc=office.months_ago(slot.n),
        category=slot.category,
        first_worker=first,
    )


def cp_visit_overdue(office: "Office", child: Person, slot: Slot, worker: User) -> None:
    """Last seen three weeks ago; the last visit found nobody in."""
    referral = protect(
        office,
        child,
        worker,
        icpc=office.months_ago(slot.n),
        category=slot.category,
        visits_stop=office.wd(15),
    )
    visit_record(
        actor=worker,
        referral=office.fresh(referral),
        kind=VisitKind.CP,
        visited_on=office.wd(4),
        child_seen=False,
        notes=NOT_SEEN_NOTES,
    )


def unborn_plan(office: "Office", child: Person) -> None:
    """A pre-birth plan: the midwife's referral, a pre-birth assessment, a conference last week."""
    worker = office.workers["sw1"]
    icpc = office.wd(3)
    strategy = office.after(icpc, -10)
    on = office.after(strategy, -12)
    why = REASONS[8]
    referral = office.refer(child, on, why)
    office.allocate(referral, "cp", worker, on)
    office.note(referral, worker, "referral", on)
    office.assess(
        referral,
        worker,
        office.after(on, 1),
        completed=office.after(strategy, -1),
        outcome=AssessmentOutcome.STRATEGY,
        authorised=strategy,
        factors=why.factors,
    )
    enquiry = office.strategy(referral, worker, strategy)
    conference = office.enquiry_done(enquiry, worker, office.after(icpc, -2))
    office.hold(office.arrange(conference, icpc), icpc, ConferenceDecision.PLAN, "NEG")


def support(
    office: "Office",
    child: Person,
    worker: User,
    *,
    start: date,
    until: date | None = None,
    reviews: bool = True,
) -> Referral:
    """Referral, assessment, a child in need plan from `start`, its visits and reviews."""
    completed = office.after(start, -2)
    seen = office.after(completed, -10)
    on = office.after(seen, -5)
    why = office.why()
    referral = office.refer(child, on, why)
    office.allocate(referral, "cp", worker, on)
    office.note(referral, worker, "referral", on)
    office.assess(
        referral,
        worker,
        office.after(on, 2),
        seen=seen,
        completed=completed,
        outcome=AssessmentOutcome.CIN_PLAN,
        authorised=start,
        factors=why.factors,
    )
    office.note(referral, worker, "seen", seen)
    plan = cin_plan_start(
        actor=worker, referral=office.fresh(referral), started_on=start, summary=CIN_PLAN_SUMMARY
    )
    end = until or office.today
    last = office.visits(referral, worker, VisitKind.CIN, start, end, (12, 14, 15, 17, 19))
    if until is None and (last is None or last < office.wd(14)) and office.after(start, 1) <= office.wd(1):
        visit_record(
            actor=worker,
            referral=office.fresh(referral),
            kind=VisitKind.CIN,
            visited_on=max(office.wd(office.rng.randint(1, 8)), office.after(start, 1)),
            child_seen=True,
            notes=VISIT_NOTES,
        )
    day = office.working(add_months(start, 3) - timedelta(days=office.rng.randint(0, 8)))
    while reviews and day <= end:
        current = ChildInNeedPlan.objects.get(pk=plan.pk)
        cin_plan_review_record(actor=worker, plan=current, held_on=day, notes=CIN_REVIEW_NOTES)
        day = office.working(add_months(day, 3) - timedelta(days=office.rng.randint(0, 8)))
    partner = office.after(start, 15)
    if partner < end:
        office.note(referral, worker, "partner", partner)
    if until is not None:
        current = ChildInNeedPlan.objects.get(pk=plan.pk)
        cin_plan_end(actor=worker, plan=current, expected_version=current.version, ended_on=until)
    return referral


def child_in_need(office: "Office", child: Person, worker: User) -> None:
    """Assessed: a child in need, the plan meeting booked for next week."""
    on = office.wd(30)
    why = office.why()
    referral = office.refer(child, on, why)
    office.allocate(referral, "cp", worker, on)
    office.note(referral, worker, "referral", on)
    office.assess(
        referral,
        worker,
        office.after(on, 1),
        seen=office.after(on, 4),
        completed=office.wd(8),
        outcome=AssessmentOutcome.CIN_PLAN,
        authorised=office.wd(6),
        factors=why.factors,
    )


def closed_after_assessment(
    office: "Office", child: Person, slot: Slot, worker: User, outcome: str, reason: str
) -> None:
    on = office.months_ago(slot.n)
    why = office.why()
    referral = office.refer(child, on, why)
    office.allocate(referral, "assessment" if worker is office.workers["sw1"] else "cp", worker, on)
    office.note(referral, worker, "referral", on)
    office.assess(
        referral,
        worker,
        office.after(on, 1),
        seen=office.after(on, 4),
        completed=office.after(on, 20),
        outcome=outcome,
        authorised=office.after(on, 22),
        factors=["21"] if outcome == AssessmentOutcome.NO_FURTHER_ACTION else why.factors,
    )
    office.note(referral, worker, "closure", office.after(on, 23))
    office.close(referral, office.after(on, 23), reason)


def closed_cin(office: "Office", child: Person, slot: Slot, worker: User) -> None:
    """A child in need plan that did its work: ended three months ago and the case closed (RC7)."""
    end = office.months_ago(3)
    referral = support(office, child, worker, start=office.months_ago(slot.n), until=end)
    office.note(referral, worker, "closure", end)
    office.close(referral, end, "RC7")


def closed_cp(office: "Office", child: Person, slot: Slot, worker: User) -> None:
    """A plan the first review conference ended; the case closed a week later (RC7)."""
    icpc = office.months_ago(slot.n)
    review = office.working(add_months(icpc, 3) - timedelta(days=4))
    referral = protect(office, child, worker, icpc=icpc, category="EMO", until=review)
    closed = office.after(review, 5)
    office.note(referral, worker, "closure", closed)
    office.close(referral, closed, "RC7")


def closed_nfa(office: "Office", child: Person, slot: Slot) -> None:
    """A referral closed with no further action the day after it came in."""
    on = office.months_ago(slot.n)
    referral = office.refer(child, on, office.why())
    office.close(referral, office.after(on, 1), "RC7", nfa=True)


# --- one slot -------------------------------------------------------------------------------
def fill(office: "Office", slot: Slot) -> bool:
    """Build the slot's case on the next suitable child; False when no child is left."""
    worker = office.workers.get(slot.worker, office.workers["sw1"])
    team = "assessment" if worker is office.workers["sw1"] else "cp"
    child = office.pick(office.months_ago(slot.n + 1.5) if slot.kind in MONTHS else office.wd(70))
    if child is None:
        return False
    kind = slot.kind
    if kind == AWAITING:
        awaiting(office, child)
    elif kind == ASSESSMENT_DUE:
        assessment(office, child, slot, worker, team)
    elif kind == ASSESSMENT_DONE:
        assessment_done(office, child, worker, team)
    elif kind == S47:
        investigate(office, child, slot, worker, team)
    elif kind in (S47_CONFERENCE, S47_OVERDUE):
        s47_conference(office, child, slot, worker, team, arranged=kind == S47_CONFERENCE)
    elif kind == CP_PLAN:
        cp_plan(office, child, slot, worker)
    elif kind == CP_VISIT_OVERDUE:
        cp_visit_overdue(office, child, slot, worker)
    elif kind == CIN_PLAN:
        support(office, child, worker, start=office.months_ago(slot.n))
    elif kind == CIN_REVIEW_OVERDUE:
        support(office, child, worker, start=office.months_ago(slot.n), reviews=False)
    elif kind == CHILD_IN_NEED:
        child_in_need(office, child, worker)
    elif kind == CLOSED_RC8:
        closed_after_assessment(office, child, slot, worker, AssessmentOutcome.NO_FURTHER_ACTION, "RC8")
    elif kind == CLOSED_RC9:
        closed_after_assessment(office, child, slot, worker, AssessmentOutcome.EARLY_HELP, "RC9")
    elif kind == CLOSED_CIN:
        closed_cin(office, child, slot, worker)
    elif kind == CLOSED_CP:
        closed_cp(office, child, slot, worker)
    elif kind == CLOSED_NFA:
        closed_nfa(office, child, slot)
    return True
