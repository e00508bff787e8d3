"""Agencies, teams and membership: capability, validation, separation of duties, audit, locking."""

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import Agency, Team, TeamMembership
from safehub.accounts.services import (
    agency_create,
    agency_update,
    team_add_member,
    team_create,
    team_remove_member,
    team_update,
)
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory
from safehub.platform.errors import ConflictError, PermissionRefused


def test_agency_create_and_update_are_audited(admin, audit_events):
    agency = agency_create(actor=admin, name="  Northshire Police ", kind=AgencyKind.POLICE, ods_code="NS1")
    assert agency.name == "Northshire Police"
    assert audit_events(verb="create", object_id=agency.pk, actor=admin).exists()
    agency_update(actor=admin, agency=agency, expected_version=1, ods_code="NS2")
    agency.refresh_from_db()
    assert (agency.ods_code, agency.version) == ("NS2", 2)
    assert audit_events(verb="update", object_id=agency.pk, section="ods_code").exists()


def test_agency_bad_input_and_duplicates_are_field_errors(admin):
    AgencyFactory(name="Taken")
    with pytest.raises(ValidationError) as exc:
        agency_create(actor=admin, name="Taken", kind=AgencyKind.SCHOOL)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        agency_create(actor=admin, name="New", kind="castle")
    assert "kind" in exc.value.message_dict


def test_agency_services_refused_without_capability(make_user):
    actor = make_user(Role.IG_OFFICER)
    with pytest.raises(PermissionRefused):
        agency_create(actor=actor, name="X", kind=AgencyKind.SCHOOL)
    agency = AgencyFactory()
    with pytest.raises(PermissionRefused):
        agency_update(actor=actor, agency=agency, expected_version=1, name="Y")
    assert not Agency.objects.filter(name="X").exists()


def test_agency_stale_version_conflicts(admin, make_user):
    agency = AgencyFactory()
    agency_update(actor=make_user(Role.SYSADMIN), agency=agency, expected_version=1, ods_code="A")
    stale = Agency.objects.get(pk=agency.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        agency_update(actor=admin, agency=stale, expected_version=1, ods_code="B")
    assert Agency.objects.get(pk=agency.pk).ods_code == "A"


def test_team_create_update_and_agency_move_are_audited(admin, audit_events):
    agency, other = AgencyFactory(), AgencyFactory()
    team = team_create(actor=admin, name="Assessment North", kind=TeamKind.ASSESSMENT, agency=agency)
    assert audit_events(verb="create", object_id=team.pk).exists()
    team_update(actor=admin, team=team, expected_version=1, agency=other)
    assert audit_events(verb="permission_change", object_id=team.pk, section="agency").exists()


def test_team_name_unique_within_agency(admin):
    team = TeamFactory()
    with pytest.raises(ValidationError):
        team_create(actor=admin, name=team.name, kind=TeamKind.MASH, agency=team.agency)


def test_team_create_refuses_closed_agency(admin):
    with pytest.raises(ValidationError) as exc:
        team_create(actor=admin, name="T", kind=TeamKind.MASH, agency=AgencyFactory(is_active=False))
    assert "agency" in exc.value.message_dict
    assert not Team.objects.filter(name="T").exists()


def test_team_services_refused_without_capability(make_user):
    actor, team = make_user(Role.TEAM_MANAGER), TeamFactory()
    with pytest.raises(PermissionRefused):
        team_create(actor=actor, name="T", kind=TeamKind.MASH, agency=team.agency)
    with pytest.raises(PermissionRefused):
        team_update(actor=actor, team=team, expected_version=1, name="U")
    with pytest.raises(PermissionRefused):
        team_add_member(actor=actor, team=team, user=UserFactory())
    with pytest.raises(PermissionRefused):
        team_remove_member(actor=actor, team=team, user=UserFactory())


def test_membership_changes_are_permission_changes(admin, audit_events):
    team, user = TeamFactory(), UserFactory()
    team_add_member(actor=admin, team=team, user=user, is_manager=True)
    assert TeamMembership.objects.get(team=team, user=user).is_manager
    added = audit_events(verb="permission_change", object_id=user.pk, section="teams").get()
    assert f"added to {team.name}" in added.reason
    team_remove_member(actor=admin, team=team, user=user)
    assert not TeamMembership.objects.filter(team=team, user=user).exists()
    assert audit_events(verb="permission_change", object_id=user.pk, section="teams").count() == 2


def test_membership_errors_are_clear(admin):
    team, user = TeamFactory(), UserFactory()
    team_add_member(actor=admin, team=team, user=user)
    with pytest.raises(ValidationError, match="already a member"):
        team_add_member(actor=admin, team=team, user=user)
    with pytest.raises(ValidationError, match="not a member"):
        team_remove_member(actor=admin, team=TeamFactory(), user=user)
    with pytest.raises(ValidationError, match="closed"):
        team_add_member(actor=admin, team=TeamFactory(is_active=False), user=UserFactory())


def test_admin_cannot_change_own_membership(admin):
    """R26: team membership widens case access, so it is never self-granted."""
    team = TeamFactory()
    with pytest.raises(ValidationError):
        team_add_member(actor=admin, team=team, user=admin)
    assert not TeamMembership.objects.filter(user=admin).exists()
