"""Revoking API keys."""

import pytest

from safehub.accounts.constants import Role
from safehub.api.constants import KeyStatus
from safehub.api.services import api_key_revoke
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.platform.errors import PermissionRefused


def test_revoking_stops_the_key_and_is_audited(make_key, sysadmin):
    key, _ = make_key()
    revoked = api_key_revoke(actor=sysadmin, key=key)
    assert revoked.status == KeyStatus.REVOKED
    assert revoked.revoked_by == sysadmin
    key.refresh_from_db()
    assert key.revoked_at is not None
    event = AuditEvent.objects.get(verb=Verb.REVOKE)
    assert (event.object_id, event.actor_id) == (str(key.pk), sysadmin.pk)


def test_revoking_twice_changes_nothing(make_key, sysadmin):
    key, _ = make_key()
    first = api_key_revoke(actor=sysadmin, key=key).revoked_at
    second = api_key_revoke(actor=sysadmin, key=key).revoked_at
    assert first == second
    assert AuditEvent.objects.filter(verb=Verb.REVOKE).count() == 1


def test_only_system_administrators_may_revoke(make_key, make_user):
    key, _ = make_key()
    with pytest.raises(PermissionRefused):
        api_key_revoke(actor=make_user(Role.IG_OFFICER), key=key)
    key.refresh_from_db()
    assert key.revoked_at is None
