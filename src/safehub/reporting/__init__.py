"""Indicators, benchmarks, dashboards and scrutiny reports (issue 8). Built by its own issue; present so the layer contracts name it."""
