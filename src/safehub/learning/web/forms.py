"""Forms for the learning pages: incidents, reviews and their parts, agency returns.

The services judge what is valid; a form parses what was typed, and its fields carry the
services' keyword names so that a service's `ValidationError` lands at the field it names
(`add_service_errors`). Choices that belong to one review (its findings) are passed in by the view
from the review it already read through the policy.
"""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.models import Agency, User
from safehub.platform.forms import GovukDateField

# The shared form helpers, re-exported for this app's views.
from safehub.platform.forms import VersionedForm as VersionedForm
from safehub.platform.forms import add_service_errors as add_service_errors
from safehub.platform.forms import show_conflict as show_conflict

from ..constants import IncidentKind, RapidReviewDecision, ReviewerRole, ReviewKind, ReviewStatus
from ..selectors.reviews import RECORDABLE_KINDS

HINT = "For example, 27 3 2026"


def past_date(label: str, name: str, *, required: bool = True) -> GovukDateField:
    return GovukDateField(
        label=label, name_in_errors=name, required=required, past=True, allow_today=True, help_text=HINT
    )


def any_date(label: str, name: str, *, required: bool = True, hint: str = HINT) -> GovukDateField:
    """A date that may be ahead (a due date): the service judges it against the review."""
    return GovukDateField(label=label, name_in_errors=name, required=required, help_text=hint)


def text_area(label: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    # Not required by the form: the service refuses empty text with its own reason, at the field.
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def choices_of(field: forms.Field) -> forms.ChoiceField:
    return cast(forms.ChoiceField, field)


def radios(label: str, choices: Any, required_message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class ObjectChoicesMixin(forms.Form):
    """Choice fields over records the view passes in: the value is the id, the cleaned value the
    record itself (a list of them for a multiple choice)."""

    def set_objects(
        self, name: str, objects: Iterable[Any], label: Any = str, empty: str | None = None
    ) -> None:
        objects = list(objects)
        lookup = {str(o.pk): o for o in objects}
        self._objects = {**getattr(self, "_objects", {}), name: lookup}
        options = [(k, label(o)) for k, o in lookup.items()]
        choices_of(self.fields[name]).choices = [("", empty), *options] if empty is not None else options

    def object_for(self, name: str, value: Any) -> Any:
        lookup = self._objects[name]
        if isinstance(value, list):
            return [lookup[v] for v in value if v in lookup]
        return lookup.get(value or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in getattr(self, "_objects", {}):
            if name in data:
                data[name] = self.object_for(name, data[name])
        return data


def active_agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_active=True).order_by("name"))


# --- incidents -----------------------------------------------------------------------------------


class IncidentForm(ObjectChoicesMixin):
    kind = radios(
        "What happened", IncidentKind.choices, "Choose whether the child died or was seriously harmed"
    )
    incident_on = past_date("Date of the incident", "the date of the incident")
    aware_on = past_date("Date the council became aware", "the date the council became aware", required=True)
    summary = text_area(
        "What happened",
        help_text="What is known, and why abuse or neglect is known or suspected",
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies involved with the child (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_objects("agencies", agencies)


class NotifyForm(VersionedForm):
    notified_on = past_date("Date the national panel was notified", "the date the panel was notified")
    panel_reference = forms.CharField(label="The panel's reference (optional)", max_length=50, required=False)


class RapidReviewStartForm(forms.Form):
    subject_label = forms.CharField(
        label="Anonymised label",
        max_length=60,
        required=False,
        help_text='What everyone outside the incident will know the review by, for example "Child F". '
        "It must not contain any of the child's names or their date of birth",
    )
    title = forms.CharField(label="Title", max_length=200, required=False)
    started_on = past_date("Date the rapid review started", "the date the rapid review started")


# --- reviews -------------------------------------------------------------------------------------


class ReviewFilterForm(forms.Form):
    """GET filters: codes only, never personal data in a URL (R4)."""

    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *ReviewKind.choices])
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ReviewStatus.choices]
    )

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {"kind": "", "status": ""}
        return {"kind": self.cleaned_data["kind"], "status": self.cleaned_data["status"]}


