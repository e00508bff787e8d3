"""Forms for the case audit pages (issue 10, item 5).

The services judge what is valid; a form parses what was typed, and its fields carry the
services' keyword names so that a service's `ValidationError` lands at the field it names
(`add_service_errors`). Choices (tools, themes, auditors) are passed in by the view from the
selectors, so a form makes no query of its own.
"""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from safehub.casework.constants import CaseService
from safehub.platform.forms import GovukDateField, VersionedForm

from ..constants import AuditGrade

GRADE_CHOICES = AuditGrade.choices


def _choices(form: forms.Form, name: str) -> Any:
    return cast(forms.ChoiceField, form.fields[name])


def text_area(label: str, *, required: bool = False, help_text: str = "", rows: int = 4) -> forms.CharField:
    # Not required here: the services refuse what is missing with their own, specific message.
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def grade_field(label: str, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=GRADE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def themes_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Themes (optional)", required=False, widget=forms.CheckboxSelectMultiple
    )


class ThemesMixin(forms.Form):
    """A `themes` checkbox field over the partnership's current themes."""

    def set_themes(self, themes: Iterable[Any]) -> None:
        self._themes = {str(t.pk): t for t in themes}
        _choices(self, "themes").choices = [(k, t.name) for k, t in self._themes.items()]

    def clean_themes(self) -> list[Any]:
        return [self._themes[k] for k in self.cleaned_data["themes"]]


# --- tools and programmes ---------------------------------------------------------------------------


class ToolForm(forms.Form):
    name = forms.CharField(label="Name of the tool", max_length=200, required=False)
    questions = text_area(
        "Questions",
        rows=8,
        help_text="One question a line, in the order auditors answer them. Each is graded from "
        "outstanding to inadequate",
    )

    def clean_questions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]


class ProgrammeForm(ThemesMixin):
    title = forms.CharField(label="Title", max_length=200, required=False)
    tool = forms.ChoiceField(label="Audit tool", error_messages={"required": "Choose the audit tool"})
    starts_on = GovukDateField(
        label="Audit starts", name_in_errors="the start date", help_text="For example, 2 11 2026"
    )
    due_on = GovukDateField(
        label="Audits due by", name_in_errors="the due date", help_text="For example, 18 12 2026"
    )
    focus = text_area("Focus (optional)", help_text="What this round of audit looks at, and why", rows=3)
    themes = themes_field()

    def __init__(self, *args: Any, tools: Iterable[Any], themes: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tools = {str(t.pk): t for t in tools}
        _choices(self, "tool").choices = [
            ("", "Choose a tool"),
            *((k, t.name) for k, t in self._tools.items()),
        ]
        self.set_themes(themes)

    def clean_tool(self) -> Any:
        return self._tools[self.cleaned_data["tool"]]


class SampleForm(forms.Form):
    service = forms.ChoiceField(
        label="Service",
        choices=[("", "Choose a service"), *CaseService.choices],
        required=False,
        help_text="Cases are drawn at random from the children with open casework in this service",
    )
    count = forms.IntegerField(
        label="How many cases",
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter how many cases to sample, as a number"},
    )


class AuditorForm(forms.Form):
    user = forms.ChoiceField(label="Auditor", error_messages={"required": "Choose the auditor"})

    def __init__(self, *args: Any, candidates: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._users = {str(u.pk): u for u in candidates}
        _choices(self, "user").choices = [
            ("", "Choose an auditor"),
            *((k, f"{u}, {u.agency.name}") for k, u in self._users.items()),
        ]

    def clean_user(self) -> Any:
        return self._users[self.cleaned_data["user"]]


class CompleteForm(VersionedForm):
    pass


# --- one case ---------------------------------------------------------------------------------------


class AnswersForm(forms.Form):
    """A grade and a comment for each of the tool's questions: `grade_<n>` and `comment_<n>`."""

    def __init__(
        self, *args: Any, questions: Iterable[Any], saved: dict[Any, tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            grade, comment = saved.get(q.pk, ("", ""))
            self.fields[f"grade_{q.number}"] = grade_field(f"{q.number}. {q.text}", help_text=q.guidance)
            self.fields[f"comment_{q.number}"] = text_area(f"Comment on question {q.number}", rows=3)
            self.initial.setdefault(f"grade_{q.number}", grade)
            self.initial.setdefault(f"comment_{q.number}", comment)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        """(question, grade bound field, comment bound field), for the template."""
        return [(q, self[f"grade_{q.number}"], self[f"comment_{q.number}"]) for q in self.questions]

    def answers(self) -> dict[Any, tuple[str, str]]:
        """(grade, comment) by question id. A save may be partial: the service leaves a question
        with neither unanswered; submitting needs them all."""
        data = self.cleaned_data
        return {q.pk: (data[f"grade_{q.number}"], data[f"comment_{q.number}"]) for q in self.questions}


class SubmitForm(forms.Form):
    grade = grade_field("Your overall grade for the case")
    summary = text_area("Summary", help_text="Why you gave this grade: what was done well, and what was not")


class FindingForm(ThemesMixin):
    text = text_area("What the audit found", rows=3)
    themes = themes_field()

    def __init__(self, *args: Any, themes: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_themes(themes)


class ModerateForm(VersionedForm):
    grade = grade_field("Agreed grade")
    note = text_area(
        "Moderation note",
        help_text="Needed when the auditors' grades differ: how the agreed grade was reached",
    )
