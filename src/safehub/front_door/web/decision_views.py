"""Staff pages for the MASH decision: propose (/mash/decisions/<contact_id>/new/) and authorise
or return (/mash/decisions/<id>/authorise/). Both end on the contact page (POST-redirect-GET).

The service's errors come back at the field; an error about the contact as a whole (already
decided, not screened, people not yet linked) at the top of the form. If someone changed the
decision since the manager opened it, they are told and shown it again (R49).
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import FeedbackChoice
from ..policies import contact_policy
from ..selectors.contacts import contact_get
from ..selectors.handovers import decision_get
from ..services.decision import (
    decision_authorise,
    decision_feedback_default,
    decision_propose,
    decision_return,
)
from .decision_forms import AUTHORISE, AuthoriseForm, ProposeForm

FEEDBACK_DONE: dict[str, str] = {
    FeedbackChoice.SEND: "The referrer's feedback has been queued.",
    FeedbackChoice.PORTAL_ONLY: "The referrer can see the outcome in the portal; it is not e-mailed.",
    FeedbackChoice.WITHHOLD: "The referrer is not told the outcome now; the MASH will contact them.",
}


def _apply(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, msgs in error.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.RECORD_CONTACTS)
def propose(request: HttpRequest, contact_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    contact = contact_get(actor=actor, id=contact_id, action="change")
    may_authorise = contact_policy.can(actor, "authorise", contact)
    form = ProposeForm(request.POST if request.method == "POST" else None, may_authorise=may_authorise)
    if request.method == "POST" and form.is_valid():
        authorise_now = bool(form.cleaned_data.get("authorise"))
        choice, reason = form.feedback() if authorise_now else ("", "")
        try:
            decision = decision_propose(
                actor=actor,
                contact=contact,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                authorise=authorise_now,
                feedback_choice=choice,
                feedback_withheld_reason=reason,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            if decision.authorised_at:
                done = "Decision recorded and authorised. " + FEEDBACK_DONE.get(decision.feedback_choice, "")
            else:
                done = "Decision recorded and sent to a manager to authorise."
            messages.success(request, done)
            return redirect("front_door:contact", id=contact.pk)
    return render(request, "front_door/decision/propose.html", {"contact": contact, "form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AUTHORISE_DECISIONS)
def authorise(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    decision = decision_get(actor=actor, id=id, action="authorise")
    default_feedback, default_why = decision_feedback_default(decision)
    defaults = {"default_feedback": default_feedback, "default_why": default_why}
    if request.method != "POST":
        form = AuthoriseForm(initial={"version": decision.version}, **defaults)
    else:
        form = AuthoriseForm(request.POST, **defaults)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == AUTHORISE:
                    choice, reason = form.feedback()
                    authorised = decision_authorise(
                        actor=actor,
                        decision=decision,
                        expected_version=data["version"],
                        comment=data["comment"],
                        feedback_choice=choice,
                        feedback_withheld_reason=reason,
                    )
                    done = "Decision authorised. " + FEEDBACK_DONE.get(authorised.feedback_choice, "")
                else:
                    decision_return(
                        actor=actor,
                        decision=decision,
                        comment=data["comment"],
                        expected_version=data["version"],
                    )
                    done = "Decision returned for more work."
            except ConflictError as error:
                decision = decision_get(actor=actor, id=id, action="authorise")
                bound = request.POST.copy()
                bound["version"] = str(error.current_version)
                form = AuthoriseForm(bound, **defaults)
                form.is_valid()
                form.add_error(None, f"{error} Check the proposal below, then decide again.")
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, done)
                return redirect("front_door:contact", id=decision.contact_id)
    context = {
        "decision": decision,
        "contact": decision.contact,
        "unlinked": [s for s in decision.contact.subjects.all() if s.person_id is None],
        "form": form,
    }
    return render(request, "front_door/decision/authorise.html", context)
