"""incident_record and incident_notify (issue 10, item 1; ADR 0008 §2, §3; R18, R19, R49, R52)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.access.tests.factories import restrict
from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

from ...constants import IncidentKind, ReviewKind
from ...models import SeriousIncident
from ...services import incidents as incident_services
from ...services.incidents import incident_notify, incident_record
from .. import factories as f

pytestmark = pytest.mark.django_db

INCIDENT_ON = date(2026, 11, 20)
AWARE_ON = date(2026, 11, 23)


def _record(actor: Any, **fields: Any) -> SeriousIncident:
    values: dict[str, Any] = {
        "child": f.child(),
        "kind": IncidentKind.SERIOUS_HARM,
        "incident_on": INCIDENT_ON,
        "aware_on": AWARE_ON,
        "summary": "Synthetic: a toddler was admitted with a fractured femur; no explanation given.",
    }
    values.update(fields)
    return incident_record(actor=actor, **values)


def test_a_council_manager_records_an_incident_with_its_reference_and_notification_clock() -> None:
    manager = f.team_manager()
    police, health = f.police(), f.health()
    incident = _record(manager, agencies=[police, health, police])
    assert incident.reference == "SIN-2026-0001"
    assert incident.recorded_by == manager
    # R52: 5 working days from the day the council became aware (Mon 23 Nov → Mon 30 Nov).
    assert incident.notify_due_on == add_working_days(AWARE_ON, 5) == date(2026, 11, 30)
    assert set(incident.agencies.all()) == {police, health}
    assert AuditEvent.objects.filter(
        object_id=str(incident.pk), verb="create", section="serious_incident"
    ).exists()
    assert _record(f.partnership_manager()).reference == "SIN-2026-0002"


def test_references_run_on_from_the_years_highest() -> None:
    f.incident(reference="SIN-2026-0041")
    f.incident(reference="SIN-2025-0099")
    assert _record(f.team_manager()).reference == "SIN-2026-0042"


def test_a_reference_taken_meanwhile_is_retried_with_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two managers recording at once: the loser's insert fails on the unique index, and it takes
    another number inside its own transaction."""
    f.incident(reference="SIN-2026-0001")
    offered = iter(["SIN-2026-0001", "SIN-2026-0002"])
    monkeypatch.setattr(incident_services, "_next_reference", lambda year: next(offered))
    assert _record(f.team_manager()).reference == "SIN-2026-0002"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"aware_on": INCIDENT_ON - timedelta(days=1)}, "aware_on"),
        ({"aware_on": f.TODAY + timedelta(days=1)}, "aware_on"),
        ({"incident_on": f.TODAY + timedelta(days=1), "aware_on": f.TODAY}, "incident_on"),
        ({"incident_on": None}, "incident_on"),
        ({"summary": "  "}, "summary"),
        ({"kind": "near_miss"}, "kind"),
        ({"child": None}, "child"),
    ],
)
def test_bad_input_is_refused_at_its_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        _record(f.team_manager(), **fields)
    assert list(error.value.message_dict) == [field]
    assert not SeriousIncident.objects.exists()


def test_awareness_before_the_incident_says_so() -> None:
    with pytest.raises(ValidationError) as error:
        _record(f.team_manager(), aware_on=INCIDENT_ON - timedelta(days=1))
    assert error.value.message_dict["aware_on"] == [
        "The council cannot have become aware before the incident on 20 November 2026."
    ]


def test_only_managers_record_and_never_for_a_child_hidden_from_them() -> None:
    """R18: the function needs notify_incidents or manage_learning; R19: a restricted child is 404."""
    for role in (Role.LEARNING_PARTNER, Role.SOCIAL_WORKER, Role.PERFORMANCE_ANALYST):
        with pytest.raises(PermissionRefused):
            _record(UserFactory(role=role))
    kid = f.child()
    restrict(kid)
    with pytest.raises(NotFoundOrForbidden):
        _record(f.team_manager(), child=kid)
    assert not SeriousIncident.objects.exists()


def test_nothing_is_written_when_the_audit_event_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The incident and its audit event commit together or not at all (R28)."""

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(incident_services, "record_event", broken)
    with pytest.raises(RuntimeError):
        _record(f.team_manager(), agencies=[f.police()])
    assert not SeriousIncident.objects.exists()
    assert not AuditEvent.objects.filter(section="serious_incident").exists()


def test_the_recorder_notifies_the_panel() -> None:
    manager = f.team_manager()
    incident = _record(manager)
    incident_notify(
        actor=manager,
        incident=incident,
        expected_version=incident.version,
        notified_on=date(2026, 11, 25),
        panel_reference=" CSPRP-2026-123 ",
    )
    incident.refresh_from_db()
    assert (incident.notified_on, incident.panel_reference, incident.version) == (
        date(2026, 11, 25),
        "CSPRP-2026-123",
        2,
    )
    assert AuditEvent.objects.filter(object_id=str(incident.pk), reason="notified").exists()
    with pytest.raises(ValidationError) as error:
        incident_notify(
            actor=manager, incident=incident, expected_version=incident.version, notified_on=f.TODAY
        )
    assert error.value.message_dict == {
        "__all__": ["The national panel was already notified of this incident on 25 November 2026."]
    }


@pytest.mark.parametrize(
    ("notified_on", "message"),
    [
        (AWARE_ON - timedelta(days=1), "cannot be before the council became aware on 23 November 2026"),
        (f.TODAY + timedelta(days=1), "cannot be in the future"),
        (None, "Enter the date the panel was notified."),
    ],
)
def test_a_notification_date_before_awareness_or_in_the_future_is_refused(
    notified_on: date | None, message: str
) -> None:
    manager = f.team_manager()
    incident = _record(manager)
    with pytest.raises(ValidationError) as error:
        incident_notify(actor=manager, incident=incident, expected_version=1, notified_on=notified_on)
    (got,) = error.value.message_dict["notified_on"]
    assert message in got


def test_a_stale_notification_is_a_conflict() -> None:
    """R49: the partnership notified meanwhile; the recorder's older form does not overwrite it."""
    manager = f.team_manager()
    incident = _record(manager)
    mine = SeriousIncident.objects.get(pk=incident.pk)
    incident_notify(
        actor=f.partnership_manager(),
        incident=incident,
        expected_version=1,
        notified_on=date(2026, 11, 24),
        panel_reference="CSPRP-1",
    )
    with pytest.raises(ConflictError):
        incident_notify(
            actor=manager, incident=mine, expected_version=1, notified_on=f.TODAY, panel_reference="CSPRP-2"
        )
    incident.refresh_from_db()
    assert (incident.notified_on, incident.panel_reference) == (date(2026, 11, 24), "CSPRP-1")


def test_another_manager_cannot_notify_an_incident_they_did_not_record() -> None:
    """R19: not theirs to open, so it answers like a missing record."""
    incident = _record(f.team_manager())
    for actor in (f.team_manager(), f.learning_partner()):
        with pytest.raises(NotFoundOrForbidden):
            incident_notify(actor=actor, incident=incident, expected_version=1, notified_on=f.TODAY)


def test_notifying_moves_a_running_rapid_review_to_15_working_days_from_the_notification() -> None:
    manager = f.partnership_manager()
    incident = _record(manager)
    review = f.review(incident=incident, kind=ReviewKind.RAPID, due_on=add_working_days(AWARE_ON, 15))
    incident_notify(actor=manager, incident=incident, expected_version=1, notified_on=f.TODAY)
    review.refresh_from_db()
    assert review.due_on == add_working_days(f.TODAY, 15)
    assert review.version == 1  # a clock's date, not a user's edit
