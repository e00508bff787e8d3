"""Forms for the action plan pages (issue 10, item 3): the list's filters, adding an action, a
progress update, evidence, completion and sign-off.

The services judge what is valid (an owner, a due date, evidence before sign-off); a form parses
what was typed, and its fields carry the services' keyword names so that a service's
`ValidationError` lands at the field it names (`add_service_errors`). Fields the services insist
on are optional here for that reason: the message a user sees is the service's, at the field.
"""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from safehub.casework.documents.inspect import ACCEPT_ATTRIBUTE, ALLOWED_TYPES_TEXT, describe_size, max_bytes
from safehub.platform.forms import GovukDateField, VersionedForm

from ..constants import ActionStatus, Rag

HINT = "For example, 27 3 2026"


def _choices(field: forms.Field) -> forms.ChoiceField:
    return cast(forms.ChoiceField, field)


def _text_area(label: str, *, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _done_date(label: str, name: str) -> GovukDateField:
    """A date something was done: today or before."""
    return GovukDateField(label=label, name_in_errors=name, past=True, allow_today=True, help_text=HINT)


class ActionFilterForm(forms.Form):
    """GET filters for the list and its CSV."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ActionStatus.choices]
    )
    agency = forms.ChoiceField(label="Owning agency", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    mine = forms.BooleanField(label="My agency's actions only", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agencies: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._agencies = {str(a.pk): a for a in agencies}
        _choices(self.fields["agency"]).choices = [
            ("", "Any agency"),
            *((k, a.name) for k, a in self._agencies.items()),
        ]

    def filters(self) -> dict[str, Any]:
        """What to filter on; a filter that does not parse is ignored rather than refused."""
        data: dict[str, Any] = self.cleaned_data if self.is_bound and self.is_valid() else {}
        agency = self._agencies.get(data.get("agency") or "")
        return {
            "status": data.get("status") or "",
            "agency": agency,
            "overdue": bool(data.get("overdue")),
            "mine": bool(data.get("mine")),
            "page": data.get("page") or 1,
        }


class ActionAddForm(forms.Form):
    description = _text_area("What will be done", rows=4)
    agency = forms.ChoiceField(label="Owning agency", required=False)
    owner_name = forms.CharField(
        label="Named officer",
        required=False,
        max_length=200,
        help_text="The person in that agency who answers for the action",
    )
    owner = forms.ChoiceField(
        label="Officer's Safehub account (optional)",
        required=False,
        help_text="Choose their account if they have one, so they can update the action themselves",
    )
    due_on = GovukDateField(label="Due date", name_in_errors="the due date", required=False, help_text=HINT)

    def __init__(self, *args: Any, agencies: Iterable[Any], officers: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._agencies = {str(a.pk): a for a in agencies}
        self._officers = {str(u.pk): u for u in officers}
        _choices(self.fields["agency"]).choices = [
            ("", "Choose an agency"),
            *((k, a.name) for k, a in self._agencies.items()),
        ]
        _choices(self.fields["owner"]).choices = [
            ("", "No account"),
            *((k, f"{u.full_name or u.email}, {u.agency or 'no agency'}") for k, u in self._officers.items()),
        ]

    def clean_agency(self) -> Any:
        return self._agencies.get(self.cleaned_data["agency"] or "")

    def clean_owner(self) -> Any:
        return self._officers.get(self.cleaned_data["owner"] or "")


class UpdateForm(forms.Form):
    text = _text_area("Progress since the last update", rows=5)
    rag = forms.ChoiceField(
        label="How is the action going?",
        required=False,
        choices=Rag.choices,
        widget=forms.RadioSelect,
    )
    written_on = _done_date("Date of the update", "the date of the update")


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text='What the evidence is, for example "Revised health visiting procedure".',
        error_messages={
            "required": "Enter a title for the evidence",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    # Empty files pass the form so that the service gives its own message at the field.
    file = forms.FileField(
        label="Upload a file",
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={
            "required": "Select a file to upload",
            "missing": "Select a file to upload",
            "invalid": "Select a file to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A {ALLOWED_TYPES_TEXT} file, smaller than {describe_size(max_bytes())}. It can be downloaded, "
            "and counts towards sign-off, once the virus scan has passed."
        )


class CompleteForm(VersionedForm):
    completed_on = _done_date("Date the action was completed", "the date the action was completed")
    summary = _text_area(
        "What was done", help_text="The partnership reads this before signing the action off"
    )


class SignOffForm(VersionedForm):
    signed_off_on = _done_date("Date of sign-off", "the date of sign-off")
    # Never typed: the page shows the action's evidence here, and the service's refusal to sign
    # off without CLEAN evidence ("evidence") lands here, so the error summary links to that list.
    evidence = forms.CharField(label="Evidence", required=False, widget=forms.TextInput)
