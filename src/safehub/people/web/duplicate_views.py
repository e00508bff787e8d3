"""The duplicate review queue: compare, decide (merge or not duplicates), approve, history, unmerge.

Every page needs the merge function (R18) and shows only clusters and merges whose every person the
reviewer may open; anything else is a 404 like a missing id (R19, R22). Unmerging asks the user to
sign in again first, like other destructive actions (R17).
"""

import uuid
from functools import wraps
from typing import Any

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError

from ..dedupe import selectors
from ..models.duplicates import MergeStatus
from ..services import (
    duplicate_cluster_dismiss,
    duplicate_cluster_merge,
    person_merge_approve,
    person_unmerge,
)
from ..services.merge import second_approver_required

MERGE = "merge"
NOT_DUPLICATES = "not_duplicates"
REASON_MAX = 2000


def _require(request: HttpRequest) -> None:
    if not request.user.has_capability(Capability.MERGE_PEOPLE):  # type: ignore[union-attr]
        raise PermissionDenied


def _merge_capability_first(view: Any) -> Any:
    """Refuse a user without the capability before asking anyone to sign in again: a re-sign-in
    prompt for a page they can never use would only waste their time."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require(request)
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return wrapped


def _reason_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for your decision"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[
            (MERGE, "Yes: merge them into one record"),
            (NOT_DUPLICATES, "No: they are different people"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these records are the same person"},
    )
    survivor = forms.ChoiceField(
        label="Which record should be kept?",
        required=False,
        widget=forms.RadioSelect,
        help_text="The other records are merged into it. Their names, identifiers, addresses and links move across.",
    )
    reason = _reason_field(
        "Reason", "What shows they are, or are not, the same person (for example, the NHS number and school)."
    )
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        survivor = self.fields["survivor"]
        assert isinstance(survivor, forms.ChoiceField)
        survivor.choices = [
            (str(p.pk), f"{p.given_name} {p.family_name} (record {str(p.pk)[:8]})")
            for p in people
            if p.merged_into_id is None
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == MERGE and not data.get("survivor"):
            self.add_error("survivor", "Select the record to keep")
        return data

    def compared_versions(self) -> dict[str, int]:
        """`id:version,id:version` as compared on the page (R49)."""
        out: dict[str, int] = {}
        for part in (self.cleaned_data.get("versions") or "").split(","):
            key, _, value = part.partition(":")
            if key and value.isdigit():
                out[key] = int(value)
        return out


class ReasonForm(forms.Form):
    reason = _reason_field("Reason", "Why this merge was wrong.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _errors_at_fields(form: forms.Form, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require(request)
    page = selectors.cluster_queue(actor=request.user, page=_page_number(request))
    pending = selectors.merges_pending(actor=request.user)
    return render(request, "people/duplicates/queue.html", {"page": page, "pending": pending})


@require_http_methods(["GET", "POST"])
@login_required
def compare(request: HttpRequest, cluster_id: uuid.UUID) -> HttpResponse:
    _require(request)
    comparison = selectors.cluster_compare(actor=request.user, id=cluster_id)
    people = [m.person for m in comparison.members]
    versions = ",".join(f"{p.pk}:{p.version}" for p in people)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"versions": versions, "survivor": str(people[0].pk) if people else None},
    )
    if form.is_bound and form.is_valid():
        try:
            if form.cleaned_data["decision"] == NOT_DUPLICATES:
                duplicate_cluster_dismiss(
                    actor=request.user, cluster=comparison.cluster, reason=form.cleaned_data["reason"]
                )
            else:
                survivor = next(p for p in people if str(p.pk) == form.cleaned_data["survivor"])
                duplicate_cluster_merge(
                    actor=request.user,
                    cluster=comparison.cluster,
                    survivor=survivor,
                    reason=form.cleaned_data["reason"],
                    versions=form.compared_versions(),
                )
        except ConflictError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _errors_at_fields(form, error)
        else:
            return redirect("people:duplicates")
    context = {
        "comparison": comparison,
        "form": form,
        "second_approver": second_approver_required(),
    }
    return render(request, "people/duplicates/compare.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def approve(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    _require(request)
    merge = selectors.merge_get(actor=request.user, id=merge_id)
    error = ""
    if request.method == "POST":
        try:
            person_merge_approve(actor=request.user, merge=merge)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("people:duplicates")
    own = merge.decided_by_id == request.user.pk
    context = {"merge": merge, "error": error, "own": own, "pending": merge.status == MergeStatus.PENDING}
    return render(request, "people/duplicates/approve.html", context)


@require_GET
@login_required
def history(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    _require(request)
    person, merges = selectors.merges_for_person(actor=request.user, person_id=person_id)
    return render(request, "people/duplicates/history.html", {"person": person, "merges": merges})


@require_http_methods(["GET", "POST"])
@login_required
@_merge_capability_first
@reauthentication_required
def unmerge(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    _require(request)
    merge = selectors.merge_get(actor=request.user, id=merge_id)
    form = ReasonForm(request.POST if request.method == "POST" else None, initial={"version": merge.version})
    if form.is_bound and form.is_valid():
        try:
            person_unmerge(
                actor=request.user,
                merge=merge,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _errors_at_fields(form, error)
        else:
            return redirect("people:merge_history", person_id=merge.survivor_id)
    return render(request, "people/duplicates/unmerge.html", {"merge": merge, "form": form})


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


urlpatterns = [
    path("duplicates/", queue, name="duplicates"),
    path("duplicates/<uuid:cluster_id>/", compare, name="duplicate_compare"),
    path("merges/<uuid:merge_id>/approve/", approve, name="merge_approve"),
    path("merges/<uuid:merge_id>/unmerge/", unmerge, name="merge_unmerge"),
    path("<uuid:person_id>/merges/", history, name="merge_history"),
]
