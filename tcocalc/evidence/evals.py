"""Read the real eval set: accuracy with its interval, the gap, and whether the set can tell.

Two layouts (CSV or JSON Lines, columns matched by name, see :data:`ROW_FIELDS`):

* **rows** — one example per row: ``example_id`` (optional), ``label`` (the true answer),
  ``prompting`` and ``fine_tuning`` (each strategy's answer), ``category`` (optional; the true
  label when absent). Answers are compared ignoring case and surrounding spaces. The same
  examples were answered by both strategies, so the difference is *paired*.
* **counts** — one row per strategy (and optionally per category): ``strategy``
  (``prompting`` / ``fine_tuning``), ``correct``, ``total``. The two are then treated as
  independent samples.

Intervals (95 % by default):

* **Wilson** score interval (Wilson 1927; Newcombe 1998, "Two-sided confidence intervals for the
  single proportion", *Statistics in Medicine* 17:857-872, method 3), and the **Jeffreys**
  interval, the 2.5 % and 97.5 % quantiles of Beta(x + 1/2, n - x + 1/2) (Brown, Cai & DasGupta
  2001, *Statistical Science* 16:101-133), whose Beta is also the Monte Carlo range.
* **The difference** fine-tuning - prompting: for paired rows Newcombe's hybrid score interval
  for paired proportions (Newcombe 1998, "Improved confidence intervals for the difference between
  binomial proportions based on paired data", *Statistics in Medicine* 17:2635-2650, method 10);
  for counts the unpaired version (Newcombe 1998, *Statistics in Medicine* 17:873-890, method 10).
* **Examples needed** to tell the observed gap from zero with 80 % power at 5 % two-sided:
  paired, Connor (1987, *Biometrics* 43:207-211) with the observed discordant share
  ``n = (z_a sqrt(psi) + z_b sqrt(psi - d^2))^2 / d^2``; unpaired, the normal approximation
  ``n = (z_a + z_b)^2 (p1 q1 + p2 q2) / d^2`` per strategy (88 % vs 92 %: ~880).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tcocalc.evidence import tables as T
from tcocalc.evidence.changes import Change, EvidenceError, Range
from tcocalc.inputs.loader import Problem

MAX_EVAL_BYTES = 50_000_000
"""An eval spreadsheet is kilobytes to a few MB; 50 MB is refused unread."""
CONFIDENCE = 0.95
POWER = 0.80
SMALL_CATEGORY = 30
"""Categories with fewer examples are flagged: their intervals are wide."""
STRATEGIES = ("prompting", "fine_tuning")

ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "example_id": ("example_id", "id", "example", "row_id"),
    "label": ("label", "true_label", "gold", "gold_label", "expected", "truth", "y_true"),
    "prompting": ("prompting", "prompting_prediction", "prompt_prediction", "prompted", "prompt"),
    "fine_tuning": (
        "fine_tuning", "fine_tuned", "tuned", "fine_tuning_prediction", "tuned_prediction",
        "finetuned",
    ),
    "category": ("category", "class", "group", "segment"),
}  # fmt: skip
COUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "strategy": ("strategy", "approach", "method"),
    "correct": ("correct", "hits", "right"),
    "total": ("total", "n", "examples", "count"),
    "category": ("category", "class", "group", "segment"),
}
_STRATEGY_NAMES = {
    "prompting": "prompting", "prompt": "prompting", "prompted": "prompting",
    "fine_tuning": "fine_tuning", "fine-tuning": "fine_tuning", "fine_tuned": "fine_tuning",
    "fine-tuned": "fine_tuning", "tuned": "fine_tuning", "finetuned": "fine_tuning",
}  # fmt: skip


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def wilson(x: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for ``x`` successes in ``n``.

    ``(p + z^2/2n ± z sqrt(p q / n + z^2 / 4n^2)) / (1 + z^2/n)``.

    >>> [round(v, 4) for v in wilson(81, 263)]  # Newcombe 1998, Table I
    [0.2553, 0.3662]
    """
    if n <= 0:
        return (0.0, 1.0)
    z = _z(confidence)
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def jeffreys(x: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Jeffreys interval: quantiles of Beta(x + 1/2, n - x + 1/2); 0 (1) at x = 0 (x = n).

    >>> [round(v, 4) for v in jeffreys(0, 20)]  # lower end 0 at x = 0 (Brown, Cai & DasGupta)
    [0.0, 0.1166]
    """
    from scipy.stats import beta

    if n <= 0:
        return (0.0, 1.0)
    a = (1 - confidence) / 2
    low = 0.0 if x <= 0 else float(beta.ppf(a, x + 0.5, n - x + 0.5))
    high = 1.0 if x >= n else float(beta.ppf(1 - a, x + 0.5, n - x + 0.5))
    return (low, high)


def newcombe_paired(
    a: int, b: int, c: int, d: int, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Difference p2 - p1 of paired proportions with Newcombe's method 10 interval.

    ``a``: both right, ``b``: only the first right, ``c``: only the second right, ``d``: both
    wrong. Returns ``(difference, low, high)`` of the second minus the first.

    >>> [round(v, 4) for v in newcombe_paired(59, 16, 6, 80)]  # Fagerland et al. 2017, ch. 8
    [-0.0621, -0.1186, -0.0046]
    """
    n = a + b + c + d
    if n == 0:
        return (0.0, -1.0, 1.0)
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson(a + b, n, confidence)
    l2, u2 = wilson(a + c, n, confidence)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    phi = 0.0
    if denom > 0:
        # Newcombe's continuity correction of the correlation: shrink a positive one by n/2.
        ad_bc = float(a * d - b * c)
        num = ad_bc - n / 2 if ad_bc > n / 2 else (ad_bc if ad_bc < 0 else 0.0)
        phi = num / math.sqrt(denom)
    # The interval of p1 - p2, then negated for p2 - p1.
    diff = p1 - p2
    low = diff - math.sqrt(
        max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    )
    high = diff + math.sqrt(
        max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    )
    return (-diff, max(-1.0, -high), min(1.0, -low))


def newcombe_unpaired(
    x1: int, n1: int, x2: int, n2: int, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Difference p2 - p1 of independent proportions with Newcombe's method 10 interval.

    >>> [round(v, 4) for v in newcombe_unpaired(48, 80, 56, 70)]  # Newcombe 1998, Table II (a)
    [0.2, 0.0524, 0.3339]
    """
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, confidence)
    l2, u2 = wilson(x2, n2, confidence)
    d = p2 - p1
    return (
        d,
        max(-1.0, d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)),
        min(1.0, d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)),
    )


def examples_needed_paired(
    discordant: float, gap: float, confidence: float = CONFIDENCE
) -> int | None:
    """Connor (1987): pairs needed to detect ``gap`` with ``POWER``, given the discordant share."""
    if gap == 0 or discordant <= gap * gap:
        return None
    za, zb = _z(confidence), _z(2 * POWER - 1)
    n = (za * math.sqrt(discordant) + zb * math.sqrt(discordant - gap * gap)) ** 2 / gap**2
    return math.ceil(n)


def examples_needed_unpaired(p1: float, p2: float, confidence: float = CONFIDENCE) -> int | None:
    """Examples per strategy to detect ``p2 - p1`` with ``POWER`` (normal approximation).

    >>> examples_needed_unpaired(0.88, 0.92)  # a 4-point gap at 88-92 %: ~900 per strategy
    880
    """
    if p1 == p2:
        return None
    za, zb = _z(confidence), _z(2 * POWER - 1)
    return math.ceil((za + zb) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p2 - p1) ** 2)


@dataclass(frozen=True)
class Accuracy:
    strategy: str
    category: str | None
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def wilson(self) -> tuple[float, float]:
        return wilson(self.correct, self.total)

    @property
    def jeffreys(self) -> tuple[float, float]:
        return jeffreys(self.correct, self.total)


@dataclass(frozen=True)
class EvalSummary:
    """What an eval set says about the two strategies."""

    file: str
    layout: Literal["rows", "counts"]
    examples: int
    overall: dict[str, Accuracy]
    by_category: tuple[tuple[Accuracy, Accuracy], ...]
    difference: tuple[float, float, float]
    """fine-tuning - prompting: (difference, low, high) of the 95 % interval."""
    needed: int | None
    """Examples (pairs, or per strategy) to tell the observed gap from zero."""
    paired: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def distinguishable(self) -> bool:
        _, low, high = self.difference
        return low > 0 or high < 0

    def verdict(self) -> str:
        """The plain statement for the product manager."""
        d, low, high = self.difference
        pts = abs(d) * 100
        ahead = "fine-tuning" if d > 0 else "prompting"
        interval = f"95 % interval {low * 100:+.1f} to {high * 100:+.1f} points"
        what = "examples" if self.paired else "examples per strategy"
        if d == 0:
            return f"With {self.examples:,} {what} the two are equally accurate ({interval})."
        if self.distinguishable:
            return (
                f"With {self.examples:,} {what}, {ahead} is ahead by {pts:.1f} points "
                f"({interval}): the gap is larger than the noise."
            )
        more = (
            f"; about {self.needed:,} {what} are needed to tell them apart (80 % power)"
            if self.needed
            else ""
        )
        return (
            f"With {self.examples:,} {what} a {pts:.1f}-point gap ({ahead} ahead) is within "
            f"noise ({interval}){more}."
        )

    def changes(self) -> list[Change]:
        out = []
        for s, path in (("prompting", "prompting"), ("fine_tuning", "fine_tuning")):
            a = self.overall[s]
            out.append(
                Change(
                    (path, "accuracy"),
                    round(a.accuracy, 4),
                    f"{a.correct:,} of {a.total:,} right in {self.file}",
                )
            )
        return out

    def ranges(self) -> list[Range]:
        out = []
        for s, driver in (("prompting", "p_accuracy"), ("fine_tuning", "f_accuracy")):
            a = self.overall[s]
            low, high = a.jeffreys
            out.append(
                Range(
                    driver,
                    low,
                    min(max(a.accuracy, low), high),
                    high,
                    f"Jeffreys 95 % of {a.correct:,}/{a.total:,}",
                )
            )
        return out

    def table(self) -> list[dict[str, str]]:
        """Rows per strategy and category: accuracy, Wilson and Jeffreys intervals."""
        rows = []
        pairs: list[tuple[str | None, Accuracy, Accuracy]] = [
            (None, self.overall["prompting"], self.overall["fine_tuning"])
        ]
        pairs += [(p.category, p, f) for p, f in self.by_category]
        for category, *accs in pairs:
            for a in accs:
                wl, wh = a.wilson
                jl, jh = a.jeffreys
                rows.append(
                    {
                        "category": category or "(all)",
                        "strategy": a.strategy,
                        "right": f"{a.correct:,}/{a.total:,}",
                        "accuracy": f"{a.accuracy:.1%}",
                        "wilson_95": f"{wl:.1%}-{wh:.1%}",
                        "jeffreys_95": f"{jl:.1%}-{jh:.1%}",
                    }
                )
        return rows

    def summary(self) -> dict[str, object]:
        d, low, high = self.difference

        def acc(a: Accuracy) -> dict[str, object]:
            return {
                "correct": a.correct,
                "total": a.total,
                "accuracy": round(a.accuracy, 6),
                "wilson_95": [round(v, 6) for v in a.wilson],
                "jeffreys_95": [round(v, 6) for v in a.jeffreys],
            }

        return {
            "file": self.file,
            "layout": self.layout,
            "examples": self.examples,
            "paired": self.paired,
            "accuracy": {s: acc(a) for s, a in self.overall.items()},
            "difference_fine_tuning_minus_prompting": {
                "value": round(d, 6),
                "low_95": round(low, 6),
                "high_95": round(high, 6),
                "method": "Newcombe hybrid score (paired)"
                if self.paired
                else "Newcombe hybrid score (independent)",
            },
            "distinguishable": self.distinguishable,
            "examples_needed": self.needed,
            "verdict": self.verdict(),
            "by_category": [
                {"category": p.category, "prompting": acc(p), "fine_tuning": acc(f)}
                for p, f in self.by_category
            ],
            "warnings": list(self.warnings),
        }


def _read(raw: bytes, name: str) -> tuple[pa.Table, int]:
    """The whole file as a table of text columns, and the line of its first row."""
    T.check_bytes(raw, name, MAX_EVAL_BYTES)
    if T.sniff(raw[:4096]) == "jsonl":
        return T.jsonl_table(raw, name), 1
    header = T.csv_header(raw, name)
    batches = [b for _, b in T.csv_batches(raw, header, name)]
    return pa.Table.from_batches(batches) if batches else pa.table({h: [] for h in header}), 2


def read_eval(raw: bytes, name: str) -> EvalSummary:
    """An eval file (rows or per-strategy counts) summarised; every problem raised at once."""
    table, first_line = _read(raw, name)
    header = list(table.column_names)
    normed = {T.norm(h) for h in header}
    if {"correct", "total"} <= normed or ({"correct"} <= normed and "n" in normed):
        return _counts(table, header, first_line, name)
    return _rows(table, header, first_line, name)


def _norm_labels(a: pa.Array) -> pa.Array:
    return pc.utf8_lower(a)


def _rows(table: pa.Table, header: list[str], first_line: int, name: str) -> EvalSummary:
    cols = T.match_columns(header, ROW_FIELDS, ("label", "prompting", "fine_tuning"), name)
    problems = T.Problems(name)

    def text(field_name: str, required: bool = True) -> pa.Array:
        col = cols.found[field_name]
        return T.labels(
            table[col], field_name, cols.positions[col], first_line, problems, required=required
        )

    label = text("label")
    pred = {s: text(s) for s in STRATEGIES}
    if "example_id" in cols.found:
        ids = text("example_id")
        counts = pc.value_counts(ids)
        dup = [v["values"].as_py() for v in counts if v["counts"].as_py() > 1]
        if dup:
            idx = np.flatnonzero(pc.is_in(ids, pa.array(dup)).to_numpy(zero_copy_only=False))
            col = cols.found["example_id"]
            for i in idx[1:][: T.MAX_PROBLEMS]:
                problems.add(
                    first_line + int(i),
                    cols.positions[col],
                    "example_id",
                    f"{ids[int(i)].as_py()!r} appears more than once",
                )
    category = text("category", required=False) if "category" in cols.found else label
    category = pc.if_else(pc.equal(pc.utf8_length(category), 0), label, category)
    if table.num_rows == 0:
        problems.add(first_line, 1, "", "no examples in the file")
    problems.raise_if_any()
    gold = _norm_labels(label)
    right = {
        s: pc.equal(_norm_labels(pred[s]), gold).to_numpy(zero_copy_only=False) for s in STRATEGIES
    }
    p, f = right["prompting"], right["fine_tuning"]
    n = int(p.size)
    a, b, c, d = (int(np.sum(x)) for x in (p & f, p & ~f, ~p & f, ~p & ~f))
    overall = {
        "prompting": Accuracy("prompting", None, a + b, n),
        "fine_tuning": Accuracy("fine_tuning", None, a + c, n),
    }
    cats = np.asarray(category.to_numpy(zero_copy_only=False), dtype=object)
    names, inverse = np.unique(cats, return_inverse=True)
    totals = np.bincount(inverse, minlength=names.size)
    per = {s: np.bincount(inverse, weights=right[s], minlength=names.size) for s in STRATEGIES}
    by_category = tuple(
        (
            Accuracy("prompting", str(names[i]), int(per["prompting"][i]), int(totals[i])),
            Accuracy("fine_tuning", str(names[i]), int(per["fine_tuning"][i]), int(totals[i])),
        )
        for i in range(names.size)
    )
    small = [str(names[i]) for i in range(names.size) if totals[i] < SMALL_CATEGORY]
    warnings = list(cols.unknown)
    if small:
        few = "1 category has" if len(small) == 1 else f"{len(small)} categories have"
        listed = ", ".join(small[:5]) + (", ..." if len(small) > 5 else "")
        warnings.append(
            f"{few} fewer than {SMALL_CATEGORY} examples ({listed}): their intervals are wide"
        )
    diff = newcombe_paired(a, b, c, d)
    needed = examples_needed_paired((b + c) / n, (c - b) / n)
    return EvalSummary(name, "rows", n, overall, by_category, diff, needed, True, tuple(warnings))


def _counts(table: pa.Table, header: list[str], first_line: int, name: str) -> EvalSummary:
    cols = T.match_columns(header, COUNT_FIELDS, ("strategy", "correct", "total"), name)
    problems = T.Problems(name)

    def pos(f: str) -> int:
        return cols.positions[cols.found[f]]

    strategy = T.labels(
        table[cols.found["strategy"]], "strategy", pos("strategy"), first_line, problems
    )
    correct = T.numbers(
        table[cols.found["correct"]], "correct", pos("correct"), first_line, problems
    )
    total = T.numbers(table[cols.found["total"]], "total", pos("total"), first_line, problems)
    category = (
        T.labels(table[cols.found["category"]], "category", pos("category"), first_line, problems,
                 required=False).to_pylist()
        if "category" in cols.found
        else [""] * table.num_rows
    )  # fmt: skip
    # A handful of rows (strategies x categories): a plain loop over them is fine.
    sums: dict[tuple[str, str], list[int]] = {}
    named: set[str] = set()
    for i, raw_strategy in enumerate(strategy.to_pylist()):
        line = first_line + i
        s = _STRATEGY_NAMES.get(T.norm(raw_strategy))
        if s is not None:
            named.add(s)
        if s is None and raw_strategy:
            problems.add(line, pos("strategy"), "strategy",
                         f"{raw_strategy!r}: use prompting or fine_tuning")  # fmt: skip
            continue
        if correct[i] != int(correct[i]) or total[i] != int(total[i]):
            problems.add(line, pos("correct"), "correct", "counts must be whole numbers")
            continue
        if correct[i] > total[i]:
            problems.add(line, pos("correct"), "correct",
                         f"{correct[i]:g} correct out of {total[i]:g}: more than the total")  # fmt: skip
            continue
        if s is not None:
            cell = sums.setdefault((s, category[i]), [0, 0])
            cell[0] += int(correct[i])
            cell[1] += int(total[i])
    for s in STRATEGIES:
        if s not in named:
            problems.add(first_line, pos("strategy"), "strategy", f"no row for {s}")
    problems.raise_if_any()
    overall = {
        s: Accuracy(
            s,
            None,
            sum(v[0] for k, v in sums.items() if k[0] == s),
            sum(v[1] for k, v in sums.items() if k[0] == s),
        )
        for s in STRATEGIES
    }
    for s in STRATEGIES:
        if overall[s].total == 0:
            raise EvidenceError(
                [Problem(name, first_line, pos("total"), "total", f"{s} has 0 examples")]
            )
    cats = sorted({k[1] for k in sums if k[1]})
    by_category = tuple(
        (
            Accuracy("prompting", c, *sums.get(("prompting", c), [0, 0])),
            Accuracy("fine_tuning", c, *sums.get(("fine_tuning", c), [0, 0])),
        )
        for c in cats
    )
    p, f = overall["prompting"], overall["fine_tuning"]
    diff = newcombe_unpaired(p.correct, p.total, f.correct, f.total)
    needed = examples_needed_unpaired(p.accuracy, f.accuracy)
    n = min(p.total, f.total)
    warnings = [*cols.unknown, "counts only: the two strategies are treated as independent samples "
                "(rows of paired answers give a tighter interval)"]  # fmt: skip
    return EvalSummary(
        name, "counts", n, overall, by_category, diff, needed, False, tuple(warnings)
    )
