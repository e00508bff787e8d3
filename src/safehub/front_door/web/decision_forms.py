"""Forms for proposing and authorising a MASH decision (issue 4, item 6)."""

from typing import Any

from django import forms

from ..constants import Outcome
from ..services.decision import RATIONALE_REQUIRED, RETURN_COMMENT_REQUIRED

AUTHORISE, RETURN = "authorise", "return"


class ProposeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What should happen next?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    rationale = forms.CharField(
        label="Rationale for the decision",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "The evidence and the reasons: what is known, the risks and strengths, and why this "
            "outcome. The referrer does not see this."
        ),
        error_messages={"required": RATIONALE_REQUIRED},
    )
    authorise = forms.BooleanField(
        label="Authorise this decision now (you are a MASH manager)", required=False
    )

    def __init__(self, *args: Any, may_authorise: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_authorise:
            del self.fields["authorise"]


class AuthoriseForm(forms.Form):
    action = forms.ChoiceField(
        label="Your decision",
        choices=[(AUTHORISE, "Authorise the decision"), (RETURN, "Return it for more work")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to authorise the decision or return it"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you return it: say what must be done first",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == RETURN and not str(data.get("comment") or "").strip():
            self.add_error("comment", RETURN_COMMENT_REQUIRED)
        return data
