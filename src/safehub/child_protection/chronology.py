"""The child's chronology entries from child in need and child protection work (issue 5, item 3).

Registered with `people.chronology`. Everything recorded under the child's referrals that the
actor may see (`referral_policy.scope`, R19): referrals and closures, assessments, strategy
discussions, section 47 enquiries, conferences, plans and visits. A fixed number of queries
whatever the number of events: one per table (prefetched) and one for the code-list labels.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

from safehub.people.chronology import ChronologyEntry
from safehub.people.models import Person
from safehub.reference_data.models import Code

from .constants import (
    CATEGORY_LIST,
    CLOSURE_REASON_LIST,
    REFERRAL_SOURCE_LIST,
    AssessmentOutcome,
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    Section47Outcome,
    StrategyDecision,
    VisitKind,
)
from .involvements import case_url
from .models import Referral
from .policies import referral_policy

SOURCE_NAME = "child_protection"
SOURCE = "child_protection"


class Kind:
    REFERRAL = "cin_referral"
    ASSESSMENT = "cin_assessment"
    STRATEGY = "cp_strategy"
    CONFERENCE = "cp_conference"
    PLAN = "cin_cp_plan"
    VISIT = "cin_visit"


KIND_LABELS = {
    Kind.REFERRAL: "Referrals and closures",
    Kind.ASSESSMENT: "Assessments",
    Kind.STRATEGY: "Strategy discussions and section 47 enquiries",
    Kind.CONFERENCE: "Child protection conferences",
    Kind.PLAN: "Child protection and child in need plans",
    Kind.VISIT: "Statutory visits",
}

PREFETCH = (
    "assessments",
    "strategy_discussions",
    "section47_enquiries",
    "conferences",
    "cp_plans",
    "cin_plans",
    "visits",
)


def _labels() -> dict[tuple[str, str], str]:
    rows = Code.objects.filter(
        code_list__key__in=(REFERRAL_SOURCE_LIST, CLOSURE_REASON_LIST, CATEGORY_LIST)
    ).values_list("code_list__key", "code", "label")
    return {(key, code): label for key, code, label in rows}


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def referral_entries(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    referrals = list(
        referral_policy.scope(actor, Referral.objects.filter(person=person), "view").prefetch_related(
            *PREFETCH
        )
    )
    if not referrals:
        return
    labels = _labels()

    def code(key: str, value: str) -> str:
        return labels.get((key, value), value)

    for referral in referrals:
        url = case_url(referral.pk) or None

        def entry(
            day: date, kind: str, title: str, detail: str = "", url: str | None = url
        ) -> ChronologyEntry:
            return ChronologyEntry(date=day, kind=kind, title=title, detail=detail, source=SOURCE, url=url)

        yield entry(
            referral.referral_date,
            Kind.REFERRAL,
            "Referral to children's social care",
            f"Source: {code(REFERRAL_SOURCE_LIST, referral.source)}",
        )
        if referral.closed_on is not None:
            reason = code(CLOSURE_REASON_LIST, referral.closure_reason)
            title = "Case closed: no further action" if referral.nfa else "Case closed"
            yield entry(referral.closed_on, Kind.REFERRAL, title, f"Reason: {reason}")
        for assessment in referral.assessments.all():
            yield entry(assessment.started_on, Kind.ASSESSMENT, "Child and family assessment started")
            if assessment.authorised_on is not None:
                outcome = _label(AssessmentOutcome, assessment.outcome)
                yield entry(
                    assessment.authorised_on,
                    Kind.ASSESSMENT,
                    "Child and family assessment authorised",
                    f"Outcome: {outcome}" if outcome else "",
                )
        for discussion in referral.strategy_discussions.all():
            yield entry(
                discussion.held_on,
                Kind.STRATEGY,
                "Strategy discussion",
                f"Decision: {_label(StrategyDecision, discussion.decision)}",
            )
        for enquiry in referral.section47_enquiries.all():
            yield entry(enquiry.started_on, Kind.STRATEGY, "Section 47 enquiry started")
            if enquiry.completed_on is not None:
                yield entry(
                    enquiry.completed_on,
                    Kind.STRATEGY,
                    "Section 47 enquiry completed",
                    f"Outcome: {_label(Section47Outcome, enquiry.outcome)}",
                )
        for conference in referral.conferences.all():
            if conference.cancelled_on is not None:
                yield entry(
                    conference.cancelled_on,
                    Kind.CONFERENCE,
                    f"{_label(ConferenceKind, conference.kind)} cancelled",
                    conference.cancel_reason,
                )
                continue
            if conference.held_on is None:
                continue
            detail = f"Decision: {_label(ConferenceDecision, conference.decision)}"
            if conference.category:
                detail += f"; category: {code(CATEGORY_LIST, conference.category)}"
            yield entry(conference.held_on, Kind.CONFERENCE, _label(ConferenceKind, conference.kind), detail)
        for plan in referral.cp_plans.all():
            category = code(CATEGORY_LIST, plan.initial_category)
            yield entry(plan.started_on, Kind.PLAN, "Child protection plan started", f"Category: {category}")
            if plan.ended_on is not None:
                yield entry(
                    plan.ended_on,
                    Kind.PLAN,
                    "Child protection plan ended",
                    f"Reason: {_label(PlanEndReason, plan.end_reason)}",
                )
        for cin_plan in referral.cin_plans.all():
            yield entry(cin_plan.started_on, Kind.PLAN, "Child in need plan started")
            if cin_plan.ended_on is not None:
                yield entry(cin_plan.ended_on, Kind.PLAN, "Child in need plan ended")
        for visit in referral.visits.all():
            seen = "child seen" if visit.child_seen else "child not seen"
            if visit.child_seen and visit.seen_alone:
                seen = "child seen alone"
            yield entry(visit.visited_on, Kind.VISIT, f"{_label(VisitKind, visit.kind)}: {seen}")


def register() -> None:
    from safehub.people.chronology import register_chronology_source, register_kind_label

    register_chronology_source(SOURCE_NAME, referral_entries)
    for kind, label in KIND_LABELS.items():
        register_kind_label(kind, label)
