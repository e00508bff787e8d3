"""The role x route matrix (R18), object scoping on every route (R19), headers on every response (R2, R38).

The expected outcome of a GET on every route, for anonymous visitors and for a signed-in user of
each role, is written down in permission_matrix.yml. A route missing from the file fails the suite.
To regenerate the file after adding routes, run

    SAFEHUB_WRITE_MATRIX=1 .venv/bin/pytest tests/security/test_permission_matrix.py

then READ the diff: it records what the code does, and a reviewer decides that it is right.
"""

import os
import re
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.web.middleware import _MFA_EXEMPT_PREFIXES

from .routes import ANONYMOUS, MATRIX_PATH, all_routes, expected, load_matrix, url_for

# Among the suite's slowest modules: scheduled first, so the run does not end on it (conftest.py).
pytestmark = pytest.mark.slow

ROLES = [ANONYMOUS, *[r.value for r in Role]]
WRITE = os.environ.get("SAFEHUB_WRITE_MATRIX") == "1"
# Only opaque ids and fixed type names may appear in a route (R4).
ALLOWED_CONVERTERS = {"uuid", "object_type", "int", "slug", "contact_reference"}


def classify(response: Any) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        for marker, name in (
            ("/accounts/login/", "login"),
            ("/accounts/2fa/totp/activate", "mfa"),
            ("/accounts/reauthenticate", "reauth"),
        ):
            if marker in location:
                return name
        return "redirect"
    names = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        429: "throttled",
    }
    if 200 <= code < 300:
        return "ok"
    return names.get(code, str(code))


def _sweep(
    client: Any, make_user: Any, world: dict[str, Any], matrix: dict[str, Any]
) -> dict[str, dict[str, str]]:
    """GET every route as every role. Each role keeps one signed-in client for the whole sweep:
    signing in and out around each of the 5,000 requests was half the test's time. A GET changes
    nothing, so a session carries nothing from one route to the next; one that signs the user out
    anyway (its session cookie cleared) is signed in again before the next request."""
    observed: dict[str, dict[str, str]] = {}
    clients = {ANONYMOUS: client}
    users = {role: make_user(role) for role in ROLES if role != ANONYMOUS}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    for route in all_routes():
        spec = matrix.get(route.name, {})
        if route.kwargs and "params" not in spec:
            observed[route.name] = {"missing_params": ",".join(route.kwargs)}
            continue
        url = url_for(route, spec, world)
        observed[route.name] = {}
        for role in ROLES:
            if role == ANONYMOUS:
                client.cookies.clear()  # a visitor with no session, every time
            response = clients[role].get(url)
            observed[route.name][role] = classify(response)
            if role != ANONYMOUS and _signed_out(response):
                clients[role].force_login(users[role])
    return observed


def _signed_out(response: Any) -> bool:
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie is not None and not cookie.value


def _compress(observed: dict[str, str]) -> dict[str, Any]:
    """anonymous, the most common outcome as default, and the roles that differ."""
    roles = {r: o for r, o in observed.items() if r != ANONYMOUS}
    values = list(roles.values())
    default = max(set(values), key=values.count)
    return {
        "anonymous": observed[ANONYMOUS],
        "default": default,
        **(
            {"roles": {r: o for r, o in roles.items() if o != default}}
            if any(o != default for o in values)
            else {}
        ),
    }


def test_every_route_matches_the_matrix(client, make_user, world):
    """R18: deny by default; every route has an expected outcome per role, and the code agrees."""
    matrix = load_matrix()
    observed = _sweep(client, make_user, world, matrix)
    if WRITE:
        merged = {}
        for name, outcomes in observed.items():
            old = matrix.get(name, {})
            entry = {k: v for k, v in old.items() if k in ("params", "audit", "note", "sees_restricted")}
            if "missing_params" not in outcomes:
                entry.update(_compress(outcomes))
            merged[name] = entry
        MATRIX_PATH.write_text(
            "# Route x role -> outcome of a GET (R18). Generated, then reviewed; see test_permission_matrix.py.\n"
            + yaml.safe_dump(merged, sort_keys=True, width=110)
        )
    missing = sorted(set(observed) - set(matrix))
    assert not missing, f"routes missing from {MATRIX_PATH.name}: {missing}"
    stale = sorted(set(matrix) - set(observed))
    assert not stale, f"{MATRIX_PATH.name} lists routes that no longer exist: {stale}"
    differences = [
        f"{name} as {role}: expected {expected(matrix[name], role)}, got {outcome}"
        for name, outcomes in observed.items()
        for role, outcome in outcomes.items()
        if outcome != expected(matrix[name], role)
    ]
    assert not differences, "\n".join(differences)


