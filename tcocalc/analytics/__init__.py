"""Decision analytics: what flips the decision, and how sure we are.

Three analyses, each a pure function of a :class:`Basis` (a scenario with its prices looked up):

:func:`tornado`
    Every driver in :data:`DRIVERS` varied down and up by a share (default 25 %), one at a time;
    the change in the horizon difference (challenger - prompting) and in the break-even month,
    sorted by impact. Each driver's *switching value* (the value at which the cheaper strategy
    changes, every other input held) is solved for, and the verdict sentence names the top
    driver's.
:func:`breakeven_map`
    The cheapest strategy at the horizon over a grid of two drivers (default monthly calls x new
    categories per year), with the break-even lines.
:func:`monte_carlo`
    Low / likely / high ranges (PERT or triangular) for uncertain drivers; every draw projected at
    once. Fan of the cumulative difference (P10-P50-P90), probability each challenger is cheaper by
    the horizon, distribution of the break-even month, "never" included.

Each analysis turns its variants (tornado rows, grid points, draws) into ``(n, 1)`` parameter
arrays and hands them to the model's one month walk (:func:`tcocalc.model.engine.walk` and the
functions beside it). The tornado is one call (the switching values add a grid scan and three
bisection rounds); the map asks for horizon totals only; the Monte Carlo reads its draws a few
months at a time. No Python loop runs over draws or grid points.

Conventions, as in :mod:`tcocalc.model.breakeven`: the *difference* is the challenger's cumulative cost
minus prompting's (negative: the challenger saves); a challenger is *ahead* when the difference is
at most :data:`~tcocalc.model.breakeven` 's cent tolerance; the *break-even month* is the durable one (the
first month from which the challenger stays ahead to the horizon), 0 meaning not within the horizon.
"""

from tcocalc.analytics.basis import *  # noqa: F403
from tcocalc.analytics.drivers import *  # noqa: F403
from tcocalc.analytics.ranges import *  # noqa: F403
from tcocalc.analytics.sensitivity import *  # noqa: F403
from tcocalc.analytics.strategy_map import *  # noqa: F403
from tcocalc.analytics.uncertainty import *  # noqa: F403
from tcocalc.analytics.value_of_information import *  # noqa: F403
