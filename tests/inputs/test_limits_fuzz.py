"""Bounded work for any YAML text: hostile scenario and pricing files are refused fast, located.

The contract (the issue's "bounded work for any input"): every refusal names file, line and column
and costs at most 1 s of CPU. The CPU bound is checked with ``time.process_time`` as a generous
upper limit (the caps make the measured cost ~0.01-0.4 s on this 2-core machine); it is the
contract itself, not a benchmark.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcocalc.inputs.limits import PRICING_LIMITS, SCENARIO_LIMITS
from tcocalc.inputs.loader import (
    DEFAULT_SCENARIO,
    InputFileError,
    parse_pricing,
    parse_scenario,
)

REFUSAL_CPU_S = 1.0
"""The issue's bound on the CPU one refusal may cost."""
SCENARIO = DEFAULT_SCENARIO.read_text()
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def refused(parse: Callable[[str, str], object], text: str) -> InputFileError:
    """The error ``parse`` raises for ``text``, checked against the CPU bound."""
    start = time.process_time()
    with pytest.raises(InputFileError) as err:
        parse(text, "hostile.yaml")
    spent = time.process_time() - start
    assert spent <= REFUSAL_CPU_S, f"refusing {text[:40]!r}... took {spent:.2f} s of CPU"
    for problem in err.value.problems:
        assert problem.file == "hostile.yaml" and problem.line >= 1 and problem.column >= 1
    return err.value


def flow(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


# The issue's cases: a 3 KB upload nested 1,500 deep cost 33 s; a 20 KB one about 100 s.
NAMED = {
    "3 KB flow nesting 1,500 deep": (flow(1_500), 1, 19, "nested more than 16 levels"),
    "20 KB flow nesting": (flow(10_000), 1, 19, "nested more than 16 levels"),
    # the 16th "{" sits after "a: " and 15 "{b: " (3 + 60 characters) -> column 64
    "flow mappings nested": ("a: " + "{b: " * 1_000 + "}" * 1_000, 1, 64, "nested more than"),
    "block mappings nested": (
        "".join(" " * i + f"k{i}:\n" for i in range(40)) + " " * 40 + "v: 1\n",
        17,
        17,
        "nested more than 16 levels",
    ),
    "block sequences nested": ("- " * 20_000, 1, 33, "nested more than 16 levels"),
    # 20k category events / 50k keys: past the byte cap, refused unread
    "20k events": (
        SCENARIO + "".join(f"    - {{month: 1, new_categories: {i}}}\n" for i in range(20_000)),
        1,
        1,
        "the limit is 65,536",
    ),
    "50k keys": ("".join(f"k{i}: 1\n" for i in range(50_000)), 1, 1, "the limit is 65,536"),
    # under the byte cap, refused at the value cap: value 4,001 is the value of line 2,000
    "keys under the byte cap": (
        "".join(f"k{i}: 1\n" for i in range(6_000)),
        2_000,
        8,
        "more than 4,000 values",
    ),
    "one flow list of many numbers": ("a: [" + "1," * 30_000 + "1]", 1, 7_999, "more than 4,000"),
    "an alias": ("a: &x [1]\nb: *x\n", 2, 4, "aliases"),
    "a python tag": ("a: !!python/object:os.system ls\n", 1, 4, "YAML tags"),
}


@pytest.mark.parametrize("case", sorted(NAMED))
def test_the_issues_hostile_scenarios_are_refused_fast_and_located(case: str) -> None:
    text, line, column, message = NAMED[case]
    (problem,) = refused(parse_scenario, text).problems
    assert (problem.line, problem.column) == (line, column), problem
    assert message in problem.message


def test_pricing_files_have_their_own_caps() -> None:
    # Value 1 is the root mapping, then each line holds a key and its value: value 8,001 is the
    # value of line 4,000, after "k3999: " (7 characters) -> column 8.
    text = "".join(f"k{i}: 1\n" for i in range(10_000))
    assert len(text) < PRICING_LIMITS.max_bytes
    (problem,) = refused(parse_pricing, text).problems
    assert (problem.line, problem.column) == (4_000, 8), problem
    assert "more than 8,000 values" in problem.message
    too_big = "a: " + "x" * PRICING_LIMITS.max_bytes
    (problem,) = refused(parse_pricing, too_big).problems
    assert "the limit is 262,144" in problem.message  # 256 * 1024


def test_the_shipped_files_fit_well_inside_the_caps() -> None:
    # A cap that a real file nears would refuse a colleague's honest edit.
    from tcocalc.inputs.limits import bounded_yaml
    from tcocalc.inputs.loader import PRICING_DIR, SCENARIOS_DIR

    for folder, limits in ((PRICING_DIR, PRICING_LIMITS), (SCENARIOS_DIR, SCENARIO_LIMITS)):
        for path in folder.glob("*.yaml"):
            text = path.read_text()
            y = bounded_yaml(limits)
            y.load(text)
            assert len(text.encode()) * 4 < limits.max_bytes, path
            assert y.composer.nodes * 4 < limits.max_nodes, path


OPENERS = st.sampled_from(["[", "{a: ", "- ", "\n  b:", "[{", "{c: [", "  - "])


@FUZZ
@given(opener=OPENERS, depth=st.integers(17, 5_000), tail=st.sampled_from(["", "1", "]", "}\n"]))
def test_any_deep_nesting_is_refused_at_the_cap(opener: str, depth: int, tail: str) -> None:
    text = "a: " + opener * depth + tail
    if len(text) > SCENARIO_LIMITS.max_bytes:
        text = text[: SCENARIO_LIMITS.max_bytes]
    # Refused for its depth, its syntax or (line after line of keys) its number of values.
    (problem,) = refused(parse_scenario, text).problems
    assert any(w in problem.message for w in ("nested more than", "invalid YAML", "values")), (
        problem
    )


@settings(FUZZ, max_examples=12)
@given(
    item=st.sampled_from(["k{i}: 1\n", "- {i}\n", "- {{month: 1, new_categories: {i}}}\n"]),
    count=st.integers(4_001, 9_000),
)
def test_any_long_file_is_refused_at_the_value_or_byte_cap(item: str, count: int) -> None:
    text = "".join(item.format(i=i) for i in range(count))
    (problem,) = refused(parse_scenario, text).problems
    assert "values" in problem.message or "the limit is 65,536" in problem.message
