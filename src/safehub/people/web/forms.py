"""Forms for finding and recording people, with GOV.UK date and NHS number inputs.

Error messages follow the GOV.UK Design System wording for dates, so staff see the same messages
as on any other public-sector service.
"""

from typing import Any

from django import forms
from nhs_number import is_valid as nhs_number_is_valid

from safehub.platform.forms import GovukDateField

from ..constants import Sex
from ..selectors import PersonSearch


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
        label="Date of birth", required=False, past=True, allow_today=True, help_text="For example, 27 3 2015"
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
        past=True,
        allow_today=True,
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


class FindPersonForm(forms.Form):
    """Find-or-create: what is known about the person, before a new record is made (issue 3, item 3)."""

    given_name = _name_input("Given name")
    family_name = _name_input("Family name")
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past=True, allow_today=True, help_text="For example, 27 3 2015"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=[(Sex.MALE, "Male"), (Sex.FEMALE, "Female"), (Sex.UNKNOWN, "Not known")],
        widget=forms.RadioSelect,
        required=False,
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    nhs_number = NHSNumberField(required=False)
    upn = forms.CharField(
        label="Unique Pupil Number (UPN)",
        required=False,
        max_length=20,
        help_text="13 characters, for example A123456789012",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def query(self) -> dict[str, str]:
        """The match service's query: strings only, dates as ISO (its agreed interface)."""
        data = self.cleaned_data
        born = data.get("date_of_birth")
        return {
            "given_name": (data.get("given_name") or "").strip(),
            "family_name": (data.get("family_name") or "").strip(),
            "date_of_birth": born.isoformat() if born else "",
            # "Not known" is no evidence either way, so it is left out of the match.
            "sex": str(data["sex"]) if data.get("sex") in (Sex.MALE, Sex.FEMALE) else "",
            "postcode": (data.get("postcode") or "").strip(),
            "nhs_number": data.get("nhs_number") or "",
            "upn": (data.get("upn") or "").strip(),
        }


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the contact you are triaging and why this person matters to it",
        error_messages={"required": "Explain why you need to see this record"},
    )
