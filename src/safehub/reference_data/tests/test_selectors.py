"""Reading code lists on a date, labels, and choices for forms."""

from datetime import date
from pathlib import Path

import pytest
import time_machine
from django import forms

from safehub.reference_data.models import Code, CodeList
from safehub.reference_data.selectors import UnknownCodeList, code_choices, code_label, code_list
from safehub.reference_data.services import reference_data_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes() -> CodeList:
    code_list_ = CodeList.objects.create(key="test.outcome", name="Outcome", source="test")
    Code.objects.create(
        code_list=code_list_, code="OLD", label="Old", sort_order=1, disabled_from=date(2026, 4, 1)
    )
    Code.objects.create(code_list=code_list_, code="NOW", label="Now", sort_order=2)
    Code.objects.create(
        code_list=code_list_, code="NEW", label="New", sort_order=3, valid_from=date(2026, 4, 1)
    )
    return code_list_


def _codes(on: date) -> list[str]:
    return list(code_list("test.outcome", on=on).values_list("code", flat=True))


def test_code_list_respects_validity_window(outcomes: CodeList):
    assert _codes(date(2026, 3, 31)) == ["OLD", "NOW"]
    assert _codes(date(2026, 4, 1)) == ["NOW", "NEW"]


@time_machine.travel("2026-03-15 12:00 +0000", tick=False)
def test_code_list_defaults_to_today(outcomes: CodeList):
    assert list(code_list("test.outcome").values_list("code", flat=True)) == ["OLD", "NOW"]


def test_unknown_list_says_how_to_load_it():
    with pytest.raises(UnknownCodeList, match="sync_reference_data"):
        code_list("cin.nosuchlist")


def test_label_of_withdrawn_code_is_still_known(outcomes: CodeList):
    assert code_label("test.outcome", "OLD") == "Old"
    assert code_label("test.outcome", "ZZZ") == "ZZZ"


def test_choices_are_read_when_the_form_is_used_not_when_it_is_defined(reference_dir: Path):
    class AbuseForm(forms.Form):
        category = forms.ChoiceField(choices=code_choices("cin.categoryofabuse"))

    # Defined before the list exists: nothing was queried at class creation.
    reference_data_sync(source_dir=reference_dir, today=date(2026, 4, 1))
    form = AbuseForm(data={"category": "NEG"})
    assert form.is_valid()
    assert ("NEG", "Neglect") in list(form.fields["category"].choices)
    assert not AbuseForm(data={"category": "XYZ"}).is_valid()


def test_choices_on_a_date(outcomes: CodeList):
    assert list(code_choices("test.outcome", on=date(2026, 3, 1))) == [("OLD", "Old"), ("NOW", "Now")]
