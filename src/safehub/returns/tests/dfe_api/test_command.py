"""`safehub returns dfe-api`: dry runs in batches, sending to a real local HTTP server, refusal."""

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.returns.constants import FeedBatchStatus
from safehub.returns.models import FeedBatch, FeedState
from safehub.returns.tests.dfe_api.helpers import TODAY, child_with_history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def frozen_today() -> Iterator[None]:
    with time_machine.travel(f"{TODAY.isoformat()} 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def officer() -> Any:
    return UserFactory(role=Role.DATA_OFFICER)


def _records_in(folder: Path) -> list[list[dict[str, Any]]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("batch-*.json"))]


@override_settings(SAFEHUB_DFE_API={"send": False, "batch_size": 2})
def test_dry_run_writes_batches_records_them_and_leaves_the_state_alone(tmp_path: Path, officer: Any) -> None:
    children = [child_with_history() for _ in range(5)]
    call_command(
        "returns",
        "dfe-api",
        "--mode",
        "snapshot",
        "--dry-run",
        "--out",
        str(tmp_path),
        "--as-user",
        officer.email,
    )

    batches = _records_in(tmp_path)
    assert [len(b) for b in batches] == [2, 2, 1]
    sent = {r["Children"]["mis_child_id"] for b in batches for r in b}
    assert sent == {str(c.person.pk) for c in children}
    written = FeedBatch.objects.order_by("created_at")
    assert [(b.status, b.records) for b in written] == [(FeedBatchStatus.WRITTEN, n) for n in (2, 2, 1)]
    events = AuditEvent.objects.filter(verb="export", section="dfe_api")
    assert events.count() == 3
    assert sorted(pid for e in events for pid in e.detail["result_ids"]) == sorted(sent)
    # A look at the files must not make the next real delta skip these children.
    assert not FeedState.objects.exists()

    call_command(
        "returns",
        "dfe-api",
        "--mode",
        "delta",
        "--dry-run",
        "--out",
        str(tmp_path / "delta"),
        "--record-state",
        "--as-user",
        officer.email,
    )
    assert sum(len(b) for b in _records_in(tmp_path / "delta")) == 5
    assert FeedState.objects.count() == 5
    call_command(
        "returns",
        "dfe-api",
        "--mode",
        "delta",
        "--dry-run",
        "--out",
        str(tmp_path / "again"),
        "--as-user",
        officer.email,
    )
    assert _records_in(tmp_path / "again") == []


def test_sending_is_refused_when_off_naming_the_settings(officer: Any) -> None:
    child_with_history()
    with pytest.raises(CommandError) as refused:
        call_command("returns", "dfe-api", "--mode", "snapshot", "--as-user", officer.email)
    assert "SAFEHUB_DFE_API_SEND=true" in str(refused.value)
    assert "SAFEHUB_DFE_API_ENDPOINT" in str(refused.value)
    assert not FeedBatch.objects.exists()
    assert not AuditEvent.objects.filter(section="dfe_api").exists()


def test_a_dry_run_needs_a_directory(officer: Any) -> None:
    with pytest.raises(CommandError, match="--out"):
        call_command("returns", "dfe-api", "--mode", "delta", "--dry-run", "--as-user", officer.email)


