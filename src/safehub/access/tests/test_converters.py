"""The `<object_type:...>` converter matches registered record types only (R4, R19)."""

import pytest
from django.urls import Resolver404, resolve

from safehub.access.converters import ObjectTypeConverter

ID = "6f1c1f1e-8a43-4c5e-9a8e-0a1b2c3d4e5f"


def test_registered_types_resolve_and_others_do_not():
    assert ObjectTypeConverter().to_python("people.person") == "people.person"
    with pytest.raises(ValueError, match=r"accounts\.user"):
        ObjectTypeConverter().to_python("accounts.user")
    assert resolve(f"/access/emergency/people.person/{ID}/").kwargs["object_type"] == "people.person"
    for bad in ("accounts.user", "people.person;drop", "Mira Ashworth", "people"):
        with pytest.raises(Resolver404):
            resolve(f"/access/emergency/{bad}/{ID}/")
