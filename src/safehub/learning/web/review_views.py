"""Reviews (issue 10, item 2): the list, recording a national or legacy review, the review page,
and the forms that move a review on: the rapid review's decision, completion and publication.

Every page reads its review through `review_get`, which starts from the review policy: a partner
agency's lead whose agency is not part of the review gets the 404 of a review that does not exist
(R18, R19). A review is known by its anonymised label: nothing here shows the child's name.
"""

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.web.permissions import capability_required

from ..constants import ReviewKind, ReviewStatus
from ..models import Review
from ..policies import incident_policy, review_policy
from ..selectors.incidents import incidents_visible
from ..selectors.reviews import review_get, review_list, review_record
from ..services.reviews import rapid_review_decide, review_complete, review_publish
from ..services.reviews import review_record as review_record_service
from . import presenters
from .forms import CompleteForm, DecideForm, PublishForm, ReviewFilterForm, ReviewRecordForm
from .pages import submit

C = Capability
REVIEW_READERS = (C.VIEW_LEARNING, C.CONTRIBUTE_LEARNING)


def review_due(review: Review, today: Any) -> dict[str, Any]:
    return {
        "due": presenters.format_date(review.due_on),
        "tag": presenters.due_tag(review.due_on, today, done=review.status != ReviewStatus.IN_PROGRESS),
    }


@capability_required(REVIEW_READERS)
@require_GET
def review_list_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = ReviewFilterForm(request.GET or None)
    today = clock.today()
    rows = [
        {"review": r, "themes": [t.name for t in r.themes.all()], **review_due(r, today)}
        for r in review_list(actor=actor, **form.filters())
    ]
    context = {"form": form, "rows": rows, "can_record": actor.has_capability(C.MANAGE_LEARNING)}
    return render(request, "learning/reviews/list.html", context)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    """A national review or a legacy serious case review (rapid reviews start from their incident)."""
    actor: Any = request.user
    incidents = incidents_visible(actor).order_by("-aware_on")
    form = ReviewRecordForm(request.POST or None, incidents=incidents)

    def save(data: dict[str, Any]) -> Review:
        return review_record_service(
            actor=actor,
            kind=data["kind"],
            subject_label=data["subject_label"],
            title=data["title"],
            started_on=data["started_on"],
            incident=data["incident"],
            due_on=data["due_on"],
        )

    saved, review = submit(request, form, save, lambda r: f"The review of {r.subject_label} is recorded.")
    if saved:
        return redirect("learning:review", id=review.pk)
    return render(request, "learning/reviews/new.html", {"form": form})


def _links(actor: Any, review: Review) -> dict[str, str]:
    """The forms the actor may use now on this review, by name."""
    if not review_policy.can(actor, "manage", review):
        return {}

    def url(name: str) -> str:
        return reverse(f"learning:{name}", args=[review.pk])

    # Themes, findings and recommendations are often settled as the report is finalised, after
    # the review completes; the people, plan and returns belong to the review while it runs.
    links = {
        "themes": url("review_themes"),
        "finding": url("finding_add"),
        "recommendation": url("recommendation_add"),
    }
    if review.status == ReviewStatus.IN_PROGRESS:
        links |= {
            "member": url("review_member_add"),
            "milestone": url("review_milestone_add"),
            "return": url("return_request"),
        }
        links["finish"] = url("review_decide") if review.kind == ReviewKind.RAPID else url("review_complete")
    elif review.status == ReviewStatus.COMPLETED and review.kind != ReviewKind.RAPID:
        links["publish"] = url("review_publish")
    return links


@capability_required(REVIEW_READERS)
@require_GET
def review(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = review_get(actor=actor, id=id, section="review")
    today = clock.today()
    record = review_record(actor=actor, review=found)
    links = _links(actor, found)
    # The incident names the child: only those its policy lets in see even its reference link.
    incident = (
        found.incident if found.incident and incident_policy.can(actor, "view", found.incident) else None
    )
    context = {
        "review": found,
        **review_due(found, today),
        "incident": incident,
        "members": list(found.members.all()),
        "milestones": [
            {
                "milestone": m,
                "tag": presenters.due_tag(m.due_on, today, done=m.done_on is not None),
            }
            for m in found.milestones.all()
        ],
        "themes": [t.name for t in found.themes.all()],
        "returns": [
            {
                "obj": r,
                "due": presenters.format_date(r.due_on),
                "tag": presenters.due_tag(r.due_on, today, done=r.received_on is not None),
            }
            for r in record.returns
        ],
        "findings": [{"finding": f, "themes": [t.name for t in f.themes.all()]} for f in record.findings],
        "recommendations": record.recommendations,
        "commissioned": record.commissioned,
        "links": links,
        "can_manage": bool(links),
        # The action pages are another part of issue 10; their form takes the recommendation.
        "action_link": "/learning/actions/new/",
    }
    return render(request, "learning/reviews/review.html", context)


def _form_page(request: HttpRequest, review: Review, template: str, **context: Any) -> HttpResponse:
    return render(request, f"learning/reviews/{template}", {"review": review, **context})


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = review_get(actor=actor, id=id, action="manage", section="review_decide")
    if found.kind != ReviewKind.RAPID:
        raise NotFoundOrForbidden()
    form = DecideForm(request.POST or None, initial={"version": found.version, "decided_on": clock.today()})

    def save(data: dict[str, Any]) -> Any:
        return rapid_review_decide(
            actor=actor,
            review=found,
            expected_version=data["version"],
            decision=data["decision"],
            decided_on=data["decided_on"],
            rationale=data["rationale"],
        )

    def done(result: Any) -> str:
        _, commissioned = result
        if commissioned is None:
            return f"The rapid review's decision on {found.subject_label} is recorded."
        return f"The decision is recorded and the {commissioned.get_kind_display().lower()} is open."

    saved, _ = submit(request, form, save, done, what="This review")
    if saved:
        return redirect("learning:review", id=found.pk)
    return _form_page(request, found, "decide.html", form=form)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = review_get(actor=actor, id=id, action="manage", section="review_complete")
    form = CompleteForm(
        request.POST or None, initial={"version": found.version, "completed_on": clock.today()}
    )

    def save(data: dict[str, Any]) -> Any:
        return review_complete(
            actor=actor,
            review=found,
            expected_version=data["version"],
            completed_on=data["completed_on"],
            summary=data["summary"],
        )

    saved, _ = submit(
        request, form, save, lambda r: f"The review of {r.subject_label} is completed.", what="This review"
    )
    if saved:
        return redirect("learning:review", id=found.pk)
    return _form_page(request, found, "complete.html", form=form)


@capability_required(C.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = review_get(actor=actor, id=id, action="manage", section="review_publish")
    form = PublishForm(
        request.POST or None, initial={"version": found.version, "published_on": clock.today()}
    )

    def save(data: dict[str, Any]) -> Any:
        return review_publish(
            actor=actor,
            review=found,
            expected_version=data["version"],
            published_on=data["published_on"],
            publication_url=data["publication_url"],
        )

    saved, _ = submit(
        request,
        form,
        save,
        lambda r: f"The publication of the review of {r.subject_label} is recorded.",
        what="This review",
    )
    if saved:
        return redirect("learning:review", id=found.pk)
    return _form_page(request, found, "publish.html", form=form)
