"""Reads for learning pages. Import from the submodule (`selectors.reviews`, `selectors.audits` …)."""
