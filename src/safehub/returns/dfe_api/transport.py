"""Sending batches to the DfE: OAuth2 client credentials, then POST with a bearer token and the
supplier key (STATUTORY.md §5). Standard library only (urllib), so no new dependency.

Nothing here logs or raises with a payload or a response body in it: children's data must not reach
logs. Errors name the step, the URL's host and the HTTP status.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The statuses the DfE's own client retries: an expired or not-yet-valid token, and throttling.
RETRY_STATUSES = frozenset({401, 403, 429})
# Names of settings, not values: the secret itself only ever comes from the environment.
REQUIRED_SETTINGS = {
    "endpoint": "SAFEHUB_DFE_API_ENDPOINT",
    "token_endpoint": "SAFEHUB_DFE_API_TOKEN_ENDPOINT",  # nosec B105
    "client_id": "SAFEHUB_DFE_API_CLIENT_ID",
    "client_secret": "SAFEHUB_DFE_API_CLIENT_SECRET",  # nosec B105
    "supplier_key": "SAFEHUB_DFE_API_SUPPLIER_KEY",
}
# Only these keys of the service's answer are kept (ids and timestamps, never content).
_KEPT_KEYS = ("id", "uuid", "timestamp", "status", "la_child_id")


class SendError(Exception):
    """The batch could not be delivered (after the bounded retries)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def missing_settings(config: dict[str, Any]) -> list[str]:
    """The environment variables still to set before anything can be sent."""
    missing = [] if config.get("send") else ["SAFEHUB_DFE_API_SEND=true"]
    return missing + [env for key, env in REQUIRED_SETTINGS.items() if not str(config.get(key) or "").strip()]


def summarise_response(body: Any) -> list[dict[str, Any]]:
    """The per-record answer reduced to ids and timestamps."""
    items = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    return [{k: item[k] for k in _KEPT_KEYS if k in item} for item in items if isinstance(item, dict)]


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _checked_url(url: str, setting: str) -> str:
    """https only: the client secret, the token and children's records never travel in clear.
    Plain http is accepted for a loopback address alone (a test server on this machine)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return url
    raise SendError(f"{setting} must be an https:// address")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following one would resend the bearer token and the supplier key
    to another address (urllib turns a redirected POST into a GET with the same headers), and a
    2xx from there would mark records as sent that the DfE never received."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise urllib.error.HTTPError(req.full_url, code, f"refused redirect to {newurl}", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class Transport:
    config: dict[str, Any] = field(repr=False)  # holds the client secret
    la_code: str
    max_attempts: int = 4
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    timeout_seconds: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    _token: str | None = field(default=None, init=False, repr=False)

    @property
    def children_url(self) -> str:
        base = str(self.config["endpoint"]).rstrip("/")
        return f"{base}/children_social_care_data/{urllib.parse.quote(self.la_code)}/children"

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes, Any]:
        try:
            # The scheme was checked to be http(s) when the configuration was read.
            with _OPENER.open(request, timeout=self.timeout_seconds) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def fetch_token(self) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.config["client_id"],
            "client_secret": self.config["client_secret"],
        }
        if self.config.get("scope"):
            form["scope"] = self.config["scope"]
        request = urllib.request.Request(  # noqa: S310 (scheme checked: http or https only)
            _checked_url(str(self.config["token_endpoint"]), "SAFEHUB_DFE_API_TOKEN_ENDPOINT"),
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            method="POST",
        )
        try:
            status, body, _ = self._open(request)
        except (urllib.error.URLError, OSError) as error:
            raise SendError(f"token request to {self._host('token_endpoint')} failed: {error}") from error
        if status != 200:
            raise SendError(f"token request to {self._host('token_endpoint')} refused: HTTP {status}", status)
        try:
            token = json.loads(body)["access_token"]
        except (ValueError, KeyError, TypeError) as error:
            raise SendError("the token endpoint's answer has no access_token") from error
        self._token = str(token)
        return self._token

    def _host(self, key: str) -> str:
        return urllib.parse.urlsplit(str(self.config.get(key, ""))).netloc or "(not set)"

    def _wait(self, attempt: int, headers: Any) -> None:
        delay = min(self.backoff_seconds * (2**attempt), self.max_backoff_seconds)
        retry_after = headers.get("Retry-After") if headers is not None else None
        if retry_after and str(retry_after).isdigit():
            delay = min(float(retry_after), self.max_backoff_seconds)
        self.sleep(delay)

    def post_batch(self, records: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
        """POST one batch; (status, the answer's ids) when the service accepted it (2xx)."""
        data = json.dumps(records, separators=(",", ":")).encode()
        last_status: int | None = None
        for attempt in range(self.max_attempts):
            token = self._token or self.fetch_token()
            request = urllib.request.Request(  # noqa: S310 (scheme checked: http or https only)
                _checked_url(self.children_url, "SAFEHUB_DFE_API_ENDPOINT"),
                data=data,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "SupplierKey": str(self.config["supplier_key"]),
                },
                method="POST",
            )
            try:
                status, body, headers = self._open(request)
            except (urllib.error.URLError, OSError) as error:
                raise SendError(f"sending to {self._host('endpoint')} failed: {error}") from error
            if 200 <= status < 300:
                try:
                    answer = json.loads(body) if body else []
                except ValueError:
                    answer = []
                return status, summarise_response(answer)
            last_status = status
            if status not in RETRY_STATUSES or attempt + 1 == self.max_attempts:
                break
            if status in (401, 403):
                self._token = None  # a fresh token for the next attempt
            self._wait(attempt, headers)
        raise SendError(f"{self._host('endpoint')} refused the batch: HTTP {last_status}", last_status)
