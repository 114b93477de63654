"""Run every benchmark (or those named): python -m bench [engine page export analytics evidence
load]."""

from __future__ import annotations

import importlib
import importlib.util
import sys

SUITES = ("engine", "page", "export", "analytics", "evidence", "load")


def main(argv: list[str]) -> int:
    wanted = argv or list(SUITES)
    for name in wanted:
        if name not in SUITES:
            print(f"unknown benchmark {name!r}; choose from {', '.join(SUITES)}", file=sys.stderr)
            return 2
        if importlib.util.find_spec(f"bench.{name}") is None:
            print(f"{name}: no benchmark module yet")
            continue
        importlib.import_module(f"bench.{name}").main()
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
