"""The local closure form."""

from django import forms

from ..forms import GovukDateField
from ..models import LocalClosure


class LocalClosureForm(forms.Form):
    date = GovukDateField(label="Date", name_in_errors="the date", help_text="For example, 24 12 2027")
    kind = forms.ChoiceField(
        label="Is the council closed or open on this date?",
        choices=LocalClosure.Kind.choices,
        initial=LocalClosure.Kind.CLOSURE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the council is closed or open on this date"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="For example, council closure day between Christmas and New Year",
        error_messages={
            "required": "Enter the reason",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )
