"""The early help pages' signed-in client, for the pages wired through the front door."""

from safehub.early_help.tests.web.conftest import login  # noqa: F401  (a fixture, re-exported)
