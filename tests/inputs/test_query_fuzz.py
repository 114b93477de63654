"""The link door: whatever a query string holds, :func:`decode` returns a scenario and warnings.

The issue's crashing links (``?calls=1e9999999999`` raised ``decimal.Overflow``,
``?start=9999-12-31`` broke the Pricing tab) plus Hypothesis-made parameters; each is used or
named in a warning, never a traceback, in bounded CPU.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcocalc.inputs import query
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.inputs.store import horizon_end
from tests.conftest import FIXTURE_PRICING

BASE = load_scenario(DEFAULT_SCENARIO)
CATALOG = load_catalog(FIXTURE_PRICING, use_snapshot=False)
CPU_S = 1.0
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def decoded(params: dict[str, str]) -> query.Decoded:
    start = time.process_time()
    out = query.decode(params, BASE, CATALOG)
    spent = time.process_time() - start
    assert spent <= CPU_S, f"decoding took {spent:.2f} s of CPU"
    return out


NAMED = {
    "calls=1e9999999999": ({"calls": "1e9999999999"}, "is not a finite number"),
    "calls=-1e9999999999": ({"calls": "-1e9999999999"}, "is not a finite number"),
    "growth=1e-9999999999": ({"growth": "1e-9999999999"}, None),  # underflows to 0: usable
    "start=9999-12-31": ({"start": "9999-12-31"}, "less than or equal to 2100-12-31"),
    "start=0001-01-01": ({"start": "0001-01-01"}, "greater than or equal to 2000-01-01"),
    "horizon=1e308": ({"horizon": "1e308"}, "less than or equal to 120"),
    "a 10,000-digit number": ({"calls": "9" * 10_000}, "characters; at most 4,000"),
    "name with ESC": ({"name": "Acme\x1b[2J"}, "control character U+001B"),
    "events past the horizon": ({"cc.events": "999:1"}, "less than or equal to 120"),
}


@pytest.mark.parametrize("case", sorted(NAMED))
def test_the_issues_hostile_links_are_named_and_ignored(case: str) -> None:
    params, message = NAMED[case]
    out = decoded(params)
    if message is None:
        assert not out.warnings
        return
    (warning,) = out.warnings
    (key,) = params
    assert warning.startswith(f"{key}=") and message in warning, warning
    assert out.scenario == BASE  # nothing of the bad parameter was used


def test_the_latest_start_still_gives_a_pricing_horizon() -> None:
    # The Pricing tab computes the horizon's last day: the latest start x the longest horizon.
    latest = decoded({"start": "2100-12-31", "horizon": "120"}).scenario
    assert horizon_end(latest.start_date, latest.horizon_months) == dt.date(2110, 12, 30)


def test_a_link_with_thousands_of_parameters_is_cut_short() -> None:
    out = decoded({f"k{i}": "x" * 100 for i in range(5_000)})
    # 5,000 - 2 per link key are ignored before any is read
    assert out.warnings[0].startswith(f"{5_000 - query.MAX_PARAMS:,} more parameters ignored")
    assert 2 * len(query.FIELDS) == query.MAX_PARAMS
    assert len(out.warnings) == 1 + query.MAX_PARAMS
    assert out.scenario == BASE


KEYS = st.one_of(st.sampled_from(sorted(query.FIELDS)), st.text(max_size=12))
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["1e9999999999", "-0", "nan", "inf", "1e-400", "2.4M", "9999-12-31", "1:2"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_any_link_gives_a_valid_scenario_and_names_what_it_ignored(params: dict[str, str]) -> None:
    out = decoded(params)
    assert out.scenario.horizon_months >= 1  # a validated Scenario, always
    for key in params:
        used = key in out.applied
        named = any(f"{query._short(key)}=" in w for w in out.warnings)
        assert used or named, (key, out.warnings)
    assert query.encode(out.scenario, BASE, CATALOG).keys() <= set(query.FIELDS)