class ReviewRecordForm(ObjectChoicesMixin, RapidReviewStartForm):
    """A national review or a legacy serious case review: rapid and local reviews begin from an
    incident and a rapid review's decision instead."""

    kind = radios(
        "Kind of review",
        [(k.value, k.label) for k in RECORDABLE_KINDS],
        "Choose the kind of review",
    )
    incident = forms.ChoiceField(label="Serious incident (optional)", required=False)
    due_on = any_date("Due date (optional)", "the due date", required=False)
    field_order = ["kind", "subject_label", "title", "started_on", "due_on", "incident"]

    def __init__(self, *args: Any, incidents: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].label = "Date the review started"
        self.set_objects("incident", incidents, label=lambda i: i.reference, empty="No incident on Safehub")


class DecideForm(VersionedForm):
    decision = radios(
        "What did the rapid review decide?",
        RapidReviewDecision.choices,
        "Choose what the rapid review decided",
    )
    decided_on = past_date("Date of the decision", "the date of the decision")
    rationale = text_area("Why", help_text="The reasons the partnership gave for its decision")


class MemberForm(ObjectChoicesMixin):
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="Leave blank when you give their Safehub account: the name comes from it",
    )
    # Named as the service's keyword, so its refusal (already on the review) lands here.
    user = forms.EmailField(
        label="Their Safehub account's email address (optional)",
        required=False,
        help_text="With an account a partner agency's lead can see this review",
    )
    agency = forms.ChoiceField(label="Organisation (optional)", required=False)
    role = radios("Role in the review", ReviewerRole.choices, "Choose the member's role in the review")

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_objects("agency", agencies, empty="Not from an agency")

    def clean_user(self) -> Any:
        email = self.cleaned_data["user"]
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                "No Safehub account has that email address: leave it blank and enter their name"
            )
        return user


class MilestoneForm(forms.Form):
    name = forms.CharField(label="Milestone", max_length=200, required=False)
    due_on = any_date("Due date", "the due date")


class MilestoneDoneForm(forms.Form):
    done_on = past_date("Date it was done", "the date it was done")


class ThemesForm(ObjectChoicesMixin):
    themes = forms.MultipleChoiceField(label="Themes", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, themes: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_objects("themes", themes)


class FindingForm(ThemesForm):
    text = text_area("What the review found")
    field_order = ["text", "themes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].label = "Themes this finding shows (optional)"


class RecommendationForm(ObjectChoicesMixin):
    text = text_area("Recommendation")
    finding = forms.ChoiceField(label="The finding it answers (optional)", required=False)

    def __init__(self, *args: Any, findings: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_objects("finding", findings, label=lambda f: f.text[:80], empty="Not linked to a finding")


class CompleteForm(VersionedForm):
    completed_on = past_date("Date the review was completed", "the date the review was completed")
    summary = text_area("Summary of the review", help_text="What it found and recommended, in brief")


class PublishForm(VersionedForm):
    published_on = past_date("Date it was published", "the date it was published")
    # Text, not a URLField: the service says what an acceptable address is (https only).
    publication_url = forms.CharField(
        label="Web address of the published report",
        required=False,
        max_length=200,
        help_text="Starting https://",
    )


# --- agency returns ------------------------------------------------------------------------------


class ReturnRequestForm(ObjectChoicesMixin):
    agency = forms.ChoiceField(label="Agency", error_messages={"required": "Choose the agency to ask"})
    question = text_area(
        "What the review asks the agency", help_text="What they knew of the child and family"
    )
    requested_on = past_date("Date asked", "the date the return was asked for")

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_objects("agency", agencies, empty="Choose an agency")


class ReturnAnswerForm(VersionedForm):
    response = text_area(
        "Your agency's return", help_text="What your agency knew of the child and family", rows=10
    )
    received_on = past_date("Date of the return", "the date of the return")
