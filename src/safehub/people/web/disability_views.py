"""Record and withdraw a person's disabilities (the CIN census codes), as the other parts of the
record are changed: EDIT_PEOPLE (403 without it), the person loaded for "change" through the policy
(404, R19), one service call, POST-redirect-GET to the section, the service's errors at the field.
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from .. import services
from ..services.disability import disability_for_change
from . import presenters
from . import record_forms as f
from .record_views import _bound, _handle, _person

SECTION = "disabilities"


@require_http_methods(["GET", "POST"])
@login_required
def disability_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    return _handle(
        request,
        person,
        f.DisabilityForm(_bound(request)),
        lambda actor, data: services.person_disability_add(actor=actor, person=person, **data),
        heading="Record a disability",
        section=SECTION,
        done="Disability recorded.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def disability_remove(request: HttpRequest, person_id: uuid.UUID, part_id: uuid.UUID) -> HttpResponse:
    person = _person(request, person_id)
    disability = disability_for_change(actor=request.user, person=person, id=part_id)
    return _handle(
        request,
        person,
        f.DisabilityRemoveForm(_bound(request)),
        lambda actor, data: services.person_disability_remove(
            actor=actor, disability=disability, reason=data["reason"]
        ),
        heading="Withdraw a disability",
        section=SECTION,
        done="Disability withdrawn.",
        button="Withdraw disability",
        row=disability,
        summary=[
            ("Disability", disability.get_code_display()),
            ("Recorded", presenters.format_date(disability.recorded_on) or "Date not known"),
        ],
    )
