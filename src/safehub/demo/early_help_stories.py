"""The demo city's early help stories (issue 9): each builds one family's support through the
services, with explicit past dates. The office they use, and the entry points, are in
`early_help.py`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from safehub.casework.services.involvement import allocation_change
from safehub.child_protection.constants import AssessmentOutcome
from safehub.child_protection.models import Referral
from safehub.child_protection.services import assessment as cin_assessment
from safehub.child_protection.services.referral import referral_close, referral_create
from safehub.early_help.constants import (
    ConsentState,
    EndReason,
    EpisodeSource,
    MeetingKind,
    MemberRole,
    NeedArea,
)
from safehub.early_help.models import (
    EarlyHelpEpisode,
)
from safehub.early_help.services.actions import NewAction
from safehub.early_help.services.consent import consent_record
from safehub.early_help.services.episodes import episode_close
from safehub.early_help.services.requests import (
    support_request_accept,
    support_request_decline,
    support_request_submit,
)
from safehub.front_door.services.early_help import step_down_accept, step_down_request
from safehub.people.models import Person

from .casework_stories import REASONS

if TYPE_CHECKING:  # the office imports these stories
    from .early_help import EarlyHelpOffice, Family


def needs_met(office: EarlyHelpOffice) -> None:
    """A school's request → episode → assessment → TAF → three reviews → closed, needs met."""
    family = office.next_family()
    if family is None:
        return
    child = family.children[0]
    submitted = office.wd(150)
    request = support_request_submit(
        actor=office.school_lead,
        child_first_name=child.given_name,
        child_last_name=child.family_name,
        child_date_of_birth=child.date_of_birth,
        reason="Attendance has fallen to 82%; mum says mornings are chaos since she started shifts.",
        family_consents=True,
        needs=[NeedArea.EDUCATION, NeedArea.FINANCES],
        willing_to_lead=True,
        submitted_on=submitted,
    )
    office.requests += 1
    opened = office.after(submitted, 3)
    episode = support_request_accept(
        actor=office.worker,
        request=request,
        children=family.children,
        adults=[(a, MemberRole.PARENT_CARER) for a in family.adults],
        team=office.team,
        worker=office.worker,
        family_name=family.name,
        opened_on=opened,
    )
    office.episodes += 1
    office.consent(episode, opened, family)
    office.assess(
        episode,
        opened,
        office.after(opened, 15),
        [NeedArea.EDUCATION, NeedArea.FINANCES, NeedArea.RELATIONSHIPS],
    )
    members = office.team_around(episode, opened)
    first = office.meet(episode, MeetingKind.INITIAL, office.after(opened, 18), members)
    plan = office.plan(episode, first.held_on)
    for n, gap in enumerate((30, 60, 90), start=1):
        on = office.after(first.held_on, gap)
        meeting = office.meet(episode, MeetingKind.REVIEW if n < 3 else MeetingKind.CLOSING, on, members)
        office.review(plan, on, step=n + 1, meeting=meeting, achieve=n == 3)
    episode.refresh_from_db()
    episode_close(
        actor=office.worker,
        episode=episode,
        expected_version=episode.version,
        closed_on=office.after(first.held_on, 92),
        end_reason=EndReason.NEEDS_MET,
        summary="All three goals achieved; attendance 97% this term. The school keeps an eye.",
    )


def running(
    office: EarlyHelpOffice,
    *,
    months: int,
    lead_school: bool,
    reviews: int,
    source: str = EpisodeSource.FRONT_DOOR,
    **extra: Any,
) -> None:
    family = office.next_family()
    if family is None:
        return
    opened = office.wd(months * 21)
    lead = office.school_lead if lead_school else office.worker
    organisation = office.school if lead_school else office.council
    episode = office.open(
        family,
        opened,
        "Parenting support after a house move; the youngest is not yet talking much.",
        source=source,
        lead=lead,
        organisation=organisation,
        **extra,
    )
    support(office, family, episode, opened, reviews=reviews, settled=months >= 2)


def support(
    office: EarlyHelpOffice,
    family: Family,
    episode: EarlyHelpEpisode,
    opened: date,
    *,
    reviews: int,
    settled: bool = True,
) -> None:
    """Consent, the assessment and, once `settled`, the TAF, its first meeting, the plan and `reviews` reviews."""
    office.consent(episode, opened, family)
    if not settled:
        office.assess(episode, opened, None, [NeedArea.EARLY_YEARS, NeedArea.HOUSING])
        return
    office.assess(
        episode, opened, office.after(opened, 12), [NeedArea.EARLY_YEARS, NeedArea.HOUSING, NeedArea.HEALTH]
    )
    members = office.team_around(episode, opened)
    first = office.meet(
        episode,
        MeetingKind.INITIAL,
        office.after(opened, 15),
        members,
        actions=[
            NewAction(
                "Refer to the speech and language drop-in.",
                members[1].pk if len(members) > 1 else members[0].pk,
                office.after(opened, 30),
            ),
            NewAction("Help with the housing benefit claim.", members[0].pk, office.after(opened, 25)),
        ],
    )
    plan = office.plan(episode, first.held_on)
    on = first.held_on
    for n in range(reviews):
        on = office.after(on, 30)
        office.review(plan, on, step=n + 1)


