"""Forms of the returns pages (no database access at import time)."""

from datetime import date
from typing import Any

from django import forms

from ..constants import ReturnKind
from ..validation.services import EXPLANATION_MAX

PRODUCIBLE = [
    (ReturnKind.CIN.value, ReturnKind.CIN.label),
    (ReturnKind.SSDA903.value, ReturnKind.SSDA903.label),
    (ReturnKind.ANNEX_A.value, ReturnKind.ANNEX_A.label),
]


class ProduceForm(forms.Form):
    kind = forms.ChoiceField(label="Return", choices=PRODUCIBLE)
    year = forms.IntegerField(
        label="Collection year",
        help_text="The year the collection ends, for example 2026 for April 2025 to March 2026",
        required=False,
    )
    as_at = forms.DateField(
        label="Inspection date (Annex A)", required=False, help_text="For example, 2026-03-31"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        year = data.get("year")
        if kind == ReturnKind.ANNEX_A:
            if not data.get("as_at") and "as_at" not in self.errors:
                self.add_error("as_at", "Enter the inspection date")
        elif kind:
            if year is None and "year" not in self.errors:
                self.add_error("year", "Enter the collection year")
            elif year is not None and not 2015 <= year <= date.today().year + 1:
                self.add_error("year", f"Collection year must be between 2015 and {date.today().year + 1}")
        return data


class ExplainForm(forms.Form):
    text = forms.CharField(
        label="Why the data is right as it is",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=EXPLANATION_MAX,
        error_messages={
            "required": "Enter why the data is right as it is",
            "max_length": f"Explanation must be {EXPLANATION_MAX} characters or fewer",
        },
    )
