"""Django forms drawn in GOV.UK markup by the project's FORM_RENDERER."""

import re

import pytest
from django import forms
from django.template import Context, Template

from safehub.platform.forms import GovukDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As it appears on their records.")
    email = forms.EmailField(label="Email address", required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    team = forms.ChoiceField(
        label="Team", choices=[("", "Choose a team"), ("a", "Assessment"), ("b", "MASH")]
    )
    contact = forms.ChoiceField(
        label="How should we contact them?",
        widget=forms.RadioSelect,
        choices=[("phone", "Phone"), ("post", "Post")],
    )
    needs = forms.MultipleChoiceField(
        label="Support needs",
        widget=forms.CheckboxSelectMultiple,
        choices=[("interpreter", "Interpreter"), ("access", "Step-free access")],
        required=False,
    )
    agreed = forms.BooleanField(label="I have checked these details")
    dob = GovukDateField(label="Date of birth", past=True)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") == "clash":
            raise forms.ValidationError("These details match an existing record.")
        return cleaned


def render(form: forms.Form) -> str:
    template = Template('{% include "web/includes/error_summary.html" %}<form novalidate>{{ form }}</form>')
    return template.render(Context({"form": form}))


INVALID = {
    "name": "",
    "email": "not-an-email",
    "team": "",
    "dob_day": "12",
    "dob_month": "",
    "dob_year": "2019",
}


def test_error_summary_links_each_error_to_its_field() -> None:
    html = render(ExampleForm(data=INVALID))
    summary = html.split("</form>")[0].split("<form")[0]
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in summary
    assert "There is a problem" in summary
    for field in ("name", "email", "team", "contact", "agreed", "dob"):
        assert f'href="#id_{field}"' in summary, field
    assert "Date of birth must include a month" in summary


def test_every_linked_id_exists_in_the_form() -> None:
    html = render(ExampleForm(data=INVALID))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert f'id="{target}"' in html, target


def test_field_errors_are_wired_to_inputs() -> None:
    html = render(ExampleForm(data=INVALID))
    assert '<p id="id_name-error" class="govuk-error-message">' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter a valid email address.' in html
    name_input = re.search(r'<input type="text" name="name"[^>]*>', html).group(0)
    assert 'aria-describedby="id_name-hint id_name-error"' in name_input
    assert "govuk-input--error" in name_input
    assert html.count("govuk-form-group--error") == 6
    assert '<textarea name="notes" cols="40" rows="10" class="govuk-textarea"' in html
    assert 'class="govuk-select govuk-select--error"' in html


def test_radios_checkboxes_and_single_checkbox_markup() -> None:
    html = render(ExampleForm(data={**INVALID, "contact": "post", "needs": ["access"]}))
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert re.search(r'id="id_contact" name="contact" type="radio" value="phone">', html)
    assert re.search(r'id="id_contact-2" name="contact" type="radio" value="post" checked>', html)
    assert re.search(r'id="id_needs-2" name="needs" type="checkbox" value="access" checked>', html)
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Support needs</legend>' in html
    assert 'class="govuk-checkboxes__input"' in html
    assert '<label class="govuk-label govuk-checkboxes__label" for="id_agreed">' in html


def test_date_input_marks_only_the_missing_box() -> None:
    html = render(ExampleForm(data=INVALID))
    day = re.search(r'<input[^>]*id="id_dob"[^>]*>', html).group(0)
    month = re.search(r'<input[^>]*id="id_dob-month"[^>]*>', html).group(0)
    year = re.search(r'<input[^>]*id="id_dob-year"[^>]*>', html).group(0)
    assert "govuk-input--error" in month
    assert "govuk-input--error" not in day
    assert "govuk-input--error" not in year
    assert 'value="12"' in day
    assert 'value="2019"' in year
    assert 'name="dob_month"' in month


def test_non_field_errors_appear_in_the_summary_without_a_link() -> None:
    form = ExampleForm(
        data={
            "name": "clash",
            "team": "a",
            "contact": "post",
            "agreed": "on",
            "dob_day": "1",
            "dob_month": "2",
            "dob_year": "2015",
        }
    )
    html = render(form)
    assert "<li>These details match an existing record.</li>" in html


def test_valid_form_has_no_summary_and_no_placeholders() -> None:
    form = ExampleForm(
        data={
            "name": "A",
            "team": "a",
            "contact": "post",
            "agreed": "on",
            "dob_day": "1",
            "dob_month": "2",
            "dob_year": "2015",
        }
    )
    assert form.is_valid(), form.errors
    html = render(form)
    assert "govuk-error-summary" not in html
    assert "placeholder" not in html
    assert '<div id="id_name-hint" class="govuk-hint">As it appears on their records.</div>' in html


def test_hidden_fields_render_as_hidden_inputs() -> None:
    html = render(ExampleForm())
    assert re.search(r'<input type="hidden" name="secret" id="id_secret">', html)
    assert 'govuk-label" for="id_secret"' not in html


@pytest.mark.django_db
def test_page_title_is_prefixed_with_error_when_the_form_has_errors(signed_in) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from safehub.accounts.constants import Role

    request = RequestFactory().get("/")
    request.user = signed_in(Role.SOCIAL_WORKER).user
    html = render_to_string("web/base.html", {"form": ExampleForm(data=INVALID)}, request=request)
    assert "<title>Error: " in html


def test_required_errors_say_what_to_do() -> None:
    """GOV.UK error messages: "Enter full name", not "This field is required."."""

    class NhsForm(forms.Form):
        nhs_number = forms.CharField(label="NHS number")

    html = render(ExampleForm(data=INVALID)) + render(NhsForm(data={}))
    assert '<a href="#id_name">Enter full name</a>' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter full name' in html
    assert '<a href="#id_team">Select team</a>' in html
    assert '<a href="#id_nhs_number">Enter NHS number</a>' in html
    # A lone checkbox keeps Django's wording: there is no natural "Enter ..." for it.
    assert '<a href="#id_agreed">This field is required.</a>' in html
