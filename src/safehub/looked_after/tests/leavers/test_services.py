"""Care leaver services: opening, updating, contacts (903 OC3 at entry), pathway reviews, closing;
each refusal names the field and says what to do; the clocks follow every write."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.looked_after.constants import Clock
from safehub.looked_after.models import CareLeaver
from safehub.looked_after.selectors.leavers import oc3_row
from safehub.looked_after.services.leaving import (
    care_leaver_close,
    care_leaver_contact_record,
    care_leaver_open,
    care_leaver_update,
    pathway_review_record,
)
from safehub.people.tests.factories import restrict
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .cases import NOW, in_care, opened, staff, young_person

pytestmark = pytest.mark.django_db

TODAY_ = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _open_tasks(record) -> dict[str, Task]:
    return {t.key: t for t in Task.objects.filter(involvement=record.involvement, status=TaskStatus.OPEN)}


def test_open_starts_the_involvement_and_the_clocks() -> None:
    _worker, manager = staff()
    record = opened(manager, pathway_plan_on=date(2026, 2, 1))
    assert record.involvement.service == "leaving_care"
    assert record.involvement.level == "care_leaver"
    tasks = _open_tasks(record)
    assert tasks[Clock.PATHWAY_REVIEW].due_on == date(2026, 8, 1)
    assert tasks[Clock.KEEPING_IN_TOUCH].title == "Birthday contact (18th birthday)"
    assert AuditEvent.objects.filter(section="care_leaver", object_id=str(record.pk)).exists()


def test_open_is_refused_without_a_period_of_care_before_16_or_in_the_future() -> None:
    _worker, manager = staff()
    person = young_person()
    with pytest.raises(ValidationError) as excinfo:
        care_leaver_open(actor=manager, person=person, started_on=date(2025, 3, 9), category="relevant")
    errors = _errors(excinfo)
    assert "no period of care" in errors["__all__"][0]
    assert "16th birthday, 10 March 2025" in errors["started_on"][0]
    in_care(person, date(2024, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        care_leaver_open(actor=manager, person=person, started_on=date(2026, 12, 1), category="nonsense")
    errors = _errors(excinfo)
    assert "cannot be in the future" in errors["started_on"][0]
    assert "from the list" in errors["category"][0]


def test_one_open_record_per_person() -> None:
    _worker, manager = staff()
    record = opened(manager)
    with pytest.raises(ValidationError) as excinfo:
        care_leaver_open(
            actor=manager, person=record.person, started_on=date(2026, 4, 1), category="relevant"
        )
    assert "already has an open care leaver record" in _errors(excinfo)["__all__"][0]


def test_social_worker_cannot_open_or_close_and_hidden_person_is_not_found() -> None:
    """R18: opening and closing need manage_cases. R19: a restricted young person is a 404."""
    worker, manager = staff()
    person = young_person()
    in_care(person, date(2023, 6, 1), date(2026, 3, 10))
    with pytest.raises(NotFoundOrForbidden):
        care_leaver_open(actor=worker, person=person, started_on=date(2026, 3, 10), category="relevant")
    record = opened(manager, person)
    with pytest.raises(NotFoundOrForbidden):
        care_leaver_close(
            actor=worker, care_leaver=record, ended_on=TODAY_, reason="age", expected_version=record.version
        )
    restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        care_leaver_contact_record(
            actor=worker, care_leaver=record, contact_on=date(2026, 11, 1), in_touch="NO"
        )


def test_update_with_a_stale_version_conflicts() -> None:
    """R49: two managers changing the record at once; the second is told."""
    worker, manager = staff()
    record = opened(manager)
    version = record.version
    care_leaver_update(
        actor=manager,
        care_leaver=record,
        category="relevant",
        personal_adviser=worker,
        pathway_plan_on=date(2026, 4, 1),
        expected_version=version,
    )
    stale = CareLeaver.objects.get(pk=record.pk)
    stale.version = version
    with pytest.raises(ConflictError):
        care_leaver_update(
            actor=manager,
            care_leaver=stale,
            category="former_relevant",
            personal_adviser=None,
            pathway_plan_on=None,
            expected_version=version,
        )
    assert _open_tasks(record)[Clock.PATHWAY_REVIEW].due_on == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"in_touch": ""}, "in_touch", "Choose whether"),
        ({"in_touch": "MAYBE"}, "in_touch", "from the list"),
        ({"in_touch": "YES"}, "activity", "needed when in touch"),
        ({"in_touch": "YES", "activity": "F2"}, "accommodation", "needed when in touch"),
        ({"in_touch": "YES", "activity": "X9", "accommodation": "U1"}, "activity", "from the list"),
        ({"in_touch": "YES", "activity": "F2", "accommodation": "Q1"}, "accommodation", "from the list"),
        ({"in_touch": "DIED", "activity": "F2"}, "activity", "Leave the activity blank"),
        ({"in_touch": "YES", "activity": "F2", "accommodation": "Z1"}, "accommodation", "aged 18 or over"),
    ],
)
def test_contact_oc3_refusals(fields, field, words) -> None:
    worker, manager = staff()
    record = opened(manager)
    with pytest.raises(ValidationError) as excinfo:
        care_leaver_contact_record(actor=worker, care_leaver=record, contact_on=date(2026, 11, 1), **fields)
    assert words in " ".join(_errors(excinfo)[field])


def test_contact_dates_are_checked() -> None:
    worker, manager = staff()
    record = opened(manager)
    for contact_on, words in [(date(2026, 12, 1), "future"), (date(2026, 3, 9), "before the record opened")]:
        with pytest.raises(ValidationError) as excinfo:
            care_leaver_contact_record(actor=worker, care_leaver=record, contact_on=contact_on, in_touch="NO")
        assert words in _errors(excinfo)["contact_on"][0]


def test_staying_put_accommodation_is_allowed_from_18() -> None:
    worker, manager = staff()
    person = young_person(date(2008, 10, 1))
    in_care(person, date(2023, 6, 1), date(2026, 10, 1))
    record = opened(manager, person, started_on=date(2026, 10, 1), category="former_relevant")
    contact = care_leaver_contact_record(
        actor=worker,
        care_leaver=record,
        contact_on=date(2026, 10, 20),
        in_touch="YES",
        activity="F2",
        accommodation="Z1",
    )
    assert contact.accommodation == "Z1"


def test_contact_in_the_window_completes_the_birthday_task_and_opens_the_next() -> None:
    worker, manager = staff()
    record = opened(manager)
    # Outside the 18th birthday's window (opens 10 December 2026): the task stays.
    care_leaver_contact_record(actor=worker, care_leaver=record, contact_on=date(2026, 11, 20), in_touch="NO")
    assert _open_tasks(record)[Clock.KEEPING_IN_TOUCH].title == "Birthday contact (18th birthday)"
    with time_machine.travel(date(2027, 3, 1), tick=False):
        care_leaver_contact_record(
            actor=worker,
            care_leaver=record,
            contact_on=date(2027, 2, 28),
            in_touch="YES",
            activity="F2",
            accommodation="U1",
        )
    done = Task.objects.get(
        involvement=record.involvement, key=Clock.KEEPING_IN_TOUCH, status=TaskStatus.DONE
    )
    assert (done.completed_on, done.completed_by) == (date(2027, 2, 28), worker)
    assert _open_tasks(record)[Clock.KEEPING_IN_TOUCH].title == "Birthday contact (19th birthday)"
    record.refresh_from_db()
    assert oc3_row(record, date(2027, 3, 31)) == {"IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "U1"}
    assert oc3_row(record, date(2028, 3, 31)) == {"IN_TOUCH": "", "ACTIV": "", "ACCOM": ""}
    assert oc3_row(record, date(2031, 3, 31)) is None  # 22nd birthday: not in OC3


def test_pathway_review_completes_the_task_and_sets_the_next() -> None:
    worker, manager = staff()
    record = opened(manager, pathway_plan_on=date(2026, 3, 1))
    pathway_review_record(
        actor=worker, care_leaver=record, reviewed_on=date(2026, 9, 1), summary="Synthetic."
    )
    assert _open_tasks(record)[Clock.PATHWAY_REVIEW].due_on == date(2027, 3, 1)
    assert Task.objects.filter(
        involvement=record.involvement, key=Clock.PATHWAY_REVIEW, status=TaskStatus.DONE
    ).exists()
    with pytest.raises(ValidationError) as excinfo:
        pathway_review_record(actor=worker, care_leaver=record, reviewed_on=date(2026, 2, 1))
    assert "before the pathway plan was agreed" in " ".join(_errors(excinfo)["reviewed_on"])


def test_close_cancels_the_clocks_and_refuses_more() -> None:
    worker, manager = staff()
    record = opened(manager)
    care_leaver_contact_record(actor=worker, care_leaver=record, contact_on=date(2026, 11, 1), in_touch="NO")
    with pytest.raises(ValidationError) as excinfo:
        care_leaver_close(
            actor=manager,
            care_leaver=record,
            ended_on=date(2026, 10, 1),
            reason="",
            expected_version=record.version,
        )
    errors = _errors(excinfo)
    assert "contact on 1 November 2026" in errors["ended_on"][0]
    assert "Choose why" in errors["reason"][0]
    care_leaver_close(
        actor=manager,
        care_leaver=record,
        ended_on=date(2026, 11, 20),
        reason="declined",
        expected_version=record.version,
    )
    assert _open_tasks(record) == {}
    record.involvement.refresh_from_db()
    assert record.involvement.closed_on == date(2026, 11, 20)
    with pytest.raises(ValidationError) as excinfo:
        care_leaver_contact_record(
            actor=worker, care_leaver=record, contact_on=date(2026, 11, 21), in_touch="NO"
        )
    assert "closed on 20 November 2026" in _errors(excinfo)["__all__"][0]
