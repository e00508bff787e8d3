"""The demo city's learning stories (issue 10): each builds one review, action plan or audit round
through the learning services, with explicit past dates. The office they use, and the entry
point, are in `learning.py`. Every name and event is invented; a review is known only by its
anonymised label ("Child R"), which the services check against the child's names."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from safehub.casework.timescales import add_months
from safehub.learning.constants import (
    IncidentKind,
    Rag,
    RapidReviewDecision,
    ReviewerRole,
    ReviewKind,
)
from safehub.learning.models import LearningAction, Review, SeriousIncident
from safehub.learning.services.actions import action_complete, action_sign_off
from safehub.learning.services.findings import finding_add, recommendation_add
from safehub.learning.services.reviews import (
    rapid_review_decide,
    rapid_review_start,
    review_complete,
    review_member_add,
    review_milestone_add,
    review_milestone_done,
    review_publish,
    review_record,
    review_themes_set,
)

if TYPE_CHECKING:  # the office imports these stories
    from safehub.accounts.models import User

    from .learning import LearningOffice

HIDDEN = "Hidden and unseen adults"
SHARING = "Information sharing between agencies"
NEGLECT = "Neglect recognition"
SUPERVISION = "Supervision and management oversight"
DOMESTIC = "Domestic abuse"
CURIOSITY = "Professional curiosity and challenge"


def _rapid_review(office: LearningOffice, label: str, incident: SeriousIncident, started: date) -> Review:
    return rapid_review_start(
        actor=office.manager,
        incident=incident,
        subject_label=label,
        title=f"Rapid review: {label}",
        started_on=started,
    )


def _done(
    office: LearningOffice,
    action: LearningAction,
    by: User,
    *,
    completed: date,
    signed: date | None,
    evidence: str,
    summary: str,
) -> None:
    """The owner adds evidence and completes the action; the partnership signs it off (if `signed`)."""
    office.evidence(action, by, evidence)
    action = action_complete(
        actor=by, action=action, expected_version=action.version, completed_on=completed, summary=summary
    )
    if signed is not None:
        action_sign_off(
            actor=office.manager, action=action, expected_version=action.version, signed_off_on=signed
        )


def legacy_serious_case_review(office: LearningOffice) -> None:
    """A serious case review of 2017, published in 2018: hidden adults and information sharing.
    Its actions were signed off on evidence; the plan was refreshed after the 2025 audit, and of
    the refreshed actions one waits for sign-off and health's re-audit is overdue and escalated."""
    manager = office.manager
    review = review_record(
        actor=manager,
        kind=ReviewKind.SERIOUS_CASE,
        subject_label="Child P",
        title="Serious case review: Child P",
        started_on=date(2017, 3, 6),
    )
    office.summary.reviews += 1
    review_themes_set(actor=manager, review=review, themes=office.theme(HIDDEN, SHARING, NEGLECT, DOMESTIC))
    hidden = finding_add(
        actor=manager,
        review=review,
        text="The mother's partner lived in the home for eight months; no agency knew he was there or "
        "assessed him. He was recorded as 'a friend' at two health visits.",
        themes=office.theme(HIDDEN, CURIOSITY),
    )
    sharing = finding_add(
        actor=manager,
        review=review,
        text="Police attended two domestic incidents at the address. Neither notification reached the "
        "health visitor or the school.",
        themes=office.theme(SHARING, DOMESTIC),
    )
    neglect = finding_add(
        actor=manager,
        review=review,
        text="Poor attendance, head lice and repeated minor injuries were each seen alone, never as "
        "a pattern of neglect.",
        themes=office.theme(NEGLECT),
    )
    recs = [
        recommendation_add(actor=manager, review=review, finding=finding, text=text)
        for finding, text in (
            (hidden, "Every agency asks about and records the adults living in or visiting the home."),
            (
                sharing,
                "Domestic abuse notifications reach the health visitor and school within a working day.",
            ),
            (neglect, "Schools use the partnership's neglect toolkit when concerns accumulate."),
            (hidden, "Health visitors record every adult in the household at each contact, and audit it."),
        )
    ]
    review = review_complete(
        actor=manager,
        review=review,
        expected_version=review.version,
        completed_on=date(2017, 11, 20),
        summary="Agencies saw the children but not the man in the home, and did not share what they knew.",
    )
    review_publish(
        actor=manager,
        review=review,
        expected_version=review.version,
        published_on=date(2018, 1, 24),
        publication_url="https://www.example.org/safehub-partnership/scr-child-p.pdf",
    )
    procedure = office.action(
        recs[0], "Revise the multi-agency procedure on adults in the household.", office.council,
        date(2018, 6, 29), owner=office.team_manager,
    )  # fmt: skip
    _done(office, procedure, office.team_manager, completed=date(2018, 6, 14), signed=date(2018, 7, 12),
          evidence="Revised procedure: adults in the household",
          summary="Procedure revised and launched at the partnership's briefings.")  # fmt: skip
    notifications = office.action(
        recs[1], "Send domestic abuse notifications to the health visitor and the school.", office.police,
        date(2018, 4, 30), owner=office.police_lead,
    )  # fmt: skip
    office.progress(
        notifications, office.police_lead, [(date(2018, 3, 1), Rag.AMBER, "System change requested.")]
    )
    _done(office, notifications, office.police_lead, completed=date(2018, 4, 20), signed=date(2018, 5, 10),
          evidence="Dip sample of domestic abuse notifications",
          summary="Notifications now copied automatically; a dip sample of 40 found 38 sent in time.")  # fmt: skip
    toolkit = office.action(
        recs[2], "Refresh neglect toolkit training for designated safeguarding leads (refreshed plan).",
        office.school, office.wd(10), owner_name="Alex Pendry",
    )  # fmt: skip
    _done(office, toolkit, office.manager, completed=office.wd(6), signed=None,
          evidence="Neglect toolkit training register",
          summary="All twelve designated safeguarding leads trained; register attached.")  # fmt: skip
    reaudit = office.action(
        recs[3], "Re-audit health visiting records: every adult in the household recorded at each contact.",
        office.health, office.wd(25), owner=office.nurse,
    )  # fmt: skip
    office.progress(
        reaudit,
        office.nurse,
        [
            (office.wd(120), Rag.GREEN, "Audit tool agreed with the health visiting leads."),
            (office.wd(60), Rag.AMBER, "Audit delayed: two vacancies in the team."),
            (office.wd(22), Rag.RED, "Sample not started; raised with the head of nursing."),
        ],
    )
    # The draft tool is left as the scan leaves it: quarantined while no scanner is configured.
    office.evidence(reaudit, office.nurse, "Draft record audit tool", passed=False)


