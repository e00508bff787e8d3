"""The `<object_type:...>` path converter: a registered record type such as `people.person`.

Only types with a registered policy match, so an unknown type is a 404 before any view runs, and
a path can never carry free text (R4). Registered in `AccessConfig.ready()`, so every URLconf can
use it by name without importing `access`.
"""

from . import policies


class ObjectTypeConverter:
    regex = r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*"

    def to_python(self, value: str) -> str:
        if value not in policies.registered():
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value
