"""Ofsted ILACS Annex A lists 1-11 for an inspection date (issue 7, item 5)."""
