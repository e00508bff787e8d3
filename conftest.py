"""Fixtures shared by every test: users in each role, signed in with a second factor."""

from collections.abc import Callable
from typing import Any

import pytest

from safehub.accounts.constants import Role


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest modules first (those with a test marked `browser` or `slow`), the rest after,
    each group in the order collected.

    `make test` hands modules to the xdist workers in this order (`--dist loadscope
    --no-loadscope-reorder`). xdist's own order, most tests first, put the browser journeys (one
    or two long tests each) last, and a run ended with one worker on a journey and the other idle.
    """

    def heavy(item: pytest.Item) -> bool:
        return item.get_closest_marker("browser") is not None or item.get_closest_marker("slow") is not None

    heavy_modules = {item.nodeid.split("::", 1)[0] for item in items if heavy(item)}
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in heavy_modules)


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


@pytest.fixture
def reauthenticate() -> Callable[[Any], None]:
    """Confirm the password through allauth's own re-authentication page, making the step-up fresh (R17)."""
    from django.urls import reverse

    from safehub.accounts.tests.factories import DEFAULT_PASSWORD

    def _reauthenticate(client: Any) -> None:
        response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]

    return _reauthenticate


def _seed_migration_data() -> None:
    """Rows the migrations seed (the front door's clock defaults, the default learning themes), which a transactional test's
    flush empties: put back with the migration's own function, so every test starts from what a
    migrated database holds, whatever ran before it on this worker."""
    import importlib

    from django.apps import apps

    from safehub.front_door.models import ClockSetting

    clock_defaults = importlib.import_module("safehub.front_door.migrations.0002_clock_defaults")
    if ClockSetting.objects.count() < len(clock_defaults.DEFAULTS):
        clock_defaults.seed(apps, None)
    from safehub.learning.models import Theme

    default_themes = importlib.import_module("safehub.learning.migrations.0002_default_themes")
    if not Theme.objects.exists():
        default_themes.seed(apps, None)


@pytest.fixture(autouse=True)
def _audit_trail_flushable(request: pytest.FixtureRequest) -> Any:
    """Every database test starts with the audit trail as a migrated database has it (the
    append-only triggers in place, the chain head row there) and with the other rows the
    migrations seed.

    Transactional tests end by flushing every table, which the triggers refuse, so the triggers are
    lifted just for that flush; the flush also empties the chain head. Both are put back at the
    start of every database test, whatever ran before it on this worker: inside the test's own
    transaction for an ordinary test (so the rollback leaves things as they were), committed for a
    transactional one. Putting them back only after a transactional test was not enough: a
    module-scoped fixture's transaction (the demo city) could roll the reinstall back, and the
    chain head was never restored, so a test's query count or the health check depended on
    which tests had run before it on the same worker.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        yield
        return
    from django.db import connection

    from safehub.audit import triggers
    from safehub.audit.models import AuditChainHead

    request.getfixturevalue("transactional_db" if transactional else "db")
    if not triggers.present(connection):
        triggers.install(connection)
    AuditChainHead.objects.get_or_create(pk=1)
    _seed_migration_data()
    yield
    if transactional:
        triggers.remove(connection)


_CODE_ROWS: dict[str, list[dict[str, Any]]] = {}


@pytest.fixture
def code_lists(db: Any) -> None:
    """The real statutory code lists (../shared/reference), as `sync_reference_data` loads them.

    The first test loads them through the real sync; later tests copy the rows it made, which
    takes a tenth of the time (many front door tests need the CIN referral sources).
    """
    from pathlib import Path

    from django.conf import settings

    from safehub.platform import clock
    from safehub.reference_data.models import Code, CodeList
    from safehub.reference_data.services import reference_data_sync

    if _CODE_ROWS:
        CodeList.objects.bulk_create(CodeList(**row) for row in _CODE_ROWS["lists"])
        Code.objects.bulk_create(Code(**row) for row in _CODE_ROWS["codes"])
        return
    reference_data_sync(source_dir=Path(settings.SAFEHUB_REFERENCE_DIR), today=clock.today())
    _CODE_ROWS["lists"] = list(CodeList.objects.values())
    _CODE_ROWS["codes"] = list(Code.objects.values())
