"""Forms with rows: a TAF meeting (attendance per member, new actions), the family plan (goals)
and a plan review (a score per open goal).

The services number their messages for a list ("Action 2: Every action needs an owner") and key
them by the item's field ("owner"); `add_row_errors` puts each message back at that row's field,
so the error summary links to the box at fault.
"""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safehub.platform.forms import GovukDateField

from ..constants import SCORE_MAX, SCORE_MIN, Attendance, MeetingKind, NeedArea
from ..services.actions import NewAction
from ..services.plan import NewGoal
from .forms import add_service_errors, date_field, text_area

ACTION_ROWS = 3
GOAL_ROWS = 3
_NUMBERED = re.compile(r"^(?:Action|Goal) (\d+): ")
SCALE = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


def add_row_errors(
    form: forms.Form, error: ValidationError, *, prefix: str, keys: Iterable[str], rows: list[int]
) -> None:
    """Messages keyed by an item field go to `<prefix>_<row>_<key>`; `rows` are the form rows sent,
    in the order the service numbered them. Everything else goes where `add_service_errors` puts it."""
    if not hasattr(error, "error_dict") or not rows:
        add_service_errors(form, error)
        return
    keys = set(keys)
    rest: dict[str, list[str]] = {}
    for key, messages in error.message_dict.items():
        if key not in keys:
            rest[key] = messages
            continue
        for message in messages:
            number = _NUMBERED.match(message)
            index = int(number.group(1)) - 1 if number else 0
            row = rows[index] if 0 <= index < len(rows) else rows[0]
            form.add_error(f"{prefix}_{row}_{key}", message)
    if rest:
        add_service_errors(form, ValidationError(rest))


# --- TAF meeting ------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of meeting",
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of meeting"},
    )
    held_on = date_field("Date of the meeting", "the date of the meeting")
    family_attended = forms.BooleanField(label="The family came to the meeting", required=False)
    notes = text_area("Notes", rows=4)

    def __init__(self, *args: Any, members: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self._owners = {str(m.pk): m for m in self.members}
        for member in self.members:
            self.fields[f"attendance_{member.pk}"] = forms.ChoiceField(
                label=f"{member.name}, {member.agency.name}",
                choices=Attendance.choices,
                initial=Attendance.ATTENDED,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
            )
        owners = [
            ("", "Choose the owner"),
            *((k, f"{m.name}, {m.agency.name}") for k, m in self._owners.items()),
        ]
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}_description"] = forms.CharField(
                label=f"Action {row}: what will be done", required=False, max_length=2000
            )
            self.fields[f"action_{row}_owner"] = forms.ChoiceField(
                label=f"Action {row}: owner", required=False, choices=owners
            )
            due = GovukDateField(label=f"Action {row}: due by", name_in_errors="the due date", required=False)
            self.fields[f"action_{row}_due_on"] = due

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[f"attendance_{m.pk}"] for m in self.members]

    def action_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"action_{row}_{key}"] for key in ("description", "owner", "due_on")]
            for row in range(1, ACTION_ROWS + 1)
        ]

    def attendance(self) -> dict[Any, str]:
        return {m.pk: self.cleaned_data[f"attendance_{m.pk}"] for m in self.members}

    def actions(self) -> tuple[list[NewAction], list[int]]:
        """The action rows filled in (any box), and their row numbers."""
        actions, rows = [], []
        for row in range(1, ACTION_ROWS + 1):
            description = self.cleaned_data.get(f"action_{row}_description") or ""
            owner = self.cleaned_data.get(f"action_{row}_owner") or ""
            due_on = self.cleaned_data.get(f"action_{row}_due_on")
            if description.strip() or owner or due_on:
                actions.append(NewAction(description, owner or None, due_on))
                rows.append(row)
        return actions, rows


# --- the family plan --------------------------------------------------------------------------


def _area_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", "Choose an area"), *NeedArea.choices])


def _baseline_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Choose a score"), *SCALE],
        help_text=f"{SCORE_MIN} is stuck, {SCORE_MAX} is managing without help",
    )


class PlanStartForm(forms.Form):
    started_on = date_field("Date the plan started", "the date the plan started")
    summary = text_area("What the plan is for", rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, GOAL_ROWS + 1):
            self.fields[f"goal_{row}_area"] = _area_field(f"Goal {row}: area of need")
            self.fields[f"goal_{row}_description"] = forms.CharField(
                label=f"Goal {row}: in the family's words", required=False, max_length=2000
            )
            self.fields[f"goal_{row}_baseline"] = _baseline_field(f"Goal {row}: where the family starts")

    def goal_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"goal_{row}_{key}"] for key in ("area", "description", "baseline")]
            for row in range(1, GOAL_ROWS + 1)
        ]

    def goals(self) -> tuple[list[NewGoal], list[int]]:
        goals, rows = [], []
        for row in range(1, GOAL_ROWS + 1):
            area = self.cleaned_data.get(f"goal_{row}_area") or ""
            description = self.cleaned_data.get(f"goal_{row}_description") or ""
            baseline = self.cleaned_data.get(f"goal_{row}_baseline")
            if area or description.strip() or baseline is not None:
                goals.append(NewGoal(area, description, baseline))
                rows.append(row)
        return goals, rows


class GoalForm(forms.Form):
    area = _area_field("Area of need")
    description = forms.CharField(label="The goal, in the family's words", required=False, max_length=2000)
    baseline = _baseline_field("Where the family starts")


class ReviewForm(forms.Form):
    reviewed_on = date_field("Date of the review", "the date of the review")
    meeting = forms.ChoiceField(label="At the TAF meeting (optional)", required=False)
    summary = text_area("What has changed", rows=4)
    family_views = text_area("The family's views", help_text="In their own words", rows=3)
    achieved = forms.MultipleChoiceField(
        label="Goals the family has achieved", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, goals: Iterable[Any], meetings: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        self._meetings = {str(m.pk): m for m in meetings}
        meeting_field: Any = self.fields["meeting"]
        meeting_field.choices = [("", "Not at a meeting"), *((k, str(m)) for k, m in self._meetings.items())]
        achieved: Any = self.fields["achieved"]
        achieved.choices = [(str(g.pk), g.description[:80]) for g in self.goals]
        for goal in self.goals:
            self.fields[f"score_{goal.pk}"] = forms.TypedChoiceField(
                label=goal.description[:120],
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Choose a score"), *SCALE],
                help_text=f"Started at {goal.baseline}",
            )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{g.pk}"] for g in self.goals]

    def clean_meeting(self) -> Any:
        return self._meetings.get(self.cleaned_data["meeting"] or "")

    def scores(self) -> dict[str, Any]:
        return {str(g.pk): self.cleaned_data.get(f"score_{g.pk}") for g in self.goals}

    def add_review_errors(self, error: ValidationError) -> None:
        """A missing or off-scale score is said at that goal's box; the rest where the service put it."""
        if not hasattr(error, "error_dict"):
            add_service_errors(self, error)
            return
        rest: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            if key != "scores":
                rest[key] = messages
                continue
            for message in messages:
                goal = next((g for g in self.goals if f"\u201c{g.description[:60]}\u201d" in message), None)
                self.add_error(f"score_{goal.pk}" if goal is not None else None, message)
        if rest:
            add_service_errors(self, ValidationError(rest))
