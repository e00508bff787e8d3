"""The Missing and away, UASC, Permanence and Brothers and sisters sections of the period-of-care page
(see sections.py). Each is `(template, context)`; the page includes the template with
`section=context`. The period was loaded through the policy and its view audited by the page, so the
reads here neither check nor audit again; links show only to those who may use them, and only
while the period is open (the services refuse a write under an ended period). The UASC link is the
exception: the status is the child's, so it shows on the child's latest period, ended or not.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from safehub.platform import clock

from ..constants import (
    ADOPTER_LEGAL_STATUS_LIST,
    ADOPTER_SEX_LIST,
    ADOPTION_CEASED_LIST,
    MISSING_KIND_LIST,
    PREVIOUS_PERMANENCE_LIST,
    PermanenceOrderKind,
    SiblingDecision,
)
from ..labels import code_label
from ..models import MissingEpisode
from ..policies import care_policy
from ..selectors.permanence import (
    missing_for,
    permanence_summary,
    sibling_decisions,
    siblings_in_care,
    uasc_for,
)
from ..services.missing import uasc_period

# Statutory guidance (2014): the return home interview is offered within 72 hours of the return.
RETURN_INTERVIEW_DAYS = 3


@dataclass
class EpisodeRow:
    episode: MissingEpisode
    kind: str
    interview: str
    overdue: bool


def _fmt(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def _interview(episode: MissingEpisode, today: date) -> tuple[str, bool]:
    """The return home interview in words, and whether its offer is overdue."""
    if episode.ended_on is None:
        return "Not returned yet", False
    if episode.interview_offered_on is None:
        due = episode.ended_on + timedelta(days=RETURN_INTERVIEW_DAYS)
        return f"Not offered yet: due by {_fmt(due)}", due < today
    words = f"Offered {_fmt(episode.interview_offered_on)}"
    if episode.interview_accepted is True:
        words += ", accepted"
        if episode.interview_held_on:
            words += f", held {_fmt(episode.interview_held_on)}"
    elif episode.interview_accepted is False:
        words += ", declined"
    return words, False


def _label(values: type[Any], value: str) -> str:
    return str(values(value).label) if value in values.values else value


def sections(actor: Any, period: Any) -> list[tuple[str, dict[str, Any]]]:
    today = clock.today()
    is_open = period.is_open
    may_record = is_open and care_policy.can(actor, "record", period)
    may_manage = is_open and care_policy.can(actor, "manage", period)
    may_record_uasc = (is_open or uasc_period(period.person).pk == period.pk) and care_policy.can(
        actor, "record", period
    )
    episodes = [
        EpisodeRow(e, code_label(MISSING_KIND_LIST, e.kind), *_interview(e, today))
        for e in missing_for(period)
    ]
    uasc = uasc_for(period.person)
    summary = permanence_summary(period)
    decisions = [
        {
            "decision": d,
            "household": d.household,
            "adopter_sex": code_label(ADOPTER_SEX_LIST, d.adopter_sex),
            "adopter_legal_status": code_label(ADOPTER_LEGAL_STATUS_LIST, d.adopter_legal_status),
            "ceased_reason": code_label(ADOPTION_CEASED_LIST, d.ceased_reason),
        }
        for d in summary.decisions
    ]
    orders = [{"order": o, "kind": _label(PermanenceOrderKind, o.kind)} for o in summary.orders]
    siblings = siblings_in_care(actor=actor, period=period)
    sibling_rows = [
        {
            "person": row.person,
            "together": row.together,
            "decision": _label(SiblingDecision, row.decision.decision) if row.decision else "",
            "decided_on": row.decision.decided_on if row.decision else None,
        }
        for row in siblings
    ]
    return [
        (
            "looked_after/permanence/_missing.html",
            {"period": period, "episodes": episodes, "may_add": may_record, "may_edit": may_record},
        ),
        (
            "looked_after/permanence/_uasc.html",
            {"period": period, "uasc": uasc, "may_edit": may_record_uasc},
        ),
        (
            "looked_after/permanence/_permanence.html",
            {
                "period": period,
                "decisions": decisions,
                "live": summary.live_decision,
                "placed_for_adoption_on": summary.placed_for_adoption_on,
                "orders": orders,
                "previous_permanence": code_label(PREVIOUS_PERMANENCE_LIST, summary.previous_permanence),
                "previous_permanence_la": summary.previous_permanence_la,
                "previous_permanence_on": summary.previous_permanence_on,
                "may_manage": may_manage,
                "may_add": may_manage,
            },
        ),
        (
            "looked_after/permanence/_siblings.html",
            {
                "period": period,
                "siblings": sibling_rows,
                "decisions": [
                    {"decision": d, "label": _label(SiblingDecision, d.decision)}
                    for d in sibling_decisions(actor=actor, period=period)
                ],
                "may_add": may_manage,
            },
        ),
    ]
