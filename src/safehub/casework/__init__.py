"""Involvements, allocation, chronology, case notes, tasks and documents (issue 5). Built by its own issue; present so the layer contracts name it."""
