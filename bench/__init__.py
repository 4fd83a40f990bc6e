"""The benchmark suite (`make bench`): a synthetic archive in its own database, measured the same way every time."""

import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def setup_django():
    """Configure Django with the bench settings (its own database) for a script run from the command line."""
    root = str(BENCH_DIR.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
