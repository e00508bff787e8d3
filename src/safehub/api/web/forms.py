"""The form a system administrator fills in to make an API key."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from safehub.accounts.models import Agency, User
from safehub.platform import clock

from ..constants import KEY_MAX_LIFETIME, Scope

MAX_DAYS_AHEAD = 365


class ActingUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return f"{user.full_name} ({user.get_role_display()}, {user.agency})"


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the key is for, for example 'Police MASH referrals feed'.",
        error_messages={"required": "Enter a name for the key"},
    )
    agency: "forms.ModelChoiceField[Agency]" = forms.ModelChoiceField(
        label="Agency that owns the key",
        queryset=None,
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the key"},
    )
    user = ActingUserChoiceField(
        label="System user the key acts as",
        queryset=None,
        empty_label="Choose a user",
        help_text="The key can do only what this user's role allows, and only within the scopes below. "
        "The user must belong to the agency.",
        error_messages={"required": "Choose the system user the key acts as"},
    )
    scopes = forms.MultipleChoiceField(
        label="What the key may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the key may do"},
    )
    expires_on = forms.DateField(
        label="Expiry date",
        input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"],
        help_text="The key stops working at the end of this day, at most one year from today. "
        "For example, 31/3/2027",
        error_messages={
            "required": "Enter the expiry date",
            "invalid": "Expiry date must be a real date, for example 31/3/2027",
        },
    )

    def __init__(self, *args: Any, agencies: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]

    def clean_expires_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["expires_on"]
        today = clock.today()
        if value < today:
            raise forms.ValidationError("Expiry date must be today or in the future")
        if value > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError("Expiry date must be within one year from today")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, user = data.get("agency"), data.get("user")
        if agency is not None and user is not None and user.agency_id != agency.pk:
            self.add_error("user", f"Choose a user who belongs to {agency}")
        return data

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day in the council's time zone, kept within the one-year limit."""
        day_after = self.cleaned_data["expires_on"] + datetime.timedelta(days=1)
        end_of_day = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))
        return min(end_of_day, clock.now() + KEY_MAX_LIFETIME)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "agency": data["agency"],
            "user": data["user"],
            "scopes": list(data["scopes"]),
            "expires_at": self.expires_at(),
        }

    def add_service_errors(self, error: Any) -> None:
        """Put a service's validation errors at the field that caused them, or at the top."""
        renamed = {"expires_at": "expires_on"}
        for field, messages in error.message_dict.items():
            name = renamed.get(field, field)
            self.add_error(name if name in self.fields else None, messages)
