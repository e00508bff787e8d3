"""Forms for the case list, the referral, the assessment, the strategy discussion and the s47 enquiry.

The services are the judge of what is valid (the CIN census rules at entry); a form parses what
was typed, and its fields carry the services' keyword names so a service's `ValidationError`
lands at the field it names. Code lists are read lazily (`code_choices`), labels and all.
"""

import re
import uuid
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.forms import formset_factory

from safehub.accounts.models import Agency
from safehub.platform.forms import GovukDateField

# The shared form helpers, re-exported for this app's views.
from safehub.platform.forms import VersionedForm as VersionedForm
from safehub.platform.forms import add_service_errors as add_service_errors
from safehub.platform.forms import show_conflict as show_conflict
from safehub.reference_data.selectors import code_choices

from ..constants import (
    CLOSURE_REASON_LIST,
    FACTOR_LIST,
    PRIMARY_NEED_LIST,
    REFERRAL_SOURCE_LIST,
    RETIRED_FACTORS,
    AssessmentOutcome,
    Section47Outcome,
    Stage,
    StrategyDecision,
)

ATTENDEE_ROWS = 6
OTHER_AGENCY = "other"
_FACTOR_GROUP = re.compile(r"^(\d+)")


def _date(
    label: str, name: str, *, required: bool = True, hint: str = "For example, 27 3 2026"
) -> GovukDateField:
    return GovukDateField(
        label=label, name_in_errors=name, required=required, past=True, allow_today=True, help_text=hint
    )


def _area(label: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- case list ---------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """GET filters: codes only, never personal data in a URL (R4)."""

    stage = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "Any stage"), *[(s.value, s.label) for s in Stage if s != Stage.CLOSED]],
    )
    mine = forms.BooleanField(label="Only children allocated to me", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"stage": "", "mine": False, "page": 1}
        return {
            "stage": self.cleaned_data["stage"],
            "mine": bool(self.cleaned_data["mine"]),
            "page": self.cleaned_data.get("page") or 1,
        }


# --- referral ----------------------------------------------------------------------------------


def _source_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Referral source",
        help_text="Who made the referral, as the CIN census records it",
        choices=(),
        error_messages={"required": "Select who made the referral"},
    )


def _need_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Primary need (optional)",
        help_text="The main reason the child may need services; it can be added after the assessment",
        required=False,
        choices=(),
    )


