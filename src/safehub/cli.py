"""The `safehub` console script: the same commands as `manage.py`."""

import os
import sys
from pathlib import Path


def project_root() -> Path:
    """The checkout that holds `config/` (the package is installed editable from it)."""
    return Path(__file__).resolve().parents[2]


def main() -> None:
    root = project_root()
    # config/ lives beside src/, not inside the package, so make it importable.
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
