"""The OpenAPI schema: authenticated only, valid OpenAPI 3, every error described as ErrorResponse."""

from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from safehub.accounts.constants import Role
from safehub.api.constants import Scope

from .conftest import assert_error

SCHEMA = "/api/v1/schema/"
ERROR_REF = "#/components/schemas/ErrorResponse"
# The parts of a person's record the API adds one at a time (issue 3).
PERSON_PARTS = ("names", "identifiers", "addresses", "relationships", "risk-flags")


def test_the_schema_needs_authentication(db):
    response = APIClient().get(SCHEMA)
    assert_error(response, 401, "not_authenticated")


def test_any_valid_key_may_read_the_schema(key_client):
    client = key_client(Role.MASH_PARTNER, scopes=[Scope.ME_READ])
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_the_schema_is_valid_openapi_with_the_error_format_everywhere(session_client):
    response = session_client(Role.SOCIAL_WORKER).get(SCHEMA)
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises if the document is not valid OpenAPI 3
    assert schema["openapi"].startswith("3.")
    components = schema["components"]
    error = components["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]
    detail = components["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"status", "code", "message", "request_id"}
    assert {"fields", "conflict"} <= set(detail["properties"])
    assert set(components["securitySchemes"]) == {"apiKey", "staffSession"}
    assert components["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]
    assert {(path, method) for path, method, _ in operations} == {
        ("/api/v1/me/", "get"),
        ("/api/v1/people/", "post"),
        ("/api/v1/people/search/", "post"),
        ("/api/v1/people/match", "post"),
        ("/api/v1/people/{id}/", "get"),
        ("/api/v1/people/{id}/", "patch"),
        *((f"/api/v1/people/{{id}}/{part}/", "post") for part in PERSON_PARTS),
        ("/api/v1/contacts", "post"),
        ("/api/v1/contacts/{reference}/status", "get"),
    }
    for path, method, op in operations:
        errors = {code: r for code, r in op["responses"].items() if code.startswith(("4", "5"))}
        assert {"401", "403", "500"} <= set(errors), (path, method)
        for response in errors.values():
            assert response["content"]["application/json"]["schema"]["$ref"] == ERROR_REF
        if "{" in path:
            assert "404" in errors
        if method in {"post", "patch"}:
            assert "400" in errors
    assert "409" in schema["paths"]["/api/v1/people/{id}/"]["patch"]["responses"]
    patch_body = schema["paths"]["/api/v1/people/{id}/"]["patch"]["requestBody"]["content"]
    assert set(patch_body) == {"application/json"}
    ref = patch_body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert components["schemas"][ref]["required"] == ["version"]


def test_yaml_is_available_on_request(key_client):
    response = key_client().get(SCHEMA, HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi:")
