"""Scenario and pricing files: every error names file, line, column and field; bad input is refused."""

from __future__ import annotations

import pytest

from tcocalc.inputs.loader import (
    DEFAULT_SCENARIO,
    InputFileError,
    PricingFileError,
    ScenarioFileError,
    dump_scenario,
    load_catalog,
    load_scenario,
    parse_pricing,
    parse_scenario,
    scenario_files,
)
from tests.conftest import FIXTURE_PRICING

GOOD = DEFAULT_SCENARIO.read_text(encoding="utf-8")


def lines_of(exc: InputFileError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_a_wrong_value_points_at_its_line_and_column():
    text = GOOD.replace("  monthly_calls: 100000", "  monthly_calls: -5")
    line = text.splitlines().index("  monthly_calls: -5        # tickets classified per month") + 1
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "support.yaml")
    assert lines_of(err.value) == [
        f"support.yaml:{line}:3: workload.monthly_calls: Input should be greater than or equal "
        "to 0 (allowed: from 0 to 10,000,000,000; got -5)"
    ]


def test_all_errors_of_a_file_come_at_once_in_file_order():
    text = (
        GOOD.replace("horizon_months: 24", "horizon_months: 500")
        .replace("  accuracy: 0.88", "  accuracy: high")
        .replace("  epochs: 4", "  epochs: 4\n    epochz: 2")
    )
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "s.yaml")
    paths = [p.path for p in err.value.problems]
    assert paths == [
        "horizon_months",
        "prompting.accuracy",
        "fine_tuning.training.epochz",
    ]
    assert "less than or equal to 120" in err.value.problems[0].message
    assert "unknown field" in err.value.problems[2].message
    assert [p.line for p in err.value.problems] == sorted(p.line for p in err.value.problems)


def test_a_missing_field_is_named_at_its_parent():
    text = GOOD.replace("  output_tokens_per_call: 25   # the label\n", "")
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "s.yaml")
    (problem,) = err.value.problems
    assert problem.path == "prompting.output_tokens_per_call"
    assert problem.message == "Field required"
    assert problem.line == text.splitlines().index("prompting:") + 1


def test_an_unknown_reference_names_the_closest_ids(fixture_catalog):
    text = GOOD.replace("  model: gpt-4.1-mini\n  input", "  model: gpt4.1-mini\n  input")
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "s.yaml", fixture_catalog)
    (problem,) = err.value.problems
    assert problem.path == "prompting.model"
    assert "unknown model 'gpt4.1-mini'; did you mean 'gpt-4.1-mini'" in problem.message
    assert problem.line == text.splitlines().index("  model: gpt4.1-mini") + 1
    assert problem.column == 3


def test_a_model_without_fine_tuning_is_refused(fixture_catalog):
    text = GOOD.replace("    model: gpt-4.1-mini\n    epochs", "    model: big-model\n    epochs")
    with pytest.raises(ScenarioFileError, match="has no fine-tuning prices"):
        parse_scenario(text, "s.yaml", fixture_catalog)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "s.yaml:1:1: the file is empty"),
        ("\x00\x01binary", "s.yaml:1:1: binary data (NUL bytes), not YAML text"),
        ("- a\n- b\n", "s.yaml:1:1: expected a mapping of keys to values, got CommentedSeq"),
        ("a: 1\na: 2\n", "s.yaml:2:1: The key “a” appears twice in the same block"),
        ("a: &x [1, 2]\nb: *x\n", "s.yaml:2:4: anchors and aliases (*name) are not allowed"),
        ("a: !!python/object:os.system ls\n", "s.yaml:1:4: YAML tags"),
        ("a:\n\tb: 1\n", "s.yaml:2:1: A tab character: YAML indents with spaces only"),
        # Where the list opened, not where the parser gave up.
        ("a: [1, 2\n", "s.yaml:1:4: A [ … ] list opened here is not closed"),
        ("a:\n  b:\n    x: 1\n   y: 2\n", "s.yaml:4:4: This line is indented differently"),
        ("a: 1\nb\nc: 2\n", "s.yaml:2:1: This line has no colon"),
    ],
)
def test_bad_text_gets_a_located_error(text, expected):
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "s.yaml")
    assert str(err.value).startswith(expected) or expected in str(err.value)


def test_billion_laughs_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    with pytest.raises(ScenarioFileError, match="anchors and aliases"):
        parse_scenario(bomb, "bomb.yaml")


def test_invalid_utf8_is_located():
    with pytest.raises(ScenarioFileError, match=r"s.yaml:2:4: not UTF-8 text"):
        parse_scenario(b"a: 1\nb: \xff\xfe\n", "s.yaml")


def test_huge_files_are_refused_unread(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 400_000)
    # SCENARIO_LIMITS.max_bytes = 64 * 1024 = 65,536
    with pytest.raises(ScenarioFileError, match="2,000,000 bytes; the limit is 65,536"):
        load_scenario(big)


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    with pytest.raises(ScenarioFileError, match="cannot read"):
        load_scenario(tmp_path / "nope.yaml")


def test_pricing_errors_name_the_entry():
    text = (FIXTURE_PRICING / "prices.yaml").read_text(encoding="utf-8")
    text = text.replace("    usd_per_1m_input_tokens: 0.40", "    usd_per_1m_input_tokens: -0.40")
    with pytest.raises(PricingFileError) as err:
        parse_pricing(text, "pricing/llm_apis.yaml")
    (problem,) = err.value.problems
    assert str(problem).startswith("pricing/llm_apis.yaml:")
    assert problem.path == "models.gpt-4.1-mini.usd_per_1m_input_tokens"
    assert problem.message == (
        "Input should be greater than or equal to 0 (allowed: from 0 to 1,000; got -0.4)"
    )


def test_an_id_in_two_files_is_refused(tmp_path):
    text = (FIXTURE_PRICING / "prices.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PricingFileError) as err:
        load_catalog(tmp_path, use_snapshot=False)
    dupes = [p for p in err.value.problems if p.path == "models.gpt-4.1-mini"]
    assert len(dupes) == 1
    assert dupes[0].file.endswith("b.yaml")
    assert dupes[0].message.startswith("duplicate id, already in ")
    assert dupes[0].message.endswith("a.yaml")
    assert dupes[0].line == 5  # the id's line in the second file


def test_exclusive_bounds_are_spelled_out():
    text = GOOD.replace("  epochs: 4", "  epochs: 0")
    with pytest.raises(ScenarioFileError) as err:
        parse_scenario(text, "s.yaml")
    assert err.value.problems[0].message.endswith("(allowed: above 0 and at most 100; got 0)")


def test_labeling_needs_exactly_one_pricing_rule():
    text = (FIXTURE_PRICING / "prices.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    usd_per_example: 0\n", "    usd_per_example: 0\n    usd_per_hour: 20\n"
    )
    with pytest.raises(PricingFileError, match=r"labeling_methods\.existing-labels: give either"):
        parse_pricing(text, "p.yaml")


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_every_shipped_scenario_round_trips_exactly(path, shipped_catalog):
    scenario = load_scenario(path, shipped_catalog)
    again = parse_scenario(dump_scenario(scenario), "round-trip.yaml", shipped_catalog)
    assert again == scenario
