"""Forms for finding and recording people, with GOV.UK date and NHS number inputs.

Error messages follow the GOV.UK Design System wording for dates, so staff see the same messages
as on any other public-sector service.
"""

import datetime
from typing import Any

from django import forms
from nhs_number import is_valid as nhs_number_is_valid

from safehub.platform import clock

from ..constants import Sex
from ..selectors import PersonSearch

PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """Three boxes (day, month, year): the GOV.UK date input.

    Named so that its `widget_type` is "govukdate": the project's field template
    (web/forms/field.html) then draws it as a fieldset with a legend, hint, error and the boxes,
    highlighting only the boxes an error's `params["parts"]` names.
    """

    template_name = "web/forms/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        # The day box carries the field's own id, so the error summary's link lands on it.
        return id_


class GovukDateField(forms.MultiValueField):
    """A date typed into three boxes, with a message that says which part is wrong."""

    widget = GovukDateInput

    def __init__(self, *, not_in_future: bool = False, **kwargs: Any) -> None:
        self.not_in_future = not_in_future
        parts = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def _fail(self, message: str, code: str, parts: list[str]) -> forms.ValidationError:
        name = str(self.label or "Date")
        return forms.ValidationError(f"{name} {message}", code=code, params={"parts": parts})

    def compress(self, data_list: list[str]) -> datetime.date | None:
        given = dict(zip(PARTS, ((part or "").strip() for part in [*data_list, "", "", ""][:3]), strict=True))
        if not any(given.values()):
            return None
        missing = [part for part in PARTS if not given[part]]
        if missing:
            raise self._fail(f"must include a {' and '.join(missing)}", "incomplete", missing)
        not_numbers = [part for part in PARTS if not given[part].isdigit()]
        if not_numbers:
            raise self._fail("must be a real date", "invalid", not_numbers)
        if len(given["year"]) != 4:
            raise forms.ValidationError(
                "Year must include 4 numbers", code="year", params={"parts": ["year"]}
            )
        if not 1 <= int(given["month"]) <= 12:
            raise self._fail("must be a real date", "invalid", ["month"])
        try:
            value = datetime.date(int(given["year"]), int(given["month"]), int(given["day"]))
        except ValueError:
            raise self._fail("must be a real date", "invalid", ["day"]) from None
        if self.not_in_future and value > clock.today():
            raise self._fail("must be today or in the past", "future", [])
        return value


class NHSNumberField(forms.CharField):
    """Ten digits, spaces (or hyphens) allowed as on NHS letters, with the check digit verified."""

    default_error_messages = {"invalid": "Enter a valid NHS number"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "NHS number")
        kwargs.setdefault("help_text", "For example, 943 476 5919")
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}
        )

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return "".join(ch for ch in text if ch not in " -")

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not (len(value) == 10 and value.isdigit() and nhs_number_is_valid(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _name_input(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "govuk-!-width-one-half", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class PersonSearchForm(forms.Form):
    NOT_SPECIFIC = "Enter a family name with a given name or date of birth, or an NHS number"

    family_name = _name_input("Family name")
    given_name = _name_input("Given name")
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, not_in_future=True, help_text="For example, 27 3 2015"
    )
    nhs_number = NHSNumberField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Only complain about specificity when every field typed was itself valid.
        if not self.errors and not self.criteria().is_specific_enough():
            raise forms.ValidationError(self.NOT_SPECIFIC, code="not_specific")
        return data

    def criteria(self) -> PersonSearch:
        data = self.cleaned_data
        return PersonSearch(
            family_name=(data.get("family_name") or "").strip(),
            given_name=(data.get("given_name") or "").strip(),
            date_of_birth=data.get("date_of_birth"),
            nhs_number=data.get("nhs_number") or "",
        )


class PersonForm(forms.Form):
    """Create or edit a person. `version` carries the version the user opened (R49)."""

    given_name = _name_input("Given name", required=True)
    family_name = _name_input("Family name", required=True)
    preferred_name = _name_input("Preferred name")
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        not_in_future=True,
        help_text="For example, 27 3 2015. Leave blank for an unborn child.",
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="Only for an unborn child"
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
    nhs_number = NHSNumberField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = (
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "nhs_number",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_of_birth") and data.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth",
                "Leave the expected date of birth blank when you know the date of birth",
            )
        return data

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.FIELDS}
        for text in ("given_name", "family_name", "preferred_name", "nhs_number"):
            fields[text] = (fields[text] or "").strip()
        return fields
