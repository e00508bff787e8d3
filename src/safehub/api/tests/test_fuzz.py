"""R58-lite: every operation in the schema, fed empty, malformed and hostile input, as a staff
session and as keys, never answers 5xx, and every error is in the documented format.

schemathesis is not a dependency; this walks the schema itself, and hypothesis drives the bodies.
"""

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from safehub.accounts.constants import Role
from safehub.api.constants import Scope

# Among the suite's slowest modules: scheduled first, so the run does not end on it (conftest.py).
pytestmark = pytest.mark.slow

SCHEMA = "/api/v1/schema/"

HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63,
    1e308,
    "",
    " ",
    "x" * 5000,
    "\x00",
    "O'Brien\"; DROP TABLE people_person;--",
    "%_%",
    "<script>alert(1)</script>",
    "2020-02-30",
    "0000-00-00",
    "9999-12-31",
    "99999-01-01",
    "😀" * 50,
    [],
    ["a"],
    {},
    {"nested": {"deep": [1, 2]}},
]


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method.upper(), op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _body_properties(schema: dict[str, Any], op: dict[str, Any]) -> list[str]:
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not body:
        return []
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    return list(schema["components"]["schemas"][name]["properties"])


def _url(path: str, person_id: uuid.UUID | str) -> str:
    # A contact reference in the shape partners quote; no such contact exists for these callers.
    return path.replace("{id}", str(person_id)).replace("{reference}", "MASH-2026-000000")


def _assert_sound(response: Any, context: str) -> None:
    assert response.status_code < 500, f"{context}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["status"] == response.status_code, context
        assert isinstance(error["code"], str), context
        assert isinstance(error["message"], str), context
        assert error["request_id"], context


@pytest.fixture
def world(session_client, key_client, make_person):
    """The schema, one real person, and the callers to try: staff, a full key, a narrow key."""
    staff = session_client(Role.SOCIAL_WORKER)
    schema = staff.get(SCHEMA).json()
    person = make_person()
    callers = {
        "staff session": staff,
        "key (all scopes)": key_client(Role.SOCIAL_WORKER),
        "key (me:read only)": key_client(Role.SOCIAL_WORKER, scopes=[Scope.ME_READ]),
        "key (partner role)": key_client(Role.MASH_PARTNER),
        "no credentials": APIClient(),
        "garbage bearer": APIClient(HTTP_AUTHORIZATION="Bearer shk_\x7f\x00_zz"),
    }
    return schema, person, callers


def test_no_operation_fails_on_empty_or_malformed_input(world):
    schema, person, callers = world
    raw_bodies = [
        b"",
        b"{",
        b"null",
        b"[]",
        b'"text"',
        b"123",
        b'{"a":',
        b"\xff\xfe",
        json.dumps([{}] * 50).encode(),
    ]
    for caller_name, client in callers.items():
        for path, method, _op in _operations(schema):
            for target in [person.pk, uuid.uuid4()] if "{id}" in path else [person.pk]:
                url = _url(path, target)
                for raw in raw_bodies:
                    for content_type in ("application/json", "text/plain", "multipart/form-data; boundary=x"):
                        response = client.generic(method, url, raw, content_type=content_type)
                        _assert_sound(response, f"{caller_name} {method} {url} {raw!r} {content_type}")


def test_no_operation_fails_on_hostile_field_values(world):
    schema, person, callers = world
    # Callers refused before the body is read are covered above; these two reach the parsers.
    for caller_name in ("staff session", "key (all scopes)"):
        client = callers[caller_name]
        for path, method, op in _operations(schema):
            url = _url(path, person.pk)
            for field in _body_properties(schema, op):
                for value in HOSTILE_VALUES:
                    body = {field: value}
                    if field != "version" and method == "PATCH":
                        body["version"] = 1
                    response = client.generic(method, url, json.dumps(body), content_type="application/json")
                    _assert_sound(response, f"{caller_name} {method} {path} {field}={value!r:.60}")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=120),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_bodies_never_cause_a_server_error(world, data):
    schema, person, callers = world
    path, method, op = data.draw(st.sampled_from(_operations(schema)), label="operation")
    caller_name = data.draw(st.sampled_from(["staff session", "key (all scopes)"]), label="caller")
    fields = _body_properties(schema, op)
    keys = st.sampled_from(fields) | st.text(max_size=12) if fields else st.text(max_size=12)
    body = data.draw(st.dictionaries(keys, json_values, max_size=len(fields) + 2), label="body")
    target = data.draw(st.sampled_from([str(person.pk), str(uuid.uuid4())]), label="id")
    response = callers[caller_name].generic(
        method, _url(path, target), json.dumps(body), content_type="application/json"
    )
    _assert_sound(response, f"{caller_name} {method} {path} {body!r:.200}")
