"""Forms for proposing and authorising a MASH decision (issue 4, item 6), including what the
referrer is told (item 7): the manager chooses, starting from a cautious default."""

from typing import Any

from django import forms

from ..constants import FeedbackChoice, Outcome
from ..services.decision import (
    RATIONALE_REQUIRED,
    RETURN_COMMENT_REQUIRED,
    WITHHELD_REASON_MAX,
    WITHHELD_REASON_REQUIRED,
)

AUTHORISE, RETURN = "authorise", "return"
# On the one-step form the outcome is chosen on the same page, so the default that depends on it
# is an explicit option of its own rather than a pre-selected answer that might not fit.
CAUTIOUS_DEFAULT = "default"
CAUTIOUS_DEFAULT_LABEL = (
    "Use the cautious default: do not tell them now if the outcome is a strategy discussion or "
    "the referrer is not a professional; otherwise tell them"
)
FEEDBACK_LABEL = "What is the referrer told?"
WITHHELD_REASON_LABEL = "Why is the referrer not told now?"
WITHHELD_REASON_HELP = (
    "Needed if you do not tell them now. Only the MASH sees this; the referrer is told that the "
    "MASH will contact them."
)


def _feedback_fields(form: forms.Form, *, choices: list[tuple[str, str]], help_text: str) -> None:
    form.fields["feedback_choice"] = forms.ChoiceField(
        label=FEEDBACK_LABEL,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )
    form.fields["feedback_withheld_reason"] = forms.CharField(
        label=WITHHELD_REASON_LABEL,
        required=False,
        max_length=WITHHELD_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=WITHHELD_REASON_HELP,
    )


def _check_withheld_reason(form: forms.Form, data: dict[str, Any]) -> None:
    if (
        data.get("feedback_choice") == FeedbackChoice.WITHHOLD
        and not str(data.get("feedback_withheld_reason") or "").strip()
    ):
        form.add_error("feedback_withheld_reason", WITHHELD_REASON_REQUIRED)


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
            return
        _feedback_fields(
            self,
            choices=[(CAUTIOUS_DEFAULT, CAUTIOUS_DEFAULT_LABEL), *FeedbackChoice.choices],
            help_text="Only if you authorise now; otherwise the manager who authorises chooses.",
        )
        self.fields["feedback_choice"].initial = CAUTIOUS_DEFAULT

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("authorise"):
            _check_withheld_reason(self, data)
        return data

    def feedback(self) -> tuple[str, str]:
        """The (choice, reason) for the service; the cautious default is the service's empty choice."""
        choice = str(self.cleaned_data.get("feedback_choice") or "")
        return ("" if choice == CAUTIOUS_DEFAULT else choice), str(
            self.cleaned_data.get("feedback_withheld_reason") or ""
        )


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

    def __init__(
        self,
        *args: Any,
        default_feedback: str = FeedbackChoice.SEND,
        default_why: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _feedback_fields(
            self,
            choices=list(FeedbackChoice.choices),
            help_text=(
                f"If you authorise. We suggest not telling them now, because {default_why}."
                if default_why
                else "If you authorise."
            ),
        )
        self.fields["feedback_choice"].initial = default_feedback
        # The version stays last, after the visible fields, as before.
        self.order_fields(["action", "comment", "feedback_choice", "feedback_withheld_reason", "version"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == RETURN and not str(data.get("comment") or "").strip():
            self.add_error("comment", RETURN_COMMENT_REQUIRED)
        if data.get("action") == AUTHORISE:
            _check_withheld_reason(self, data)
        return data

    def feedback(self) -> tuple[str, str]:
        return str(self.cleaned_data.get("feedback_choice") or ""), str(
            self.cleaned_data.get("feedback_withheld_reason") or ""
        )
