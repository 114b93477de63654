"""numba's start without its BLAS probe (tcocalc.model.numba_start), in fresh processes."""

from __future__ import annotations

import subprocess
import sys

from tcocalc.inputs.loader import PROJECT_ROOT

PROJECT = """
import sys
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.projection import project
project(load_scenario(DEFAULT_SCENARIO), load_catalog())
print("scipy.linalg" in sys.modules)
"""

LATER_DOT = (
    PROJECT
    + """
import numba
import numpy as np

@numba.njit
def dot(a, b):
    return np.dot(a, b)

print(dot(np.ones(3), np.arange(3.0)))
"""
)


def _run(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True
    )
    return done.stdout.split()


def test_a_projection_does_not_load_scipy_linalg():
    """numba's probe imports scipy.linalg (0.33 s of CPU); the walk needs no BLAS."""
    assert _run(PROJECT) == ["False"]


def test_a_later_kernel_with_blas_still_gets_it():
    """The probe puts numba's own check back: np.dot compiled afterwards uses BLAS as usual."""
    assert _run(LATER_DOT) == ["False", "3.0"]