def earlier_local_review(office: LearningOffice) -> None:
    """A local review four years ago, whose rapid review was held before Safehub (so it is recorded
    directly): the same themes again, inside the years the themes view shows."""
    manager, year = office.manager, office.today.year - 4
    review = review_record(
        actor=manager,
        kind=ReviewKind.LOCAL,
        subject_label="Child H",
        title="Local child safeguarding practice review: Child H",
        started_on=date(year, 2, 14),
        due_on=date(year, 8, 14),
    )
    office.summary.reviews += 1
    review_themes_set(
        actor=manager,
        review=review,
        themes=office.theme(HIDDEN, SHARING, "Parental mental health and substance use"),
    )
    finding_add(
        actor=manager,
        review=review,
        text="The mother's partner, a heavy drinker, was never seen; the GP and the drug service each "
        "knew part of the picture and told no one.",
        themes=office.theme(HIDDEN, SHARING),
    )
    review = review_complete(
        actor=manager,
        review=review,
        expected_version=review.version,
        completed_on=date(year, 8, 1),
        summary="Adults in the home were invisible to the plan; agencies held the pieces apart.",
    )
    review_publish(
        actor=manager,
        review=review,
        expected_version=review.version,
        published_on=date(year, 10, 3),
        publication_url="https://www.example.org/safehub-partnership/lcspr-child-h.pdf",
    )