def stepped_down(office: EarlyHelpOffice) -> None:
    """A child whose social care case closed after assessment (RC9), stepped down through the
    front door's services: asked for by the team manager, taken on by early help four working
    days later, so the dashboard has a step-down to time."""
    for referral in Referral.objects.filter(closed_on__isnull=False).order_by("-closed_on", "pk"):
        family = office.take_family_of(referral.person_id)
        if family is not None:
            break
    else:
        # No closed case's child is free (a small city's care stories took them): a short case
        # of the social care office's own, closed after assessment with RC9 ("referred to early help").
        family = office.next_family()
        if family is None:
            return
        referral = _closed_after_assessment(office, family.children[0])
    asked = max(referral.closed_on or referral.referral_date, office.wd(70))
    step = step_down_request(
        actor=office.manager,
        referral=referral,
        reason=(
            "Assessment found no need for a child in need plan. Mum has asked for help with routines "
            "and the rent arrears; the children's views are in the assessment."
        ),
        requested_on=asked,
    )
    opened = office.after(asked, 4)
    episode = step_down_accept(
        actor=office.worker,
        step=step,
        team=office.team,
        worker=office.worker,
        family_name=family.name,
        adults=[(a, MemberRole.PARENT_CARER) for a in family.adults],
        lead_professional=office.worker,
        opened_on=opened,
    )
    office.episodes += 1
    support(office, family, episode, opened, reviews=1)


def consent_withdrawn(office: EarlyHelpOffice) -> None:
    family = office.next_family()
    if family is None:
        return
    opened = office.wd(60)
    episode = office.open(family, opened, "Worries about the eldest's anger at home and at school.")
    office.consent(episode, opened, family)
    withdrawn = office.after(opened, 20)
    consent_record(
        actor=office.worker,
        episode=episode,
        state=ConsentState.WITHDRAWN,
        recorded_on=withdrawn,
        given_by=office.parent(family),
        next_steps=(
            "Discussed with the early help manager: no safeguarding concern now. The school's DSL will "
            "keep in touch with the family and will ask for help again if things get worse."
        ),
    )
    episode.refresh_from_db()
    episode_close(
        actor=office.worker,
        episode=episode,
        expected_version=episode.version,
        closed_on=withdrawn,
        end_reason=EndReason.CONSENT_WITHDRAWN,
        summary="The family no longer wanted support; the school stays in touch.",
    )


def requests(office: EarlyHelpOffice) -> None:
    """Two requests waiting for the team, and one declined (the family already has support)."""
    for n, (first, last, why, declined) in enumerate(
        (
            (
                "Maisie",
                "Trelawny",
                "Late most days and often hungry; mum is struggling since dad left.",
                False,
            ),
            (
                "Oskar",
                "Penhallow",
                "Anxious about moving to secondary school; parents asked for help.",
                False,
            ),
            (
                "Tilly",
                "Rosewarne",
                "Needs help with sleep; the family already sees the health visitor weekly.",
                True,
            ),
        )
    ):
        submitted = office.wd(4 + 6 * n)
        request = support_request_submit(
            actor=office.school_lead if n != 1 else office.health_visitor,
            child_first_name=first,
            child_last_name=last,
            child_date_of_birth=office.today - timedelta(days=365 * (6 + 2 * n) + 40),
            reason=why,
            family_consents=True,
            needs=[NeedArea.EDUCATION] if n != 2 else [NeedArea.HEALTH],
            parent_carer_names="Their mum",
            postcode="",
            submitted_on=submitted,
        )
        office.requests += 1
        if declined:
            support_request_decline(
                actor=office.worker,
                request=request,
                reason="The health visiting service already supports the family weekly; we have let them know.",
                decided_on=office.after(submitted, 2),
            )


def _closed_after_assessment(office: EarlyHelpOffice, child: Person) -> Referral:
    why = REASONS[3]
    on = office.wd(95)
    referral = referral_create(
        actor=office.manager,
        person=child,
        referral_date=on,
        source=why.source,
        primary_need=why.need,
        summary=why.summary,
    )
    allocation_change(
        actor=office.manager,
        involvement=referral.involvement,
        team=office.assessment_team,
        worker=office.social_worker,
        started_on=on,
    )
    fresh = Referral.objects.select_related("involvement", "person").get(pk=referral.pk)
    assessment = cin_assessment.assessment_start(
        actor=office.social_worker, referral=fresh, started_on=office.after(on, 1)
    )
    cin_assessment.assessment_complete(
        actor=office.social_worker,
        assessment=assessment,
        expected_version=assessment.version,
        completed_on=office.after(on, 15),
        outcome=AssessmentOutcome.EARLY_HELP,
        factors=list(why.factors),
        child_seen_on=office.after(on, 4),
        summary="The home needs work and the family want help; no need for a child in need plan.",
    )
    assessment.refresh_from_db()
    cin_assessment.assessment_authorise(
        actor=office.manager,
        assessment=assessment,
        expected_version=assessment.version,
        authorised_on=office.after(on, 17),
    )
    current = Referral.objects.get(pk=referral.pk)
    return referral_close(
        actor=office.manager,
        referral=current,
        expected_version=current.version,
        closed_on=office.after(on, 18),
        reason="RC9",
    )
