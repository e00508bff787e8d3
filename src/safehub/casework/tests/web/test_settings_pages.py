"""Casework settings pages: timescales and weights, for MANAGE_CASE_SETTINGS only."""

from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.casework.constants import CaseLevel, LocalTimescale
from safehub.casework.models import CaseloadWeight, TimescaleSetting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"), [(Role.TEAM_MANAGER, 200), (Role.SOCIAL_WORKER, 403), (Role.SYSADMIN, 403)]
)
def test_settings_by_role(signed_in: Any, role: str, status: int) -> None:
    client = signed_in(role)
    assert client.get(reverse("casework:settings")).status_code == status
    assert (
        client.get(reverse("casework:timescale_edit", args=[LocalTimescale.CP_VISIT])).status_code == status
    )
    assert client.get(reverse("casework:weight_edit", args=[CaseLevel.REFERRAL])).status_code == status


def test_settings_list_shows_value_and_default(signed_in: Any) -> None:
    page = signed_in(Role.TEAM_MANAGER).get(reverse("casework:settings")).content.decode()
    assert "Child protection visits" in page
    assert "10 working days" in page
    assert "Referral awaiting assessment" in page
    assert ">0.5<" in page


def test_changing_a_timescale(signed_in: Any) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    url = reverse("casework:timescale_edit", args=[LocalTimescale.CIN_VISIT])
    bad = client.post(url, {"amount": "0", "unit": "days", "reason": "Trial"})
    assert bad.status_code == 200
    assert 'href="#id_amount"' in bad.content.decode()
    no_reason = client.post(url, {"amount": "15", "unit": "working_days", "reason": ""})
    assert 'href="#id_reason"' in no_reason.content.decode()
    done = client.post(url, {"amount": "15", "unit": "working_days", "reason": "Practice board"})
    assert done.status_code == 302
    assert TimescaleSetting.objects.get(key=LocalTimescale.CIN_VISIT).amount == 15


def test_an_unknown_timescale_or_level_is_not_found(signed_in: Any) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    assert client.get(reverse("casework:timescale_edit", args=["icpc"])).status_code == 404
    assert client.get(reverse("casework:weight_edit", args=["nobody"])).status_code == 404


def test_changing_a_weight(signed_in: Any) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    url = reverse("casework:weight_edit", args=[CaseLevel.CHILD_PROTECTION])
    bad = client.post(url, {"weight": "7", "reason": "Court work"})
    assert bad.status_code == 200
    assert 'href="#id_weight"' in bad.content.decode()
    done = client.post(url, {"weight": "2.5", "reason": "Court work"})
    assert done.status_code == 302
    assert str(CaseloadWeight.objects.get(level=CaseLevel.CHILD_PROTECTION).weight) == "2.50"
