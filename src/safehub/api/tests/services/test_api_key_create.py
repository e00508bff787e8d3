"""Making API keys: administrators only, never acting as themselves, secret never stored (R18, R26)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.api.constants import KEY_MAX_LIFETIME, Scope
from safehub.api.models import ApiKey
from safehub.api.services import api_key_create
from safehub.api.tokens import hash_secret, parse_token
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused


@pytest.fixture
def acting(make_user):
    return make_user(Role.SOCIAL_WORKER, mfa=False)


def _create(actor, user, **overrides):
    arguments = {
        "name": "Police feed",
        "agency": user.agency,
        "user": user,
        "scopes": [Scope.PEOPLE_READ],
        "expires_at": clock.now() + timedelta(days=90),
    }
    arguments.update(overrides)
    return api_key_create(actor=actor, **arguments)


def test_create_returns_the_token_once_and_stores_only_its_hash(sysadmin, acting):
    key, token = _create(sysadmin, acting)
    prefix, secret = parse_token(token)
    assert prefix == key.prefix
    assert key.key_hash == hash_secret(secret)
    # Search the raw row, every column, for the secret: it is not there in any form but the hash.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apikey")
        row = cursor.fetchall()
    assert len(row) == 1
    assert secret not in repr(row)
    assert token not in repr(row)
    assert not hasattr(ApiKey.objects.get(), "secret")


def test_create_is_audited_in_the_same_transaction(sysadmin, acting):
    key, token = _create(sysadmin, acting)
    event = AuditEvent.objects.get(verb=Verb.CREATE, object_type="api.apikey")
    assert (event.object_id, event.actor_id) == (str(key.pk), sysadmin.pk)
    assert parse_token(token)[1] not in str(event.__dict__)


def test_each_key_gets_its_own_secret_and_prefix(sysadmin, acting):
    (a, token_a), (b, token_b) = _create(sysadmin, acting), _create(sysadmin, acting)
    assert a.prefix != b.prefix
    assert token_a != token_b


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSADMIN])
def test_only_system_administrators_may_create_keys(make_user, acting, role):
    with pytest.raises(PermissionRefused):
        _create(make_user(role), acting)
    assert not ApiKey.objects.exists()


def test_an_administrator_cannot_make_a_key_acting_as_themselves(sysadmin):
    """R26: separation of duties."""
    with pytest.raises(ValidationError) as error:
        _create(sysadmin, sysadmin)
    assert "user" in error.value.message_dict
    assert not ApiKey.objects.exists()


def test_the_database_also_refuses_a_self_acting_key(sysadmin):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ApiKey.objects.create(
            name="x",
            agency=sysadmin.agency,
            user=sysadmin,
            created_by=sysadmin,
            prefix="abcdefgh",
            key_hash="0" * 64,
            scopes=[Scope.ME_READ],
            expires_at=clock.now() + timedelta(days=1),
        )


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.IG_OFFICER])
def test_a_key_cannot_act_as_a_privileged_user(sysadmin, make_user, role):
    """A key has no second factor, so it must not carry a role that needs a security key (R7)."""
    with pytest.raises(ValidationError) as error:
        _create(sysadmin, make_user(role, mfa=False))
    assert "user" in error.value.message_dict


def test_the_acting_user_must_belong_to_the_agency_and_be_active(sysadmin, acting):
    with pytest.raises(ValidationError) as error:
        _create(sysadmin, acting, agency=AgencyFactory(name="Another agency"))
    assert "user" in error.value.message_dict
    acting.is_active = False
    acting.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        _create(sysadmin, acting)


@pytest.mark.parametrize(
    "expires_in",
    [timedelta(0), timedelta(days=-1), KEY_MAX_LIFETIME + timedelta(minutes=1), timedelta(days=3650)],
)
def test_expiry_must_be_in_the_future_and_within_a_year(sysadmin, acting, expires_in):
    with pytest.raises(ValidationError) as error:
        _create(sysadmin, acting, expires_at=clock.now() + expires_in)
    assert "expires_at" in error.value.message_dict


def test_a_key_may_last_a_full_year(sysadmin, acting):
    key, _ = _create(sysadmin, acting, expires_at=clock.now() + KEY_MAX_LIFETIME)
    assert key.pk


@pytest.mark.parametrize("scopes", [[], ["people:delete"], [Scope.ME_READ, Scope.ME_READ], "me:read"])
def test_scopes_come_from_the_fixed_set(sysadmin, acting, scopes):
    with pytest.raises(ValidationError) as error:
        _create(sysadmin, acting, scopes=scopes)
    assert "scopes" in error.value.message_dict
    assert not ApiKey.objects.exists()
