"""The partner officer's answer to an information request."""

from django import forms

from ..constants import ResponseKind, Sensitivity


class AnswerForm(forms.Form):
    """Only what the chosen answer needs is kept; the service says which field is missing."""

    kind = forms.ChoiceField(
        label="What does your agency hold?",
        choices=ResponseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what your agency holds"},
    )
    content = forms.CharField(
        label="Information you are sharing",
        required=False,
        max_length=20000,
        help_text="Only if you are sharing information.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    sensitivity = forms.ChoiceField(
        label="How sensitive is it?",
        required=False,
        choices=Sensitivity.choices,
        widget=forms.RadioSelect,
        help_text="Only if you are sharing information.",
    )
    condition = forms.CharField(
        label="What would allow your agency to share it?",
        required=False,
        max_length=2000,
        help_text="Only if the information is held but not shareable: for example, a court order or "
        "a formal request under the Data Protection Act.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