def no_further_review(office: LearningOffice) -> None:
    """A rapid review a year ago that decided on no further review: the learning goes through its
    action plan, one action signed off and one on track."""
    child = office.next_child("rapid review: no further review")
    if child is None:
        return
    aware = office.wd(262)
    incident = office.incident(
        child, IncidentKind.SERIOUS_HARM, aware, 3,
        "Synthetic: a head injury at home; the father had returned to the household from prison.",
        "CSPRP-2025-0318",
    )  # fmt: skip
    started = office.after(aware, 4)
    review = _rapid_review(office, "Child K", incident, started)
    office.summary.reviews += 1
    for agency, days in ((office.police, 3), (office.health, 4), (office.school, 5)):
        office.ask(review, agency, started, answered_on=office.after(started, days))
    manager = office.manager
    sharing = finding_add(
        actor=manager,
        review=review,
        text="The GP knew the father had come home from prison; the health visitor and school did not.",
        themes=office.theme(SHARING, HIDDEN),
    )
    oversight = finding_add(
        actor=manager,
        review=review,
        text="Supervision recorded the case as stable without asking who now lived in the home.",
        themes=office.theme(SUPERVISION, HIDDEN),
    )
    review_themes_set(actor=manager, review=review, themes=office.theme(SHARING, HIDDEN, SUPERVISION))
    supervision = recommendation_add(
        actor=manager, review=review, finding=oversight, text="Supervision asks who lives in the home."
    )
    marac = recommendation_add(
        actor=manager, review=review, finding=sharing, text="GP practices hear of changes in the household."
    )
    review, _ = rapid_review_decide(
        actor=manager,
        review=review,
        expected_version=review.version,
        decision=RapidReviewDecision.NO_FURTHER_REVIEW,
        decided_on=office.after(started, 12),
        rationale="The learning is clear and known; agencies can act on it without a further review.",
    )
    template = office.action(
        supervision, "Add 'who lives in the home?' to the supervision template.", office.council,
        office.wd(160), owner=office.team_manager,
    )  # fmt: skip
    _done(office, template, office.team_manager, completed=office.wd(165), signed=office.wd(158),
          evidence="Supervision template, revised", summary="Template revised and in use.")  # fmt: skip
    gp = office.action(
        marac, "Share MARAC and prison release information with GP practices.", office.police,
        office.today + timedelta(days=45), owner=office.police_lead,
    )  # fmt: skip
    office.progress(
        gp,
        office.police_lead,
        [
            (office.wd(40), Rag.GREEN, "Agreed with the ICB; GP mailbox set up."),
            (office.wd(10), Rag.GREEN, "First month's notifications sent to all practices."),
        ],
    )


def local_review_commissioned(office: LearningOffice) -> None:
    """A rapid review that commissioned a local child safeguarding practice review, now in progress
    with its 6-month due date, an independent lead reviewer, the panel and milestones."""
    child = office.next_child("local child safeguarding practice review")
    if child is None:
        return
    aware = office.wd(70)
    incident = office.incident(
        child, IncidentKind.SERIOUS_HARM, aware, 3,
        "Synthetic: serious injuries after an assault at home by the mother's new partner.",
        "CSPRP-2026-0271",
    )  # fmt: skip
    started = office.after(aware, 4)
    rapid = _rapid_review(office, "Child M", incident, started)
    office.summary.reviews += 2
    for agency, days in ((office.police, 4), (office.health, 5), (office.school, 6)):
        office.ask(rapid, agency, started, answered_on=office.after(started, days))
    manager = office.manager
    review_themes_set(actor=manager, review=rapid, themes=office.theme(HIDDEN, SHARING, DOMESTIC))
    _, local = rapid_review_decide(
        actor=manager,
        review=rapid,
        expected_version=rapid.version,
        decision=RapidReviewDecision.LOCAL_REVIEW,
        decided_on=office.after(started, 13),
        rationale="Agencies each held part of the picture of the new partner; the learning is wider "
        "than one agency and needs a full review with the practitioners.",
    )
    assert local is not None
    decided = local.started_on
    review_member_add(
        actor=manager, review=local, role=ReviewerRole.LEAD, name="Dr Imogen Carradine (independent)"
    )
    for user in (office.police_lead, office.nurse, office.team_manager):
        review_member_add(actor=manager, review=local, role=ReviewerRole.PANEL, user=user)
    assert local.due_on is not None
    plan = [
        ("Terms of reference agreed", office.after(decided, 10), office.after(decided, 8)),
        ("Practitioner learning event", office.after(decided, 30), office.after(decided, 31)),
        ("The family's contribution", office.wd(-10), None),
        ("Draft report to the partnership", add_months(decided, 5), None),
        ("Final report to the partnership and the national panel", local.due_on, None),
    ]
    for name, due, done in plan:
        milestone = review_milestone_add(actor=manager, review=local, name=name, due_on=due)
        if done is not None and done <= office.today:
            review_milestone_done(actor=manager, milestone=milestone, done_on=done)
    review_themes_set(actor=manager, review=local, themes=office.theme(HIDDEN, SHARING, DOMESTIC, CURIOSITY))
    finding_add(
        actor=manager,
        review=local,
        text="Emerging: the new partner was known to another force for domestic abuse; no agency asked "
        "who was living in the home.",
        themes=office.theme(HIDDEN, DOMESTIC),
    )


