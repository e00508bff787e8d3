"""The parts of a review the partnership adds as it goes (issue 10, item 2): members, milestones,
themes, findings and recommendations. Each form reads the review through `review_get` with the
`manage` action, so only the partnership's managers reach it (R18, R19)."""

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.web.permissions import capability_required

from ..models import Review
from ..selectors.reviews import findings_of, milestone_get, review_get, themes_active
from ..services.findings import finding_add, recommendation_add
from ..services.reviews import (
    review_member_add,
    review_milestone_add,
    review_milestone_done,
    review_themes_set,
)
from .forms import (
    FindingForm,
    MemberForm,
    MilestoneDoneForm,
    MilestoneForm,
    RecommendationForm,
    ThemesForm,
    active_agencies,
)
from .pages import submit

C = Capability


def _manage(actor: Any, id: uuid.UUID, section: str) -> Review:
    return review_get(actor=actor, id=id, action="manage", section=section)


def _page(request: HttpRequest, review: Review, template: str, **context: Any) -> HttpResponse:
    return render(request, f"learning/reviews/{template}", {"review": review, **context})


def _themes_for(review: Review) -> list[Any]:
    """The active themes, and any retired one the review already has (so it can stay)."""
    current = list(review.themes.all())
    offered = {t.pk: t for t in themes_active()}
    for theme in current:
        offered.setdefault(theme.pk, theme)
    return sorted(offered.values(), key=lambda t: t.name)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = _manage(actor, id, "review_members")
    form = MemberForm(request.POST or None, agencies=active_agencies())

    def save(data: dict[str, Any]) -> Any:
        return review_member_add(
            actor=actor,
            review=found,
            role=data["role"],
            name=data["name"],
            agency=data["agency"],
            user=data["user"],
        )

    saved, _ = submit(request, form, save, lambda m: f"{m.name} was added to the review.")
    if saved:
        return redirect("learning:review", id=found.pk)
    return _page(request, found, "member_add.html", form=form)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = _manage(actor, id, "review_milestones")
    form = MilestoneForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        return review_milestone_add(actor=actor, review=found, name=data["name"], due_on=data["due_on"])

    saved, _ = submit(request, form, save, lambda m: f"Milestone added: {m.name}.")
    if saved:
        return redirect("learning:review", id=found.pk)
    return _page(request, found, "milestone_add.html", form=form)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def milestone_done(request: HttpRequest, id: uuid.UUID, milestone_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = _manage(actor, id, "review_milestones")
    milestone = milestone_get(review=found, id=milestone_id)
    form = MilestoneDoneForm(request.POST or None, initial={"done_on": clock.today()})

    def save(data: dict[str, Any]) -> Any:
        return review_milestone_done(actor=actor, milestone=milestone, done_on=data["done_on"])

    saved, _ = submit(request, form, save, lambda m: f"{m.name} is done.")
    if saved:
        return redirect("learning:review", id=found.pk)
    return _page(request, found, "milestone_done.html", form=form, milestone=milestone)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def themes(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = _manage(actor, id, "review_themes")
    initial = {"themes": [str(t.pk) for t in found.themes.all()]}
    form = ThemesForm(request.POST or None, initial=initial, themes=_themes_for(found))

    def save(data: dict[str, Any]) -> Any:
        return review_themes_set(actor=actor, review=found, themes=data["themes"])

    saved, _ = submit(
        request, form, save, lambda r: f"The themes of the review of {r.subject_label} are saved."
    )
    if saved:
        return redirect("learning:review", id=found.pk)
    return _page(request, found, "themes.html", form=form)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = _manage(actor, id, "review_findings")
    form = FindingForm(request.POST or None, themes=themes_active())

    def save(data: dict[str, Any]) -> Any:
        return finding_add(actor=actor, review=found, text=data["text"], themes=data["themes"])

    saved, _ = submit(request, form, save, lambda f: "The finding is recorded.")
    if saved:
        return redirect("learning:review", id=found.pk)
    return _page(request, found, "finding_add.html", form=form)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def recommendation_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = _manage(actor, id, "review_recommendations")
    form = RecommendationForm(request.POST or None, findings=findings_of(found))

    def save(data: dict[str, Any]) -> Any:
        return recommendation_add(actor=actor, review=found, text=data["text"], finding=data["finding"])

    saved, _ = submit(request, form, save, lambda r: f"Recommendation {r.number} is recorded.")
    if saved:
        return redirect("learning:review", id=found.pk)
    return _page(request, found, "recommendation_add.html", form=form)
