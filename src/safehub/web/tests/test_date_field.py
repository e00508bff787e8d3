"""GovukDateField: GOV.UK's date-input errors (https://design-system.service.gov.uk/components/date-input/)."""

import datetime as dt

import pytest
import time_machine
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from safehub.platform.forms import GovukDateField

TODAY = dt.date(2026, 3, 2)


class BirthForm(forms.Form):
    dob = GovukDateField(label="Date of birth", past=True)


class FollowUpForm(forms.Form):
    due = GovukDateField(label="Review date", future=True, required=False)


def errors_for(form_class, day: str, month: str, year: str, name: str = "dob") -> list[str]:
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        form = form_class(data={f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
        form.is_valid()
    return form.errors.get(name, [])


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date of birth"),
        ("12", "", "2019", "Date of birth must include a month"),
        ("", "", "2019", "Date of birth must include a day and month"),
        ("12", "4", "", "Date of birth must include a year"),
        ("31", "2", "2019", "Date of birth must be a real date"),
        ("12", "13", "2019", "Date of birth must be a real date"),
        ("aa", "4", "2019", "Date of birth must be a real date"),
        ("12", "4", "19", "Year must include 4 numbers"),
        ("2", "3", "2026", "Date of birth must be in the past"),
        ("3", "3", "2026", "Date of birth must be in the past"),
    ],
)
def test_error_messages(day, month, year, message) -> None:
    assert errors_for(BirthForm, day, month, year) == [message]


def test_valid_date_is_cleaned_to_a_date() -> None:
    form = BirthForm(data={"dob_day": " 7 ", "dob_month": "09", "dob_year": "2015"})
    assert form.is_valid()
    assert form.cleaned_data["dob"] == dt.date(2015, 9, 7)


def test_optional_empty_date_is_none_and_future_rule_applies() -> None:
    assert errors_for(FollowUpForm, "", "", "", name="due") == []
    assert errors_for(FollowUpForm, "1", "1", "2020", name="due") == ["Review date must be in the future"]
    assert errors_for(FollowUpForm, "1", "1", "2027", name="due") == []


def test_initial_date_is_shown_in_the_boxes() -> None:
    html = str(BirthForm(initial={"dob": dt.date(2015, 9, 7)}))
    assert 'id="id_dob" name="dob_day" type="text" inputmode="numeric" spellcheck="false" value="7"' in html
    assert 'value="9"' in html
    assert 'value="2015"' in html


def test_the_error_names_the_boxes_at_fault() -> None:
    form = BirthForm(data={"dob_day": "", "dob_month": "", "dob_year": "2019"})
    form.is_valid()
    [error] = form.errors.as_data()["dob"]
    assert error.params == {"parts": ["day", "month"]}


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 3, 1)))
def test_any_real_past_date_round_trips(value: dt.date) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        form = BirthForm(
            data={"dob_day": str(value.day), "dob_month": str(value.month), "dob_year": str(value.year)}
        )
        assert form.is_valid(), form.errors
    assert form.cleaned_data["dob"] == value


@given(st.text(max_size=6), st.text(max_size=6), st.text(max_size=6))
def test_arbitrary_input_never_crashes_and_errs_with_one_clear_message(
    day: str, month: str, year: str
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        form = BirthForm(data={"dob_day": day, "dob_month": month, "dob_year": year})
        valid = form.is_valid()
    if not valid:
        assert len(form.errors["dob"]) == 1
    else:
        assert form.cleaned_data["dob"] < TODAY


@pytest.mark.parametrize("day", ["²", "٣", "1.5", "-1"])
def test_only_plain_digits_count_as_numbers(day: str) -> None:
    assert errors_for(BirthForm, day, "4", "2019") == ["Date of birth must be a real date"]
