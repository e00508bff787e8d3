"""Which involvements each role reaches (R18, R19): social care involvements through the casework
capabilities, early help ones through the early help capabilities, and never a partner's way in."""

import pytest

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.models import Involvement
from safehub.casework.policies import involvement_policy

from .factories import InvolvementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def involvements() -> dict[str, Involvement]:
    return {
        "cin": InvolvementFactory(service=CaseService.CHILD_IN_NEED),
        "early_help": InvolvementFactory(
            service=CaseService.EARLY_HELP, level=CaseLevel.EARLY_HELP, title="Early help"
        ),
    }


def _reached(role: str, action: str, involvements: dict[str, Involvement]) -> set[str]:
    actor = UserFactory(role=role)
    scoped = set(
        involvement_policy.scope(actor, Involvement.objects.all(), action).values_list("pk", flat=True)
    )
    by_can = {name for name, inv in involvements.items() if involvement_policy.can(actor, action, inv)}
    # R19: the list and the object check agree.
    assert by_can == {name for name, inv in involvements.items() if inv.pk in scoped}
    return by_can


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        (Role.SOCIAL_WORKER, "view", {"cin", "early_help"}),
        (Role.SOCIAL_WORKER, "record", {"cin"}),
        (Role.EARLY_HELP, "view", {"early_help"}),
        (Role.EARLY_HELP, "record", {"early_help"}),
        (Role.EARLY_HELP, "manage", {"early_help"}),
        (Role.EARLY_HELP_PARTNER, "view", set()),
        (Role.EARLY_HELP_PARTNER, "record", set()),
        (Role.PERFORMANCE_ANALYST, "view", set()),
    ],
)
def test_each_role_reaches_its_services_involvements(
    role: str, action: str, expected: set[str], involvements: dict[str, Involvement]
) -> None:
    assert _reached(role, action, involvements) == expected