def late_notification(office: LearningOffice) -> None:
    """An incident notified after its 5 working days (the board report shows it), whose rapid review
    referred it to the national panel."""
    child = office.next_child("late notification", age="teen")
    if child is None:
        return
    aware = office.wd(40)
    incident = office.incident(
        child, IncidentKind.SERIOUS_HARM, aware, 8,
        "Synthetic: stabbed while missing from home; exploited by a county lines network.",
        "CSPRP-2026-0355",
    )  # fmt: skip
    started = office.after(incident.notified_on or aware, 1)
    review = _rapid_review(office, "Child T", incident, started)
    office.summary.reviews += 2
    for agency, days in ((office.police, 2), (office.health, 3), (office.school, 4)):
        office.ask(review, agency, started, answered_on=office.after(started, days))
    review_themes_set(
        actor=office.manager,
        review=review,
        themes=office.theme(
            "Child exploitation and extra-familial harm",
            "Transitions and transfers between services",
            SHARING,
        ),
    )
    rapid_review_decide(
        actor=office.manager,
        review=review,
        expected_version=review.version,
        decision=RapidReviewDecision.NATIONAL_PANEL,
        decided_on=office.after(started, 12),
        rationale="Exploitation across force boundaries, as in cases the national panel is reviewing.",
    )


def rapid_review_running(office: LearningOffice) -> None:
    """This fortnight's rapid review: notified in time; police answered, health asked later and not
    yet due, the school's return overdue (the nightly sweep chases it)."""
    child = office.next_child("rapid review in progress", age="baby")
    if child is None:
        return
    aware = office.wd(12)
    incident = office.incident(
        child, IncidentKind.SERIOUS_HARM, aware, 2,
        "Synthetic: a non-mobile baby brought to hospital with bruising to the face and arm.",
        "CSPRP-2026-0412",
    )  # fmt: skip
    started = office.wd(9)
    review = _rapid_review(office, "Child R", incident, started)
    office.summary.reviews += 1
    manager = office.manager
    for user in (office.police_lead, office.nurse):
        review_member_add(actor=manager, review=review, role=ReviewerRole.PANEL, user=user)
    office.ask(review, office.police, started, answered_on=office.wd(5))
    office.ask(review, office.school, started)  # due 5 working days later: overdue now
    # Health was asked once the returns showed a health visitor had seen the baby; not yet due.
    office.ask(review, office.health, office.wd(3))
    review_themes_set(
        actor=manager, review=review, themes=office.theme("Non-mobile babies and bruising", SHARING)
    )
    assert review.due_on is not None
    for name, due, done in (
        ("Terms of reference agreed", office.wd(8), office.wd(8)),
        ("Agency returns in", office.wd(4), None),
        ("Rapid review meeting", office.wd(-3), None),
        ("Rapid review report to the national panel", review.due_on, None),
    ):
        milestone = review_milestone_add(actor=manager, review=review, name=name, due_on=due)
        if done is not None:
            review_milestone_done(actor=manager, milestone=milestone, done_on=done)
