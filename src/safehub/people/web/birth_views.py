"""Recording the birth of an unborn child on the same record (issue 5).

The form carries the version the user read; if someone saved the record meanwhile, the user is
told who and when and decides again on the record as it now is (R49).
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError
from safehub.platform.forms import GovukDateField
from safehub.platform.web.permissions import capability_required

from ..constants import Sex
from ..selectors import person_get
from ..services.birth import BORN_SEXES, is_unborn, person_record_birth
from . import presenters


class BirthForm(forms.Form):
    date_of_birth = GovukDateField(label="Date of birth", past=True, allow_today=True)
    given_name = forms.CharField(
        label="Given name",
        required=False,
        max_length=100,
        help_text="Leave blank to keep the name on the record",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Family name",
        required=False,
        max_length=100,
        help_text="Leave blank to keep the name on the record",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=[(s.value, s.label) for s in Sex if s in BORN_SEXES],
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


@capability_required(Capability.EDIT_PEOPLE)
@require_http_methods(["GET", "POST"])
def record_birth(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = person_get(actor=actor, id=person_id, action="change")
    heading = f"{person.given_name} {person.family_name}"
    unborn = is_unborn(person)
    if request.method != "POST":
        form = BirthForm(
            initial={"version": person.version, "sex": person.sex if person.sex in BORN_SEXES else ""}
        )
    else:
        form = BirthForm(request.POST)
        if unborn and form.is_valid():
            data = form.cleaned_data
            try:
                person_record_birth(
                    actor=actor,
                    person=person,
                    expected_version=data["version"],
                    date_of_birth=data["date_of_birth"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    sex=data["sex"],
                )
            except ConflictError as error:
                # Show the record as it is now; the user's typing stays in the form (R49).
                person = person_get(actor=actor, id=person_id, action="change")
                unborn = is_unborn(person)
                post = request.POST.copy()
                post["version"] = str(error.current_version)
                form = BirthForm(post)
                form.is_valid()
                form.add_error(
                    None, f"{presenters.conflict_message(error)}. Check the record, then save again."
                )
            except ValidationError as error:
                for field, msgs in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                messages.success(
                    request, f"The birth of {person.given_name} {person.family_name} is recorded."
                )
                return redirect("people:detail", person_id=person.pk)
    context = {
        "person": person,
        "heading": heading,
        "form": form,
        "unborn": unborn,
        "expected_date_of_birth": presenters.format_date(person.expected_date_of_birth),
        "date_of_birth": presenters.format_date(person.date_of_birth),
    }
    return render(request, "people/birth.html", context)
