"""The multi-agency referral form of the professional portal (issue 4, item 2).

One Django form with a fixed number of optional rows for children and adults, rather than
formsets, so the GOV.UK error summary lists every error of the page and links to its field.
The form checks what it can say at the field; `contact_create` checks again, and its errors
(keyed "subjects-0-family_name" and so on) are put back at the row they came from.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.constants import AgencyKind
from safehub.platform.forms import GovukDateField

from ..constants import ADULT_ROLES, ConcernCategory, ConsentStatus, SubjectRole
from ..services.contact import ReferrerInput, SubjectInput

CHILD_ROWS = 4
ADULT_ROWS = 3
CHILD_PARTS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "unborn",
    "expected_date_of_birth",
    "sex",
    "nhs_number",
    "address_line",
    "postcode",
)
ADULT_PARTS = ("role", "given_name", "family_name", "date_of_birth", "address_line", "postcode")
# The parts that, filled in, mean the row describes someone (a sex on its own does not).
_DESCRIBING = ("given_name", "family_name", "date_of_birth", "expected_date_of_birth", "nhs_number")

# CIN census ReferralSource from the referrer's kind of agency (DfE CIN census guide, ReferralSource).
REFERRAL_SOURCE_BY_AGENCY_KIND: dict[str, str] = {
    AgencyKind.SCHOOL: "2A",
    AgencyKind.GP_PRACTICE: "3A",
    AgencyKind.HEALTH_TRUST: "3F",
    AgencyKind.POLICE: "6",
    AgencyKind.HOUSING: "4",
    AgencyKind.PROBATION: "7",
    AgencyKind.VOLUNTARY: "8",
}
OTHER_REFERRAL_SOURCE = "8"

YES_NO = [("yes", "Yes"), ("no", "No")]
SEX_CHOICES = [("F", "Female"), ("M", "Male"), ("U", "Not known")]
ADULT_ROLE_CHOICES = [("", "Choose their part")] + [(r.value, r.label) for r in ADULT_ROLES]


def referral_source_for(agency: Any) -> str:
    kind = str(getattr(agency, "kind", ""))
    return REFERRAL_SOURCE_BY_AGENCY_KIND.get(kind, OTHER_REFERRAL_SOURCE)


def _text(label: str, *, max_length: int = 100, width: str = "govuk-!-width-two-thirds", **kw: Any) -> Any:
    attrs = {"class": width, "spellcheck": "false", **kw.pop("attrs", {})}
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=attrs), **kw
    )


def _area(label: str, *, rows: int = 4, required: bool = False, **kw: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kw)


def _child_fields(n: int) -> dict[str, forms.Field]:
    p, who = f"child_{n}", f"child {n + 1}"
    return {
        f"{p}_given_name": _text("Given name", attrs={"autocomplete": "off"}),
        f"{p}_family_name": _text("Family name", attrs={"autocomplete": "off"}),
        f"{p}_date_of_birth": GovukDateField(
            label="Date of birth",
            required=False,
            past=True,
            allow_today=True,
            name_in_errors=f"the date of birth of {who}",
            help_text="For example, 27 3 2015. Leave blank for an unborn child",
        ),
        f"{p}_unborn": forms.BooleanField(label="This child is not born yet", required=False),
        f"{p}_expected_date_of_birth": GovukDateField(
            label="Expected date of birth (unborn child)",
            required=False,
            future=True,
            name_in_errors=f"the expected date of birth of {who}",
            help_text="For example, 14 9 2026",
        ),
        f"{p}_sex": forms.ChoiceField(
            label="Sex", choices=SEX_CHOICES, required=False, widget=forms.RadioSelect
        ),
        f"{p}_nhs_number": _text(
            "NHS number (optional)",
            max_length=12,
            width="govuk-input--width-10",
            attrs={"inputmode": "numeric"},
        ),
        f"{p}_address_line": _text("Address", max_length=300, width="govuk-!-width-full"),
        f"{p}_postcode": _text("Postcode", max_length=10, width="govuk-input--width-10"),
    }


def _adult_fields(n: int) -> dict[str, forms.Field]:
    p, who = f"adult_{n}", f"adult {n + 1}"
    return {
        f"{p}_role": forms.ChoiceField(
            label="Their part in the child's life", choices=ADULT_ROLE_CHOICES, required=False
        ),
        f"{p}_given_name": _text("Given name", attrs={"autocomplete": "off"}),
        f"{p}_family_name": _text("Family name", attrs={"autocomplete": "off"}),
        f"{p}_date_of_birth": GovukDateField(
            label="Date of birth (optional)",
            required=False,
            past=True,
            name_in_errors=f"the date of birth of {who}",
            help_text="For example, 5 11 1988",
        ),
        f"{p}_address_line": _text("Address (optional)", max_length=300, width="govuk-!-width-full"),
        f"{p}_postcode": _text("Postcode (optional)", max_length=10, width="govuk-input--width-10"),
    }


class ReferralForm(forms.Form):
    referrer_name = forms.CharField(label="Your name", max_length=200)
    referrer_role = forms.CharField(
        label="Your job title or role",
        max_length=200,
        help_text="For example, designated safeguarding lead",
    )
    referrer_phone = forms.CharField(
        label="Phone number",
        max_length=40,
        help_text="So the MASH can call you back today",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "autocomplete": "tel", "type": "tel"}
        ),
    )
    referrer_email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send the outcome of your referral to this address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    identity_withheld = forms.ChoiceField(
        label="Must your identity be kept from the family?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Choose yes if telling the family who made the referral could put you or the child at risk",
        error_messages={"required": "Say whether your identity must be kept from the family"},
    )
    child_not_identified = forms.BooleanField(
        label="I cannot name the child yet",
        required=False,
        help_text="For example, you know of a child at an address but not their name",
    )
    child_not_identified_reason = _area(
        "Why can the child not be named yet, and what do you know about them?", rows=3
    )
    concerns = forms.MultipleChoiceField(
        label="What are you worried about?",
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Choose at least one category of concern"},
    )
    summary = _area(
        "Describe your concern",
        rows=8,
        required=True,
        max_length=20_000,
        help_text="What happened, when, what the child said (in their words), and what you have done",
        error_messages={"required": "Describe your concern"},
    )
    consent = forms.ChoiceField(
        label="Have you asked the family for consent to this referral?",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you asked the family for consent"},
    )
    consent_reason = _area(
        "If consent was refused or not sought, say why",
        rows=3,
        help_text="For example, asking would put the child at greater risk",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(CHILD_ROWS):
            self.fields.update(_child_fields(n))
        for n in range(ADULT_ROWS):
            self.fields.update(_adult_fields(n))

    # --- layout helpers for the template ----------------------------------------------------------
    def child_rows(self) -> list[dict[str, Any]]:
        return [self._row(f"child_{n}", n, CHILD_PARTS, "Child") for n in range(CHILD_ROWS)]

    def adult_rows(self) -> list[dict[str, Any]]:
        return [self._row(f"adult_{n}", n, ADULT_PARTS, "Adult") for n in range(ADULT_ROWS)]

    def _row(self, prefix: str, n: int, parts: tuple[str, ...], noun: str) -> dict[str, Any]:
        fields = [self[f"{prefix}_{part}"] for part in parts]
        used = any(f.errors for f in fields) or (
            self.is_bound
            and any(str(f.value() or "").strip() for f in fields if f.name.endswith(_DESCRIBING))
        )
        return {"number": n + 1, "legend": f"{noun} {n + 1}", "fields": fields, "open": n == 0 or used}

    # --- checks -----------------------------------------------------------------------------------
    def _filled(self, prefix: str) -> bool:
        data = self.cleaned_data
        return any(data.get(f"{prefix}_{part}") for part in _DESCRIBING)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        children = [n for n in range(CHILD_ROWS) if self._filled(f"child_{n}")]
        for n in range(CHILD_ROWS):
            p = f"child_{n}"
            if data.get(f"{p}_unborn"):
                if data.get(f"{p}_date_of_birth"):
                    self.add_error(f"{p}_date_of_birth", "An unborn child has no date of birth yet")
                if not data.get(f"{p}_expected_date_of_birth"):
                    self.add_error(f"{p}_expected_date_of_birth", "Enter the expected date of birth")
        if data.get("child_not_identified"):
            if not str(data.get("child_not_identified_reason") or "").strip():
                self.add_error("child_not_identified_reason", "Say why the child cannot be named yet")
        elif not children:
            self.add_error(
                "child_0_family_name",
                "Tell us about at least one child, or say that you cannot name the child yet",
            )
        for n in range(ADULT_ROWS):
            p = f"adult_{n}"
            if self._filled(p) and not data.get(f"{p}_role"):
                self.add_error(f"{p}_role", f"Choose the part adult {n + 1} plays in the child's life")
        return data

    # --- what the service needs -------------------------------------------------------------------
    def subjects(self) -> list[tuple[str, SubjectInput]]:
        """(row prefix, subject) for every row that describes someone, in page order."""
        data = self.cleaned_data
        found: list[tuple[str, SubjectInput]] = []
        for n in range(CHILD_ROWS):
            p = f"child_{n}"
            if not self._filled(p):
                continue
            role = SubjectRole.UNBORN_CHILD if data.get(f"{p}_unborn") else SubjectRole.CHILD
            found.append((p, SubjectInput(role=role, details=self._details(p, CHILD_PARTS))))
        for n in range(ADULT_ROWS):
            p = f"adult_{n}"
            if not self._filled(p):
                continue
            role = data[f"{p}_role"]
            found.append((p, SubjectInput(role=role, details=self._details(p, ADULT_PARTS))))
        return found

    def _details(self, prefix: str, parts: tuple[str, ...]) -> dict[str, str]:
        details: dict[str, str] = {}
        for part in parts:
            if part in ("unborn", "role"):
                continue
            value = self.cleaned_data.get(f"{prefix}_{part}")
            if value:
                details[part] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        return details

    def referrer(self, agency: Any) -> ReferrerInput:
        data = self.cleaned_data
        return ReferrerInput(
            name=data["referrer_name"],
            agency=agency,
            role=data["referrer_role"],
            phone=data["referrer_phone"],
            email=data["referrer_email"],
            identity_withheld=data["identity_withheld"] == "yes",
        )

    def apply_service_errors(self, error: ValidationError, rows: list[str]) -> None:
        """Put `contact_create`'s errors at the fields: "subjects-1-postcode" goes to the second
        described row's postcode, whatever row number it had on the page."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            self.add_error(self._field_for(key, rows), messages)

    def _field_for(self, key: str, rows: list[str]) -> str | None:
        if key in self.fields:
            return key
        if key == "subjects":
            return "child_0_family_name"
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "subjects" and parts[1].isdigit():
            index, part = int(parts[1]), parts[2]
            if index < len(rows):
                prefix = rows[index]
                for name in (f"{prefix}_{part}", f"{prefix}_family_name"):
                    if name in self.fields:
                        return name
        return None
