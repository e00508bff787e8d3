"""Forms for missing episodes, UASC status and permanence. The services judge what is valid (dates in
order, 903 codes); these forms parse what was typed and put the services' errors back at the fields
they name (`add_service_errors`).
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.platform.errors import ConflictError
from safehub.platform.forms import GovukDateField

from ..constants import (
    ADOPTER_LEGAL_STATUS_LIST,
    ADOPTER_SEX_LIST,
    ADOPTION_CEASED_LIST,
    MISSING_KIND_LIST,
    PREVIOUS_PERMANENCE_LIST,
    PermanenceOrderKind,
    SiblingDecision,
)
from ..labels import LabelledChoices

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool:
    return value == "yes"


def yes_no_field(label: str, *, required: str = "", help_text: str = "") -> forms.TypedChoiceField:
    """Yes/No radios giving True, False, or None when not answered; `required` is the message."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=bool(required),
        error_messages={"required": required} if required else None,
        help_text=help_text,
        widget=forms.RadioSelect,
    )


def _date(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> GovukDateField:
    return GovukDateField(
        label=label,
        past=True,
        allow_today=True,
        required=required,
        help_text=help_text,
        name_in_errors="the " + label[:1].lower() + label[1:],
    )


def _notes(label: str = "Notes", *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _radios(label: str, key: str, *, required: str, help_text: str = "") -> forms.ChoiceField:
    """Radios for the 903 code list `key`: the codes reference data holds, with their meanings."""
    return forms.ChoiceField(
        label=label,
        choices=LabelledChoices(key),
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": required},
    )


def _version(required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=required)


class ServiceErrorsMixin:
    """Puts a service's ValidationError at the fields it names; other keys become form errors."""

    fields: dict[str, forms.Field]

    def add_service_errors(self, error: ValidationError) -> None:
        form = cast(forms.Form, self)
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            form.add_error(key if key in self.fields and key != "version" else None, messages)

    def show_conflict(self, error: ConflictError, what: str) -> None:
        """R49: keep what the user typed, take the version now saved, and say who changed it when."""
        form = cast(forms.Form, self)
        data = cast(Any, form.data).copy()
        data[form.add_prefix("version")] = str(error.current_version)
        form.data = data
        form.add_error(None, conflict_message(error, what))


def conflict_message(error: ConflictError, what: str = "This record") -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {local:%-d %B %Y}"
    return f"{what} was changed by {who}{when} after you opened it. Check it now, then save again."


class MissingNewForm(ServiceErrorsMixin, forms.Form):
    kind = _radios(
        "Was the child missing or away?",
        MISSING_KIND_LIST,
        required="Select whether the child was missing or away",
    )
    started_on = _date("Date the child went missing or away")
    ended_on = _date(
        "Date the child returned", required=False, help_text="Leave blank if the child has not returned yet."
    )
    notes = _notes()
    version = _version(required=False)  # the period's, read on GET (R49)


class MissingEditForm(ServiceErrorsMixin, forms.Form):
    ended_on = _date("Date the child returned", required=False, help_text="Leave blank if not returned yet.")
    interview_offered_on = _date(
        "Date the return home interview was offered",
        required=False,
        help_text="Offered within 72 hours of the return. Leave blank if not offered yet.",
    )
    interview_accepted = yes_no_field("Did the child accept the interview?")
    interview_held_on = _date(
        "Date the interview was held", required=False, help_text="Only if the child accepted it."
    )
    notes = _notes()
    version = _version()


class UascForm(ServiceErrorsMixin, forms.Form):
    started_on = _date("Date the child became an unaccompanied asylum-seeking child")
    ceased_on = _date(
        "Date the status ceased",
        required=False,
        help_text="For example, a grant of leave to remain. It is no later than the 18th birthday. "
        "Leave blank until it happens.",
    )
    notes = _notes()
    version = _version(required=False)


class AdoptionDecisionForm(ServiceErrorsMixin, forms.Form):
    decided_on = _date(
        "Date of the decision",
        help_text="The date the agency decision maker decided the child should be placed for adoption.",
    )
    version = _version(required=False)  # the period's, read on GET (R49)


class HouseholdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.reference})"


class AdoptionMatchForm(ServiceErrorsMixin, forms.Form):
    matched_on = _date("Date of the match")
    household = HouseholdChoiceField(
        label="Adopters",
        queryset=None,
        empty_label="Select the household",
        error_messages={
            "required": "Select the adopters",
            "invalid_choice": "Select the adopters from the list",
        },
    )
    fostered_by_adopters = yes_no_field(
        "Is the child fostered by the adopters first (fostering for adoption)?",
        required="Select yes if the child is fostered by the adopters first",
    )
    adopter_count = forms.TypedChoiceField(
        label="How many adopters?",
        choices=[("1", "One"), ("2", "Two")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how many adopters there are"},
    )
    adopter_sex = _radios("Sex of the adopters", ADOPTER_SEX_LIST, required="Select the sex of the adopters")
    adopter_legal_status = forms.ChoiceField(
        label="Legal status of the adopters",
        choices=LabelledChoices(ADOPTER_LEGAL_STATUS_LIST, blank="Select a legal status"),
        error_messages={"required": "Select the legal status of the adopters"},
    )
    version = _version()

    def __init__(self, *args: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(HouseholdChoiceField, self.fields["household"]).queryset = households


class AdoptionCeaseForm(ServiceErrorsMixin, forms.Form):
    ceased_on = _date("Date the decision ceased")
    reason = _radios(
        "Why should the child no longer be placed for adoption?",
        ADOPTION_CEASED_LIST,
        required="Select the reason",
    )
    version = _version()


class OrderForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of order",
        choices=PermanenceOrderKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of order"},
    )
    made_on = _date("Date the order was made")
    to_former_foster_carers = forms.BooleanField(
        label="The order is to the child's former foster carers", required=False
    )
    carers_are_relatives = forms.BooleanField(label="The carers are relatives or friends", required=False)
    consent_dispensed = forms.BooleanField(
        label="Adoption only: the court dispensed with parental consent", required=False
    )
    version = _version(required=False)  # the period's, read on GET (R49)


class PreviousPermanenceForm(ServiceErrorsMixin, forms.Form):
    previous_permanence = _radios(
        "Did the child have permanence before this period of care?",
        PREVIOUS_PERMANENCE_LIST,
        required="Select the child's previous permanence",
    )
    la = forms.CharField(
        label="Local authority that made the arrangement",
        required=False,
        max_length=10,
        help_text="Its 3-digit code, or WAL, SCO, NIR or NUK outside England. Leave blank if none or not known.",
    )
    on = _date("Date of the order", required=False, help_text="Leave blank if none or not known.")
    version = _version()


class PersonChoicesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class SiblingDecisionForm(ServiceErrorsMixin, forms.Form):
    decided_on = _date("Date of the decision")
    decision = forms.ChoiceField(
        label="Decision",
        choices=SiblingDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to place together or apart"},
    )
    siblings = PersonChoicesField(
        label="Brothers and sisters",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the brothers and sisters this decision is about",
            "invalid_choice": "Select brothers and sisters from the list",
        },
    )
    reason = forms.CharField(
        label="Reasons for the decision",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reasons for the decision"},
    )
    version = _version(required=False)  # the period's, read on GET (R49)

    def __init__(self, *args: Any, siblings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonChoicesField, self.fields["siblings"]).queryset = siblings
