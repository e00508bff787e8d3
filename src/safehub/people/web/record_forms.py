"""Forms for the parts of a person's record: names, identifiers, addresses, households,
relationships, risk flags and disabilities. Each lists its fields explicitly (R46); dates are GOV.UK date inputs.

The forms check what a user can be told at the field before anything is saved (an NHS number or
UPN check digit, a postcode's shape); the services check again, and their errors are put back at
the same fields by the views.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safehub.platform import clock
from safehub.platform.forms import GovukDateField

from .. import identifiers
from ..constants import (
    AddressKind,
    DisabilityCode,
    IdentifierKind,
    NameKind,
    RelationshipKind,
    RiskFlagKind,
    Sensitivity,
)
from ..models.identifier import normalise_identifier
from ..record import agencies

# The current name and the NHS number change on the person's details, where the old one is kept.
NAME_KINDS = [(k.value, k.label) for k in NameKind if k != NameKind.CURRENT]
IDENTIFIER_KINDS = [(k.value, k.label) for k in IdentifierKind if k != IdentifierKind.NHS_NUMBER]


def _text(
    label: str,
    *,
    required: bool = True,
    max_length: int = 100,
    width: str = "govuk-!-width-one-half",
    **kw: Any,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs={"class": width, "autocomplete": "off", "spellcheck": "false"}),
        **kw,
    )


def _date(
    label: str, *, required: bool = False, hint: str = "For example, 27 3 2015", **kw: Any
) -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=hint, **kw)


def _agency(label: str, *, required: bool = False, hint: str = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=agencies(),
        required=required,
        empty_label="Choose an agency" if required else "Not known",
        help_text=hint,
    )


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class _Period(forms.Form):
    """From and to dates, both optional, neither in the future for the end."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The end date must be on or after the start date")
        return data


class NameForm(_Period):
    kind = forms.ChoiceField(label="Type of name", choices=NAME_KINDS, widget=forms.RadioSelect)
    given_name = _text("Given name")
    family_name = _text("Family name")
    valid_from = _date("Used from", past=True, allow_today=True)
    valid_to = _date("Used until", past=True, allow_today=True, hint="Leave blank if still in use")
    source_agency = _agency("Which agency told us", hint="Leave as not known if you do not know")

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EndForm(forms.Form):
    """End a dated part of the record; the end date defaults to today."""

    valid_to = _date("End date", past=True, allow_today=True, hint="Leave blank to end it today")
    version = _version()


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label="Type of identifier", choices=IDENTIFIER_KINDS, widget=forms.RadioSelect)
    value = _text("Identifier", max_length=64, width="govuk-input--width-20")
    issuing_agency = _agency(
        "Issuing agency", hint="Needed for an agency's own identifier or a police reference"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), data.get("value")
        if kind and value:
            try:
                data["value"] = normalise_identifier(kind, value)
            except ValidationError as error:
                self.add_error("value", error.messages)
        if kind in (IdentifierKind.AGENCY_ID, IdentifierKind.POLICE_REFERENCE) and not data.get(
            "issuing_agency"
        ):
            self.add_error("issuing_agency", "Say which agency issued this identifier")
        return data


class IdentifierRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this identifier being removed?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, recorded in error, or belongs to someone else",
    )
    version = _version()


class AddressForm(_Period):
    line_1 = _text("Address line 1", max_length=200, width="")
    line_2 = _text("Address line 2 (optional)", required=False, max_length=200, width="")
    line_3 = _text("Address line 3 (optional)", required=False, max_length=200, width="")
    town = _text("Town or city (optional)", required=False, width="govuk-!-width-two-thirds")
    postcode = _text(
        "Postcode",
        required=False,
        max_length=10,
        width="govuk-input--width-10",
        help_text="Leave blank for no fixed abode or an address abroad",
    )
    uprn = _text(
        "UPRN (optional)",
        required=False,
        max_length=12,
        width="govuk-input--width-20",
        help_text="The Unique Property Reference Number, if the council's gazetteer has one",
    )
    kind = forms.ChoiceField(
        label="Type of address",
        choices=AddressKind.choices,
        widget=forms.RadioSelect,
        initial=AddressKind.HOME,
    )
    valid_from = _date("Lived here from", past=True, allow_today=True)
    valid_to = _date(
        "Lived here until", past=True, allow_today=True, hint="Leave blank if they live here now"
    )
    source_agency = _agency("Which agency told us")

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        return identifiers.normalise_postcode(value) if value else ""

    def clean_uprn(self) -> str:
        value = (self.cleaned_data.get("uprn") or "").strip()
        if value and not (value.isdigit() and len(value) <= 12):
            raise ValidationError("Enter a UPRN of up to 12 digits")
        return value

    ADDRESS_FIELDS = ("line_1", "line_2", "line_3", "town", "postcode", "uprn")

    def address_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or "" for name in self.ADDRESS_FIELDS}


