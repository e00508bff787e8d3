"""Open referrals as involvements, for the front door's "already open to children's services" panel.

Registered with `people.involvements` (people sits below this app). One query answers for any
number of people: the stage of each referral comes from EXISTS annotations rather than a read
per referral.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from safehub.people.involvements import Involvement

from .constants import ConferenceKind, Stage
from .models import Assessment, ChildInNeedPlan, ChildProtectionPlan, Conference, Referral, Section47Enquiry
from .policies import referral_policy

SOURCE_NAME = "child_protection"


def with_stage_flags(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate what is open on each referral, enough to name its stage without more queries."""
    ref = OuterRef("pk")
    return qs.annotate(
        open_cp_plan=Exists(ChildProtectionPlan.objects.filter(referral=ref, ended_on__isnull=True)),
        open_cin_plan=Exists(ChildInNeedPlan.objects.filter(referral=ref, ended_on__isnull=True)),
        conference_awaited=Exists(
            Conference.objects.filter(
                referral=ref,
                held_on__isnull=True,
                cancelled_on__isnull=True,
                kind__in=(ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN),
            )
        ),
        open_s47=Exists(Section47Enquiry.objects.filter(referral=ref, completed_on__isnull=True)),
        open_assessment=Exists(Assessment.objects.filter(referral=ref, authorised_on__isnull=True)),
        assessed=Exists(Assessment.objects.filter(referral=ref, authorised_on__isnull=False)),
    )


def stage_of(referral: Any) -> str:
    """The stage, from the flags of `with_stage_flags` (the same order as the case header's)."""
    if referral.closed_on is not None:
        return Stage.CLOSED
    for flag, stage in (
        ("open_cp_plan", Stage.CP_PLAN),
        ("conference_awaited", Stage.CONFERENCE),
        ("open_s47", Stage.SECTION_47),
        ("open_cin_plan", Stage.CIN_PLAN),
        ("open_assessment", Stage.ASSESSMENT),
        ("assessed", Stage.CHILD_IN_NEED),
    ):
        if getattr(referral, flag, False):
            return stage
    return Stage.REFERRAL


def case_url(referral_id: Any) -> str:
    try:
        return reverse("child_protection:case", args=[referral_id])
    except NoReverseMatch:
        return ""


def open_referrals(actor: Any, person_ids: list[Any]) -> Iterable[Involvement]:
    """The open referrals of these people that `actor` may see (R19), one query."""
    qs = referral_policy.scope(
        actor, Referral.objects.filter(Q(person_id__in=person_ids), closed_on__isnull=True), "view"
    )
    rows = with_stage_flags(qs.select_related("involvement__worker", "involvement__team")).order_by(
        "referral_date"
    )
    for referral in rows:
        involvement = referral.involvement
        yield Involvement(
            person_id=referral.person_id,
            service=str(Stage(stage_of(referral)).label),
            started_on=referral.referral_date,
            worker=str(involvement.worker) if involvement.worker_id else "",
            team=str(involvement.team) if involvement.team_id else "",
            url=involvement.url or case_url(referral.pk),
        )
