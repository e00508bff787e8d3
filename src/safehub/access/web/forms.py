"""Input forms for restrictions, grants and emergency access. Services hold the rules."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.platform import clock
from safehub.platform.forms import GovukDateField

from ..constants import (
    BREAK_GLASS_MIN_REASON_LENGTH,
    BreakGlassReason,
    Level,
    RestrictionReason,
    ReviewOutcome,
)

DATE_HINT = "For example, 27 3 2026"


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal at the field that caused it, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class BreakGlassForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Why do you need emergency access?",
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need emergency access."},
    )
    reason_text = forms.CharField(
        label="Describe the emergency",
        help_text="Information governance will read this when they review your access.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=BREAK_GLASS_MIN_REASON_LENGTH,
        max_length=2000,
        error_messages={
            "required": "Describe the emergency.",
            "min_length": f"Describe the emergency in at least {BREAK_GLASS_MIN_REASON_LENGTH} characters.",
        },
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the review."},
    )
    notes = forms.CharField(
        label="Notes",
        help_text="Required unless the access was justified.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )


class RestrictForm(forms.Form):
    level = forms.ChoiceField(
        label="Level",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of restriction."},
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=RestrictionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the record is restricted."},
    )
    explanation = forms.CharField(
        label="Explanation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required when the reason is Other.",
    )


class ReasonForm(forms.Form):
    """A required reason: for lifting a restriction, revoking or refusing a grant."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter a reason."},
    )


class ApproveForm(forms.Form):
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class UserByEmailField(forms.ModelChoiceField):
    """Addresses are stored lower-case; people type them any way."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)


class GrantForm(forms.Form):
    user = UserByEmailField(
        label="E-mail address of the person to give access",
        queryset=None,  # set per request from the selector, so the actor is never offered (R26)
        to_field_name="email",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the e-mail address of the person to give access.",
            "invalid_choice": "Enter the e-mail address of an active Safehub user other than yourself.",
        },
    )
    reason = forms.CharField(
        label="Why does this person need access?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Explain why this person needs access."},
    )
    starts_at = GovukDateField(
        label="Start date (optional)",
        required=False,
        name_in_errors="the start date",
        help_text=f"Leave blank to start now. {DATE_HINT}",
    )
    expires_at = GovukDateField(
        label="Last day of access",
        name_in_errors="the last day of access",
        help_text=f"Access ends at midnight at the end of this day. {DATE_HINT}",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The dates as the council's local day boundaries: start of the first, end of the last."""
        starts: date | None = self.cleaned_data.get("starts_at")
        ends: date | None = self.cleaned_data.get("expires_at")
        starts_at = None if starts is None or starts <= clock.today() else _local_midnight(starts)
        expires_at = None if ends is None else _local_midnight(ends + timedelta(days=1))
        return starts_at, expires_at


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class MonthForm(forms.Form):
    month = forms.RegexField(
        label="Month",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="For example, 2026-03",
        error_messages={"invalid": "Enter a month as year and month, for example 2026-03."},
    )

    def year_month(self) -> tuple[int, int]:
        value = self.cleaned_data.get("month") if self.is_valid() else ""
        if value:
            year, month = value.split("-")
            return int(year), int(month)
        today = clock.today()
        return today.year, today.month
