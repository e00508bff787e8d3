"""User administration pages: list, create, detail, edit (R4, R12, R46, R49)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.accounts.services import user_update
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


def test_list_filters_by_role_team_agency_and_status(admin_client):
    team = TeamFactory(name="Riverside CP")
    police = AgencyFactory(name="Northshire Police")
    in_team = UserFactory(full_name="Tamsin Team", teams=[team])
    officer = UserFactory(full_name="Owen Officer", role=Role.MASH_PARTNER, agency=police)
    gone = UserFactory(full_name="Gina Gone", is_active=False)
    url = reverse("accounts:user_list")

    def names(**params):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return {u.full_name for u in response.context["page"].object_list}

    assert names(team=team.pk) == {in_team.full_name}
    assert names(agency=police.pk) == {officer.full_name}
    assert officer.full_name in names(role=Role.MASH_PARTNER)
    assert in_team.full_name not in names(role=Role.MASH_PARTNER)
    assert names(active="no") == {gone.full_name}
    assert gone.full_name not in names(active="yes")


def test_list_query_count_does_not_grow_with_users(admin_client):
    """Query-count bound: one page costs the same for 5 users as for 40."""
    url = reverse("accounts:user_list")
    teams = [TeamFactory() for _ in range(3)]
    UserFactory.create_batch(5, teams=teams)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    UserFactory.create_batch(35, teams=teams)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 20


def test_list_paginates(admin_client):
    UserFactory.create_batch(55)
    response = admin_client.get(reverse("accounts:user_list"), {"page": 2})
    assert response.context["page"].number == 2
    assert 'rel="prev"' in response.content.decode()


def test_create_user_sends_password_link_and_ignores_extra_fields(
    admin_client, django_capture_on_commit_callbacks
):
    """R12: no password is set by the administrator; R46: posted extras are ignored."""
    agency, team = AgencyFactory(), TeamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("accounts:user_create"),
            {
                "full_name": "Priya Practitioner",
                "email": "Priya.P@example.test",
                "role": Role.SOCIAL_WORKER,
                "agency": agency.pk,
                "teams": [team.pk],
                "is_superuser": "on",
                "is_staff": "on",
                "password": "chosen by the admin",
                "version": "99",
            },
        )
    user = User.objects.get(email="priya.p@example.test")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_detail", kwargs={"pk": user.pk})
    assert not user.is_superuser
    assert not user.is_staff
    assert not user.has_usable_password()
    assert user.version == 1
    assert list(user.teams.all()) == [team]
    assert [m.to for m in mail.outbox] == [["priya.p@example.test"]]
    assert "http://testserver/accounts/password/reset/key/" in mail.outbox[0].body


def test_create_user_errors_are_shown_at_the_field(admin_client):
    UserFactory(email="taken@example.test")
    response = admin_client.post(
        reverse("accounts:user_create"),
        {"full_name": "", "email": "TAKEN@example.test", "role": "", "agency": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"full_name", "role", "agency"}
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'href="#id_full_name"' in body


def test_duplicate_email_differing_in_case_is_a_field_error(admin_client):
    UserFactory(email="taken@example.test")
    response = admin_client.post(
        reverse("accounts:user_create"),
        {
            "full_name": "T",
            "email": "TAKEN@example.test",
            "role": Role.SOCIAL_WORKER,
            "agency": AgencyFactory().pk,
        },
    )
    assert "email" in response.context["form"].errors
    assert len(mail.outbox) == 0


def test_detail_shows_security_counts_but_no_secrets(admin_client):
    user = UserFactory(full_name="Sid Secure")
    secret = enrol_totp(user)
    response = admin_client.get(reverse("accounts:user_detail", kwargs={"pk": user.pk}))
    security = response.context["security"]
    assert (security.totp, security.webauthn, security.has_mfa) == (1, 0, True)
    assert secret not in response.content.decode()
    assert reverse("accounts:user_deactivate", kwargs={"pk": user.pk}) in response.content.decode()


def test_detail_of_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_edit_saves_and_audits(admin_client, audit_events):
    user = UserFactory(role=Role.SOCIAL_WORKER)
    url = reverse("accounts:user_edit", kwargs={"pk": user.pk})
    data = {
        "full_name": user.full_name,
        "email": user.email,
        "job_title": "",
        "role": Role.TEAM_MANAGER,
        "agency": user.agency.pk,
        "version": 1,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.TEAM_MANAGER
    assert audit_events(verb="permission_change", object_id=user.pk, actor=admin_client.user).exists()


def test_edit_conflict_names_who_changed_it_and_when(admin_client, make_user):
    """R49: the second editor sees "changed by X at T" and their data is not silently lost."""
    user = UserFactory(job_title="Practitioner")
    url = reverse("accounts:user_edit", kwargs={"pk": user.pk})
    opened = admin_client.get(url).context["form"].initial["version"]
    user_update(
        actor=make_user(Role.SYSADMIN, full_name="Olu Other"), user=user, expected_version=1, job_title="Lead"
    )
    data = {
        "full_name": user.full_name,
        "email": user.email,
        "job_title": "Senior practitioner",
        "role": user.role,
        "agency": user.agency.pk,
        "version": opened,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "changed by Olu Other at" in body
    assert response.context["conflict"] == [("Job title", "Lead", "Senior practitioner")]
    user.refresh_from_db()
    assert user.job_title == "Lead"
    # Saving again, now knowingly on top of their version, goes through.
    data["version"] = response.context["form"]["version"].value()
    assert admin_client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert user.job_title == "Senior practitioner"


def test_admin_cannot_change_own_role_through_the_form(admin_client):
    """R26: the fields are disabled and a forged value is ignored."""
    me = admin_client.user
    url = reverse("accounts:user_edit", kwargs={"pk": me.pk})
    form = admin_client.get(url).context["form"]
    assert form.fields["role"].disabled
    admin_client.post(
        url,
        {
            "full_name": "Ada Admin",
            "email": me.email,
            "role": Role.IG_OFFICER,
            "agency": me.agency.pk,
            "version": me.version,
        },
    )
    me.refresh_from_db()
    assert me.role == Role.SYSADMIN


def test_new_user_chooses_password_from_the_emailed_link_then_must_enrol_mfa(
    admin_client, django_capture_on_commit_callbacks
):
    """R12, R7: the link sets the first password once; the first sign-in leads to TOTP set-up."""
    import re

    from django.test import Client

    from safehub.accounts.tests.helpers import post_login

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("accounts:user_create"),
            {
                "full_name": "Nina New",
                "email": "nina@example.test",
                "role": Role.SOCIAL_WORKER,
                "agency": AgencyFactory().pk,
            },
        )
    path = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    newcomer = Client()
    landing = newcomer.get(path)
    assert landing.status_code == 302
    chosen = "my very own long passphrase for work"
    assert newcomer.post(landing.url, {"password1": chosen, "password2": chosen}).status_code == 302
    assert User.objects.get(email="nina@example.test").check_password(chosen)
    assert newcomer.get(path).context["token_fail"] is True
    post_login(newcomer, "nina@example.test", chosen)
    response = newcomer.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"
