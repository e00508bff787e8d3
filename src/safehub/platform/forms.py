"""The GOV.UK date input: day, month and year boxes with the errors the design system asks for.

GOV.UK's pattern (https://design-system.service.gov.uk/components/date-input/) names what is
wrong in words a user can act on ("Date of birth must include a month") and highlights only the
box at fault; `ValidationError.params["parts"]` tells the template which boxes those are.
"""

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.platform import clock
from safehub.platform.errors import ConflictError

PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """Three text boxes (numeric keyboard on phones) rendered as a GOV.UK date input."""

    template_name = "web/forms/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None, *, autocomplete_prefix: str = "") -> None:
        box = {"inputmode": "numeric", "spellcheck": "false"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs=box) for part in PARTS
        }
        self.autocomplete_prefix = autocomplete_prefix  # "bday" for a date of birth
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        # The day box carries the field's own id, so labels and error-summary links reach it.
        return id_


class GovukDateField(forms.Field):
    """A date typed as day, month and year, optionally required to be in the past or future."""

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter {name}",
        "incomplete": "{Name} must include a {parts}",
        "invalid": "{Name} must be a real date",
        "year": "Year must include 4 numbers",
        "past": "{Name} must be in the past",
        "future": "{Name} must be in the future",
        "today_or_past": "{Name} must be today or in the past",
    }

    def __init__(
        self,
        *,
        past: bool = False,
        future: bool = False,
        allow_today: bool = False,
        name_in_errors: str = "",
        **kwargs: Any,
    ) -> None:
        self.past = past
        self.future = future
        self.allow_today = allow_today
        self.name_in_errors = name_in_errors
        super().__init__(**kwargs)

    def _names(self) -> dict[str, str]:
        name = self.name_in_errors or str(self.label or "date")
        return {"Name": name[:1].upper() + name[1:], "name": name[:1].lower() + name[1:]}

    def _fail(self, code: str, boxes: Sequence[str], **extra: str) -> ValidationError:
        """An error naming the boxes at fault (none named means the whole date is wrong)."""
        message = self.error_messages[code].format(**self._names(), **extra)
        return ValidationError(message, code=code, params={"parts": list(boxes)})

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        raw = [*value, "", "", ""] if isinstance(value, list | tuple) else ["", "", ""]
        day, month, year = (str(v).strip() if v is not None else "" for v in raw[:3])
        given = dict(zip(PARTS, (day, month, year), strict=True))
        if not any(given.values()):
            return None
        missing = [part for part in PARTS if not given[part]]
        if missing:
            raise self._fail("incomplete", missing, parts=" and ".join(missing))
        not_numbers = [part for part in PARTS if not (given[part].isascii() and given[part].isdigit())]
        if not_numbers:
            raise self._fail("invalid", not_numbers)
        if len(year) != 4:
            raise self._fail("year", ["year"])
        if not 1 <= int(month) <= 12:
            raise self._fail("invalid", ["month"])
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise self._fail("invalid", ["day"]) from None

    def validate(self, value: datetime.date | None) -> None:
        if value is None:
            if self.required:
                raise self._fail("required", [])
            return
        today = clock.today()
        if self.past:
            if self.allow_today and value > today:
                raise self._fail("today_or_past", [])
            if not self.allow_today and value >= today:
                raise self._fail("past", [])
        if self.future and value <= today:
            raise self._fail("future", [])

    def prepare_value(self, value: Any) -> Any:
        return value


# --- putting a service's answer back on a form (every app's pages do the same) -------------------


class VersionedForm(forms.Form):
    """A form over a versioned record: the version the user read goes back with the save (R49)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Each message at the field the service named; anything else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields and name != "version" else None
        form.add_error(target, messages)


def show_conflict(form: forms.Form, error: ConflictError, message: str) -> None:
    """R49: keep what the user typed, take the version now saved, and say who changed it when."""
    data = cast(Any, form.data).copy()
    data[form.add_prefix("version")] = str(error.current_version)
    form.data = data
    form.add_error(None, message)
