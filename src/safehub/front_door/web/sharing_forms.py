"""Forms for the MASH's side of information sharing: requests, withdrawals, sharing decisions."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.models import Agency

from ..constants import LawfulBasis
from ..selectors.requests import SubjectChoice
from ..selectors.responses import ResponseView
from ..services.requests import QUESTION_MAX_LENGTH
from ..services.sharing import CONTACT_ITEMS, PURPOSE_MAX_LENGTH


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's errors at the field they are about, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, messages)


class AgencyChoiceField(forms.ChoiceField):
    """A choice among agencies a selector listed; cleans to the Agency itself."""

    def __init__(self, agencies: list[Agency], **kwargs: Any) -> None:
        self.agencies = {str(a.pk): a for a in agencies}
        super().__init__(choices=[(pk, a.name) for pk, a in self.agencies.items()], **kwargs)

    def clean(self, value: Any) -> Agency | None:
        key = super().clean(value)
        return self.agencies.get(key) if key else None


class InformationRequestForm(forms.Form):
    """The agency is told about the people ticked (the children, unless the MASH says otherwise)
    and sees their addresses only if the MASH includes them (R34: minimum necessary)."""

    question = forms.CharField(
        label="What do you need to know?",
        max_length=QUESTION_MAX_LENGTH,
        help_text="Ask only what you need for this contact. The agency sees your question and the "
        "people you choose below, and nothing else of the contact.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what you need to know from the agency"},
    )
    subjects = forms.MultipleChoiceField(
        label="Who should the agency search for?",
        required=False,
        help_text="The agency sees each person's name and date of birth as recorded in the contact, "
        "and whether they are a child or an adult.",
        widget=forms.CheckboxSelectMultiple,
    )
    include_addresses = forms.BooleanField(
        label="Include their addresses",
        required=False,
        help_text="Only if the agency needs the address to search, for example police call-outs.",
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], people: list[SubjectChoice], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = AgencyChoiceField(
            agencies,
            label="Partner agency",
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select a partner agency",
                "invalid_choice": "Select a partner agency",
            },
        )
        subjects = cast(forms.MultipleChoiceField, self.fields["subjects"])
        subjects.choices = [(str(p.id), p.label) for p in people]
        subjects.error_messages["invalid_choice"] = "Select people from this contact"
        subjects.initial = [str(p.id) for p in people if p.is_child]
        if not people:
            del self.fields["subjects"]
        self.order_fields(["agency", "question", "subjects", "include_addresses"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "subjects" in self.fields and "subjects" in data and not data["subjects"]:
            self.add_error("subjects", "Select at least one person the agency should search for")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "agency": data["agency"],
            "question": data["question"],
            # No people in the contact: nothing to choose, and the service's default finds none.
            "subject_ids": data["subjects"] if "subjects" in self.fields else None,
            "include_addresses": bool(data.get("include_addresses")),
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the request being withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is being withdrawn"},
    )


SHARE_CHOICES = [("yes", "Share"), ("no", "Do not share")]


class SharingDecisionForm(forms.Form):
    """R33: basis, purpose, recipient and items are all asked for, whether sharing or not."""

    # The service's names for the form's fields where they differ.
    ALIASES = {"fields": "items"}

    share = forms.ChoiceField(
        label="Decision",
        choices=SHARE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are sharing"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis"},
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=PURPOSE_MAX_LENGTH,
        help_text="Why sharing (or not sharing) is necessary and proportionate for this child.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the purpose of sharing (or of not sharing)"},
    )
    recipient_agency = forms.ChoiceField(label="Recipient agency", required=False)
    recipient_description = forms.CharField(
        label="Recipient within the agency",
        required=False,
        max_length=200,
        help_text="The person or service, for example 'DS Patel, Public Protection Unit'.",
    )
    responses = forms.MultipleChoiceField(
        label="Partner answers covered", required=False, widget=forms.CheckboxSelectMultiple
    )
    items = forms.MultipleChoiceField(
        label="Items of the contact covered",
        required=False,
        choices=list(CONTACT_ITEMS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], responses: list[ResponseView], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        recipient = AgencyChoiceField(
            agencies,
            label="Recipient agency",
            required=False,
            error_messages={"invalid_choice": "Select the agency from the list"},
        )
        recipient.choices = [("", "Select an agency")] + [(str(a.pk), a.name) for a in agencies]
        self.fields["recipient_agency"] = recipient
        answers = cast(forms.MultipleChoiceField, self.fields["responses"])
        answers.choices = [(str(r.id), _response_label(r)) for r in responses]
        if not responses:
            # No answers yet: a fieldset with no boxes would only confuse (and break the error link).
            del self.fields["responses"]
        self.order_fields(
            [
                "share",
                "lawful_basis",
                "purpose",
                "recipient_agency",
                "recipient_description",
                "responses",
                "items",
            ]
        )

    def clean(self) -> dict[str, Any]:
        # The service checks these too; asking here reports them with the other missing answers.
        data = super().clean() or {}
        if (
            "recipient_agency" in data
            and not data.get("recipient_agency")
            and not data.get("recipient_description")
        ):
            self.add_error("recipient_agency", "Select the agency, or describe the recipient")
        if not data.get("responses") and not data.get("items"):
            target = "responses" if "responses" in self.fields else "items"
            self.add_error(target, "Select at least one item the decision covers")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "share": data["share"] == "yes",
            "lawful_basis": data["lawful_basis"],
            "purpose": data["purpose"],
            "recipient_agency": data.get("recipient_agency"),
            "recipient_description": data.get("recipient_description", ""),
            "responses": data.get("responses") or [],
            "fields": data.get("items") or [],
        }


def _response_label(view: ResponseView) -> str:
    if not view.visible:
        return f"{view.agency_name}: {view.marker}"
    detail = f" ({view.sensitivity_label})" if view.sensitivity_label else ""
    return f"{view.agency_name}: {view.kind_label}{detail}"
