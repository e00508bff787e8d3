"""Forms for households, carers, placement requests, the matching filter and the sufficiency date.

The services judge what is valid; the forms parse what was typed, and their field names are the
services' keyword names, so a service's ValidationError lands at the field it names. GET forms
carry codes, numbers and dates only, never personal data (R4).
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.people.selectors import PersonSearch
from safehub.platform.forms import GovukDateField

# The shared form helpers, re-exported for this app's views.
from safehub.platform.forms import VersionedForm as VersionedForm
from safehub.platform.forms import add_service_errors as add_service_errors
from safehub.platform.forms import show_conflict as show_conflict

from ..constants import ApprovalStatus, HouseholdKind, PlacementRequestStatus

YES_NO = [("yes", "Yes"), ("no", "No")]


def _date(
    label: str, name: str, *, required: bool = True, past: bool = True, hint: str = ""
) -> GovukDateField:
    return GovukDateField(
        label=label,
        name_in_errors=name,
        required=required,
        past=past,
        allow_today=True,
        help_text=hint or "For example, 27 3 2026",
    )


def _number(label: str, *, low: int, high: int, required: bool = True, hint: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        help_text=hint,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a whole number",
            "min_value": f"The {label.lower()} must be {low} or more",
            "max_value": f"The {label.lower()} must be {high} or less",
        },
    )


class HouseholdForm(forms.Form):
    name = forms.CharField(
        label="Household name",
        max_length=120,
        help_text='How staff know it, for example "The Okafor household"',
        error_messages={"required": "Enter the household name"},
    )
    kind = forms.ChoiceField(
        label="Kind of household",
        choices=HouseholdKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of household"},
    )
    postcode = forms.CharField(label="Postcode (optional)", max_length=8, required=False)
    in_area = forms.ChoiceField(
        label="Is the household inside the council's area?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the household is inside the council's area"},
    )
    age_from = _number("Youngest age approved for", low=0, high=25)
    age_to = _number("Oldest age approved for", low=0, high=25)
    places = _number("Number of children approved for", low=1, high=8)
    sibling_group_max = _number(
        "Largest sibling group",
        low=1,
        high=8,
        hint="The most brothers and sisters the household can take together",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["in_area"] = data["in_area"] == "yes"
        return data


class HouseholdEditForm(HouseholdForm, VersionedForm):
    pass


STATUS_CHOICES = [
    (ApprovalStatus.APPROVED.value, "Approved (or approval resumed after a hold)"),
    (ApprovalStatus.ON_HOLD.value, "On hold: no new placements for now"),
    (ApprovalStatus.ENDED.value, "Approval ended"),
]


class HouseholdStatusForm(VersionedForm):
    status = forms.ChoiceField(
        label="New approval status",
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new approval status"},
    )
    on = _date(
        "Date of approval or of the end of approval",
        "the date",
        required=False,
        hint="Needed to approve a household in assessment, and to end an approval. For example, 27 3 2026",
    )
    reason = forms.CharField(
        label="Reason (needed to end an approval)",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CarerSearchForm(forms.Form):
    """Find the carer's people record (POST only: names are personal data, R4)."""

    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    date_of_birth = _date("Date of birth", "the date of birth", required=False, hint="For example, 27 3 1980")

    NOT_SPECIFIC = "Enter a family name with a given name or date of birth"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.criteria().is_specific_enough():
            raise ValidationError(self.NOT_SPECIFIC)
        return data

    def criteria(self) -> PersonSearch:
        data = self.cleaned_data
        return PersonSearch(
            family_name=(data.get("family_name") or "").strip(),
            given_name=(data.get("given_name") or "").strip(),
            date_of_birth=data.get("date_of_birth"),
        )


class CarerChoiceForm(forms.Form):
    person_id = forms.UUIDField(widget=forms.HiddenInput)


class HouseholdFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *HouseholdKind.choices])
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ApprovalStatus.choices]
    )
    with_vacancies = forms.BooleanField(label="Only approved households with a vacancy now", required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return dict(self.cleaned_data)


class PlacementRequestForm(forms.Form):
    requested_on = _date("Date of the request", "the date of the request")
    household_kind = forms.ChoiceField(
        label="Kind of household needed",
        choices=HouseholdKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of household the child needs"},
    )
    sibling_group_size = _number(
        "Children to be placed together",
        low=1,
        high=8,
        hint=(
            "1 if this child is to be placed alone; otherwise the size of the sibling group. One request "
            "covers the whole group: make it for one of the children only, not for each of them"
        ),
    )
    needed_by = _date(
        "Date the home is needed by (optional)", "the date the home is needed by", required=False, past=False
    )
    max_distance_miles = _number(
        "Furthest distance from home, in miles (optional)", low=1, high=500, required=False
    )
    needs = forms.CharField(
        label="What the child needs from a home (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PlacementRequestCloseForm(VersionedForm):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[
            (PlacementRequestStatus.FOUND.value, PlacementRequestStatus.FOUND.label),
            (PlacementRequestStatus.WITHDRAWN.value, PlacementRequestStatus.WITHDRAWN.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a placement was found"},
    )
    closed_on = _date("Date the request closed", "the date the request closed")
    household = forms.ChoiceField(label="Household (if a placement was found)", required=False, choices=())

    def __init__(self, *args: Any, households: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["household"])
        field.choices = [
            ("", "Choose a household"),
            *[(str(h.pk), f"{h.name} ({h.reference})") for h in households],
        ]


class MatchFilterForm(forms.Form):
    within_miles = _number("Within (miles)", low=1, high=500, required=False)


class SufficiencyForm(forms.Form):
    on = _date("Figures on", "the date", required=False, hint="For example, 31 3 2026")
