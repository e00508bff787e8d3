#!/usr/bin/env python
"""Django's command-line utility; `.venv/bin/safehub` is the installed equivalent."""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    from safehub.cli import main

    main()
