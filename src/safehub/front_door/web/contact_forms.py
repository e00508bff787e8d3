"""Forms for the MASH staff pages: recording a contact, adding a person, rating, clocks, filters.

The contact form is one Django form (not a form plus formsets) so the project's error summary
lists every problem, each linking to its field. The service is the judge of what makes a valid
contact; the form only parses what was typed and puts the service's errors back at the fields.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from nhs_number import is_valid as nhs_number_is_valid

from safehub.accounts.models import Agency
from safehub.platform import clock
from safehub.platform.forms import GovukDateField
from safehub.reference_data.selectors import code_choices

from ..constants import (
    ADULT_ROLES,
    CHILD_ROLES,
    OPEN_STATUSES,
    REFERRAL_SOURCE_LIST,
    Channel,
    ClockUnit,
    ConcernCategory,
    ConsentStatus,
    LawfulBasis,
    Rag,
    SubjectRole,
)

CHILD_ROWS = 4
ADULT_ROWS = 4
SUBJECT_TEXT_FIELDS = ("given_name", "family_name", "postcode", "address_line", "nhs_number")
SEX_CHOICES = [("U", "Not known"), ("F", "Female"), ("M", "Male")]
# Staff record what arrives by phone, email and so on; portal and partner-system contacts
# arrive through their own routes.
STAFF_CHANNELS = [
    (c.value, c.label)
    for c in Channel
    if c not in (Channel.PORTAL, Channel.API, Channel.IMPORTED, Channel.EARLY_HELP)
]
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _text(label: str, *, required: bool = False, max_length: int = 200, width: str = "") -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false"}
    if width:
        attrs["class"] = width
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=attrs)
    )


def _area(label: str, *, required: bool = False, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=10000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NHSNumberField(forms.CharField):
    """Ten digits, spaces allowed as printed on NHS letters, with the check digit verified."""

    default_error_messages = {"invalid": "Enter a valid NHS number"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "NHS number")
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
            raise ValidationError(self.error_messages["invalid"], code="invalid")


def _subject_fields(prefix: str, roles: tuple[str, ...], number: int) -> dict[str, forms.Field]:
    kind = "child" if prefix.startswith("child") else "adult"
    fields: dict[str, forms.Field] = {
        f"{prefix}-role": forms.ChoiceField(
            label="Role", choices=[(r, SubjectRole(r).label) for r in roles], initial=roles[0]
        ),
        f"{prefix}-given_name": _text("Given name", max_length=100, width="govuk-!-width-one-half"),
        f"{prefix}-family_name": _text("Family name", max_length=100, width="govuk-!-width-one-half"),
        f"{prefix}-date_of_birth": GovukDateField(
            label="Date of birth",
            required=False,
            past=True,
            allow_today=True,
            name_in_errors=f"date of birth of {kind} {number}",
            help_text="For example, 27 3 2015",
        ),
    }
    if kind == "child":
        fields[f"{prefix}-expected_date_of_birth"] = GovukDateField(
            label="Expected date of birth",
            required=False,
            name_in_errors=f"expected date of birth of child {number}",
            help_text="Only for an unborn child",
        )
    fields |= {
        f"{prefix}-sex": forms.ChoiceField(label="Sex", choices=SEX_CHOICES, initial="U"),
        f"{prefix}-nhs_number": NHSNumberField(required=False),
        f"{prefix}-address_line": _text("Address", max_length=300),
        f"{prefix}-postcode": _text("Postcode", max_length=10, width="govuk-input--width-10"),
    }
    return fields


@dataclass(frozen=True)
class SubjectRow:
    prefix: str
    legend: str
    fields: list[BoundField]
    has_errors: bool


class ContactForm(forms.Form):
    """Record a contact (issue 4, item 1). Rows left blank are ignored."""

    received_date = GovukDateField(
        label="Date received", past=True, allow_today=True, help_text="For example, 27 3 2026"
    )
    received_time = forms.CharField(
        label="Time received",
        max_length=5,
        help_text="24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    channel = forms.ChoiceField(label="How did it arrive?", choices=STAFF_CHANNELS, widget=forms.RadioSelect)

    referrer_name = _text("Referrer's name")
    referrer_agency = forms.ModelChoiceField(
        label="Referrer's agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Not one of these",
    )
    referrer_organisation = _text("Referrer's organisation, if not listed")
    referrer_role = _text("Referrer's role")
    referrer_phone = _text("Referrer's phone number", max_length=40, width="govuk-input--width-20")
    referrer_email = forms.EmailField(label="Referrer's email address", required=False, max_length=254)
    referrer_identity_withheld = forms.BooleanField(
        label="The referrer's identity must not be shared with the family", required=False
    )
    referral_source = forms.ChoiceField(label="Referral source (CIN census)", choices=())

    concerns = forms.MultipleChoiceField(
        label="Concerns", choices=ConcernCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = _area(
        "What is the concern?", required=True, rows=6, help_text="In the referrer's words where possible"
    )

    consent = forms.ChoiceField(
        label="Consent from the family", choices=ConsentStatus.choices, widget=forms.RadioSelect
    )
    consent_reason = _area(
        "Reason for consent being refused or not sought",
        help_text="Needed when consent was refused or not sought",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for processing",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        initial=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
    )
    child_not_identified = forms.BooleanField(label="No child can be named yet", required=False)
    child_not_identified_reason = _area(
        "If no child can be named yet, why not?",
        help_text="Only for a contact where the child is not yet identified",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = cast(forms.ModelChoiceField, self.fields["referrer_agency"])  # type: ignore[type-arg]
        agency.queryset = Agency.objects.filter(is_active=True).order_by("name")
        source = cast(forms.ChoiceField, self.fields["referral_source"])
        source.choices = [("", "Select a referral source"), *code_choices(REFERRAL_SOURCE_LIST)]
        self.row_prefixes: list[tuple[str, str]] = []
        for n in range(CHILD_ROWS):
            self.fields.update(_subject_fields(f"child-{n}", tuple(CHILD_ROLES), n + 1))
            self.row_prefixes.append((f"child-{n}", f"Child {n + 1}"))
        for n in range(ADULT_ROWS):
            self.fields.update(_subject_fields(f"adult-{n}", tuple(ADULT_ROLES), n + 1))
            self.row_prefixes.append((f"adult-{n}", f"Adult {n + 1}"))
        # The subject each service error index refers to, filled by `subjects()`.
        self.subject_prefixes: list[str] = []

    @classmethod
    def initial_now(cls) -> dict[str, Any]:
        now = timezone.localtime(clock.now())
        return {"received_date": now.date(), "received_time": f"{now:%H:%M}"}

    def _rows(self, kind: str) -> list[SubjectRow]:
        rows = []
        for prefix, legend in self.row_prefixes:
            if not prefix.startswith(kind):
                continue
            bound = [self[name] for name in self.fields if name.startswith(f"{prefix}-")]
            rows.append(SubjectRow(prefix, legend, bound, any(b.errors for b in bound)))
        return rows

    @property
    def child_rows(self) -> list[SubjectRow]:
        return self._rows("child")

    @property
    def adult_rows(self) -> list[SubjectRow]:
        return self._rows("adult")

    def clean_received_time(self) -> str:
        value = self.cleaned_data.get("received_time") or ""
        match = _TIME.match(value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Enter a real time, for example 14:30", code="invalid")
        return f"{int(match[1]):02d}:{match[2]}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        received = self.received_at()
        if received is not None and received > clock.now():
            self.add_error("received_time", "The time received must be now or in the past")
        reason = (data.get("child_not_identified_reason") or "").strip()
        if data.get("child_not_identified") and not reason:
            self.add_error("child_not_identified_reason", "Say why no child can be named yet")
        elif reason and not data.get("child_not_identified"):
            self.add_error(
                "child_not_identified", "Tick this if no child can be named yet, or clear the reason below"
            )
        return data

    def received_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("received_date")
        time = self.cleaned_data.get("received_time")
        if not day or not time:
            return None
        naive = datetime.datetime.combine(day, datetime.time.fromisoformat(time))
        return timezone.make_aware(naive)

    def _row_filled(self, prefix: str) -> bool:
        data = self.cleaned_data
        texts = any((data.get(f"{prefix}-{name}") or "").strip() for name in SUBJECT_TEXT_FIELDS)
        dates = data.get(f"{prefix}-date_of_birth") or data.get(f"{prefix}-expected_date_of_birth")
        unborn = data.get(f"{prefix}-role") == SubjectRole.UNBORN_CHILD
        # An unborn child may be recorded with nothing but the role and an expected date.
        return bool(texts or dates or (unborn and data.get(f"{prefix}-expected_date_of_birth")))

    def subjects(self) -> list[tuple[str, dict[str, str]]]:
        """(role, details) for each filled row, in order; remembers each row's prefix."""
        self.subject_prefixes = []
        found = []
        for prefix, _legend in self.row_prefixes:
            if not self._row_filled(prefix):
                continue
            data = self.cleaned_data
            details = {
                name: (data.get(f"{prefix}-{name}") or "").strip()
                for name in ("given_name", "family_name", "postcode", "address_line", "nhs_number", "sex")
            }
            for name in ("date_of_birth", "expected_date_of_birth"):
                value = data.get(f"{prefix}-{name}")
                details[name] = value.isoformat() if value else ""
            found.append((str(data[f"{prefix}-role"]), details))
            self.subject_prefixes.append(prefix)
        return found

    def concerns_list(self) -> list[str]:
        return [str(c) for c in self.cleaned_data.get("concerns") or []]

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors at the fields they are about (see module docstring)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            self.add_error(self._field_for(key), messages)

    def _field_for(self, key: str) -> str | None:
        if key in self.fields:
            return key
        if key == "received_at":
            return "received_time"
        if f"referrer_{key}" in self.fields:
            return f"referrer_{key}"
        if key.startswith("referrer.") and f"referrer_{key[9:]}" in self.fields:
            return f"referrer_{key[9:]}"
        if key in ("subjects", "children", "child_not_identified"):
            return "child-0-given_name"
        match = re.match(r"^subjects-(\d+)-(\w+)$", key)
        if match and int(match[1]) < len(self.subject_prefixes):
            prefix = self.subject_prefixes[int(match[1])]
            name = f"{prefix}-{match[2]}"
            return name if name in self.fields else f"{prefix}-given_name"
        return None


