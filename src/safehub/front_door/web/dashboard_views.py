"""The MASH dashboard page: counts only, by week or month, with an SVG chart beside its table.

The period and range come in the query string (GET: bookmarkable, and they are not personal
data, R4). A range that is not valid shows the error at the field and the default range's
figures, so the page is never empty.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.forms import GovukDateField
from safehub.platform.web.permissions import capability_required

from ..selectors.dashboard import MAX_DAYS, PERIODS, Dashboard, default_range, mash_dashboard

# --- the chart ----------------------------------------------------------------------------------
CHART_WIDTH = 640
CHART_HEIGHT = 220
CHART_LEFT = 48
CHART_TOP = 16
CHART_BOTTOM = 36
BAR_GAP = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    value: str  # above the bar: the number, "<5" for a small count, "n/s" for one withheld
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    left: int
    top: int
    bars: list[Bar]
    axis_max: int


def received_chart(board: Dashboard) -> Chart:
    """Contacts received per period as bars. A hidden count draws no bar (its height would give
    the number away) and is labelled "<5" or "n/s"; the table beside the chart says the same."""
    rows = board.rows
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    shown = [row.received.shown for row in rows]
    axis_max = max([v for v in shown if v is not None] + [5])
    slot = (CHART_WIDTH - CHART_LEFT) / max(len(rows), 1)
    width = max(slot - BAR_GAP, 2)
    bars = []
    for index, row in enumerate(rows):
        value = row.received.shown
        height = 0.0 if value is None else plot_height * value / axis_max
        short = row.start.strftime("%d %b") if board.period == "week" else row.start.strftime("%b %y")
        bars.append(
            Bar(
                x=round(CHART_LEFT + index * slot + BAR_GAP / 2, 1),
                y=round(CHART_TOP + plot_height - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label=short,
                value=row.received.short,
                title=f"{row.label}: {row.received.text} contacts received",
            )
        )
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline=CHART_TOP + plot_height,
        left=CHART_LEFT,
        top=CHART_TOP,
        bars=bars,
        axis_max=axis_max,
    )


# --- the filter form ----------------------------------------------------------------------------
class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label="Show figures by",
        choices=[("week", "Week"), ("month", "Month")],
        required=False,
        widget=forms.RadioSelect,
    )
    start = GovukDateField(
        label="From", name_in_errors="the start date", required=False, help_text="For example, 1 9 2026"
    )
    end = GovukDateField(
        label="To", name_in_errors="the end date", required=False, help_text="For example, 30 11 2026"
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        period = data.get("period") or "week"
        data["period"] = period if period in PERIODS else "week"
        default_start, today = default_range(data["period"])
        start: dt.date = data.get("start") or default_start
        end: dt.date = data.get("end") or today
        if end < start:
            raise ValidationError({"end": "The end date must be the same as or after the start date"})
        if (end - start).days > MAX_DAYS:
            raise ValidationError({"start": "The dates can be at most 3 years apart"})
        data["start"], data["end"] = start, end
        return data


@require_GET
@capability_required(Capability.VIEW_MASH_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET or None)
    if form.is_bound and form.is_valid():
        period, start, end = form.cleaned_data["period"], form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        period = form.cleaned_data.get("period", "week") if form.is_bound else "week"
        start, end = default_range(period)
        if not form.is_bound:
            form = DashboardForm(initial={"period": period, "start": start, "end": end})
    board = mash_dashboard(actor=request.user, period=period, start=start, end=end)
    # Counts only, but who looked at which figures is still part of the record (R27).
    record_event(
        actor=request.user,
        verb=Verb.VIEW,
        object_type="front_door.dashboard",
        section=f"{period} {board.start.isoformat()}..{board.end.isoformat()}",
    )
    context = {
        "form": form,
        "board": board,
        "chart": received_chart(board),
        "generated_at": clock.now(),
    }
    return render(request, "front_door/dashboard/dashboard.html", context)
