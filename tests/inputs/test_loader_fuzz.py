"""Fuzzing the YAML loader: whatever the bytes, only the project's own typed errors come out.

Every :class:`InputFileError` problem has a line and a column >= 1; when the text parses as YAML
(a syntax error is not the problem), the located line must exist in the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcocalc.inputs.loader import (
    DEFAULT_SCENARIO,
    InputFileError,
    PricingFileError,
    ScenarioFileError,
    load_catalog,
    parse_pricing,
    parse_scenario,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pricing"
PRICING_LINES = (FIXTURES / "prices.yaml").read_text().splitlines(keepends=True)
SCENARIO_LINES = DEFAULT_SCENARIO.read_text().splitlines(keepends=True)
CATALOG = load_catalog(FIXTURES)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

TOKENS = [
    "",
    " ",
    "  ",
    "\t",
    ":",
    ": ",
    "- ",
    "#",
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!x ",
    "!!str ",
    "!!python/object:os.system ",
    "? ",
    "|",
    ">",
    "<<: ",
    "~",
    "null",
    "1e999",
    "-1",
    "0x1F",
    "2026-02-30",
    "2026-13-45",
    "12:30:00",
    ".nan",
    "-.inf",
    "true",
    "1_000",
    "9" * 5000,
    '"\\UFFFFFFFF"',
    "\\",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "\n",
    "\r\n",
    "\u2028",
    "\x85",
    "\ufeff",
    "\x07",
    "é",
    "models:",
    "fine_tuning:",
    "as_of:",
    "source:",
    "x" * 80,
]


@st.composite
def mutated(draw: st.DrawFn, lines: list[str]) -> str:
    """A real file with a few lines deleted, duplicated, swapped or spliced with odd tokens."""
    out = list(lines)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "swap"]))
        if op == "delete" and len(out) > 1:
            del out[i]
        elif op == "duplicate":
            out.insert(i, out[i])
        elif op == "swap":
            j = draw(st.integers(0, len(out) - 1))
            out[i], out[j] = out[j], out[i]
        else:
            line = out[i]
            at = draw(st.integers(0, len(line)))
            token = draw(st.sampled_from(TOKENS))
            cut = at if op == "insert" else at + draw(st.integers(0, 6))
            out[i] = line[:at] + token + line[cut:]
    return "".join(out)


YAMLISH = st.lists(st.sampled_from(TOKENS + list("abc 0123.-:\n")), max_size=40).map("".join)


def check(parse: object, raw: str | bytes, error: type[InputFileError]) -> None:
    """``parse(raw)`` returns, or raises ``error`` whose problems are located."""
    try:
        parse(raw, "fuzz.yaml")  # type: ignore[operator]
    except InputFileError as exc:
        assert isinstance(exc, error)
        assert exc.problems
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        lines = max(1, len(text.splitlines()) + 1)
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml"
            assert problem.line >= 1, problem
            assert problem.column >= 1, problem
            if "invalid YAML" not in problem.message and "not UTF-8" not in problem.message:
                assert problem.line <= lines, problem
            assert str(problem).startswith(f"fuzz.yaml:{problem.line}:{problem.column}: ")


@FUZZ
@given(mutated(PRICING_LINES))
def test_mutated_pricing_files_give_located_pricing_errors(text: str) -> None:
    check(parse_pricing, text, PricingFileError)


@FUZZ
@given(mutated(SCENARIO_LINES))
def test_mutated_scenarios_give_located_scenario_errors(text: str) -> None:
    check(lambda raw, name: parse_scenario(raw, name, CATALOG), text, ScenarioFileError)


@FUZZ
@given(YAMLISH)
def test_yamlish_text_gives_typed_errors(text: str) -> None:
    check(parse_pricing, text, PricingFileError)
    check(parse_scenario, text, ScenarioFileError)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_give_typed_errors(raw: bytes) -> None:
    check(parse_pricing, raw, PricingFileError)
    check(parse_scenario, raw, ScenarioFileError)


@FUZZ
@given(st.text(max_size=200))
def test_random_text_gives_typed_errors(text: str) -> None:
    check(parse_pricing, text, PricingFileError)


# Inputs that escaped as ValueError / KeyError / OverflowError before the loader fix (found by
# fuzzing this module); each must now be a located PricingFileError.
GOOD = "".join(PRICING_LINES)
ESCAPED = {
    "month 13": (GOOD.replace("as_of: 2026-11-01", "as_of: 2026-13-45", 1), 15, 12, "month must"),
    "day 30 of February": (GOOD.replace("2026-11-01", "2026-02-30", 1), 15, 12, "day is out"),
    "5000-digit integer": (GOOD.replace("0.40", "9" * 5000, 1), 7, 30, "limit"),
    "merge key": ("schema_version: 1\ncurrency: USD\n<<: {models: {}}\n", 3, 1, "merge keys"),
    # the quoted scalar starts at column 8 of line 2 ('notes: ' is 7 characters)
    "escape past U+10FFFF": ('schema_version: 1\nnotes: "\\UFFFFFFFF"\n', 2, 8, "invalid YAML"),
}


@pytest.mark.parametrize("case", sorted(ESCAPED))
def test_values_ruamel_cannot_construct_are_located(case: str) -> None:
    text, line, column, message = ESCAPED[case]
    with pytest.raises(PricingFileError) as err:
        parse_pricing(text, "prices.yaml")
    (problem,) = err.value.problems
    assert (problem.line, problem.column) == (line, column), problem
    assert message in problem.message
