"""Eval sets: intervals against published values, the paired gap, the examples needed, and every
bad row located."""

from __future__ import annotations

import pytest

from tcocalc.analytics.drivers import DRIVERS
from tcocalc.evidence.changes import EvidenceError
from tcocalc.evidence.evals import (
    examples_needed_paired,
    examples_needed_unpaired,
    jeffreys,
    newcombe_paired,
    newcombe_unpaired,
    read_eval,
    wilson,
)


# Newcombe (1998) "Two-sided confidence intervals for the single proportion: comparison of seven
# methods", Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction).
@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)  # fmt: skip
def test_wilson_matches_newcombes_table(x, n, low, high):
    got = wilson(x, n)
    assert got == pytest.approx((low, high), abs=5e-5)


# Newcombe (1998) "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Statistics in Medicine 17:873-890, Table II, method 10.
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [(48, 80, 56, 70, 0.0524, 0.3339), (3, 10, 9, 10, 0.1705, 0.8090),
     (0, 29, 5, 56, -0.0381, 0.1926)],
)  # fmt: skip
def test_unpaired_difference_matches_newcombes_table(x1, n1, x2, n2, low, high):
    _, lo, hi = newcombe_unpaired(x1, n1, x2, n2)
    assert (lo, hi) == pytest.approx((low, high), abs=5e-5)


def test_paired_difference_matches_the_textbook_example():
    # Fagerland, Lydersen & Laake (2017) "Statistical Analysis of Contingency Tables", ch. 8:
    # the paired table [[59, 6], [16, 80]] gives -0.0621 (95 % CI -0.1186 to -0.0046) by
    # Newcombe's square-and-add (method 10); our second-minus-first has the opposite sign.
    d, lo, hi = newcombe_paired(59, 6, 16, 80)
    assert (d, lo, hi) == pytest.approx((0.0621, 0.0046, 0.1186), abs=5e-5)


def test_jeffreys_is_the_beta_half_interval_with_the_end_conventions():
    from scipy.stats import beta

    low, high = jeffreys(111, 120)
    assert low == pytest.approx(beta.ppf(0.025, 111.5, 9.5))
    assert high == pytest.approx(beta.ppf(0.975, 111.5, 9.5))
    assert jeffreys(0, 20)[0] == 0.0 and jeffreys(20, 20)[1] == 1.0


def test_examples_needed():
    # (1.95996 + 0.84162)^2 x (0.88 x 0.12 + 0.92 x 0.08) / 0.04^2 = 7.849 x 0.1792 / 0.0016 = 879.1
    assert examples_needed_unpaired(0.88, 0.92) == 880
    # Connor (1987): psi = 0.10, d = 0.04:
    # (1.95996 x 0.31623 + 0.84162 x 0.31369)^2 / 0.0016 = 0.88380^2 / 0.0016 = 488.2 -> 489
    assert examples_needed_paired(0.10, 0.04) == 489
    assert examples_needed_unpaired(0.9, 0.9) is None


def _rows(n: int, prompt_wrong: set[int], tuned_wrong: set[int]) -> bytes:
    lines = ["example_id,label,prompting,fine_tuning,category"]
    for i in range(n):
        label = "billing" if i % 2 else "login"
        other = "login" if i % 2 else "billing"
        p = other if i in prompt_wrong else label.upper()  # case is ignored
        f = other if i in tuned_wrong else f" {label} "  # so are surrounding spaces
        lines.append(f"{i},{label},{p},{f},{label}")
    return ("\n".join(lines) + "\n").encode()


def test_a_small_set_cannot_tell_a_four_point_gap():
    # 120 examples: prompting wrong on 14 (88.3 %), fine-tuning wrong on 10 (91.7 %), nested.
    e = read_eval(_rows(120, set(range(14)), set(range(10))), "eval.csv")
    assert e.overall["prompting"].correct == 106 and e.overall["fine_tuning"].correct == 110
    assert e.paired and not e.distinguishable
    assert e.difference[0] == pytest.approx(4 / 120)
    assert "within noise" in e.verdict() and "examples are needed" in e.verdict()
    assert e.needed is not None and e.needed > 120
    assert {c.dotted: c.value for c in e.changes()} == {
        "prompting.accuracy": round(106 / 120, 4),
        "fine_tuning.accuracy": round(110 / 120, 4),
    }
    for r in e.ranges():
        assert r.driver in DRIVERS and r.low < r.likely < r.high


def test_a_large_gap_on_many_examples_is_distinguishable():
    e = read_eval(_rows(1000, set(range(150)), set(range(50))), "eval.csv")
    assert e.distinguishable
    assert "larger than the noise" in e.verdict()
    cats = {p.category: (p.total, p.correct) for p, _ in e.by_category}
    assert cats == {"billing": (500, 425), "login": (500, 425)}


def test_counts_layout_is_unpaired():
    raw = b"strategy,correct,total\nprompting,528,600\nfine-tuned,552,600\n"
    e = read_eval(raw, "counts.csv")
    assert not e.paired and e.layout == "counts"
    assert e.difference == pytest.approx(newcombe_unpaired(528, 600, 552, 600))
    assert e.needed == examples_needed_unpaired(0.88, 0.92)


def test_every_bad_row_and_column_at_once():
    raw = b"id,label,prompting,fine_tuning\n1,a,a,a\n1,,a,\n3,b,,b\n"
    with pytest.raises(EvidenceError) as err:
        read_eval(raw, "eval.csv")
    assert [str(p) for p in err.value.problems] == [
        "eval.csv:3:1: example_id: '1' appears more than once",
        "eval.csv:3:2: label: empty cell: give a value",
        "eval.csv:3:4: fine_tuning: empty cell: give a value",
        "eval.csv:4:3: prompting: empty cell: give a value",
    ]


def test_a_missing_column_names_the_closest_ones():
    with pytest.raises(EvidenceError) as err:
        read_eval(b"label,prompting,finetune_pred\na,a,a\n", "eval.csv")
    (p,) = err.value.problems
    assert p.path == "fine_tuning" and "closest in the file: finetune_pred" in p.message


def test_bad_counts_are_located():
    raw = b"strategy,correct,total\nprompting,700,600\nzero-shot,1,2\nfine_tuning,x,10\n"
    with pytest.raises(EvidenceError) as err:
        read_eval(raw, "counts.csv")
    assert [str(p) for p in err.value.problems] == [
        "counts.csv:2:2: correct: 700 correct out of 600: more than the total",
        "counts.csv:3:1: strategy: 'zero-shot': use prompting or fine_tuning",
        "counts.csv:4:2: correct: need a number of 0 or more, got 'x'",
    ]


def test_size_limit_and_empty_file():
    with pytest.raises(EvidenceError, match="the file is empty"):
        read_eval(b"", "eval.csv")
    with pytest.raises(EvidenceError, match="limit is 50,000,000"):
        read_eval(b"x" * 50_000_001, "eval.csv")
