"""The benchmarks stay runnable (`make bench`): every module imports what it uses."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench


@pytest.mark.parametrize("name", sorted(m.name for m in pkgutil.iter_modules(bench.__path__)))
def test_every_benchmark_module_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert name == "__main__" or callable(module.main)
