"""Forms for looked-after reviews, regulation 28 visits and health (issue 6, items 2 and 3).

The services judge what is valid (dates within the period, 903 codes, PN0 by age); these forms
parse what was typed and put the services' errors back at the fields they name.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.constants import ROLE_CAPABILITIES, Capability
from safehub.accounts.models import User
from safehub.platform.errors import ConflictError
from safehub.platform.forms import GovukDateField

from ..constants import PARTICIPATION_LIST, SDQ_REASON_LIST, HealthCheckKind
from ..labels import LabelledChoices

YES_NO = [("yes", "Yes"), ("no", "No")]
CHAIR_CAPABILITIES = (Capability.CHAIR_CONFERENCES, Capability.MANAGE_CASES)


def _yes(value: str) -> bool:
    return value == "yes"


def yes_no(label: str, required: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=_yes,
        empty_value=None,
        error_messages={"required": required},
        widget=forms.RadioSelect,
    )


def _date(label: str, name: str) -> GovukDateField:
    return GovukDateField(
        label=label, past=True, allow_today=True, name_in_errors=name, help_text="For example, 27 3 2026"
    )


def _text(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ServiceErrorsForm(forms.Form):
    """Puts a service's ValidationError at the fields it names; other keys (and the hidden
    `version`) become form errors. A conflict shows its message and takes the current version (R49)."""

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields and key != "version" else None, messages)

    def show_conflict(self, error: ConflictError, message: str) -> None:
        # Saving again after reading the message is a deliberate overwrite of the newer version.
        if "version" in self.fields and self.is_bound:
            data = cast(Any, self.data).copy()
            data[self.add_prefix("version")] = str(error.current_version)
            self.data = data
        self.add_error(None, message)


class ChairField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


def chair_users() -> Any:
    """Active users whose role may chair a review (an IRO, or a manager)."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if set(caps) & set(CHAIR_CAPABILITIES)]
    return User.objects.filter(is_active=True, role__in=roles).order_by("full_name", "email")


class ReviewForm(ServiceErrorsForm):
    held_on = _date("Date of the review", "the date of the review")
    participation = forms.ChoiceField(
        label="How did the child take part?",
        choices=LabelledChoices(PARTICIPATION_LIST),
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the child took part in the review"},
    )
    chair = ChairField(
        label="Chair", queryset=User.objects.none(), required=False, empty_label="Not recorded"
    )
    summary = _text("Summary")
    # The period's version when the form was opened: a review bumps it, so two people recording
    # at once see a conflict instead of both saving unaware (R49).
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ChairField, self.fields["chair"]).queryset = chair_users()


class VisitForm(ServiceErrorsForm):
    """A regulation 28 visit. "Seen alone" and "bedroom seen" are always shown (no conditional
    reveal: axe fails on it here) and ignored when the child was not seen."""

    visited_on = _date("Date of the visit", "the date of the visit")
    child_seen = yes_no("Was the child seen?", "Select yes if the child was seen")
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    bedroom_seen = forms.BooleanField(label="The child's bedroom was seen", required=False)
    summary = _text("Summary")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("child_seen") is False:
            data["seen_alone"] = False
            data["bedroom_seen"] = False
        return data


class HealthCheckForm(ServiceErrorsForm):
    kind = forms.ChoiceField(
        label="What was done?",
        choices=HealthCheckKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was done"},
    )
    done_on = _date("Date it was done", "the date it was done")
    notes = _text("Notes")


class SdqForm(ServiceErrorsForm):
    recorded_on = _date("Date of the questionnaire", "the date of the questionnaire")
    score = forms.IntegerField(
        label="Total score",
        required=False,
        min_value=0,
        max_value=40,
        help_text="From 0 to 40. Leave blank if there is no score.",
        error_messages={
            "invalid": "Enter the total score as a whole number from 0 to 40",
            "min_value": "The total score must be between 0 and 40",
            "max_value": "The total score must be between 0 and 40",
        },
    )
    reason = forms.ChoiceField(
        label="Why is there no score?",
        required=False,
        choices=LabelledChoices(SDQ_REASON_LIST, blank="There is a score"),
        help_text="Only if there is no score.",
    )


class SubstanceMisuseForm(ServiceErrorsForm):
    identified_on = _date("Date it was identified", "the date it was identified")
    intervention_offered = yes_no("Was an intervention offered?", "Select yes if an intervention was offered")
    intervention_received = yes_no(
        "Did the child receive the intervention?", "Select yes if the child received an intervention"
    )
    notes = _text("Notes")


class ConvictionForm(ServiceErrorsForm):
    convicted_on = _date("Date of the conviction, final warning or reprimand", "the date of the conviction")
    notes = _text("Notes")
