"""user_create and user_update: capability, validation, separation of duties, audit, locking."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.accounts.services import user_create, user_update
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory
from safehub.platform.errors import ConflictError, PermissionRefused

SITE = "https://safehub.test"


def _create(actor, **overrides):
    fields = {
        "email": "New.Person@Example.test",
        "full_name": "New Person",
        "role": Role.SOCIAL_WORKER,
        "agency": AgencyFactory(),
        "site_url": SITE,
    }
    fields.update(overrides)
    return user_create(actor=actor, **fields)


def test_create_makes_account_with_no_usable_password_and_audits(
    admin, audit_events, django_capture_on_commit_callbacks
):
    """R12: no default password; the person receives a single-use password-set link."""
    team = TeamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user = _create(admin, teams=[team])
    assert user.email == "new.person@example.test"
    assert not user.has_usable_password()
    assert list(user.teams.all()) == [team]
    assert audit_events(verb="create", object_id=user.pk, actor=admin).count() == 1
    grant = audit_events(verb="permission_change", object_id=user.pk).get()
    assert team.name in grant.reason
    assert Role.SOCIAL_WORKER in grant.reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.test"]
    assert f"{SITE}/accounts/password/reset/key/" in mail.outbox[0].body


def test_create_refused_without_capability(make_user, audit_events):
    manager = make_user(Role.TEAM_MANAGER)
    with pytest.raises(PermissionRefused):
        _create(manager)
    assert not User.objects.filter(email="new.person@example.test").exists()


def test_create_refuses_duplicate_email_case_insensitively(admin, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.test")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        _create(admin, email="TAKEN@example.test")
    assert "email" in exc.value.message_dict
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"role": "wizard"}, "role"),
        ({"agency": None}, "agency"),
    ],
)
def test_create_reports_bad_input_at_the_field_and_writes_nothing(admin, audit_events, overrides, field):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        _create(admin, **overrides)
    assert field in exc.value.message_dict
    assert User.objects.count() == before
    assert not audit_events(verb="create", object_type="accounts.user").exists()


def test_create_refuses_closed_agency(admin):
    with pytest.raises(ValidationError) as exc:
        _create(admin, agency=AgencyFactory(is_active=False))
    assert "agency" in exc.value.message_dict


def test_create_rolls_back_when_a_team_is_closed(admin):
    """R50: a failed step leaves no half-made account."""
    with pytest.raises(ValidationError):
        _create(admin, teams=[TeamFactory(is_active=False)])
    assert not User.objects.filter(email="new.person@example.test").exists()


def test_update_changes_fields_bumps_version_and_audits(admin, audit_events):
    user = UserFactory(role=Role.SOCIAL_WORKER)
    updated = user_update(actor=admin, user=user, expected_version=1, job_title="Senior practitioner")
    assert updated.job_title == "Senior practitioner"
    assert updated.version == 2
    assert updated.updated_by == admin
    event = audit_events(verb="update", object_id=user.pk).get()
    assert event.section == "job_title"
    assert not audit_events(verb="permission_change", object_id=user.pk).exists()


def test_role_change_is_audited_as_permission_change(admin, audit_events):
    user = UserFactory(role=Role.SOCIAL_WORKER)
    user_update(actor=admin, user=user, expected_version=1, role=Role.TEAM_MANAGER)
    event = audit_events(verb="permission_change", object_id=user.pk).get()
    assert event.section == "role"
    assert "social_worker -> team_manager" in event.reason


def test_update_refused_without_capability(make_user):
    user = UserFactory()
    with pytest.raises(PermissionRefused):
        user_update(actor=make_user(Role.IG_OFFICER), user=user, expected_version=1, role=Role.SYSADMIN)
    user.refresh_from_db()
    assert user.role == Role.SOCIAL_WORKER


def test_admin_cannot_change_own_role_or_agency(admin, audit_events):
    """R26: separation of duties."""
    with pytest.raises(ValidationError) as exc:
        user_update(actor=admin, user=admin, expected_version=admin.version, role=Role.IG_OFFICER)
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        user_update(actor=admin, user=admin, expected_version=admin.version, agency=AgencyFactory())
    assert "agency" in exc.value.message_dict
    admin.refresh_from_db()
    assert admin.role == Role.SYSADMIN
    # Their own name they may correct.
    user_update(actor=admin, user=admin, expected_version=admin.version, full_name="Ada Q. Admin")
    assert not audit_events(verb="permission_change", object_id=admin.pk).exists()


def test_stale_version_is_a_conflict_naming_who_and_keeping_their_change(admin, make_user):
    """R49: the second writer gets a conflict that names the first; the first's data survives."""
    other_admin = make_user(Role.SYSADMIN, full_name="Olu Other")
    user = UserFactory(job_title="Practitioner")
    user_update(actor=other_admin, user=user, expected_version=1, job_title="Senior practitioner")
    with pytest.raises(ConflictError) as exc:
        user_update(actor=admin, user=user, expected_version=1, job_title="Team lead")
    assert exc.value.changed_by == "Olu Other"
    assert exc.value.changed_at is not None
    assert "Olu Other" in str(exc.value)
    assert exc.value.changes["job title"] == ("Senior practitioner", "Team lead")
    user.refresh_from_db()
    assert user.job_title == "Senior practitioner"
    assert user.version == 2


def test_update_refuses_email_of_another_user(admin):
    UserFactory(email="taken@example.test")
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        user_update(actor=admin, user=user, expected_version=1, email="Taken@example.test")
    assert "email" in exc.value.message_dict


def test_update_refuses_unknown_fields(admin):
    user = UserFactory()
    with pytest.raises(TypeError):
        user_update(actor=admin, user=user, expected_version=1, is_superuser=True)
