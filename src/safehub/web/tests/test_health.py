"""`/health/` for load balancers and monitoring (R55, R57): public, no record data, honest status."""

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError
from django_tasks_db.models import DBTaskResult

from safehub.web import health as health_module

pytestmark = pytest.mark.django_db


def _enqueue_stale_task() -> None:
    DBTaskResult.objects.create(
        task_path="safehub.tests.nothing",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )


def test_healthy_server_says_ok_without_signing_in(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["audit_trail"] == "ok"
    assert body["checks"]["tasks"] == {"ready": 0, "oldest_waiting_seconds": 0}


def test_a_stuck_task_queue_is_degraded_not_down(client):
    """R57: the worker being down does not take the service down; monitoring is told."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        _enqueue_stale_task()
        traveller.shift(dt.timedelta(minutes=20))
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["tasks"]["ready"] == 1


def test_unreachable_database_is_503(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health_module.connection, "cursor", lambda: BrokenCursor())
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "unavailable"}}
