"""Forms for care leaver pages. The services judge what is valid; fields carry the services'
keyword names so a service's ValidationError lands at the field it names."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from safehub.accounts.constants import ROLE_CAPABILITIES, Capability
from safehub.platform.forms import GovukDateField

from ..constants import ACCOMMODATION_LIST, ACTIVITY_LIST, IN_TOUCH_LIST, LeaverCategory
from ..labels import LabelledChoices
from ..services.leaving import CLOSE_REASONS

# 903 OC3 ACCOM is a place letter and a suitability digit ("U1"); labels.py has words for single
# codes only, so the composite wording lives here, once, for the forms and the pages.
_ACCOM_PLACES = {
    "B": "With parents or relatives",
    "C": "Community home or other residential care",
    "D": "Semi-independent, transitional accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyers",
    "U": "Independent living",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carers (18 or over)",
}
_SUITABLE = {"1": "suitable", "2": "not suitable"}


def accommodation_label(code: str) -> str:
    """ "U1: Independent living, suitable": an OC3 ACCOM code with its words ("" for no code)."""
    if not code:
        return ""
    if code == "0":
        return "0: Not known"
    place, suit = _ACCOM_PLACES.get(code[:1], ""), _SUITABLE.get(code[1:], "")
    meaning = f"{place}, {suit}" if place and suit else place
    return f"{code}: {meaning}" if meaning else code


class AccommodationChoices(LabelledChoices):
    """The ACCOM codes reference data holds, each with its place and suitability."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for code, label in super().__iter__():
            yield (code, accommodation_label(code) if code else label)


def _date(label: str, *, required: bool = True) -> GovukDateField:
    return GovukDateField(
        label=label,
        name_in_errors=label[:1].lower() + label[1:],
        required=required,
        past=True,
        allow_today=True,
        help_text="For example, 27 3 2026",
    )


def _text(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


def adviser_users() -> Any:
    """Active users whose role records casework: the people who can be a personal adviser."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.RECORD_CASEWORK in caps]
    return get_user_model().objects.filter(is_active=True, role__in=roles).order_by("full_name", "email")


class AdviserField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


class _Details(forms.Form):
    category = forms.ChoiceField(
        label="Leaving care category",
        choices=LeaverCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the young person's leaving care category."},
    )
    personal_adviser = AdviserField(
        label="Personal adviser", queryset=None, required=False, empty_label="Not allocated yet"
    )
    pathway_plan_on = _date("Date the pathway plan was agreed", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personal_adviser"].queryset = adviser_users()  # type: ignore[attr-defined]


class LeaverOpenForm(_Details):
    started_on = _date("Date the record starts")
    field_order = ["started_on", "category", "personal_adviser", "pathway_plan_on"]


class LeaverEditForm(_Details):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ContactForm(forms.Form):
    contact_on = _date("Date of the contact")
    in_touch = forms.ChoiceField(
        label="Was the council in touch with the young person?",
        choices=LabelledChoices(IN_TOUCH_LIST),  # type: ignore[arg-type]
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the council was in touch with the young person."},
    )
    activity = forms.ChoiceField(
        label="Main activity",
        required=False,
        help_text="Needed when in touch.",
        choices=LabelledChoices(ACTIVITY_LIST, blank="Not recorded"),  # type: ignore[arg-type]
    )
    accommodation = forms.ChoiceField(
        label="Accommodation and whether it is suitable",
        required=False,
        help_text="Needed when in touch. With former foster carers (Z) only from 18.",
        choices=AccommodationChoices(ACCOMMODATION_LIST, blank="Not recorded"),  # type: ignore[arg-type]
    )
    notes = _text("Notes")


class PathwayReviewForm(forms.Form):
    reviewed_on = _date("Date of the review")
    summary = _text("Summary")


class LeaverCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    ended_on = _date("Date the record closes")
    reason = forms.ChoiceField(
        label="Why is the record closing?",
        choices=CLOSE_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the record is closing."},
    )


class LeaverFilterForm(forms.Form):
    """GET filters: codes only, never personal data in a URL (R4)."""

    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "Any category"), *LeaverCategory.choices]
    )
    mine = forms.BooleanField(label="Only young people I am personal adviser for", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
