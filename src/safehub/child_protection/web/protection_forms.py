"""Forms for conferences, child protection plans, core groups, child in need plans and visits.

The services judge what is valid (dates in order, census rules); these forms parse what was typed
and put the services' errors back at the fields they name (`add_service_errors`).
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.constants import ROLE_CAPABILITIES, Capability
from safehub.accounts.models import User
from safehub.platform.forms import GovukDateField
from safehub.reference_data.selectors import code_choices

from ..constants import (
    CATEGORY_LIST,
    INITIAL_DECISIONS,
    REVIEW_DECISIONS,
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    VisitKind,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
CHAIR_CAPABILITIES = (Capability.CHAIR_CONFERENCES, Capability.MANAGE_CASES)


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


def _date(label: str, **kwargs: Any) -> GovukDateField:
    return GovukDateField(
        label=label, past=True, allow_today=True, help_text="For example, 27 3 2026", **kwargs
    )


def _notes(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def chair_users() -> Any:
    """Active users whose role may chair a conference (CHAIR_CONFERENCES or MANAGE_CASES)."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if set(caps) & set(CHAIR_CAPABILITIES)]
    return User.objects.filter(is_active=True, role__in=roles).order_by("full_name", "email")


class ChairChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


def _chair_field() -> ChairChoiceField:
    return ChairChoiceField(
        label="Chair", queryset=User.objects.none(), required=False, empty_label="Not recorded"
    )


def _category_field(label: str, help_text: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=(), required=False, help_text=help_text)


class ServiceErrorsMixin:
    """Puts a service's ValidationError at the fields it names; other keys become form errors."""

    fields: dict[str, forms.Field]
    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        form = cast(forms.Form, self)
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = self.field_aliases.get(key, key)
            form.add_error(name if name in self.fields and name != "version" else None, messages)


class ConferenceScheduleForm(ServiceErrorsMixin, forms.Form):
    scheduled_on = GovukDateField(
        label="Date of the conference",
        help_text="For example, 27 3 2026. It may be in the future.",
        name_in_errors="the date of the conference",
    )
    chair = _chair_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ChairChoiceField, self.fields["chair"]).queryset = chair_users()


class ConferenceCancelForm(ServiceErrorsMixin, forms.Form):
    cancelled_on = GovukDateField(
        label="Date it was cancelled",
        help_text="For example, 27 3 2026.",
        name_in_errors="the date it was cancelled",
    )
    reason = forms.CharField(
        label="Why will the conference not be held?",
        help_text="For example, the family moved to another council's area before the conference.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the conference will not be held."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConferenceRecordForm(ServiceErrorsMixin, forms.Form):
    """The outcome of a conference; the decisions offered are those of its kind."""

    held_on = _date("Date held", name_in_errors="the date the conference was held")
    decision = forms.ChoiceField(
        label="Decision",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the conference's decision"},
    )
    category = _category_field("Category of abuse", "")
    chair = _chair_field()
    quorate = yes_no_field(
        "Was the conference quorate?",
        help_text="At least three agencies, including children's social care, were represented.",
    )
    summary = _notes("Summary", help_text="The conference's reasons for its decision.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        decisions = REVIEW_DECISIONS if kind == ConferenceKind.REVIEW else INITIAL_DECISIONS
        cast(forms.ChoiceField, self.fields["decision"]).choices = [(d.value, d.label) for d in decisions]
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", "Select a category"), *code_choices(CATEGORY_LIST)]
        if kind == ConferenceKind.REVIEW:
            category.label = "Latest category of abuse"
            category.help_text = "Only if the plan continues under a different category."
        else:
            category.help_text = "Needed when the decision is a child protection plan."
        cast(ChairChoiceField, self.fields["chair"]).queryset = chair_users()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == ConferenceDecision.PLAN and not data.get("category"):
            self.add_error("category", "Select the category of abuse for the plan")
        if data.get("decision") in (ConferenceDecision.NO_PLAN, ConferenceDecision.END) and data.get(
            "category"
        ):
            self.add_error("category", "A category of abuse is recorded only when there is a plan")
        return data


class TransferInForm(ConferenceRecordForm):
    """A child arriving on another council's plan: the transfer-in conference's decision."""

    # A new conference: no version to be stale against; the service takes no quorate flag.
    version = None  # type: ignore[assignment]
    quorate = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, kind=ConferenceKind.TRANSFER_IN, **kwargs)


class PlanEndForm(ServiceErrorsMixin, forms.Form):
    ended_on = _date("Date the plan ended", name_in_errors="the date the plan ended")
    reason = forms.ChoiceField(
        label="Why did the plan end?",
        choices=[(r.value, r.label) for r in PlanEndReason if r != PlanEndReason.REVIEW_CONFERENCE],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the plan ended"},
        help_text="A plan that ends because the child is no longer at risk ends at a review conference: "
        "record the conference instead.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CoreGroupForm(ServiceErrorsMixin, forms.Form):
    held_on = _date("Date of the meeting", name_in_errors="the date of the meeting")
    notes = _notes("Notes", help_text="Progress against the plan and actions agreed.")


class CinPlanStartForm(ServiceErrorsMixin, forms.Form):
    started_on = _date("Start date", name_in_errors="the start date")
    summary = _notes("Summary of the plan")


class CinPlanEndForm(ServiceErrorsMixin, forms.Form):
    ended_on = _date("Date the plan ended", name_in_errors="the date the plan ended")
    version = forms.IntegerField(widget=forms.HiddenInput)


class CinPlanReviewForm(ServiceErrorsMixin, forms.Form):
    held_on = _date("Date of the review", name_in_errors="the date of the review")
    notes = _notes("Notes", help_text="Progress against the plan, and changes agreed.")


class VisitForm(ServiceErrorsMixin, forms.Form):
    """A statutory visit. "Seen alone" and "bedroom seen" are asked only when the child was seen:
    with JavaScript they are revealed under "Yes"; without it they show, and are ignored for "No"
    (the GOV.UK conditional-reveal pattern).
    """

    kind = forms.ChoiceField(
        label="Kind of visit",
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of visit"},
    )
    visited_on = _date("Date of the visit", name_in_errors="the date of the visit")
    child_seen = yes_no_field("Was the child seen?", required="Select yes if the child was seen")
    seen_alone = yes_no_field("Was the child seen alone?")
    bedroom_seen = yes_no_field("Was the child's bedroom seen?")
    notes = _notes("Notes")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("child_seen") is False:
            data["seen_alone"] = None
            data["bedroom_seen"] = None
        return data
