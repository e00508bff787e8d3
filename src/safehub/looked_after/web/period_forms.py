"""Forms for starting and ending care, legal status changes, moves and the IRO (issue 6, item 1).

The services judge what is valid (dates in order, 903 codes and the episode chain); these forms
parse what was typed and put the services' refusals back at the fields they name.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.platform.errors import ConflictError
from safehub.platform.forms import GovukDateField

from ..constants import (
    CEASED_REASON_LIST,
    CHAIN_REASON,
    LEGAL_STATUS_LIST,
    NEED_LIST,
    PLACEMENT_CHANGE_REASON_LIST,
    PLACEMENT_TYPE_LIST,
    PROVIDER_LIST,
    ApprovalStatus,
)
from ..labels import LabelledChoices
from ..models import CarerHousehold
from ..policies import household_policy

YES_NO = [("yes", "Yes"), ("no", "No")]


def _code(
    label: str,
    key: str,
    *,
    required: bool = True,
    help_text: str = "",
    blank: str = "Choose",
    exclude: frozenset[str] = frozenset(),
) -> forms.ChoiceField:
    """A 903 code list as "C1: Interim care order" choices, read when the form is used (never at
    import: migrate needs no database)."""
    return forms.ChoiceField(
        label=label,
        choices=LabelledChoices(key, blank=blank, exclude=exclude),
        required=required,
        help_text=help_text,
    )


def _date(label: str, name: str) -> GovukDateField:
    return GovukDateField(
        label=label, past=True, allow_today=True, help_text="For example, 27 3 2026", name_in_errors=name
    )


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        help_text=help_text,
        widget=forms.RadioSelect,
    )


class HouseholdField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.reference})"


def _household() -> HouseholdField:
    return HouseholdField(
        label="Carer household (optional)",
        queryset=CarerHousehold.objects.none(),
        required=False,
        empty_label="Not one of our households",
        help_text="Choose an approved household, or leave this and give the carer or provider's name.",
    )


class ServiceErrorsForm(forms.Form):
    """Puts a service's ValidationError at the fields it names, and shows a conflict (R49)."""

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields and key != "version" else None, messages)

    def show_conflict(self, error: ConflictError, message: str) -> None:
        data = cast(Any, self.data).copy()
        data[self.add_prefix("version")] = str(error.current_version)
        self.data = data
        self.add_error(None, message)


class _PlacementFields(ServiceErrorsForm):
    placement_type = _code("Placement type", PLACEMENT_TYPE_LIST)
    provider = _code(
        "Placement provider",
        PROVIDER_LIST,
        required=False,
        blank="None (temporary or other placement)",
        help_text="Not needed for a temporary (T0 to T4) or other (Z) placement.",
    )
    urn = forms.CharField(label="Ofsted URN (optional)", max_length=8, required=False)
    placement_postcode = forms.CharField(label="Placement postcode (optional)", max_length=8, required=False)
    household = _household()
    carer_name = forms.CharField(label="Carer or provider name (optional)", max_length=120, required=False)
    intended_until_18 = _yes_no(
        "Is this agreed as the child's home until they are 18?",
        "This sets how often the child must be visited.",
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the households this user may see (a carer's restricted record hides the household,
        # R19/R22); without an actor, none.
        approved = CarerHousehold.objects.filter(status=ApprovalStatus.APPROVED).order_by("name")
        cast(HouseholdField, self.fields["household"]).queryset = (
            household_policy.scope(actor, approved, "view") if actor is not None else approved.none()
        )


class PeriodStartForm(_PlacementFields):
    started_on = _date("Date the child became looked after", "the date the child became looked after")
    legal_status = _code("Legal status", LEGAL_STATUS_LIST)
    need_code = _code("Category of need", NEED_LIST)
    home_postcode = forms.CharField(label="Home postcode (optional)", max_length=8, required=False)

    field_order = ["started_on", "legal_status", "need_code", "home_postcode", "placement_type"]


class LegalStatusChangeForm(ServiceErrorsForm):
    changed_on = _date("Date the legal status changed", "the date the legal status changed")
    legal_status = _code("New legal status", LEGAL_STATUS_LIST)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementChangeForm(_PlacementFields):
    changed_on = _date("Date the child moved", "the date the child moved")
    reason = _code(
        "Why did the last placement end?",
        PLACEMENT_CHANGE_REASON_LIST,
        required=False,
        help_text="Not needed when the child moves from or into a temporary placement (T0 to T4).",
    )
    same_carers = _yes_no(
        "Is the child staying with the same carers?",
        "Worked out for you when both placements are with one of our households.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["changed_on", "reason", "placement_type"]


class PlacementCorrectForm(ServiceErrorsForm):
    provider = _code(
        "Placement provider", PROVIDER_LIST, required=False, blank="None (temporary or other placement)"
    )
    urn = forms.CharField(label="Ofsted URN (optional)", max_length=8, required=False)
    placement_postcode = forms.CharField(label="Placement postcode (optional)", max_length=8, required=False)
    carer_name = forms.CharField(label="Carer or provider name (optional)", max_length=120, required=False)
    intended_until_18 = _yes_no("Is this agreed as the child's home until they are 18?")
    version = forms.IntegerField(widget=forms.HiddenInput)


class PeriodEndForm(ServiceErrorsForm):
    ended_on = _date("Date the child stopped being looked after", "the date care ended")
    reason = _code("Why did care end?", CEASED_REASON_LIST, exclude=frozenset({CHAIN_REASON}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class IroField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class IroAssignForm(ServiceErrorsForm):
    iro = IroField(
        label="Independent reviewing officer",
        queryset=User.objects.none(),
        empty_label="Choose",
        error_messages={"required": "Choose the independent reviewing officer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IroField, self.fields["iro"]).queryset = User.objects.filter(
            is_active=True, role=Role.IRO
        ).order_by("full_name")