class _DfE(BaseHTTPRequestHandler):
    """A stand-in DfE service that checks what arrives: token first, then batches with headers."""

    seen: list[dict[str, Any]]
    plan: list[int]  # statuses to answer the children POSTs with, in order; then 200
    redirect: set[str]  # paths answered with 302 to /elsewhere on this server

    def do_GET(self) -> None:
        self.seen.append({"kind": "followed", "path": self.path, "auth": self.headers["Authorization"]})
        self._answer(200, [])

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/elsewhere":
            self.do_GET()
            return
        if self.path.split("?")[0] in self.redirect:
            self.seen.append({"kind": "redirected", "path": self.path})
            self.send_response(302)
            self.send_header(
                "Location", f"http://127.0.0.1:{cast(Any, self.server).server_address[1]}/elsewhere"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/oauth/token":
            form = urllib.parse.parse_qs(body.decode())
            self.seen.append({"kind": "token", "form": form, "type": self.headers["Content-Type"]})
            token = f"token-{sum(1 for s in self.seen if s['kind'] == 'token')}"
            self._answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})
            return
        records = json.loads(body)
        self.seen.append(
            {
                "kind": "children",
                "path": self.path,
                "auth": self.headers["Authorization"],
                "supplier": self.headers["SupplierKey"],
                "type": self.headers["Content-Type"],
                "records": records,
            }
        )
        status = self.plan.pop(0) if self.plan else 200
        if status != 200:
            self._answer(status, {"error": "try again"}, retry_after="0")
            return
        self._answer(
            200, [{"uuid": f"u-{i}", "timestamp": "2026-06-30T09:00:00Z"} for i, _ in enumerate(records)]
        )

    def _answer(self, status: int, body: Any, retry_after: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def dfe() -> Iterator[tuple[str, type[_DfE]]]:
    handler = type("Handler", (_DfE,), {"seen": [], "plan": [], "redirect": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _config(base: str, **extra: Any) -> dict[str, Any]:
    return {
        "send": True,
        "endpoint": f"{base}/api",
        "token_endpoint": f"{base}/oauth/token",
        "client_id": "synthetic-client",
        "client_secret": "synthetic-secret",
        "scope": "api://dfe/.default",
        "supplier_key": "synthetic-supplier-key",
        "batch_size": 2,
        **extra,
    }


def test_sending_gets_a_token_retries_and_keeps_state_for_accepted_records(
    dfe: tuple[str, type[_DfE]], officer: Any
) -> None:
    base, handler = dfe
    handler.plan = [429, 401]  # throttled, then the token is refused: both are retried
    children = [child_with_history() for _ in range(3)]
    with override_settings(SAFEHUB_DFE_API=_config(base), SAFEHUB_LA_CODE="E06000045"):
        call_command("returns", "dfe-api", "--mode", "snapshot", "--as-user", officer.email)

    tokens = [s for s in handler.seen if s["kind"] == "token"]
    assert tokens[0]["form"] == {
        "grant_type": ["client_credentials"],
        "client_id": ["synthetic-client"],
        "client_secret": ["synthetic-secret"],
        "scope": ["api://dfe/.default"],
    }
    assert tokens[0]["type"] == "application/x-www-form-urlencoded"
    assert len(tokens) == 2  # a fresh token after the 401
    posts = [s for s in handler.seen if s["kind"] == "children"]
    assert {p["path"] for p in posts} == {"/api/children_social_care_data/E06000045/children"}
    assert {p["supplier"] for p in posts} == {"synthetic-supplier-key"}
    assert {p["type"] for p in posts} == {"application/json"}
    assert [p["auth"] for p in posts] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
        "Bearer token-2",
    ]
    accepted = posts[2:]
    assert [len(p["records"]) for p in accepted] == [2, 1]
    assert {r["Children"]["mis_child_id"] for p in accepted for r in p["records"]} == {
        str(c.person.pk) for c in children
    }
    assert all(r["la_code"] == "E06000045" for p in accepted for r in p["records"])

    sent = FeedBatch.objects.order_by("created_at")
    assert [(b.status, b.records) for b in sent] == [(FeedBatchStatus.SENT, 2), (FeedBatchStatus.SENT, 1)]
    assert sent[0].response["items"][0] == {"uuid": "u-0", "timestamp": "2026-06-30T09:00:00Z"}
    assert FeedState.objects.count() == 3
    shares = AuditEvent.objects.filter(verb="share", section="dfe_api")
    assert shares.count() == 2
    assert {e.actor_id for e in shares} == {officer.pk}


def test_a_refused_batch_is_recorded_and_keeps_no_state(dfe: tuple[str, type[_DfE]], officer: Any) -> None:
    base, handler = dfe
    handler.plan = [400]
    child_with_history()
    with override_settings(SAFEHUB_DFE_API=_config(base)), pytest.raises(CommandError) as stopped:
        call_command("returns", "dfe-api", "--mode", "snapshot", "--as-user", officer.email)
    assert "HTTP 400" in str(stopped.value)
    assert "synthetic" not in str(stopped.value)  # no secrets or payload in the message
    [batch] = FeedBatch.objects.all()
    assert batch.status == FeedBatchStatus.REFUSED
    assert not FeedState.objects.exists()
    assert AuditEvent.objects.get(section="dfe_api").outcome == "failure"


def test_throttling_gives_up_after_the_bounded_retries(dfe: tuple[str, type[_DfE]], officer: Any) -> None:
    base, handler = dfe
    handler.plan = [429] * 10
    child_with_history()
    with override_settings(SAFEHUB_DFE_API=_config(base)), pytest.raises(CommandError, match="HTTP 429"):
        call_command("returns", "dfe-api", "--mode", "snapshot", "--as-user", officer.email)
    assert sum(1 for s in handler.seen if s["kind"] == "children") == 4
    assert FeedBatch.objects.get().status == FeedBatchStatus.REFUSED


def test_a_plain_http_endpoint_is_refused_before_anything_is_sent(officer: Any) -> None:
    child_with_history()
    config = _config("http://example.org")
    with override_settings(SAFEHUB_DFE_API=config), pytest.raises(CommandError) as stopped:
        call_command("returns", "dfe-api", "--mode", "snapshot", "--as-user", officer.email)
    assert "SAFEHUB_DFE_API_TOKEN_ENDPOINT must be an https:// address" in str(stopped.value)
    assert "synthetic" not in str(stopped.value)
    assert FeedBatch.objects.get().status == FeedBatchStatus.FAILED
    assert not FeedState.objects.exists()


@pytest.mark.parametrize("redirected", ["/oauth/token", "/api/children_social_care_data/E06000045/children"])
def test_a_redirect_is_not_followed_and_the_send_fails(
    dfe: tuple[str, type[_DfE]], officer: Any, redirected: str
) -> None:
    base, handler = dfe
    handler.redirect = {redirected}
    child_with_history()
    with (
        override_settings(SAFEHUB_DFE_API=_config(base), SAFEHUB_LA_CODE="E06000045"),
        pytest.raises(CommandError, match="HTTP 302") as stopped,
    ):
        call_command("returns", "dfe-api", "--mode", "snapshot", "--as-user", officer.email)
    assert "synthetic" not in str(stopped.value)
    assert [s["path"] for s in handler.seen if s["kind"] == "redirected"] == [redirected]
    # Neither the token nor the records went on to the other address.
    assert not [s for s in handler.seen if s["kind"] == "followed"]
    assert FeedBatch.objects.get().status == FeedBatchStatus.REFUSED
    assert not FeedState.objects.exists()
    assert AuditEvent.objects.get(section="dfe_api").outcome == "failure"
