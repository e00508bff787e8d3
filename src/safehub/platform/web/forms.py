"""The local closure form, with a GOV.UK date input that platform can own.

platform sits below web, so it cannot use web's GovukDateField. The widget below is named
GovukDateInput so that the project's field template (web/forms/field.html) draws it as a GOV.UK
date input, and the field puts the boxes at fault in `params["parts"]`, as that template expects.
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..models import LocalClosure

PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    template_name = "web/forms/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        return id_  # the day box carries the field's id, so error-summary links land on it


class DayMonthYearField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a {parts}",
        "invalid": "The date must be a real date",
        "year": "Year must include 4 numbers",
    }

    def _fail(self, code: str, faulty: list[str]) -> ValidationError:
        message = self.error_messages[code].format(parts=" and ".join(faulty))
        return ValidationError(message, code=code, params={"parts": faulty})

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date) or value is None:
            return value
        raw = [str(v).strip() if v is not None else "" for v in list(value)[:3]]
        given = dict(zip(PARTS, raw + [""] * (3 - len(raw)), strict=True))
        if not any(given.values()):
            return None
        missing = [part for part in PARTS if not given[part]]
        if missing:
            raise self._fail("incomplete", missing)
        wrong = [part for part in PARTS if not given[part].isdigit()]
        if wrong:
            raise self._fail("invalid", wrong)
        if len(given["year"]) != 4:
            raise self._fail("year", ["year"])
        try:
            return datetime.date(int(given["year"]), int(given["month"]), int(given["day"]))
        except ValueError:
            part = ["month"] if not 1 <= int(given["month"]) <= 12 else ["day"]
            raise self._fail("invalid", part) from None

    def validate(self, value: datetime.date | None) -> None:
        if value is None and self.required:
            raise self._fail("required", [])


class LocalClosureForm(forms.Form):
    date = DayMonthYearField(label="Date", help_text="For example, 24 12 2027")
    kind = forms.ChoiceField(
        label="Is the council closed or open on this date?",
        choices=LocalClosure.Kind.choices,
        initial=LocalClosure.Kind.CLOSURE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the council is closed or open on this date"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="For example, council closure day between Christmas and New Year",
        error_messages={
            "required": "Enter the reason",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )
