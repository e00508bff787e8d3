"""Find or create a person (issue 3, item 3): look for them in the index before a record is made.

The details typed are POSTed, never put in a URL (R4). What later steps need (the details to
pre-fill a new record with; the ids of restricted records that matched, for an access request) is
kept in the server-side session under a random token, and only the token travels in links and
forms; the hidden ids never reach the browser (T3, R22).
"""

import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import PermissionRefused

from ..access_requests import person_access_request, restricted_match_ids
from ..constants import IdentifierKind
from ..services.match import person_match
from . import presenters
from .forms import AccessRequestForm, FindPersonForm

SESSION_KEY = "people_find"
# Enough for a few searches in different tabs; older tokens lapse.
TOKENS_KEPT = 5

FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "upn": "UPN",
    "address_line": "Address",
}


def _require(request: HttpRequest, capability: str) -> None:
    if not request.user.has_capability(capability):  # type: ignore[union-attr]
        raise PermissionDenied


def _remember(request: HttpRequest, query: dict[str, str], hidden: list[uuid.UUID]) -> str:
    token = secrets.token_urlsafe(16)
    kept: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    kept[token] = {"query": query, "hidden": [str(pk) for pk in hidden]}
    for old in list(kept)[:-TOKENS_KEPT]:
        del kept[old]
    request.session[SESSION_KEY] = kept
    return token


def remembered(request: HttpRequest, token: str) -> dict[str, Any] | None:
    """What a find step stored under `token` in this session, or None."""
    found = request.session.get(SESSION_KEY, {}).get(token or "")
    return found if isinstance(found, dict) else None


def _percent(probability: float) -> str:
    """Plain words: "97% likely"; the extremes are never shown as a certain 0% or 100%."""
    pct = probability * 100
    if pct >= 99.5:
        return "More than 99%"
    if pct < 1:
        return "Less than 1%"
    return f"{pct:.0f}%"


def _identifier(label: str, value: str) -> tuple[str, str]:
    """A national number by its name; an agency's reference by the agency's code."""
    if label == IdentifierKind.NHS_NUMBER:
        return str(IdentifierKind.NHS_NUMBER.label), presenters.format_nhs_number(value)
    if label in IdentifierKind.values:
        return str(IdentifierKind(label).label), value
    return f"{label} reference", value


def _candidate_rows(result: Any) -> list[dict[str, Any]]:
    rows = []
    for candidate in result.candidates:
        rows.append(
            {
                "row": presenters.person_row(candidate.person),
                "percent": _percent(candidate.probability),
                "identifiers": [_identifier(label, value) for label, value in candidate.identifiers],
                "explanation": [
                    {
                        "field": FIELD_LABELS.get(e.field, e.field),
                        "outcome": e.outcome,
                        "level": e.level,
                        "weight": f"{e.weight:+.1f}",
                    }
                    for e in candidate.explanation
                ],
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def find(request: HttpRequest) -> HttpResponse:
    _require(request, Capability.VIEW_PEOPLE)
    form = FindPersonForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "form": form,
        "searched": False,
        "can_create": request.user.has_capability(Capability.EDIT_PEOPLE),  # type: ignore[union-attr]
    }
    if form.is_bound and form.is_valid():
        query = {name: value for name, value in form.query().items() if value}
        try:
            result = person_match(actor=request.user, query=query)
        except ValidationError as error:
            for field, msgs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        except PermissionRefused as refusal:
            raise PermissionDenied from refusal
        else:
            hidden = (
                restricted_match_ids(actor=request.user, query=query) if result.restricted_matches else []
            )
            context.update(
                searched=True,
                candidates=_candidate_rows(result),
                restricted_matches=result.restricted_matches and len(hidden),
                token=_remember(request, query, hidden),
            )
    return render(request, "people/find.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def access_request(request: HttpRequest) -> HttpResponse:
    """Ask for access to the restricted record(s) a find step matched (MASH roles only)."""
    _require(request, Capability.VIEW_PEOPLE)
    token = request.POST.get("find") or request.GET.get("find", "")
    stored = remembered(request, token)
    if stored is None or not stored["hidden"]:
        raise Http404
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            person_access_request(
                actor=request.user,
                person_ids=[uuid.UUID(pk) for pk in stored["hidden"]],
                reason=form.cleaned_data["reason"],
            )
        except PermissionRefused as refusal:
            raise PermissionDenied from refusal
        except ValidationError as error:
            for field, msgs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            stored["hidden"] = []
            request.session.modified = True
            messages.success(request, "Your request has been sent to information governance.")
            return redirect("access:access_requests_mine")
    return render(request, "people/access_request.html", {"form": form, "token": token})
