"""What every ``tcocalc`` sub-command shares: exit codes and the catalog its ``--pricing`` options pick."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tcocalc.inputs.loader import load_catalog

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def catalog_from_args(args: argparse.Namespace) -> Any:
    folders = [Path(p) for p in (getattr(args, "pricing", None) or [])]
    if not folders:  # TCOCALC_PRICING_DIR layered over pricing/, as in the app
        from tcocalc.inputs.store import load_configured_catalog

        return load_configured_catalog()
    return load_catalog(*folders)
