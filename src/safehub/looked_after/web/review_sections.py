"""The Reviews, Visits and Health sections of the period-of-care page (see sections.py).

Each is `(template, context)`; the page includes the template with `section=context`. The rows are
read once for all three (`care_record`), and the links are shown only to those who may use them,
and only while the period is open (nothing new is recorded after care ended). 903 codes show with
their meanings (labels.py).
"""

from typing import Any

from ..constants import PARTICIPATION_LIST, SDQ_REASON_LIST, Clock
from ..labels import code_label
from ..policies import care_policy
from ..selectors.care_record import care_record


def sections(actor: Any, period: Any) -> list[tuple[str, dict[str, Any]]]:
    record = care_record(actor=actor, period=period)
    is_open = period.is_open
    reviews = [
        {"review": row.review, "participation": code_label(PARTICIPATION_LIST, row.review.participation)}
        for row in record.reviews
    ]
    sdq = record.latest_sdq
    may_review = is_open and care_policy.can(actor, "review", period)
    may_record = is_open and care_policy.can(actor, "record", period)
    return [
        (
            "looked_after/review/_reviews.html",
            {
                "period": period,
                "iro": period.iro,
                "reviews": reviews,
                "last": record.last_review,
                "next_due": record.due.get(Clock.REVIEW),
                "may_add": may_review,
            },
        ),
        (
            "looked_after/review/_visits.html",
            {
                "period": period,
                "visits": record.visits,
                "last": record.last_visit,
                "next_due": record.due.get(Clock.VISIT),
                "may_add": may_record,
            },
        ),
        (
            "looked_after/review/_health.html",
            {
                "period": period,
                "health_assessment": record.last_health_assessment,
                "health_due": record.due.get(Clock.HEALTH_ASSESSMENT),
                "dental": record.last_dental,
                "dental_due": record.due.get(Clock.DENTAL),
                "immunisations": record.last_immunisations,
                "sdq": sdq,
                "sdq_reason": code_label(SDQ_REASON_LIST, sdq.reason) if sdq else "",
                "substance_misuse": record.substance_misuse,
                "convictions": record.convictions,
                "checks": record.health_checks,
                "may_add": may_record,
            },
        ),
    ]
