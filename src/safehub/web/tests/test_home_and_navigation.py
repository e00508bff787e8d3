"""Each role's home page and service navigation offer only what exists and what the role may use."""

import pytest

from safehub.accounts.constants import CASEWORK_ROLES, ROLE_CAPABILITIES, Capability, Role
from safehub.web import navigation
from safehub.web.home_content import home_for
from safehub.web.navigation import navigation_for, url_or_none


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_home_page_whose_links_resolve(signed_in, role) -> None:
    client = signed_in(role)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert client.user.get_role_display() in body
    content = home_for(client.user)
    for section in content["sections"]:
        for task in section.tasks:
            assert f'href="{task.url}"' in body
    assert content["sections"] or content["show_partner_panel"] or role in CASEWORK_ROLES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "task"),
    [
        (Role.MASH_PARTNER, "partner:inbox"),
        (Role.REFERRER, "portal:home"),
        (Role.PERFORMANCE_ANALYST, "front_door_dashboard:dashboard"),
    ],
)
def test_partners_land_on_their_own_task(signed_in, role, task) -> None:
    """Partner roles see the one thing they do here, and not the "nothing for you yet" panel."""
    body = signed_in(role).get("/").content.decode()
    assert f'href="{url_or_none(task)}"' in body
    assert "What you can do here" not in body
    assert 'href="/mash/"' not in body


@pytest.mark.django_db
def test_ig_officer_home_links_to_audit_and_not_to_administration(signed_in) -> None:
    body = signed_in(Role.IG_OFFICER).get("/").content.decode()
    audit = url_or_none("audit:event_list")
    assert audit is not None
    assert f'href="{audit}"' in body
    assert "Manage users and teams" not in body


@pytest.mark.django_db
def test_sysadmin_sees_administration_only_for_routes_that_exist(signed_in) -> None:
    body = signed_in(Role.SYSADMIN).get("/").content.decode()
    for label, name in (
        ("Manage users and teams", "accounts:user_list"),
        ("Manage local closures", "platform:closure_list"),
    ):
        assert (label in body) == (url_or_none(name) is not None)
    assert "Search the audit trail" not in body


@pytest.mark.django_db
def test_navigation_follows_capabilities(make_user) -> None:
    for role in Role:
        user = make_user(role)
        labels = {item.label for item in navigation_for(user, "/")}
        assert "Home" in labels
        if "Audit" in labels:
            assert Capability.VIEW_AUDIT in ROLE_CAPABILITIES[role]
        if "Users and teams" in labels:
            assert Capability.MANAGE_USERS in ROLE_CAPABILITIES[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_only_mash_roles_are_offered_their_access_requests(make_user, role) -> None:
    items = {item.label: item.url for item in navigation_for(make_user(role), "/")}
    mash = role in (Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER)
    assert ("Your access requests" in items) == mash
    if mash:
        assert items["Your access requests"] == url_or_none("access:access_requests_mine")


@pytest.mark.django_db
def test_missing_route_is_skipped_not_a_crash(make_user, monkeypatch) -> None:
    monkeypatch.setattr(navigation, "_ITEMS", [*navigation._ITEMS, ("Nowhere", "nowhere:missing", None)])
    items = navigation_for(make_user(Role.SOCIAL_WORKER), "/")
    assert "Nowhere" not in {item.label for item in items}


@pytest.mark.django_db
def test_active_item_is_marked_for_assistive_technology(signed_in) -> None:
    body = signed_in(Role.SOCIAL_WORKER).get("/").content.decode()
    assert 'aria-current="page"' in body
    assert '<strong class="govuk-service-navigation__active-fallback">Home</strong>' in body


def test_navigation_is_empty_for_anonymous() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert navigation_for(AnonymousUser(), "/") == []


def test_every_navigation_entry_is_a_real_route():
    """The skip-missing-routes safety net must not hide a typo: every entry resolves today."""
    from safehub.web.navigation import _ITEMS

    assert [name for _label, name, _cap in _ITEMS if url_or_none(name) is None] == []
