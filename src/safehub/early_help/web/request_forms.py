"""Forms for a request for support, its acceptance (choosing the child) and its decline, and the
front-door pages: a step-up, a step-down request and taking one on."""

from collections.abc import Iterable
from typing import Any

from django import forms

from ..constants import NeedArea
from .forms import TeamWorkerMixin, choices_of, date_field, text_area

NEW_PERSON = "new"


class SupportRequestForm(forms.Form):
    child_first_name = forms.CharField(label="Child's first name", max_length=100, required=False)
    child_last_name = forms.CharField(label="Child's last name", max_length=100, required=False)
    child_date_of_birth = date_field("Child's date of birth", "the child's date of birth", required=False)
    other_children = text_area("Brothers and sisters", help_text="Names and dates of birth", rows=2)
    parent_carer_names = text_area(
        "Parents and carers", help_text="Names, and who the child lives with", rows=2
    )
    address = text_area("Address", rows=3)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    needs = forms.MultipleChoiceField(
        label="What the family needs help with",
        required=False,
        choices=NeedArea.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = text_area("What is happening for the family", help_text="And what has been tried already")
    family_consents = forms.BooleanField(
        label="The family agreed to this request for early help",
        required=False,
        help_text="Early help is offered with the family's agreement",
    )
    willing_to_lead = forms.BooleanField(label="I am willing to be the lead professional", required=False)


class RequestAcceptForm(TeamWorkerMixin):
    person = forms.ChoiceField(
        label="The child in the person index",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child's record, or record a new person"},
    )
    family_name = forms.CharField(
        label="How the team refers to the family",
        max_length=120,
        required=False,
        help_text='For example, "the Ahmed family"',
    )
    reason = text_area(
        "Why the family needs early help (optional)", help_text="Leave blank to use the request's words"
    )

    field_order = ["person", "family_name", "team", "worker", "reason"]

    def __init__(self, *args: Any, candidates: Iterable[Any], teams: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_teams(teams)
        self._people = {str(p.pk): p for p in candidates}
        choices_of(self.fields["person"]).choices = [
            *((k, _described(p)) for k, p in self._people.items()),
            (NEW_PERSON, "None of these: record a new person with the request's details"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["person_obj"] = self._people.get(data.get("person") or "")
        return data


def _described(person: Any) -> str:
    born = f", born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else ""
    return f"{person}{born}"


class DeclineForm(forms.Form):
    reason = text_area("Why the request is declined", help_text="The requester will read this", rows=4)


class StepDownRequestForm(forms.Form):
    reason = text_area(
        "Handover to early help",
        help_text="What the family needs, what worked and what still worries you",
        rows=8,
    )


class StepDownAcceptForm(TeamWorkerMixin):
    family_name = forms.CharField(label="How the team refers to the family", max_length=120, required=False)
    reason = text_area(
        "Why the family needs early help (optional)", help_text="Leave blank to use the handover"
    )


class HandoverAcceptForm(TeamWorkerMixin):
    family_name = forms.CharField(label="How the team refers to the family", max_length=120, required=False)
    reason = text_area("Why the family needs early help")


class StepUpForm(forms.Form):
    reason = text_area("Why the family needs more than early help now", rows=6)
    concerns = forms.MultipleChoiceField(
        label="Categories of concern", required=False, widget=forms.CheckboxSelectMultiple
    )
    consent = forms.ChoiceField(label="Was the family asked about the step-up?", widget=forms.RadioSelect)
    consent_reason = text_area(
        "Why consent was refused or not sought (if so)",
        help_text="And why the step-up goes ahead without it",
        rows=3,
    )

    def __init__(
        self,
        *args: Any,
        concerns: Iterable[tuple[str, str]],
        consents: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self.fields["concerns"]).choices = list(concerns)
        choices_of(self.fields["consent"]).choices = list(consents)
