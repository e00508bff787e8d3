"""Local timescales and caseload weights: bounds, reasons, audit, and due dates that move after commit."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework import recompute
from safehub.casework.constants import CaseLevel, LocalTimescale, TimescaleUnit
from safehub.casework.models import CaseloadWeight, TimescaleSetting
from safehub.casework.services.settings import caseload_weight_change, timescale_setting_change
from safehub.casework.timescales import timescales
from safehub.platform.errors import PermissionRefused

pytestmark = pytest.mark.django_db


def test_a_manager_changes_a_timescale_and_due_dates_are_recomputed_after_commit(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    manager = make_user(Role.TEAM_MANAGER)
    calls: list[str] = []
    hook = lambda: calls.append("recomputed")  # noqa: E731
    recompute.register_recompute(hook)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            setting = timescale_setting_change(
                actor=manager,
                key=LocalTimescale.CP_VISIT,
                amount=15,
                unit=TimescaleUnit.WORKING_DAYS,
                reason="Practice board decision",
            )
            assert calls == []  # not before the change commits
    finally:
        recompute._recomputers.remove(hook)
    assert len(callbacks) == 1
    assert calls == ["recomputed"]
    assert timescales()[LocalTimescale.CP_VISIT] == (15, TimescaleUnit.WORKING_DAYS)
    assert setting.reason == "Practice board decision"
    assert setting.updated_by == manager
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.reason == "timescale_change"


def test_changing_it_again_updates_the_one_row(make_user: Any) -> None:
    manager = make_user(Role.TEAM_MANAGER)
    for amount in (15, 12):
        timescale_setting_change(
            actor=manager, key=LocalTimescale.DUE_SOON, amount=amount, unit=TimescaleUnit.DAYS, reason="Trial"
        )
    assert list(TimescaleSetting.objects.values_list("amount", flat=True)) == [12]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 366}, "amount"),
        ({"amount": None}, "amount"),
        ({"unit": "fortnights"}, "unit"),
        ({"reason": " "}, "reason"),
        ({"key": "icpc"}, "key"),  # statutory timescales are not settings
    ],
)
def test_timescale_bad_input_at_the_field(make_user: Any, values: dict[str, Any], field: str) -> None:
    manager = make_user(Role.TEAM_MANAGER)
    args: dict[str, Any] = {
        "key": LocalTimescale.CIN_VISIT,
        "amount": 10,
        "unit": TimescaleUnit.DAYS,
        "reason": "R",
    }
    args.update(values)
    with pytest.raises(ValidationError) as refused:
        timescale_setting_change(actor=manager, **args)
    assert list(refused.value.message_dict) == [field]


def test_only_managers_of_case_settings(make_user: Any) -> None:
    worker = make_user(Role.SOCIAL_WORKER)
    with pytest.raises(PermissionRefused):
        timescale_setting_change(
            actor=worker, key=LocalTimescale.CIN_VISIT, amount=10, unit=TimescaleUnit.DAYS, reason="R"
        )
    with pytest.raises(PermissionRefused):
        caseload_weight_change(actor=worker, level=CaseLevel.REFERRAL, weight="1", reason="R")


def test_a_weight_change(make_user: Any) -> None:
    manager = make_user(Role.TEAM_MANAGER)
    caseload_weight_change(actor=manager, level=CaseLevel.CHILD_PROTECTION, weight="2.5", reason="Court work")
    caseload_weight_change(
        actor=manager, level=CaseLevel.CHILD_PROTECTION, weight=Decimal("2"), reason="Again"
    )
    assert list(CaseloadWeight.objects.values_list("level", "weight")) == [
        (CaseLevel.CHILD_PROTECTION, Decimal("2"))
    ]


@pytest.mark.parametrize("weight", ["0", "-1", "5.01", "abc", "", None, "1.255", "NaN"])
def test_weight_bounds(make_user: Any, weight: Any) -> None:
    manager = make_user(Role.TEAM_MANAGER)
    with pytest.raises(ValidationError) as refused:
        caseload_weight_change(actor=manager, level=CaseLevel.REFERRAL, weight=weight, reason="R")
    assert list(refused.value.message_dict) == ["weight"]


@pytest.mark.parametrize(
    ("key", "amount", "unit"),
    [
        ("cp_visit", 365, "months"),
        ("cp_visit", 21, "working_days"),
        ("cin_visit", 9, "weeks"),
        ("due_soon", 2, "months"),
    ],
)
def test_a_local_timescale_cannot_be_set_so_long_that_the_clock_stops_meaning_anything(
    key, amount, unit
) -> None:
    """One entry must not silence every visit task in the council ("every 365 months")."""
    from django.core.exceptions import ValidationError

    from safehub.accounts.constants import Role
    from safehub.accounts.tests.factories import UserFactory
    from safehub.casework.models import TimescaleSetting
    from safehub.casework.services.settings import timescale_setting_change

    manager = UserFactory(role=Role.TEAM_MANAGER)
    with pytest.raises(ValidationError) as refused:
        timescale_setting_change(
            actor=manager, key=key, amount=amount, unit=unit, reason="Testing the ceiling"
        )
    assert "at most" in " ".join(refused.value.message_dict["amount"])
    assert not TimescaleSetting.objects.filter(key=key).exists()


def test_a_local_timescale_within_its_ceiling_is_accepted() -> None:
    from safehub.accounts.constants import Role
    from safehub.accounts.tests.factories import UserFactory
    from safehub.casework.services.settings import timescale_setting_change

    manager = UserFactory(role=Role.TEAM_MANAGER)
    setting = timescale_setting_change(
        actor=manager, key="cp_visit", amount=20, unit="working_days", reason="Local"
    )
    assert (setting.amount, setting.unit) == (20, "working_days")
