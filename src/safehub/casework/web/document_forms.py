"""Forms for documents, letters and letter templates (GOV.UK patterns; R46: explicit fields only)."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join

from ..documents.inspect import ACCEPT_ATTRIBUTE, ALLOWED_TYPES_TEXT, describe_size, max_bytes
from ..documents.letters import PLACEHOLDERS


class UploadForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text='What the document is, for example "School report, spring term".',
        error_messages={
            "required": "Enter a title for the document",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    # Empty files are allowed through the form so that the service gives its own message at the field.
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
    involvement = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A {ALLOWED_TYPES_TEXT} file, smaller than {describe_size(max_bytes())}. It can be downloaded "
            "once the virus scan has passed."
        )


class LetterForm(forms.Form):
    template = forms.ChoiceField(
        label="Which letter do you want to create?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the letter you want to create",
            "invalid_choice": "Select the letter you want to create",
        },
    )
    parent_name = forms.CharField(
        label="Name of the parent or carer the letter is addressed to (optional)",
        required=False,
        max_length=200,
        help_text="Used where the letter says $parent_name.",
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )
    involvement = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates  # type: ignore[attr-defined]


def _placeholder_help() -> str:
    items = format_html_join(
        "", "<li><code>${}</code>: {}</li>", ((name, text) for name, text in PLACEHOLDERS.items())
    )
    return format_html(
        "Write the letter as plain text. Leave a blank line between paragraphs. You can use these "
        'placeholders, which are filled in when a worker creates the letter:<ul class="govuk-list govuk-list--bullet">'
        "{}</ul>To print a dollar sign, write <code>$$</code>.",
        items,
    )


class LetterTemplateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter a name for the letter template",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=300,
        help_text="When workers should use this letter.",
        error_messages={"max_length": "The description must be 300 characters or fewer"},
    )
    body = forms.CharField(
        label="Text of the letter",
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": "Enter the text of the letter"},
    )
    active = forms.BooleanField(label="Workers can use this template", required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _placeholder_help()
