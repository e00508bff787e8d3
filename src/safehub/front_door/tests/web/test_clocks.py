"""Clock settings (issue 4, item 4): the MASH manager changes a clock; open contacts take it."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.front_door.constants import ClockKey, ClockUnit
from safehub.front_door.models import ClockSetting

pytestmark = pytest.mark.django_db

LIST = reverse("front_door:clocks")


def _red() -> ClockSetting:
    return ClockSetting.objects.get(key=ClockKey.RAG_RED)


def test_manager_sees_and_changes_a_clock(signed_in) -> None:
    client = signed_in(Role.MASH_MANAGER)
    page = client.get(LIST).content.decode()
    assert "Red screening" in page
    assert "4 working hours" in page
    setting = _red()
    url = reverse("front_door:clock_edit", args=[setting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"amount": "3", "unit": ClockUnit.WORKING_HOURS, "version": setting.version})
    assert response.status_code == 302
    assert (_red().amount, _red().unit) == (3, ClockUnit.WORKING_HOURS)


def test_service_limits_are_shown_at_the_field(signed_in) -> None:
    setting = _red()
    url = reverse("front_door:clock_edit", args=[setting.pk])
    response = signed_in(Role.MASH_MANAGER).post(
        url, {"amount": "50", "unit": ClockUnit.WORKING_DAYS, "version": setting.version}
    )
    assert 'href="#id_amount"' in response.content.decode()
    assert _red().amount == 4


def test_a_stale_form_is_a_conflict(signed_in) -> None:
    """R49."""
    setting = _red()
    url = reverse("front_door:clock_edit", args=[setting.pk])
    client = signed_in(Role.MASH_MANAGER)
    client.post(url, {"amount": "3", "unit": ClockUnit.WORKING_HOURS, "version": setting.version})
    response = client.post(url, {"amount": "5", "unit": ClockUnit.WORKING_HOURS, "version": setting.version})
    assert "after you opened it" in response.content.decode()
    assert _red().amount == 3


@pytest.mark.parametrize(
    "role", [Role.MASH_SOCIAL_WORKER, Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER]
)
def test_only_the_manager_sets_clocks(signed_in, role) -> None:
    setting = _red()
    client = signed_in(role)
    assert client.get(LIST).status_code == 403
    url = reverse("front_door:clock_edit", args=[setting.pk])
    assert (
        client.post(
            url, {"amount": "1", "unit": ClockUnit.WORKING_HOURS, "version": setting.version}
        ).status_code
        == 403
    )
    assert _red().amount == 4


def test_navigation_offers_the_queue_to_mash_roles_only(make_user) -> None:
    from safehub.web.navigation import navigation_for

    for role, expected in (
        (Role.MASH_MANAGER, True),
        (Role.MASH_SOCIAL_WORKER, True),
        (Role.SOCIAL_WORKER, False),
        (Role.MASH_PARTNER, False),
        (Role.REFERRER, False),
    ):
        labels = {item.label for item in navigation_for(make_user(role), "/")}
        assert ("MASH queue" in labels) == expected, role
