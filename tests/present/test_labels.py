"""Inputs under their human names: every key has one, values read with their units."""

from __future__ import annotations

import datetime as dt

import pytest

from tcocalc.inputs import query
from tcocalc.present import labels


def test_every_input_has_a_label_without_field_names() -> None:
    assert set(labels.LABELS) == set(query.FIELDS)
    for key, (label, _unit, _group) in labels.LABELS.items():
        assert "_" not in label and "." not in label, key


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("p.change_hours", 1 / 3, "20 minutes"),  # 0.3333 h x 60 = 20 min
        ("ft.build_hours", 40.0, "40 hours (5 working days)"),  # 40 / 8 h a day
        ("ft.maint_hours", 8.0, "8 hours a month"),
        ("people.usd_per_hour", 100.0, "$100/hour"),
        ("ft.accuracy", 0.94, "94%"),
        ("horizon", 1, "1 month"),
        ("start", dt.date(2027, 1, 1), "1 January 2027"),
        ("ft.serving", "serverless_lora", "serverless LoRA"),
        ("cc.events", (), "none"),
    ],
)
def test_values_read_with_their_units(key: str, value: query.Value, expected: str) -> None:
    assert labels.format_input(key, value) == expected


@pytest.mark.parametrize(
    ("problem", "values", "flagged"),
    [
        (
            ("cc.every", "cc.per_change", "cc.events"),
            {"cc.every": 0, "cc.per_change": 2},
            "cc.every",
        ),
        (("ft.method",), {}, "ft.method"),
        (("horizon", "cc.events"), {}, "cc.events"),
    ],
)
def test_every_scenario_rule_is_explained_in_plain_words(
    problem: tuple[str, ...], values: dict[str, query.Value], flagged: str
) -> None:
    messages = {
        "ft.method": "serverless LoRA serving needs a LoRA adapter: set training.method to 'lora'",
        "cc.every": "set both every_months and new_categories_per_change, or neither",
        "cc.events": "category_changes.events: month 30 is past the horizon (24 months)",
    }
    attention = labels.explain(query.ValueProblem(problem, messages[flagged]), values)
    assert attention.keys == (flagged,)
    assert "_" not in attention.message and "." not in attention.message.rstrip(".")
