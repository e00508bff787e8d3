"""Safehub: children's safeguarding information system."""
