"""The professional referral portal (issue 4, item 2): a referrer's own referrals and the form.

Every view needs submit_referrals (the REFERRER role). A referral is read only through
`selectors.portal`, whose projection holds nothing the referrer did not give or is not meant to
be told; another referrer's referral is a 404 (R18, R19).
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.web.permissions import capability_required

from ..constants import Channel, LawfulBasis
from ..selectors.portal import portal_referral_get, portal_referrals
from ..services.contact import DuplicateContact, contact_create
from .portal_forms import ReferralForm, referral_source_for


@require_GET
@capability_required(Capability.SUBMIT_REFERRALS)
def home(request: HttpRequest) -> HttpResponse:
    referrals = portal_referrals(actor=request.user)
    return render(request, "front_door/portal/home.html", {"referrals": referrals})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SUBMIT_REFERRALS)
def referral_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "referrer_name": getattr(user, "full_name", ""),
        "referrer_role": getattr(user, "job_title", ""),
        "referrer_email": getattr(user, "email", ""),
    }
    form = ReferralForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        described = form.subjects()
        data = form.cleaned_data
        try:
            contact = contact_create(
                actor=user,
                channel=Channel.PORTAL,
                referral_source=referral_source_for(user.agency),  # type: ignore[union-attr]
                summary=data["summary"],
                concerns=list(data["concerns"]),
                consent=data["consent"],
                consent_reason=data["consent_reason"],
                # The MASH records the basis; a referral is made under the safeguarding duty.
                lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
                subjects=[subject for _, subject in described],
                referrer=form.referrer(user.agency),  # type: ignore[union-attr]
                child_not_identified_reason=(
                    data["child_not_identified_reason"] if data["child_not_identified"] else ""
                ),
            )
        except DuplicateContact as duplicate:  # only with an external reference; not sent here
            contact = duplicate.contact
        except ValidationError as error:
            form.apply_service_errors(error, [prefix for prefix, _ in described])
            return render(request, "front_door/portal/referral_form.html", {"form": form})
        return redirect("portal:acknowledgement", id=contact.pk)
    return render(request, "front_door/portal/referral_form.html", {"form": form})


@require_GET
@capability_required(Capability.SUBMIT_REFERRALS)
def acknowledgement(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    referral = portal_referral_get(actor=request.user, id=id)
    return render(request, "front_door/portal/acknowledgement.html", {"referral": referral})


@require_GET
@capability_required(Capability.SUBMIT_REFERRALS)
def referral(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    referral = portal_referral_get(actor=request.user, id=id)
    return render(request, "front_door/portal/referral.html", {"referral": referral})