def test_routes_carry_no_personal_data():
    """R4: path parameters are opaque ids or fixed type names, never names, dates or NHS numbers."""
    for route in all_routes():
        if route.pattern.startswith("accounts/"):
            continue  # allauth's own routes carry one-time tokens (reset and confirmation keys) only
        for converter in re.findall(r"<(?:(\w+):)?\w+>", route.pattern):
            assert (converter or "str") in ALLOWED_CONVERTERS, (
                f"{route.name} has a <{converter or 'str'}:...> parameter"
            )


def test_audited_routes_write_exactly_one_view_event(client, make_user, world):
    """R27: each authorised GET of an object route writes exactly one audit row naming the object."""
    matrix = load_matrix()
    audited = {name: spec for name, spec in matrix.items() if spec.get("audit")}
    assert audited, "the matrix marks no audited routes"
    routes = {r.name: r for r in all_routes()}
    for name, spec in audited.items():
        role = next(r for r in ROLES if r != ANONYMOUS and expected(spec, r) == "ok")
        client.force_login(make_user(role))
        target = world[spec["audit"]]
        before = AuditEvent.objects.filter(object_id=str(target.pk), verb="view").count()
        response = client.get(url_for(routes[name], spec, world))
        assert response.status_code == 200, name
        after = AuditEvent.objects.filter(object_id=str(target.pk), verb="view").count()
        assert after - before == 1, f"{name}: {after - before} view events"
        event = AuditEvent.objects.filter(object_id=str(target.pk), verb="view").latest("seq")
        for value in ("Zedwood", "2014-02-03"):
            assert value not in str(event.detail) + event.purpose + event.reason + event.section


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_security_headers_on_every_route(client, make_user, world, role):
    """R2, R38: CSP with a nonce and no unsafe-inline, framing denied, no-store, on every response."""
    matrix = load_matrix()
    client.force_login(make_user(role))
    for route in all_routes():
        spec = matrix.get(route.name)
        if spec is None or (route.kwargs and "params" not in spec):
            continue  # reported by test_every_route_matches_the_matrix
        response = client.get(url_for(route, spec, world))
        csp = response.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, route.name
        assert "unsafe-inline" not in csp, route.name
        assert "unsafe-eval" not in csp, route.name
        assert response["X-Content-Type-Options"] == "nosniff", route.name
        assert response["Referrer-Policy"] == "same-origin", route.name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", route.name
        assert "camera=()" in response["Permissions-Policy"], route.name
        assert "no-store" in response["Cache-Control"], route.name


def test_unenrolled_user_is_sent_to_mfa_everywhere(client, make_user, world):
    """R7: a signed-in user without a second factor reaches nothing outside /accounts/ but enrolment."""
    matrix = load_matrix()
    client.force_login(make_user(Role.SYSADMIN, mfa=False))
    for route in all_routes():
        spec = matrix.get(route.name)
        if spec is None or (route.kwargs and "params" not in spec) or route.pattern.startswith("accounts/"):
            continue
        url = url_for(route, spec, world)
        if url.startswith(_MFA_EXEMPT_PREFIXES):
            continue  # enrolment itself, sign-out, the timeout poll and CSP reports
        outcome = classify(client.get(url))
        if route.pattern.startswith("api/"):
            assert outcome in {"unauthorized", "forbidden"}, f"{route.name}: {outcome}"
        else:
            assert outcome == "mfa", f"{route.name}: {outcome}"


def test_object_routes_hide_records_the_user_may_not_open(client, make_user, world):
    """R19(a): every route that shows a person answers 404 for a restricted person the user holds no
    grant for, exactly as for an id that does not exist, for every role that may see people at all."""
    matrix = load_matrix()
    routes = {r.name: r for r in all_routes()}
    person_routes = [
        (name, spec)
        for name, spec in matrix.items()
        if "person" in (spec.get("params") or {}).values() and not name.startswith("access:")
    ]
    assert person_routes
    for name, spec in person_routes:
        hidden = {
            **spec,
            "params": {k: ("restricted_person" if v == "person" else v) for k, v in spec["params"].items()},
        }
        for role in ROLES:
            if role == ANONYMOUS or expected(spec, role) != "ok" or role in spec.get("sees_restricted", []):
                continue
            client.force_login(make_user(role))
            outcome = classify(client.get(url_for(routes[name], hidden, world)))
            assert outcome == "not_found", f"{name} as {role}: {outcome}"
