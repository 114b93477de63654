"""numba's start in a new process, without its BLAS probe.

The first time a process compiles or loads a compiled function, numba registers its numpy
implementations, and one of them (``numba.np.arraymath``) probes for BLAS by importing
``scipy.linalg``: 0.33 s of CPU on the build machine (it pulls in ``numpy.f2py`` and scipy's
array-API layer), two thirds of numba's start and a fifth of ``tcocalc analyze`` on one draw.
The month walk uses no BLAS (no ``np.dot``, no linear algebra), so :func:`skip_blas_probe`
answers that one probe "no BLAS"; the probe puts numba's own check back as it runs, so anything
compiled later that does use BLAS is checked as usual. (The answer only picks numba's own loop
for ``np.correlate`` and ``np.convolve``; numpy outside compiled code is unaffected.)
"""

from __future__ import annotations

import sys

import numba.np.linalg as linalg


def skip_blas_probe() -> None:
    """Answer numba's BLAS probe "no" once, unless numba has already run it in this process."""
    if "numba.np.arraymath" in sys.modules or getattr(linalg.ensure_blas, "tcocalc", False):
        return
    check = linalg.ensure_blas

    def no_blas() -> None:
        linalg.ensure_blas = check  # numba's own check for every later caller
        raise ImportError("tcocalc: numba's BLAS probe skipped (the month walk uses no BLAS)")

    no_blas.tcocalc = True  # type: ignore[attr-defined]
    linalg.ensure_blas = no_blas
