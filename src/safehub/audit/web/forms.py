"""The filter form for the audit trail. It is a GET form: it carries a staff e-mail, a verb, dates
and an opaque record id, never a subject's name, date of birth or NHS number (R4)."""

from typing import Any

from django import forms

from ..constants import Verb
from ..selectors import EventFilters

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


class EventFilterForm(forms.Form):
    email = forms.EmailField(
        label="Staff e-mail address",
        required=False,
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
    )
    verb = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *Verb.choices])
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "The start date must be a real date, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 31/3/2026",
        error_messages={"invalid": "The end date must be a real date, like 31/3/2026"},
    )
    object_id = forms.UUIDField(
        label="Record id",
        required=False,
        help_text="The id at the end of a record's address",
        error_messages={"invalid": "Enter a record id like 3f2c8a4e-1b7d-4c1e-9a53-0d2e6f7b8c91"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data

    def filters(self) -> EventFilters:
        data = self.cleaned_data
        return EventFilters(
            email=data.get("email") or "",
            verb=data.get("verb") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            object_id=data.get("object_id"),
        )
