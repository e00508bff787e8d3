"""Reads of referrals and everything recorded under them (issue 5). Each starts from the referral
policy (R19); the case page's read is audited before anything is shown (R27), and so is every
form page's, as one view of the referral when the getter is given a `section`.

Records under a referral (assessments, enquiries, …) are reached through it: the record is found
by id, then its referral is loaded through the policy, so a forbidden case is the same 404 as a
missing one and no id can be probed.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db.models import (
    Case,
    CharField,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Allocation, Task
from safehub.people.models import Person
from safehub.platform.errors import NotFoundOrForbidden

from .clocks import referral_stage
from .constants import ConferenceKind, Section47Outcome, Stage
from .models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    CoreGroupMeeting,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from .policies import referral_policy

CASE_LIST_PAGE = 50
CASE_ACTIONS = ("record", "manage", "chair")


# --- one referral ------------------------------------------------------------------------------


def _audit_view(actor: Any, referral: Referral, section: str) -> None:
    """One view of the referral, committed before the page shows anything (R27, R28)."""
    record_event(actor=actor, verb=Verb.VIEW, target=referral, section=section)


def referral_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> Referral:
    """One referral the actor may `action`, with its child and involvement, or NotFoundOrForbidden.

    Audited as one view of the referral when `section` (a fixed code naming the page) is given.
    Every page that shows the case passes one; the case page itself passes none because
    `referral_case` audits its read, so each page writes exactly one view event (R27).
    """
    referral = (
        referral_policy.scope(actor, Referral.objects.all(), action)
        .select_related("person", "involvement")
        .filter(pk=id)
        .first()
    )
    if referral is None:
        raise NotFoundOrForbidden()
    if section:
        _audit_view(actor, referral, section)
    return referral


R = TypeVar("R", bound=Model)


def _under_referral(
    model: type[R],
    *,
    actor: Any,
    id: uuid.UUID | str,
    action: str,
    section: str,
    related: tuple[str, ...] = (),
) -> R:
    """A `model` row found by id, then its referral loaded through the policy (a forbidden
    referral is the same 404 as a missing row, R19). With `section`, the read is audited as one
    view of the referral (the record shown is part of the case, R27)."""
    manager: Any = model._default_manager
    referral_id = manager.filter(pk=id).values_list("referral_id", flat=True).first()
    if referral_id is None:
        raise NotFoundOrForbidden()
    referral = referral_get(actor=actor, id=referral_id, action=action, section=section)
    obj = manager.select_related(*related).get(pk=id)
    obj.referral = referral
    return obj  # type: ignore[no-any-return]


def assessment_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> Assessment:
    """An assessment, checked through its referral (a forbidden referral is a 404)."""
    return _under_referral(Assessment, actor=actor, id=id, action=action, section=section)


def section47_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> Section47Enquiry:
    """A section 47 enquiry, checked through its referral."""
    return _under_referral(
        Section47Enquiry,
        actor=actor,
        id=id,
        action=action,
        section=section,
        related=("strategy_discussion",),
    )


def conference_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "chair", section: str = ""
) -> Conference:
    """A conference, checked through its referral (chairing is `chair`)."""
    return _under_referral(
        Conference, actor=actor, id=id, action=action, section=section, related=("chair", "plan")
    )


def cp_plan_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> ChildProtectionPlan:
    """A child protection plan, checked through its referral."""
    return _under_referral(ChildProtectionPlan, actor=actor, id=id, action=action, section=section)


def cin_plan_get(
    *, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = ""
) -> ChildInNeedPlan:
    """A child in need plan, checked through its referral."""
    return _under_referral(ChildInNeedPlan, actor=actor, id=id, action=action, section=section)


# --- the case page -----------------------------------------------------------------------------


@dataclass
class CaseView:
    """Everything the case page (and its partials) shows, read in a fixed number of queries."""

    referral: Referral
    person: Person
    stage: str
    stage_label: str
    allocation: Allocation | None
    assessments: list[Assessment]
    strategy_discussions: list[StrategyDiscussion]
    section47_enquiries: list[Section47Enquiry]
    conferences: list[Conference]
    cp_plans: list[ChildProtectionPlan]
    cin_plans: list[ChildInNeedPlan]
    visits: list[Visit]
    open_tasks: list[Task]
    can: dict[str, bool] = field(default_factory=dict)

    @property
    def open_assessment(self) -> Assessment | None:
        return next((a for a in self.assessments if a.authorised_on is None), None)

    @property
    def open_section47(self) -> Section47Enquiry | None:
        return next((e for e in self.section47_enquiries if e.completed_on is None), None)

    @property
    def open_cp_plan(self) -> ChildProtectionPlan | None:
        return next((p for p in self.cp_plans if p.ended_on is None), None)

    @property
    def open_cin_plan(self) -> ChildInNeedPlan | None:
        return next((p for p in self.cin_plans if p.ended_on is None), None)


def referral_case(*, actor: Any, referral: Referral) -> CaseView:
    """The case page's whole read, audited as one view of the referral (R27).

    The rows are prefetched onto the referral, so `clocks.referral_stage` reads them from the
    cache: a fixed number of queries however long the case has run.
    """
    referral_policy.check(actor, "view", referral)
    record_event(actor=actor, verb=Verb.VIEW, target=referral, section="case")
    prefetch_related_objects(
        [referral],
        Prefetch("assessments", queryset=Assessment.objects.select_related("authorised_by")),
        Prefetch(
            "strategy_discussions",
            queryset=StrategyDiscussion.objects.select_related(
                "recorded_by", "section47_enquiry"
            ).prefetch_related("attendees"),
        ),
        Prefetch(
            "section47_enquiries", queryset=Section47Enquiry.objects.select_related("strategy_discussion")
        ),
        Prefetch(
            "conferences",
            queryset=Conference.objects.select_related("chair", "section47", "plan").order_by("created_at"),
        ),
        Prefetch(
            "cp_plans",
            queryset=ChildProtectionPlan.objects.prefetch_related(
                Prefetch("core_groups", queryset=CoreGroupMeeting.objects.order_by("held_on", "created_at"))
            ),
        ),
        Prefetch("cin_plans", queryset=ChildInNeedPlan.objects.prefetch_related("reviews")),
        Prefetch("visits", queryset=Visit.objects.order_by("-visited_on", "-created_at")),
    )
    discussions = list(referral.strategy_discussions.all())
    for discussion in discussions:
        # `section47_enquiry` (loaded above) raises when there is none; `enquiry` is None instead.
        discussion.enquiry = getattr(discussion, "section47_enquiry", None)  # type: ignore[attr-defined]
    allocation = (
        Allocation.objects.filter(involvement_id=referral.involvement_id, ended_on__isnull=True)
        .select_related("worker", "team")
        .first()
    )
    stage = referral_stage(referral)
    return CaseView(
        referral=referral,
        person=referral.person,
        stage=stage,
        stage_label=str(Stage(stage).label),
        allocation=allocation,
        assessments=list(referral.assessments.all()),
        strategy_discussions=discussions,
        section47_enquiries=list(referral.section47_enquiries.all()),
        conferences=list(referral.conferences.all()),
        cp_plans=list(referral.cp_plans.all()),
        cin_plans=list(referral.cin_plans.all()),
        visits=list(referral.visits.all()),
        open_tasks=list(
            Task.objects.filter(involvement_id=referral.involvement_id, status=TaskStatus.OPEN)
            .select_related("assigned_to")
            .order_by("due_on", "title")
        ),
        can={action: referral_policy.can(actor, action, referral) for action in CASE_ACTIONS},
    )


# --- lists -------------------------------------------------------------------------------------


def stage_expression() -> Case:
    """The stage as SQL, for filtering and showing the list without a query per row.

    It mirrors `clocks.referral_stage` (the case header), rule for rule; a test holds the two
    together: closed; on a plan; a conference awaited; an enquiry open; a CIN plan; an assessment
    open; anything recorded; just referred.
    """
    ref = OuterRef("pk")
    initial_held = Conference.objects.filter(
        Q(held_on__isnull=False) | Q(cancelled_on__isnull=False),
        section47=OuterRef("pk"),
        kind=ConferenceKind.INITIAL,
    )
    awaiting_conference = Section47Enquiry.objects.filter(
        referral=ref, outcome=Section47Outcome.CONFERENCE
    ).exclude(Exists(initial_held))
    anything = (
        Exists(Assessment.objects.filter(referral=ref))
        | Exists(Section47Enquiry.objects.filter(referral=ref))
        | Exists(ChildProtectionPlan.objects.filter(referral=ref))
        | Exists(ChildInNeedPlan.objects.filter(referral=ref))
        | Exists(Visit.objects.filter(referral=ref))
    )
    return Case(
        When(closed_on__isnull=False, then=Value(Stage.CLOSED.value)),
        When(
            Exists(ChildProtectionPlan.objects.filter(referral=ref, ended_on__isnull=True)),
            then=Value(Stage.CP_PLAN.value),
        ),
        When(Exists(awaiting_conference), then=Value(Stage.CONFERENCE.value)),
        When(
            Exists(Section47Enquiry.objects.filter(referral=ref, outcome="")),
            then=Value(Stage.SECTION_47.value),
        ),
        When(
            Exists(ChildInNeedPlan.objects.filter(referral=ref, ended_on__isnull=True)),
            then=Value(Stage.CIN_PLAN.value),
        ),
        When(
            Exists(Assessment.objects.filter(referral=ref, authorised_on__isnull=True)),
            then=Value(Stage.ASSESSMENT.value),
        ),
        When(anything, then=Value(Stage.CHILD_IN_NEED.value)),
        default=Value(Stage.REFERRAL.value),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class CaseListPage:
    referrals: list[Any]  # Referral rows, each annotated with `stage` and `next_due_on`
    total: int
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.number - 1) * CASE_LIST_PAGE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.referrals) - 1 if self.referrals else 0


def referral_list(
    *,
    actor: Any,
    stage: str = "",
    worker_id: Any = None,
    team_id: Any = None,
    open_only: bool = True,
    page: int = 1,
) -> CaseListPage:
    """Referrals the actor may see, newest first, 50 a page, child and allocation loaded with them."""
    qs = referral_policy.scope(actor, Referral.objects.all(), "view").annotate(stage=stage_expression())
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    if stage:
        qs = qs.filter(stage=stage)
    if worker_id is not None:
        qs = qs.filter(involvement__worker_id=worker_id)
    if team_id is not None:
        qs = qs.filter(involvement__team_id=team_id)
    total = qs.count()
    pages = max(1, -(-total // CASE_LIST_PAGE))
    number = min(max(1, page), pages)
    next_due = (
        Task.objects.filter(involvement_id=OuterRef("involvement_id"), status=TaskStatus.OPEN)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    offset = (number - 1) * CASE_LIST_PAGE
    referrals = list(
        qs.annotate(next_due_on=Subquery(next_due))
        .select_related("person", "involvement", "involvement__worker", "involvement__team")
        .order_by("-referral_date", "-created_at")[offset : offset + CASE_LIST_PAGE]
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=referral_policy.object_type,
        section="case_list",
        result_ids=[r.pk for r in referrals],
    )
    return CaseListPage(referrals=referrals, total=total, number=number, pages=pages)


def referrals_for_person(*, actor: Any, person: Person) -> list[Referral]:
    """A child's referrals, newest first (for the person page)."""
    return list(
        referral_policy.scope(actor, Referral.objects.filter(person=person), "view")
        .annotate(stage=stage_expression())
        .select_related("involvement", "involvement__worker", "involvement__team")
        .order_by("-referral_date", "-created_at")
    )


def next_due(referral: Referral) -> date | None:
    """The list's `next_due_on` annotation, typed."""
    return getattr(referral, "next_due_on", None)
