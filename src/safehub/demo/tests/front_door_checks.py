"""The demo city's front door: every state of the MASH queue is there to try (issue 4).

Checked by test_demo_stories.py on the one city it loads (a load is the slow part)."""

from datetime import timedelta

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.models import User
from safehub.demo import city
from safehub.demo import looked_after as looked_after_demo
from safehub.front_door.constants import (
    Channel,
    ContactStatus,
    DecisionStatus,
    FeedbackStatus,
    IntakeAlertKind,
    Outcome,
    Rag,
    RequestStatus,
    SubjectRole,
)
from safehub.front_door.models import (
    Contact,
    ContactSubject,
    Decision,
    InformationRequest,
    IntakeAlert,
    ReferrerFeedback,
    SharingDecision,
)
from safehub.people.models import Person
from safehub.platform import clock


def check_front_door(people: int) -> None:
    """Each front door story the demo promises, on a loaded city of `people` generated people."""
    _every_status_rag_and_outcome()
    _an_overdue_contact_and_one_about_to_breach()
    _requests_in_every_answer_state_and_one_reminded()
    _intake_alerts()
    _portal_referrals_with_feedback()
    _unborn_and_not_yet_identified_children()
    _history_over_twelve_weeks_in_the_past()
    _the_citys_own_people(people)


def _every_status_rag_and_outcome() -> None:
    statuses = set(Contact.objects.values_list("status", flat=True))
    assert statuses == set(ContactStatus.values)
    open_rags = set(Contact.objects.filter(status=ContactStatus.IN_PROGRESS).values_list("rag", flat=True))
    assert open_rags == set(Rag.values)
    decided = Contact.objects.filter(status=ContactStatus.DECIDED)
    assert set(decided.values_list("outcome", flat=True)) == set(Outcome.values)
    assert Decision.objects.filter(status=DecisionStatus.PROPOSED).count() == 1
    # About forty on today's queue and around it, then the history.
    assert Contact.objects.filter(received_at__gte=clock.now() - timedelta(days=8)).count() >= 35


def _an_overdue_contact_and_one_about_to_breach() -> None:
    now = clock.now()
    waiting = Contact.objects.filter(status=ContactStatus.AWAITING_SCREENING)
    assert waiting.filter(next_due_at__lt=now).exists()
    # "Breaches in 40 minutes" while the office is open; out of hours, the soonest it allows.
    soonest = waiting.filter(next_due_at__gt=now).order_by("next_due_at").first()
    assert soonest is not None


def _requests_in_every_answer_state_and_one_reminded() -> None:
    statuses = set(InformationRequest.objects.values_list("status", flat=True))
    assert {
        RequestStatus.OPEN,
        RequestStatus.ANSWERED,
        RequestStatus.NO_TRACE,
        RequestStatus.HELD_NOT_SHAREABLE,
    } <= statuses
    agencies = set(InformationRequest.objects.values_list("agency__kind", flat=True))
    assert {AgencyKind.POLICE, AgencyKind.HEALTH_TRUST, AgencyKind.SCHOOL} <= agencies
    reminded = InformationRequest.objects.filter(status=RequestStatus.OPEN, reminded_at__isnull=False)
    assert reminded.count() == 1
    assert reminded.get().due_at < clock.now()
    assert SharingDecision.objects.filter(share=True).exists()


def _intake_alerts() -> None:
    kinds = set(IntakeAlert.objects.values_list("kind", flat=True))
    assert {
        IntakeAlertKind.REPEAT_CONTACT,
        IntakeAlertKind.MULTI_AGENCY,
        IntakeAlertKind.FLAGGED_ADULT,
    } <= kinds


def _portal_referrals_with_feedback() -> None:
    school = User.objects.get(email=f"referrer@{city.DEMO_DOMAIN}")
    gp = User.objects.get(email=city.GP_REFERRER_EMAIL)
    assert gp.role == Role.REFERRER
    assert User.objects.get(email=city.HEALTH_PARTNER_EMAIL).agency.kind == AgencyKind.HEALTH_TRUST
    mine = Contact.objects.filter(submitted_by=school, channel=Channel.PORTAL)
    assert mine.filter(status=ContactStatus.AWAITING_SCREENING).exists()
    decided = mine.get(status=ContactStatus.DECIDED)
    assert ReferrerFeedback.objects.get(contact=decided).status == FeedbackStatus.SENT
    assert Contact.objects.filter(submitted_by=gp).exists()
    # Every e-mailed feedback went out, so none waits in the outbox.
    assert not ReferrerFeedback.objects.filter(status=FeedbackStatus.QUEUED).exists()


def _unborn_and_not_yet_identified_children() -> None:
    assert ContactSubject.objects.filter(role=SubjectRole.UNBORN_CHILD).exists()
    assert Contact.objects.exclude(child_not_identified_reason="").filter(subjects__isnull=True).exists()


def _history_over_twelve_weeks_in_the_past() -> None:
    now = clock.now()
    decided = list(Contact.objects.filter(status=ContactStatus.DECIDED))
    assert len(decided) >= 20
    assert all(c.decided_at and c.received_at < c.decided_at <= now for c in decided)
    assert len({(now - c.received_at).days // 7 for c in decided}) >= 6


def _the_citys_own_people(people: int) -> None:
    """The front door links to people already in the index: it adds none."""
    city_people = Person.objects.exclude(pk__in=looked_after_demo.people_added())
    assert city_people.count() == people
    assert not ContactSubject.objects.filter(
        contact__status=ContactStatus.DECIDED, person__isnull=True
    ).exists()
