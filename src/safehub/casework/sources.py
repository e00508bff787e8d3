"""Casework's registrations with people: allocated workers and chronology entries (helper F fills this)."""


def register_sources() -> None:
    return None
