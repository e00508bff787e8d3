"""Agency and team pages, and team membership through the UI."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import AgencyKind, TeamKind
from safehub.accounts.models import Agency, Team, TeamMembership
from safehub.accounts.services import agency_update
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_agency_create_and_edit(admin_client):
    response = admin_client.post(
        reverse("accounts:agency_create"),
        {
            "name": "Northshire Police",
            "kind": AgencyKind.POLICE,
            "ods_code": "NS",
            "is_active": "on",
            "version": "7",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Northshire Police")
    assert agency.version == 1
    url = reverse("accounts:agency_edit", kwargs={"pk": agency.pk})
    data = {
        "name": "Northshire Constabulary",
        "kind": AgencyKind.POLICE,
        "ods_code": "NS",
        "is_active": "on",
        "version": 1,
    }
    assert admin_client.post(url, data).status_code == 302
    agency.refresh_from_db()
    assert (agency.name, agency.version) == ("Northshire Constabulary", 2)
    assert "Northshire Constabulary" in admin_client.get(reverse("accounts:agency_list")).content.decode()


def test_agency_errors_and_conflict(admin_client, make_user):
    AgencyFactory(name="Taken")
    bad = admin_client.post(reverse("accounts:agency_create"), {"name": "Taken", "kind": "castle"})
    assert set(bad.context["form"].errors) >= {"name", "kind"}
    agency = AgencyFactory(name="Original")
    agency_update(
        actor=make_user("sysadmin", full_name="Olu Other"), agency=agency, expected_version=1, ods_code="X"
    )
    url = reverse("accounts:agency_edit", kwargs={"pk": agency.pk})
    data = {"name": "Mine", "kind": agency.kind, "ods_code": "", "is_active": "on", "version": 1}
    response = admin_client.post(url, data)
    assert "changed by Olu Other at" in response.content.decode()
    agency.refresh_from_db()
    assert agency.name == "Original"


def test_team_create_edit_and_detail(admin_client):
    agency = AgencyFactory()
    response = admin_client.post(
        reverse("accounts:team_create"),
        {"name": "Front Door", "kind": TeamKind.MASH, "agency": agency.pk, "is_active": "on"},
    )
    team = Team.objects.get(name="Front Door")
    assert response.url == reverse("accounts:team_detail", kwargs={"pk": team.pk})
    url = reverse("accounts:team_edit", kwargs={"pk": team.pk})
    data = {"name": "MASH", "kind": TeamKind.MASH, "agency": agency.pk, "is_active": "on", "version": 1}
    assert admin_client.post(url, data).status_code == 302
    team.refresh_from_db()
    assert team.name == "MASH"
    assert admin_client.get(reverse("accounts:team_list")).status_code == 200


def test_add_and_remove_member(admin_client, audit_events):
    team, user = TeamFactory(), UserFactory(full_name="Mo Member")
    add = reverse("accounts:team_member_add", kwargs={"pk": team.pk})
    response = admin_client.post(add, {"email": user.email.upper(), "is_manager": "on"})
    assert response.status_code == 302
    assert TeamMembership.objects.get(team=team, user=user).is_manager
    detail = admin_client.get(reverse("accounts:team_detail", kwargs={"pk": team.pk}))
    assert "Mo Member" in detail.content.decode()
    remove = reverse("accounts:team_member_remove", kwargs={"pk": team.pk, "user_pk": user.pk})
    assert admin_client.get(remove).status_code == 200
    assert admin_client.post(remove, {"reason": ""}).status_code == 302
    assert not TeamMembership.objects.filter(team=team, user=user).exists()
    assert audit_events(verb="permission_change", object_id=user.pk, section="teams").count() == 2


def test_add_member_errors_are_at_the_field(admin_client):
    team, user = TeamFactory(), UserFactory()
    add = reverse("accounts:team_member_add", kwargs={"pk": team.pk})
    unknown = admin_client.post(add, {"email": "nobody@example.test"})
    assert unknown.context["form"].errors["email"] == ["No active user has this email address"]
    admin_client.post(add, {"email": user.email})
    twice = admin_client.post(add, {"email": user.email})
    assert "already a member" in twice.context["form"].errors["email"][0]
    myself = admin_client.post(add, {"email": admin_client.user.email})
    assert "your own team membership" in myself.context["form"].errors["email"][0]