class SubjectAddForm(forms.Form):
    """Add a person to a contact: one row, any role."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_subject_fields("subject", tuple(SubjectRole.values), 1))
        self.fields["subject-role"].widget = forms.RadioSelect(choices=self.fields["subject-role"].choices)  # type: ignore[attr-defined]
        self.fields["subject-expected_date_of_birth"] = GovukDateField(
            label="Expected date of birth", required=False, help_text="Only for an unborn child"
        )

    def role(self) -> str:
        return str(self.cleaned_data["subject-role"])

    def details(self) -> dict[str, str]:
        data = self.cleaned_data
        details = {
            name: (data.get(f"subject-{name}") or "").strip()
            for name in ("given_name", "family_name", "postcode", "address_line", "nhs_number", "sex")
        }
        for name in ("date_of_birth", "expected_date_of_birth"):
            value = data.get(f"subject-{name}")
            details[name] = value.isoformat() if value else ""
        return details

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = re.sub(r"^subjects?-(\d+-)?", "", key)
            field = f"subject-{name}"
            self.add_error(field if field in self.fields else None, messages)


class RagForm(forms.Form):
    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect)
    reason = _area(
        "Reason for the rating",
        help_text="Needed when you change a rating: what has changed, and why",
        rows=4,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, clock_words: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clock_words:
            field = cast(forms.ChoiceField, self.fields["rag"])
            field.choices = [(v, f"{label}: screened within {clock_words[v]}") for v, label in Rag.choices]


class ClockSettingForm(forms.Form):
    amount = forms.IntegerField(
        label="How long",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    unit = forms.ChoiceField(label="Unit", choices=ClockUnit.choices, widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)


class QueueFilterForm(forms.Form):
    """GET filters: codes only, never personal data (R4)."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All open contacts"), *[(s.value, s.label) for s in OPEN_STATUSES]],
    )
    rag = forms.ChoiceField(
        label="RAG rating", required=False, choices=[("", "Any"), *Rag.choices, ("none", "Not rated")]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "rag": ""}
        return {"status": self.cleaned_data["status"], "rag": self.cleaned_data["rag"]}

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") or 1) if self.is_bound and self.is_valid() else 1
