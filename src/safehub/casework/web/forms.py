"""Forms for the casework pages: tasks, allocation, settings and case notes.

Forms only parse what was typed; the services judge it and their errors are put back at the
fields by the views. Filters in query strings are codes and ids, never personal data (R4).
"""

import datetime
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.platform import clock
from safehub.platform.forms import GovukDateField
from safehub.reference_data.selectors import code_choices

from ..constants import SW_REASON_LIST, CaseLevel, LocalTimescale, NoteKind, TimescaleUnit
from ..selectors.caseloads import TeamCaseloads

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

# The SSDA903 schema lists SW_REASON codes without words; these are the DfE guidance's meanings
# (../shared/reference/STATUTORY.md). A label in the code list, when it has one, wins.
SW_REASON_LABELS = {
    "MANAGE": "Management decision to balance caseloads",
    "FCONTA": "First contact, or a re-referral",
    "LEFTRL": "The previous social worker left the role",
    "ORGRST": "Restructure of the organisation",
    "TSPROC": "Transfer by the standard process (for example, to another team)",
    "ABSENC": "Cover for an absence, or return from one",
    "CHCHAN": "The child asked for a change",
    "PCCHAN": "A parent or carer asked for a change",
    "SWDIED": "The social worker died",
    "OTHERS": "Other",
}


def sw_reason_choices() -> list[tuple[str, str]]:
    return [
        (code, label if label and label != code else SW_REASON_LABELS.get(code, code))
        for code, label in code_choices(SW_REASON_LIST)
    ]


DUE_CHOICES = [("", "All"), ("soon", "Due soon"), ("overdue", "Overdue")]
PERIOD_CHOICES = [("3", "Last 3 months"), ("6", "Last 6 months"), ("12", "Last 12 months")]


def _area(
    label: str, *, required: bool = True, help_text: str = "", rows: int = 4, max_length: int = 300
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- tasks ----------------------------------------------------------------------------------------
class TaskFilterForm(forms.Form):
    """GET filters of a team's list: a worker (an id) and how due."""

    worker = forms.ChoiceField(label="Worker", required=False)
    due = forms.ChoiceField(label="Due", required=False, choices=DUE_CHOICES)

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["worker"])
        field.choices = [("", "Everyone in the team"), *[(str(w.pk), w.full_name) for w in workers]]

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {"worker": "", "due": ""}
        return {"worker": self.cleaned_data["worker"], "due": self.cleaned_data["due"]}


class PeriodForm(forms.Form):
    months = forms.ChoiceField(label="Period", required=False, choices=PERIOD_CHOICES)

    def months_back(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data["months"]:
            return int(self.cleaned_data["months"])
        return 3


class TaskForm(forms.Form):
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    due_on = GovukDateField(
        label="Due date", help_text="For example, 27 3 2027", name_in_errors="the due date"
    )


class TaskDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


# --- allocation -----------------------------------------------------------------------------------
class AllocateForm(forms.Form):
    """Team, worker (each with their caseload in the option), start date and the 903 reason."""

    team = forms.ChoiceField(label="Team")
    worker = forms.ChoiceField(
        label="Social worker",
        required=False,
        help_text="Each worker's open cases and weighted caseload are shown beside their name",
    )
    started_on = GovukDateField(
        label="Allocated from",
        past=True,
        allow_today=True,
        help_text="For example, 27 3 2026",
        name_in_errors="the date the allocation starts",
    )
    reason = forms.ChoiceField(
        label="Why is the social worker changing?",
        required=False,
        help_text="Needed when the case moves from one social worker to another (SSDA903 SW_REASON)",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: list[TeamCaseloads], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", "Choose a team"),
            *[(str(t.team.pk), t.team.name) for t in teams],
        ]
        worker_choices: list[Any] = [("", "No worker yet: the team holds the case")]
        for group in teams:
            options = [
                (f"{group.team.pk}:{row.worker.pk}", f"{row.worker.full_name} ({row.summary})")
                for row in group.rows
            ]
            if options:
                worker_choices.append((group.team.name, options))
        cast(forms.ChoiceField, self.fields["worker"]).choices = worker_choices
        cast(forms.ChoiceField, self.fields["reason"]).choices = [
            ("", "Not a change of social worker"),
            *sw_reason_choices(),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("worker") or ""
        data["worker_id"] = ""
        if choice:
            team_id, _, worker_id = choice.partition(":")
            if data.get("team") and team_id != data["team"]:
                self.add_error("worker", "Choose a worker from the team you chose, or change the team")
            data["worker_id"] = worker_id
        return data


# --- settings -------------------------------------------------------------------------------------
class TimescaleForm(forms.Form):
    amount = forms.IntegerField(
        label="How many",
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    unit = forms.ChoiceField(label="Unit", choices=TimescaleUnit.choices, widget=forms.RadioSelect)
    reason = _area("Why are you changing it?", help_text="For example, the decision of the practice board")


class WeightForm(forms.Form):
    weight = forms.DecimalField(
        label="Weight",
        min_value=0.01,
        max_value=5,
        decimal_places=2,
        max_digits=4,
        help_text="How much one case at this level counts, from 0.01 to 5. A referral at 0.5 counts half a case",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
    )
    reason = _area("Why are you changing it?")


def timescale_label(key: str) -> str:
    return str(LocalTimescale(key).label)


def level_label(level: str) -> str:
    return str(CaseLevel(level).label)


# --- case notes -----------------------------------------------------------------------------------
class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of note", choices=NoteKind.choices)
    occurred_on = GovukDateField(
        label="Date it happened",
        past=True,
        allow_today=True,
        help_text="For example, 27 3 2026",
        name_in_errors="the date it happened",
    )
    occurred_time = forms.CharField(
        label="Time it happened",
        max_length=5,
        help_text="24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    subject = forms.CharField(
        label="Subject", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    text = forms.CharField(label="Note", max_length=50_000, widget=forms.Textarea(attrs={"rows": 10}))
    significant = forms.BooleanField(
        label="Significant event: show it in the child's chronology", required=False
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_occurred_time(self) -> str:
        value = self.cleaned_data.get("occurred_time") or ""
        match = _TIME.match(value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Enter a real time, for example 14:30", code="invalid")
        return f"{int(match[1]):02d}:{match[2]}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred = self.occurred_at()
        if occurred is not None and occurred > clock.now():
            self.add_error("occurred_time", "The time it happened must be now or in the past")
        return data

    def occurred_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("occurred_on")
        time = self.cleaned_data.get("occurred_time")
        if not day or not time:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(time)))

    @staticmethod
    def initial_for(note: Any = None) -> dict[str, Any]:
        if note is None:
            now = timezone.localtime(clock.now())
            return {"occurred_on": now.date(), "occurred_time": f"{now:%H:%M}"}
        at = timezone.localtime(note.occurred_at)
        return {
            "kind": note.kind,
            "occurred_on": at.date(),
            "occurred_time": f"{at:%H:%M}",
            "subject": note.subject,
            "text": note.text,
            "significant": note.significant,
            "version": note.version,
        }


class NoteFilterForm(forms.Form):
    significant = forms.BooleanField(label="Only significant events", required=False)
