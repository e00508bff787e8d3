"""The access-log page's own rules, independent of any one record type (R18, R19).

Records with real policies are tested from the people app (people/tests/web/test_access_log.py);
here the check that the owning app registers is replaced, to prove the page fails closed.
"""

import uuid

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit import selectors
from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


def _url(pk: uuid.UUID) -> str:
    return reverse("audit:access_log", args=["people.person", pk])


def _refuse(actor, object_type, object_id) -> None:
    raise NotFoundOrForbidden()


def test_without_a_registered_check_managers_get_404(signed_in, monkeypatch) -> None:
    """Fail closed: if no app has said how to check visibility, nobody but IG sees any log."""
    monkeypatch.setattr(selectors, "_visibility_check", None)
    client = signed_in(Role.TEAM_MANAGER)
    assert client.get(_url(uuid.uuid4())).status_code == 404
    assert not AuditEvent.objects.filter(section="access_log").exists()


def test_the_registered_check_decides_for_managers(signed_in, monkeypatch) -> None:
    seen: list[tuple[str, uuid.UUID]] = []
    monkeypatch.setattr(selectors, "_visibility_check", lambda a, t, i: seen.append((t, i)))
    client = signed_in(Role.MASH_MANAGER)
    pk = uuid.uuid4()
    assert client.get(_url(pk)).status_code == 200
    assert seen == [("people.person", pk)]
    monkeypatch.setattr(selectors, "_visibility_check", _refuse)
    assert client.get(_url(pk)).status_code == 404


def test_information_governance_do_not_need_the_record_check(signed_in, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "_visibility_check", _refuse)
    client = signed_in(Role.IG_OFFICER)
    assert client.get(_url(uuid.uuid4())).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.MASH_PARTNER, Role.SYSADMIN, Role.PERFORMANCE_ANALYST]
)
def test_roles_without_view_access_log_are_refused(signed_in, role) -> None:
    client = signed_in(role)
    assert client.get(_url(uuid.uuid4())).status_code == 403


def test_the_page_is_registered_with_the_policies_at_start_up() -> None:
    assert selectors._visibility_check is not None
