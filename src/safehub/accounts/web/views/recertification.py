"""The access recertification report (R12, T9): who can reach what, and who has gone quiet."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safehub.platform import clock
from safehub.platform.web.csv import to_csv

from ... import selectors
from ...constants import Role
from ..mixins import manage_users_required, step_up_required

HEADER = ("Name", "Email", "Role", "Agency", "Teams", "Last sign-in", "No sign-in for 90 days")


@manage_users_required
@require_GET
def user_recertification(request: HttpRequest) -> HttpResponse:
    rows = selectors.recertification_rows(actor=request.user)
    context = {
        "rows": rows,
        "dormant_count": sum(r.dormant for r in rows),
        "dormant_days": selectors.DORMANT_AFTER.days,
    }
    return render(request, "accounts/user_recertification.html", context)


@step_up_required
@require_GET
def user_recertification_csv(request: HttpRequest) -> HttpResponse:
    """A bulk export of staff data, so it needs a fresh re-authentication (R17) and is audited (R27)."""
    rows = selectors.recertification_export(actor=request.user)
    body = to_csv(
        HEADER,
        (
            (
                r.user.full_name,
                r.user.email,
                Role(r.user.role).label if r.user.role in Role.values else r.user.role,
                r.user.agency or "",
                "; ".join(r.teams),
                timezone.localtime(r.last_login).strftime("%Y-%m-%d %H:%M") if r.last_login else "Never",
                "Yes" if r.dormant else "No",
            )
            for r in rows
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="access-recertification-{clock.today():%Y-%m-%d}.csv"'
    )
    return response
