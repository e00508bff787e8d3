"""Reads of a period's reviews, visits and health (issue 6, items 2 and 3), and the 903 OC2 flags.

A period is reached through the care policy (R19); a form page's read is audited as one view of
the period (R27). The period page has audited its own read, so `care_record` only checks the
policy again (it is also called with a period the caller already holds) and reads the rows in a
fixed number of queries.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.casework.timescales import add_months
from safehub.platform.errors import NotFoundOrForbidden

from ..clocks import HEALTH_ASSESSMENT_KINDS
from ..constants import PARTICIPATION_LIST, Clock, HealthCheckKind
from ..labels import code_label
from ..models import (
    Conviction,
    HealthCheck,
    LookedAfterPeriod,
    LookedAfterReview,
    PlacementVisit,
    SdqScore,
    SubstanceMisuse,
)
from ..policies import care_policy


def care_period_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> LookedAfterPeriod:
    """One period the actor may `action`, with its child, involvement and IRO, or NotFoundOrForbidden.

    With `section` (a fixed code naming the page) the read is audited as one view of the period.
    """
    period = (
        care_policy.scope(actor, LookedAfterPeriod.objects.all(), action)
        .select_related("person", "involvement", "iro")
        .filter(pk=id)
        .first()
    )
    if period is None:
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=period, section=section)
    return period


@dataclass
class ReviewRow:
    review: LookedAfterReview
    participation_label: str


@dataclass
class CareRecord:
    """What the period page's Reviews, Visits and Health sections show."""

    period: LookedAfterPeriod
    reviews: list[ReviewRow]
    visits: list[PlacementVisit]
    health_checks: list[HealthCheck]
    sdq_scores: list[SdqScore]
    substance_misuse: list[SubstanceMisuse]
    convictions: list[Conviction]
    due: dict[str, date] = field(default_factory=dict)  # open clock task due dates, by clock key

    @property
    def last_review(self) -> LookedAfterReview | None:
        return self.reviews[-1].review if self.reviews else None

    @property
    def last_visit(self) -> PlacementVisit | None:
        return self.visits[-1] if self.visits else None

    def last_check(self, *kinds: str) -> HealthCheck | None:
        return next((c for c in reversed(self.health_checks) if c.kind in kinds), None)

    @property
    def last_health_assessment(self) -> HealthCheck | None:
        return self.last_check(*HEALTH_ASSESSMENT_KINDS)

    @property
    def last_dental(self) -> HealthCheck | None:
        return self.last_check(HealthCheckKind.DENTAL)

    @property
    def last_immunisations(self) -> HealthCheck | None:
        return self.last_check(HealthCheckKind.IMMUNISATIONS)

    @property
    def latest_sdq(self) -> SdqScore | None:
        return self.sdq_scores[-1] if self.sdq_scores else None


def care_record(*, actor: Any, period: LookedAfterPeriod) -> CareRecord:
    """The period's reviews, visits and health rows, oldest first, in a fixed number of queries."""
    care_policy.check(actor, "view", period)
    reviews = [
        ReviewRow(review=r, participation_label=code_label(PARTICIPATION_LIST, r.participation))
        for r in LookedAfterReview.objects.filter(period=period).select_related("chair")
    ]
    due = dict(
        Task.objects.filter(
            involvement_id=period.involvement_id,
            status=TaskStatus.OPEN,
            manual=False,
            key__in=[
                Clock.REVIEW,
                Clock.VISIT,
                Clock.HEALTH_ASSESSMENT,
                Clock.DENTAL,
                Clock.RETURN_INTERVIEW,
            ],
        ).values_list("key", "due_on")
    )
    return CareRecord(
        period=period,
        reviews=reviews,
        visits=list(PlacementVisit.objects.filter(period=period).select_related("placement")),
        health_checks=list(HealthCheck.objects.filter(period=period)),
        sdq_scores=list(SdqScore.objects.filter(period=period)),
        substance_misuse=list(SubstanceMisuse.objects.filter(period=period)),
        convictions=list(Conviction.objects.filter(period=period)),
        due=due,
    )


def oc2_summary(period: LookedAfterPeriod, year_end: date) -> dict[str, Any]:
    """The 903 OC2 outcome fields for the 12 months to `year_end` (1 April to 31 March), from the
    rows recorded under `period`. Flags are 0 or 1; SDQ_SCORE is the latest score in the year (or
    None) and SDQ_REASON the latest reason when there is no score. Whether the child belongs in
    OC2 at all (looked after continuously for 12 months at `year_end`) is the return's question.
    """
    since = add_months(year_end, -12) + timedelta(days=1)

    def within(day: date) -> bool:
        return since <= day <= year_end

    checks = [c.kind for c in HealthCheck.objects.filter(period=period) if within(c.done_on)]
    misuse = [m for m in SubstanceMisuse.objects.filter(period=period) if within(m.identified_on)]
    sdq = [s for s in SdqScore.objects.filter(period=period) if within(s.recorded_on)]
    latest = sdq[-1] if sdq else None
    convicted = any(within(c.convicted_on) for c in Conviction.objects.filter(period=period))
    return {
        "CONVICTED": int(convicted),
        "HEALTH_CHECK": int(HealthCheckKind.DEVELOPMENT in checks),
        "IMMUNISATIONS": int(HealthCheckKind.IMMUNISATIONS in checks),
        "TEETH_CHECK": int(HealthCheckKind.DENTAL in checks),
        "HEALTH_ASSESSMENT": int(any(k in HEALTH_ASSESSMENT_KINDS for k in checks)),
        "SUBSTANCE_MISUSE": int(bool(misuse)),
        "INTERVENTION_RECEIVED": int(any(m.intervention_received for m in misuse)),
        "INTERVENTION_OFFERED": int(any(m.intervention_offered for m in misuse)),
        "SDQ_SCORE": latest.score if latest is not None else None,
        "SDQ_REASON": latest.reason if latest is not None else "",
    }
