"""The GOV.UK date input and the NHS number field say exactly what is wrong."""

from datetime import date

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from safehub.people.web.forms import PersonForm, PersonSearchForm

TODAY = date(2026, 3, 27)


def _search(**data: str) -> PersonSearchForm:
    form = PersonSearchForm(data)
    form.is_valid()
    return form


def _dob(day: str, month: str, year: str, **more: str) -> dict[str, str]:
    return {
        "family_name": "Testperson",
        "date_of_birth_day": day,
        "date_of_birth_month": month,
        "date_of_birth_year": year,
        **more,
    }


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("14", "3", "", "Date of birth must include a year", ["year"]),
        ("", "3", "2015", "Date of birth must include a day", ["day"]),
        ("14", "", "", "Date of birth must include a month and year", ["month", "year"]),
        ("31", "2", "2015", "Date of birth must be a real date", ["day"]),
        ("14", "13", "2015", "Date of birth must be a real date", ["month"]),
        ("1x", "3", "2015", "Date of birth must be a real date", ["day"]),
        ("14", "3", "15", "Year must include 4 numbers", ["year"]),
        ("28", "3", "2026", "Date of birth must be today or in the past", []),
    ],
)
def test_date_of_birth_errors_name_the_part_at_fault(
    day: str, month: str, year: str, message: str, parts: list[str]
) -> None:
    form = _search(**_dob(day, month, year))
    assert form.errors["date_of_birth"] == [message]
    assert form.errors.as_data()["date_of_birth"][0].params == {"parts": parts}
    # A faulty date is not also reported as "not specific enough".
    assert form.non_field_errors() == []


@time_machine.travel(TODAY, tick=False)
def test_today_and_a_real_past_date_are_accepted() -> None:
    assert _search(**_dob("27", "3", "2026")).cleaned_data["date_of_birth"] == TODAY
    assert _search(**_dob(" 9 ", "03", "2015")).cleaned_data["date_of_birth"] == date(2015, 3, 9)


def test_blank_date_is_no_date() -> None:
    form = _search(**_dob("", "", "", given_name="Aled"))
    assert form.is_valid()
    assert form.cleaned_data["date_of_birth"] is None


@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919", " 943-476-5919 "])
def test_nhs_number_accepts_spaces_and_hyphens(typed: str) -> None:
    form = _search(nhs_number=typed)
    assert form.is_valid(), form.errors
    assert form.criteria().nhs_number == "9434765919"


@pytest.mark.parametrize("typed", ["943 476 5918", "12345", "94347659199", "abcdefghij", "0000000000x"])
def test_nhs_number_with_a_wrong_check_digit_or_shape_is_refused(typed: str) -> None:
    form = _search(nhs_number=typed)
    assert form.errors["nhs_number"] == ["Enter a valid NHS number"]


@given(st.text(alphabet="0123456789 ", min_size=0, max_size=14))
def test_nhs_number_field_only_ever_yields_ten_checked_digits_or_an_error(typed: str) -> None:
    from nhs_number import is_valid

    form = PersonSearchForm({"nhs_number": typed})
    if form.is_valid():
        number = form.cleaned_data["nhs_number"]
        assert len(number) == 10
        assert is_valid(number)
    else:
        assert "nhs_number" in form.errors or form.non_field_errors()


@pytest.mark.parametrize(
    "data",
    [
        {"family_name": "Testperson"},
        {"given_name": "Aled"},
        {"date_of_birth_day": "1", "date_of_birth_month": "2", "date_of_birth_year": "2015"},
        {},
    ],
)
def test_a_search_that_is_not_specific_enough_says_what_to_add(data: dict[str, str]) -> None:
    form = _search(**data)
    assert form.non_field_errors() == [
        "Enter a family name with a given name or date of birth, or an NHS number"
    ]


def test_person_form_refuses_both_a_birth_date_and_an_expected_one() -> None:
    form = PersonForm(
        {
            "given_name": "Aled",
            "family_name": "Testperson",
            "sex": "1",
            "date_of_birth_day": "1",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2015",
            "expected_date_of_birth_day": "1",
            "expected_date_of_birth_month": "2",
            "expected_date_of_birth_year": "2027",
        }
    )
    assert not form.is_valid()
    assert "expected_date_of_birth" in form.errors
