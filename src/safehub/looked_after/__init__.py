"""Periods of care, placements, reviews, permanence and care leavers (issue 6). Built by its own issue; present so the layer contracts name it."""
