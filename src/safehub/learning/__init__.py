"""Incident notifications, rapid and practice reviews, actions and case audits (issue 10). Built by its own issue; present so the layer contracts name it."""
