"""Previous names, aliases and birth names: added, ended, never the current name by this route."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.people.constants import NameKind
from safehub.people.models import PersonName
from safehub.people.services import person_name_add, person_name_end
from safehub.people.tests.factories import audit_events_on

pytestmark = pytest.mark.django_db


def test_an_alias_is_recorded_with_its_source_and_audited(editor, person, police):
    alias = person_name_add(
        actor=editor,
        person=person,
        kind=NameKind.ALIAS,
        given_name=" Jay ",
        family_name="Smith",
        source_agency=police,
    )
    assert (alias.given_name, alias.source_agency, alias.updated_by) == ("Jay", police, editor)
    assert [e.verb for e in audit_events_on(person, "names")] == ["create"]


def test_the_current_name_is_not_added_here(editor, person):
    with pytest.raises(ValidationError) as error:
        person_name_add(actor=editor, person=person, kind=NameKind.CURRENT, given_name="A", family_name="B")
    assert list(error.value.message_dict) == ["kind"]


def test_a_name_period_that_ends_before_it_starts_is_refused_at_valid_to(editor, person):
    with pytest.raises(ValidationError) as error:
        person_name_add(
            actor=editor,
            person=person,
            kind=NameKind.PREVIOUS,
            given_name="A",
            family_name="B",
            valid_from=date(2020, 1, 2),
            valid_to=date(2020, 1, 1),
        )
    assert list(error.value.message_dict) == ["valid_to"]


@time_machine.travel(date(2026, 5, 4), tick=False)
def test_ending_an_alias_dates_it_today_and_keeps_it(editor, person):
    alias = person_name_add(
        actor=editor, person=person, kind=NameKind.ALIAS, given_name="Jay", family_name="S"
    )
    person_name_end(actor=editor, name=alias)
    alias.refresh_from_db()
    assert (alias.valid_to, alias.version) == (date(2026, 5, 4), 2)
    assert [e.verb for e in audit_events_on(person, "names")] == ["create", "update"]


def test_an_end_date_in_the_future_is_refused(editor, person):
    alias = person_name_add(
        actor=editor, person=person, kind=NameKind.ALIAS, given_name="Jay", family_name="S"
    )
    with pytest.raises(ValidationError) as error:
        person_name_end(actor=editor, name=alias, valid_to=date(2999, 1, 1))
    assert list(error.value.message_dict) == ["valid_to"]


def test_the_current_name_cannot_be_ended(editor, person):
    current = PersonName.objects.get(person=person, kind=NameKind.CURRENT)
    with pytest.raises(ValidationError) as error:
        person_name_end(actor=editor, name=current)
    assert list(error.value.message_dict) == ["kind"]
