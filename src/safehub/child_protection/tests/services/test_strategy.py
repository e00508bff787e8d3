"""Strategy discussions: attendees (police, health), decisions, the s47 enquiry and its ICPC clock."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.models import Agency
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.child_protection.constants import Clock
from safehub.child_protection.models import Section47Enquiry, StrategyAttendee, StrategyDiscussion
from safehub.child_protection.services.strategy import AttendeeInput, strategy_discussion_record
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import NotFoundOrForbidden

from .referral_cases import NOW, police_and_health, referral, staff, strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _errors(actor, ref, **overrides) -> dict[str, list[str]]:
    values = {
        "actor": actor,
        "referral": ref,
        "held_on": date(2026, 10, 12),
        "decision": "s47",
        "rationale": "Synthetic rationale.",
        "attendees": police_and_health(),
    }
    values.update(overrides)
    with pytest.raises(ValidationError) as error:
        strategy_discussion_record(**values)
    assert not StrategyDiscussion.objects.exists()
    assert not Section47Enquiry.objects.exists()
    return error.value.message_dict


def test_a_section_47_decision_opens_the_enquiry_with_the_icpc_due_in_15_working_days():
    worker, _ = staff()
    ref = referral(worker)
    discussion = strategy(worker, ref, held_on=date(2026, 10, 12))
    enquiry = Section47Enquiry.objects.get(strategy_discussion=discussion)
    assert enquiry.started_on == date(2026, 10, 12)
    assert enquiry.icpc_due_on == add_working_days(date(2026, 10, 12), 15)
    task = Task.objects.get(involvement=ref.involvement, key=Clock.ICPC, status=TaskStatus.OPEN)
    assert task.due_on == enquiry.icpc_due_on
    attendees = StrategyAttendee.objects.filter(discussion=discussion)
    assert attendees.count() == 3
    police = attendees.get(agency__kind=AgencyKind.POLICE)
    assert police.agency_name == "Northshire Police"  # taken from the agency when left blank
    assert AuditEvent.objects.filter(
        object_id=str(discussion.pk), section="strategy_discussion", reason="s47"
    ).exists()


@pytest.mark.parametrize("decision", ["continue", "nfa"])
def test_other_decisions_open_no_enquiry(decision):
    worker, _ = staff()
    ref = referral(worker)
    strategy(worker, ref, decision=decision)
    assert not Section47Enquiry.objects.exists()
    assert not Task.objects.filter(key=Clock.ICPC).exists()


def test_the_police_must_take_part():
    worker, _ = staff()
    ref = referral(worker)
    attendees = [a for a in police_and_health() if a.agency_id is None]
    errors = _errors(worker, ref, attendees=attendees)
    assert errors["attendees"] == ["A strategy discussion includes the police: add the police attendee."]


def test_health_must_take_part():
    worker, _ = staff()
    ref = referral(worker)
    attendees = [a for a in police_and_health() if "NHS" not in a.agency_name]
    errors = _errors(worker, ref, attendees=attendees)
    assert errors["attendees"] == ["A strategy discussion includes health: add the health attendee."]


def test_police_and_health_can_be_recognised_by_agency_kind_or_by_name():
    worker, _ = staff()
    gp = Agency.objects.create(name="Example Surgery", kind=AgencyKind.GP_PRACTICE)
    attendees = [
        AttendeeInput(name="PC Sample", agency_name="Northshire Police"),
        AttendeeInput(name="Dr Example", agency_name="Example Surgery", agency_id=gp.pk),
    ]
    strategy_discussion_record(
        actor=worker,
        referral=referral(worker),
        held_on=date(2026, 10, 12),
        decision="continue",
        rationale="Synthetic.",
        attendees=attendees,
    )


def test_each_attendee_has_a_name_and_an_agency():
    worker, _ = staff()
    ref = referral(worker)
    attendees = [*police_and_health(), AttendeeInput(name=" ", agency_name="")]
    errors = _errors(worker, ref, attendees=attendees)
    assert errors["attendees"] == [
        "Attendee 4: enter their name.",
        "Attendee 4: enter the agency they represent.",
    ]
    errors = _errors(worker, ref, attendees=[])
    assert "Add the people who took part" in errors["attendees"][0]


def test_an_unknown_agency_is_refused():
    import uuid

    worker, _ = staff()
    ref = referral(worker)
    attendees = [*police_and_health(), AttendeeInput(name="A", agency_name="B", agency_id=uuid.uuid4())]
    errors = _errors(worker, ref, attendees=attendees)
    assert errors["attendees"] == ["Attendee 4: choose their agency from the list."]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"decision": ""}, "decision", "Choose what the strategy discussion decided."),
        ({"decision": "maybe"}, "decision", "Choose a decision from the list."),
        ({"rationale": "  "}, "rationale", "Give the reasons for the decision."),
        (
            {"held_on": date(2026, 11, 27)},
            "held_on",
            "The date of the strategy discussion cannot be in the future.",
        ),
        (
            {"held_on": date(2026, 9, 30)},
            "held_on",
            "The date of the strategy discussion cannot be before the referral on 1 October 2026.",
        ),
    ],
)
def test_refused_at_the_field(overrides, field, message):
    worker, _ = staff()
    errors = _errors(worker, referral(worker), **overrides)
    assert errors[field] == [message]


def test_one_open_section_47_at_a_time():
    worker, _ = staff()
    ref = referral(worker)
    strategy(worker, ref)
    with pytest.raises(ValidationError) as error:
        strategy(worker, ref, held_on=date(2026, 10, 20))
    assert (
        "A section 47 enquiry started on 12 October 2026 is still open"
        in error.value.message_dict["decision"][0]
    )
    assert Section47Enquiry.objects.count() == 1
    # A discussion that decides something else may still be recorded.
    strategy(worker, ref, held_on=date(2026, 10, 20), decision="continue")


def test_needs_record_casework():
    worker, _ = staff()
    ref = referral(worker)
    with pytest.raises(NotFoundOrForbidden):
        strategy(UserFactory(role=Role.IRO), ref)


def test_not_on_a_closed_referral():
    """CIN census 8565."""
    from safehub.child_protection.models import Referral

    worker, _ = staff()
    ref = referral(worker)
    Referral.objects.filter(pk=ref.pk).update(closed_on=date(2026, 10, 10), closure_reason="RC7")
    ref.refresh_from_db()
    errors = _errors(worker, ref, held_on=date(2026, 10, 12))
    assert (
        "The date of the strategy discussion cannot be after the case closed on 10 October 2026."
        in errors["held_on"]
    )
    assert errors["__all__"]
