"""Break-the-glass: reason, two-hour window, alert after commit, mandatory review (R23)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.access.constants import BREAK_GLASS_DURATION, BreakGlassReason, Level, ReviewOutcome
from safehub.access.models import BreakGlassAccess
from safehub.access.selectors import break_glass_review_queue
from safehub.access.services import SeparationOfDuties, break_glass_review, break_glass_start
from safehub.accounts.constants import Role
from safehub.audit.constants import Outcome, Verb
from safehub.audit.models import AuditEvent
from safehub.people.models import Person
from safehub.people.policies import person_policy
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ..factories import PERSON, make_break_glass, make_person, restrict

pytestmark = pytest.mark.django_db

REASON = "Police report the child missing tonight; the duty team needs the placement address."


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER, mfa=False)


@pytest.fixture
def officer(make_user):
    return make_user(Role.IG_OFFICER, mfa=False)


def start(actor, person, *, code=BreakGlassReason.IMMEDIATE_RISK, text=REASON):
    return break_glass_start(
        actor=actor, object_type=PERSON, object_id=person.pk, reason_code=code, reason_text=text
    )


def visible(user, person):
    return person_policy.can(user, "view", person), person_policy.scope(user, Person.objects.all()).filter(
        pk=person.pk
    ).exists()


def test_refused_without_a_reason_code_and_text(worker):
    """R23: emergency access is denied without a reason; nothing opens and nothing is recorded."""
    person = make_person()
    restrict(person)
    with pytest.raises(ValidationError) as missing:
        start(worker, person, code="", text="")
    assert set(missing.value.message_dict) == {"reason_code", "reason_text"}
    with pytest.raises(ValidationError) as too_short:
        start(worker, person, text="urgent, needed now")
    assert set(too_short.value.message_dict) == {"reason_text"}
    assert not BreakGlassAccess.objects.exists()
    assert visible(worker, person) == (False, False)


def test_sealed_record_is_refused_and_the_attempt_audited(worker):
    """R23: emergency access never unlocks a sealed record; it needs a named grant."""
    person = make_person()
    restrict(person, Level.SEALED)
    with pytest.raises(NotFoundOrForbidden):
        start(worker, person)
    assert not BreakGlassAccess.objects.exists()
    assert visible(worker, person) == (False, False)
    denied = AuditEvent.objects.get(verb=Verb.BREAK_GLASS)
    assert (denied.outcome, denied.object_id, denied.actor_id) == (Outcome.DENIED, str(person.pk), worker.pk)


@pytest.mark.parametrize("case", ["unrestricted", "missing", "unknown type"])
def test_nothing_to_break_into_is_not_found(worker, case):
    person = make_person()
    object_type, object_id = PERSON, person.pk
    if case == "missing":
        object_id = make_person(given_name="Other").pk
        restrict(Person.objects.get(pk=object_id)).delete()
        Person.objects.filter(pk=object_id).delete()
    if case == "unknown type":
        object_type = "people.nothing"
    with pytest.raises(NotFoundOrForbidden):
        break_glass_start(
            actor=worker,
            object_type=object_type,
            object_id=object_id,
            reason_code=BreakGlassReason.OTHER,
            reason_text=REASON,
        )
    assert not BreakGlassAccess.objects.exists()


def test_needs_the_break_glass_capability(make_user):
    practitioner = make_user(Role.EARLY_HELP, mfa=False)
    person = make_person()
    restrict(person)
    with pytest.raises(PermissionRefused):
        start(practitioner, person)


def test_opens_a_restricted_record_for_two_hours_then_closes(worker):
    """R23: the record opens at T and closes at exactly T+2h (time-machine)."""
    t0 = datetime(2026, 3, 2, 14, 32, tzinfo=UTC)
    with time_machine.travel(t0, tick=False) as traveller:
        person = make_person()
        restrict(person)
        assert visible(worker, person) == (False, False)
        use = start(worker, person)
        assert (use.started_at, use.expires_at) == (t0, t0 + BREAK_GLASS_DURATION)
        assert visible(worker, person) == (True, True)
        traveller.move_to(t0 + BREAK_GLASS_DURATION - timedelta(seconds=1))
        assert visible(worker, person) == (True, True)
        traveller.move_to(t0 + BREAK_GLASS_DURATION)
        assert visible(worker, person) == (False, False)


def test_only_the_user_who_broke_the_glass_gets_in(worker, make_user):
    colleague = make_user(Role.SOCIAL_WORKER, mfa=False)
    person = make_person()
    restrict(person)
    start(worker, person)
    assert visible(colleague, person) == (False, False)


def test_use_is_audited_in_the_same_transaction(worker):
    person = make_person()
    restrict(person)
    use = start(worker, person)
    event = AuditEvent.objects.get(verb=Verb.BREAK_GLASS)
    assert (event.object_type, event.object_id, event.outcome) == (PERSON, str(person.pk), Outcome.SUCCESS)
    assert event.reason == f"{BreakGlassReason.IMMEDIATE_RISK}: {REASON}"
    assert use.expires_at.strftime("%H:%M") in event.purpose


def test_alert_to_information_governance_goes_only_after_commit(
    worker, officer, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    """R23, R51: every active IG officer gets an e-mail, sent by an on-commit callback."""
    second = make_user(Role.IG_OFFICER, mfa=False)
    make_user(Role.IG_OFFICER, mfa=False, is_active=False)
    make_user(Role.TEAM_MANAGER, mfa=False)
    person = make_person(given_name="Zebedee", family_name="Quartermain")
    restrict(person, by=officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        use = start(worker, person)
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to for m in mailoutbox) == sorted([[officer.email], [second.email]])
    body = mailoutbox[0].body
    assert str(worker) in body
    assert str(use.pk) in body
    # No personal data in an e-mail: not the subject's name, nor the free-text reason.
    assert "Quartermain" not in body
    assert REASON not in body


def test_no_alert_when_the_use_rolls_back(worker, mailoutbox, django_capture_on_commit_callbacks):
    """R51: a use that never committed alerts nobody."""
    person = make_person()
    restrict(person)

    def use_then_fail():
        with transaction.atomic():
            start(worker, person)
            raise RuntimeError("a later step failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        use_then_fail()
    assert callbacks == []
    assert mailoutbox == []
    assert not BreakGlassAccess.objects.exists()


def test_use_stays_in_the_review_queue_until_reviewed(worker, officer):
    """R23: the review queue shows every use, oldest first, until it has an outcome."""
    first, second = make_person(given_name="One"), make_person(given_name="Two")
    restrict(first)
    restrict(second)
    older = make_break_glass(worker, first, started_ago=timedelta(hours=3))
    newer = start(worker, second)
    assert break_glass_review_queue(actor=officer) == [older, newer]
    break_glass_review(actor=officer, access=older, outcome=ReviewOutcome.JUSTIFIED, notes="")
    assert break_glass_review_queue(actor=officer) == [newer]
    newer = break_glass_review(
        actor=officer, access=newer, outcome=ReviewOutcome.NOT_JUSTIFIED, notes="No emergency on file."
    )
    assert break_glass_review_queue(actor=officer) == []
    assert (newer.reviewed_by, newer.review_outcome) == (officer, ReviewOutcome.NOT_JUSTIFIED)
    assert AuditEvent.objects.filter(verb=Verb.BREAK_GLASS_REVIEW).count() == 2


def test_nobody_reviews_their_own_use(officer):
    """R23, R26: a reviewer cannot record the outcome of their own emergency access."""
    person = make_person()
    restrict(person)
    own = make_break_glass(officer, person)
    with pytest.raises(SeparationOfDuties):
        break_glass_review(actor=officer, access=own, outcome=ReviewOutcome.JUSTIFIED, notes="")
    own.refresh_from_db()
    assert own.review_outcome == ""


def test_review_rules(worker, officer, make_user):
    person = make_person()
    restrict(person)
    use = make_break_glass(worker, person)
    with pytest.raises(PermissionRefused):
        break_glass_review(
            actor=make_user(Role.TEAM_MANAGER, mfa=False), access=use, outcome="justified", notes=""
        )
    with pytest.raises(ValidationError) as bad:
        break_glass_review(actor=officer, access=use, outcome="maybe", notes="")
    assert set(bad.value.message_dict) == {"outcome"}
    with pytest.raises(ValidationError) as unexplained:
        break_glass_review(actor=officer, access=use, outcome=ReviewOutcome.REFERRED, notes=" ")
    assert set(unexplained.value.message_dict) == {"notes"}
    break_glass_review(actor=officer, access=use, outcome=ReviewOutcome.REFERRED, notes="Referred to HR.")
    with pytest.raises(ValidationError):
        break_glass_review(
            actor=make_user(Role.IG_OFFICER, mfa=False), access=use, outcome="justified", notes=""
        )
