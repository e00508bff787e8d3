"""The `<contact_reference:...>` path converter: a MASH reference such as MASH-2026-000123.

A reference is a number the hub gives out, not personal data, and it is what a partner system
and a referrer on the phone quote; the strict pattern keeps anything else out of the path (R4).
Registered in `FrontDoorConfig.ready()`, so the API's URLconf can use it by name.
"""

REFERENCE_PATTERN = r"MASH-[0-9]{4}-[0-9]{6}"


class ContactReferenceConverter:
    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