class PersonReferenceField(forms.UUIDField):
    """Another person, by the Safehub reference shown on their page (a UUID, never a name: R4)."""

    default_error_messages = {"invalid": "Enter the Safehub reference from the other person's page"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Safehub reference of the other person")
        kwargs.setdefault("help_text", "Shown under their name on their page, for example 0b5f4c1e-…")
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input--width-30", "autocomplete": "off", "spellcheck": "false"}
        )


class HouseholdCreateForm(forms.Form):
    address = forms.ChoiceField(label="Address of the household", widget=forms.RadioSelect)
    description = _text(
        "Description (optional)",
        required=False,
        max_length=200,
        width="",
        help_text="For example, mother's household",
    )
    valid_from = _date("Member from", past=True, allow_today=True)

    def __init__(self, *args: Any, addresses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = {str(pa.address_id): pa.address for pa in addresses}
        choices = [(key, str(address)) for key, address in self.addresses.items()]
        self.fields["address"].choices = choices  # type: ignore[attr-defined]

    def chosen_address(self) -> Any:
        return self.addresses[self.cleaned_data["address"]]


class HouseholdMemberForm(forms.Form):
    person = PersonReferenceField()
    valid_from = _date("Member from", past=True, allow_today=True)


class RelationshipForm(_Period):
    kind = forms.ChoiceField(
        label="This person is the other person's",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
    )
    other = PersonReferenceField()
    valid_from = _date("From", past=True, allow_today=True)
    valid_to = _date("Until", past=True, allow_today=True, hint="Leave blank if it still stands")
    source_agency = _agency("Which agency told us")


class RiskFlagForm(forms.Form):
    kind = forms.ChoiceField(label="Type of flag", choices=RiskFlagKind.choices, widget=forms.RadioSelect)
    source_agency = _agency("Agency that raised the flag", required=True)
    starts_on = _date("Start date", required=True, past=True, allow_today=True)
    review_on = _date("Review date", required=True, future=True, hint="For example, 27 3 2027")
    sensitivity = forms.ChoiceField(
        label="Sensitivity",
        choices=Sensitivity.choices,
        widget=forms.RadioSelect,
        initial=Sensitivity.NORMAL,
        help_text="Sensitive flags are seen only by the MASH, team managers and the agency that raised them",
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RiskFlagReviewForm(forms.Form):
    next_review_on = _date("Next review date", required=True, future=True, hint="For example, 27 3 2027")
    note = forms.CharField(
        label="Review note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = _version()


class RiskFlagEndForm(forms.Form):
    ends_on = _date("End date", past=True, allow_today=True, hint="Leave blank to end it today")
    reason = forms.CharField(
        label="Why is the flag ending?", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = _version()


class DisabilityForm(forms.Form):
    """A CIN census disability code (DfE list 8540); the service keeps the census's own rules."""

    code = forms.ChoiceField(
        label="Disability",
        choices=DisabilityCode.choices,
        widget=forms.RadioSelect,
        help_text='Choose "No disability" only when the child has been asked and has none',
    )
    recorded_on = _date("Date recorded", past=True, allow_today=True, hint="Leave blank for today")
    source_agency = _agency("Which agency told us", hint="Leave as not known if you do not know")

    def clean_recorded_on(self) -> Any:
        return self.cleaned_data.get("recorded_on") or clock.today()


class DisabilityRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this disability being withdrawn?",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, recorded in error, or no longer the case",
    )
    version = _version()
