"""Serious incident notifications, rapid and practice reviews, multi-agency action plans, learning
themes and case audits (issue 10; ADR 0008)."""