class _ReferralFields(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = cast(forms.ChoiceField, self.fields["source"])
        source.choices = [("", "Select a referral source"), *code_choices(REFERRAL_SOURCE_LIST)]
        need = cast(forms.ChoiceField, self.fields["primary_need"])
        need.choices = [("", "Not known yet"), *code_choices(PRIMARY_NEED_LIST)]


class ReferralForm(_ReferralFields):
    """Record a referral directly for a child (one that did not come through the MASH)."""

    referral_date = _date("Date of the referral", "the date of the referral")
    source = _source_field()
    primary_need = _need_field()
    summary = _area(
        "Summary of the referral", help_text="What the referrer told us and what they are worried about"
    )


class ReferralEditForm(_ReferralFields, VersionedForm):
    source = _source_field()
    primary_need = _need_field()
    summary = _area("Summary of the referral")


class ReferralCloseForm(VersionedForm):
    closed_on = _date("Date the case closed", "the date the case closed")
    reason = forms.ChoiceField(
        label="Reason for closure",
        choices=(),
        error_messages={"required": "Select the reason for closure"},
    )
    nfa = forms.BooleanField(
        label="No further action on the referral",
        required=False,
        help_text=(
            "Only for a referral closed with nothing done on it: no assessment, enquiry, plan or visit "
            "(the CIN census ReferralNFA)"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = cast(forms.ChoiceField, self.fields["reason"])
        reason.choices = [("", "Select a reason"), *code_choices(CLOSURE_REASON_LIST)]


# --- assessment --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorGroup:
    legend: str
    options: list[dict[str, Any]]


class FactorsBoundField(forms.BoundField):
    @property
    def groups(self) -> list[FactorGroup]:
        return factor_groups(self)


class FactorsField(forms.MultipleChoiceField):
    """The assessment factors as checkboxes, grouped by theme (alcohol, drugs, abuse …)."""

    widget = forms.CheckboxSelectMultiple

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        return FactorsBoundField(form, self, field_name)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Factors identified at the end of the assessment")
        kwargs.setdefault(
            "help_text",
            "Select all that apply. Select 'No factors identified' only if none of the others apply.",
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("template_name", "child_protection/forms/factors.html")
        super().__init__(choices=(), **kwargs)


def factor_choices() -> list[tuple[str, str]]:
    """The factors in use, less the retired 18A and 19A (CIN census rules 8945Q, 8950Q)."""
    return [(code, label) for code, label in code_choices(FACTOR_LIST) if code not in RETIRED_FACTORS]


def factor_groups(field: forms.BoundField) -> list[FactorGroup]:
    """Options for the grouped checkboxes, grouped by the factor's number (1A-1C: alcohol misuse).

    The census label is "Theme: detail"; the theme becomes the group's legend and the detail the
    option. The first option carries the field's own id, so the error summary's link lands on it.
    """
    selected = {str(v) for v in (field.value() or [])}
    groups: dict[str, FactorGroup] = {}
    choices = list(cast(Any, field.field).choices)
    for index, (code, label) in enumerate(choices):
        text = str(label)
        theme, sep, detail = text.partition(": ")
        if not sep:
            theme, detail = text.split(" - ")[0], text
        match = _FACTOR_GROUP.match(str(code))
        group = groups.setdefault(match[1] if match else str(code), FactorGroup(theme, []))
        group.options.append(
            {
                "id": field.auto_id if index == 0 else f"{field.auto_id}-{index + 1}",
                "name": field.html_name,
                "value": str(code),
                "label": detail[:1].upper() + detail[1:],
                "checked": str(code) in selected,
            }
        )
    return list(groups.values())


class _FactorForm(VersionedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(FactorsField, self.fields["factors"]).choices = factor_choices()


class AssessmentStartForm(forms.Form):
    started_on = _date("Date the assessment started", "the date the assessment started")


class AssessmentEditForm(_FactorForm):
    child_seen_on = _date(
        "Date the child was seen",
        "the date the child was seen",
        required=False,
        hint="Leave blank if not yet",
    )
    factors = FactorsField()
    summary = _area("Assessment summary", rows=8)


class AssessmentCompleteForm(_FactorForm):
    completed_on = _date("Date the assessment was completed", "the date the assessment was completed")
    outcome = forms.ChoiceField(
        label="Recommended outcome",
        choices=AssessmentOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the assessment"},
    )
    child_seen_on = _date("Date the child was seen", "the date the child was seen", required=False)
    factors = FactorsField(
        help_text="Select all that apply, or 'No factors identified'. The census needs at least one."
    )
    summary = _area("Assessment summary", rows=8)


class AssessmentAuthoriseForm(VersionedForm):
    authorised_on = _date("Date authorised", "the date authorised")


class AssessmentReturnForm(VersionedForm):
    reason = _area(
        "What needs to change?",
        required=True,
        help_text="The worker sees this; the assessment goes back to them, open",
        rows=4,
    )


# --- strategy discussion and section 47 --------------------------------------------------------


class StrategyForm(forms.Form):
    held_on = _date("Date of the strategy discussion", "the date of the strategy discussion")
    decision = forms.ChoiceField(
        label="Decision",
        choices=StrategyDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision of the strategy discussion"},
    )
    rationale = _area(
        "Reasons for the decision",
        required=True,
        help_text="What the agencies knew and why they decided as they did",
        rows=6,
    )


class AttendeeForm(forms.Form):
    """One attendee row. A row left blank is ignored; a half-filled row is an error at its field."""

    name = forms.CharField(label="Name", required=False, max_length=200)
    agency = forms.ChoiceField(label="Agency", required=False, choices=())
    agency_name = forms.CharField(label="Agency, if not listed", required=False, max_length=200)
    role = forms.CharField(label="Role", required=False, max_length=200)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = cast(forms.ChoiceField, self.fields["agency"])
        agency.choices = [("", "Select an agency"), *(agencies or []), (OTHER_AGENCY, "Other (type below)")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        agency = data.get("agency") or ""
        other = (data.get("agency_name") or "").strip()
        if not (name or agency or other or (data.get("role") or "").strip()):
            return data
        if not name:
            self.add_error("name", "Enter the attendee's name")
        if not agency:
            self.add_error("agency", "Select the attendee's agency")
        elif agency == OTHER_AGENCY and not other:
            self.add_error("agency_name", "Enter the name of the attendee's agency")
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((str(data.get(k) or "")).strip() for k in ("name", "agency", "agency_name", "role"))


_BaseAttendeeFormSet = formset_factory(AttendeeForm, extra=ATTENDEE_ROWS, max_num=30, absolute_max=30)


class AttendeeFormSet(_BaseAttendeeFormSet):  # type: ignore[valid-type,misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.agencies = [
            (str(pk), name)
            for pk, name in Agency.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        ]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = dict(super().get_form_kwargs(index))
        kwargs["agencies"] = self.agencies
        return kwargs

    def attendee_rows(self) -> list[dict[str, Any]]:
        """The filled rows as (name, agency_name, role, agency_id) for the service."""
        names = dict(self.agencies)
        rows = []
        for form in self.forms:
            if not form.has_changed() or form.is_blank():
                continue
            data = form.cleaned_data
            agency = data.get("agency") or ""
            agency_id = uuid.UUID(agency) if agency and agency != OTHER_AGENCY else None
            rows.append(
                {
                    "name": data["name"].strip(),
                    "agency_name": names[agency] if agency_id is not None else data["agency_name"].strip(),
                    "role": (data.get("role") or "").strip(),
                    "agency_id": agency_id,
                }
            )
        return rows


class Section47CompleteForm(VersionedForm):
    completed_on = _date("Date the enquiry was completed", "the date the enquiry was completed")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Section47Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the enquiry"},
    )
    summary = _area("Summary of the enquiry's findings", rows=6)
