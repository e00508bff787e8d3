"""Fixtures shared by every test: users in each role, signed in with a second factor."""

from collections.abc import Callable
from typing import Any

import pytest

from safehub.accounts.constants import Role


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from safehub.accounts.tests.factories import UserFactory, enrol_totp

    def _make(role: str = Role.SOCIAL_WORKER, *, mfa: bool = True, **kwargs: Any) -> Any:
        user = UserFactory(role=role, **kwargs)
        if mfa:
            enrol_totp(user)
        return user

    return _make


@pytest.fixture
def signed_in(client: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A test client signed in as a new user of `role` who has enrolled TOTP."""

    def _sign_in(role: str = Role.SOCIAL_WORKER, **kwargs: Any) -> Any:
        user = make_user(role, **kwargs)
        client.force_login(user)
        client.user = user
        return client

    return _sign_in
