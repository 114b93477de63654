"""Scenario <-> flat values <-> query string: coverage, exact round trips, and every bad input."""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tcocalc.inputs import query
from tcocalc.inputs.loader import load_scenario, scenario_files
from tcocalc.model.scenario import CategoryEvent, Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated

SHIPPED = scenario_files()


def _leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every field of ``model`` that holds a value, through nested models and union variants."""
    out: set[tuple[str, ...]] = set()
    for name, info in model.model_fields.items():
        ann = info.annotation
        options = typing.get_args(ann) if isinstance(ann, types.UnionType) else (ann,)
        nested = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
        if name in ("schema_version",):
            continue
        if nested and name != "events":
            for sub in nested:
                out |= _leaf_paths(sub, (*prefix, name))
        else:
            out.add((*prefix, name))
    return out


def test_every_scenario_field_has_a_key() -> None:
    covered = {f.path for f in query.FIELDS.values()}
    missing = _leaf_paths(Scenario) - covered
    assert not missing, f"add these fields to tcocalc.inputs.query.FIELDS: {sorted(missing)}"


def test_keys_are_readable_and_unique() -> None:
    for key in query.FIELDS:
        assert key == key.lower() and " " not in key and len(key) <= 24, key
    assert len({f.path for f in query.FIELDS.values()}) == len(query.FIELDS)


def test_every_field_has_a_description_with_its_unit() -> None:
    for key, f in query.FIELDS.items():
        if f.kind in ("number", "integer", "share"):
            assert f.description, f"{key} needs a pydantic Field description (the tooltip)"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_flatten_build_round_trip(path: Path, shipped_catalog: Catalog) -> None:
    s = load_scenario(path, shipped_catalog)
    assert query.build(query.flatten(s, shipped_catalog), shipped_catalog) == s


def test_nothing_to_encode_when_unchanged(article: Scenario) -> None:
    assert query.encode(article, article) == {}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_any_shipped_scenario_travels_as_a_diff_from_another(
    path: Path, article: Scenario, shipped_catalog: Catalog
) -> None:
    s = load_scenario(path, shipped_catalog)
    params = query.encode(s, article, shipped_catalog)
    decoded = query.decode(params, article, shipped_catalog)
    assert decoded.warnings == []
    assert decoded.scenario == s


def test_encode_writes_readable_keys_and_plain_numbers(article: Scenario) -> None:
    s = updated(
        article,
        {
            "workload.monthly_calls": 2_400_000,
            "workload.monthly_growth_pct": 3,
            "fine_tuning.lead_time_weeks": 2,
        },
    )
    assert query.encode(s, article) == {"calls": "2400000", "growth": "3", "ft.lead_weeks": "2"}


def test_switching_training_and_serving_kind_round_trips(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    s = updated(
        article,
        {
            "fine_tuning.training": {
                "kind": "self_hosted",
                "gpu": "h100",
                "tokens_per_second_per_gpu": 1800.5,
                "method": "lora",
                "epochs": 2,
            },
            "fine_tuning.serving": {
                "kind": "dedicated",
                "gpu": "h100",
                "calls_per_second_per_replica": 12,
                "min_replicas": 2,
            },
        },
    )
    params = query.encode(s, article, fixture_catalog)
    assert params["ft.training"] == "self_hosted" and params["ft.serving"] == "dedicated"
    assert "ft.model" not in params  # a field of the kind not in use never travels
    assert query.decode(params, article, fixture_catalog).scenario == s


def test_events_shares_dates_and_toggles_round_trip(article: Scenario) -> None:
    s = updated(
        article,
        {
            "category_changes": {
                "every_months": 6,
                "new_categories_per_change": 2,
                "events": [{"month": 3, "new_categories": 1}, {"month": 9, "new_categories": 4}],
            },
            "hybrid.traffic_share_per_new_category": 0.05,
            "start_date": dt.date(2028, 3, 1),
            "accounting.include_error_cost": True,
            "name": "Support bot: what if? (v2)",
        },
    )
    params = query.encode(s, article)
    assert params["cc.events"] == "3:1,9:4"
    assert params["errors"] == "1" and params["start"] == "2028-03-01"
    assert query.decode(params, article).scenario == s
    back = updated(s, {"hybrid.traffic_share_per_new_category": None})
    assert query.encode(back, s) == {"hy.share": "auto"}
    assert query.decode({"hy.share": "auto"}, s).scenario == back


NUMERIC = [k for k, f in query.FIELDS.items() if f.kind in ("number", "integer") and f.when is None]


@st.composite
def _changes(draw: st.DrawFn) -> dict[str, float | int]:
    keys = draw(st.lists(st.sampled_from(NUMERIC), min_size=1, max_size=6, unique=True))
    out: dict[str, float | int] = {}
    for key in keys:
        f = query.FIELDS[key]
        low, high = f.bounds
        assert low is not None and high is not None
        if f.kind == "integer":
            out[key] = draw(st.integers(int(low), min(int(high), 10**9)))
        else:
            out[key] = draw(
                st.floats(low, high, allow_nan=False, allow_infinity=False, exclude_min=low == 0)
            )
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=_changes())
def test_any_valid_numbers_survive_the_query_string_exactly(
    article: Scenario, changes: dict[str, float | int]
) -> None:
    values = {**query.flatten(article), **changes}
    try:
        s = query.build(values)
    except query.ScenarioValuesError:
        return  # e.g. a horizon shorter than the article's category event: not a valid scenario
    text = query.encode(s, article)
    assert all(isinstance(v, str) for v in text.values())
    decoded = query.decode(text, article)
    assert decoded.warnings == []
    assert decoded.scenario == s


# --- What a hand-edited or truncated URL can contain --------------------------------------------


def _warned(params: dict[str, str], base: Scenario, catalog: Catalog | None = None) -> str:
    decoded = query.decode(params, base, catalog)
    return "\n".join(decoded.warnings)


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("calls", "lots", "is not a number"),
        ("calls", "-5", "greater than or equal to 0"),
        ("calls", "1e11", "less than or equal to 10000000000"),
        ("calls", "nan", "not a number"),
        ("calls", "inf", "not a number"),
        ("categories", "2.5", "not a whole number"),
        ("p.accuracy", "1.5", "less than or equal to 1"),
        ("eng", "maybe", "is not 1 or 0"),
        ("start", "next tuesday", "not a date"),
        ("ft.training", "magic", "not one of provider_api, self_hosted"),
        ("cc.events", "2-3", "not month:new_categories"),
        ("cc.events", "200:1", "less than or equal to 120"),
        ("hy.share", "2", "less than or equal to 1"),
        ("name", "", "at least 1 character"),
        ("calls", "__import__('os').system('true')", "is not a number"),
    ],
)
def test_a_bad_value_is_ignored_with_a_warning_naming_it(
    article: Scenario, key: str, text: str, reason: str
) -> None:
    decoded = query.decode({key: text, "growth": "5"}, article)
    assert decoded.scenario == updated(article, {"workload.monthly_growth_pct": 5})
    assert len(decoded.warnings) == 1
    assert decoded.warnings[0].startswith(f"{key}=") and reason in decoded.warnings[0]


def test_unknown_parameters_are_named_and_reserved_ones_skipped(article: Scenario) -> None:
    decoded = query.decode({"colour": "red", "scenario": "x"}, article, reserved=("scenario",))
    assert decoded.warnings == ["colour=red ignored: unknown parameter"]
    assert decoded.scenario == article


def test_catalog_ids_are_checked(article: Scenario, fixture_catalog: Catalog) -> None:
    text = _warned({"p.model": "gpt-4.1-mni"}, article, fixture_catalog)
    assert "p.model=gpt-4.1-mni" in text and "did you mean 'gpt-4.1-mini'" in text
    text = _warned({"ft.model": "big-model"}, article, fixture_catalog)
    assert "ft.model=big-model" in text and "no fine-tuning prices" in text
    text = _warned({"p.labeling": "elves"}, article, fixture_catalog)
    assert "unknown labeling method 'elves'" in text


def test_values_that_break_a_rule_together_are_dropped_together(article: Scenario) -> None:
    # The article has a category event in month 2: a 1-month horizon cannot hold it.
    decoded = query.decode({"horizon": "1", "calls": "200000"}, article)
    assert decoded.scenario.horizon_months == article.horizon_months
    assert decoded.scenario.workload.monthly_calls == 200_000
    assert decoded.warnings[0].startswith("horizon=1 ignored: category_changes.events: month 2")
    assert "past the horizon" in decoded.warnings[0]
    # A cadence needs both of its numbers.
    decoded = query.decode({"cc.every": "3"}, article)
    assert decoded.scenario == article
    assert "cc.every=3 ignored" in decoded.warnings[0]


def test_serving_that_cannot_serve_the_training_is_refused(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    # Own-GPU training with provider-hosted serving: the provider has nothing to host.
    decoded = query.decode(
        {"ft.training": "self_hosted", "ft.tokens_per_s": "3000"}, article, fixture_catalog
    )
    assert decoded.scenario == article
    assert any("ft.training=self_hosted" in w for w in decoded.warnings)


def test_a_repeated_parameter_uses_its_last_value(article: Scenario) -> None:
    decoded = query.decode({"calls": ["1000", "5000"]}, article)
    assert decoded.scenario.workload.monthly_calls == 5000
    assert decoded.applied == {"calls": "5000"}


@pytest.mark.parametrize(
    ("text", "value"),
    [("2400000", 2.4e6), ("2,400,000", 2.4e6), ("2.4M", 2.4e6), ("1.5k", 1500), ("1e6", 1e6),
     (" 12 ", 12), ("0.3333", 0.3333), ("3B", 3e9)],
)  # fmt: skip
def test_numbers_people_type(text: str, value: float) -> None:
    assert query.parse_number(text) == value


def test_events_text() -> None:
    assert query.parse_events("2:3, 6:1; 9:2") == ((2, 3), (6, 1), (9, 2))
    assert query.format_events(query.parse_events("2:3,6:1")) == "2:3,6:1"
    with pytest.raises(query.QueryValueError, match="whole numbers"):
        query.parse_events("2.5:3")
    assert CategoryEvent(month=2, new_categories=3)  # the same bounds apply


def test_keys_at_names_the_fields_of_an_error_location() -> None:
    assert query.keys_at(("prompting", "accuracy")) == ("p.accuracy",)
    assert query.keys_at(("fine_tuning", "serving", "dedicated", "gpu")) == ("ft.serve_gpu",)
    assert query.keys_at(("category_changes", "events", 0, "month")) == ("cc.events",)


def test_placeholders_fill_the_kinds_a_scenario_does_not_use(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    values = query.flatten(article, fixture_catalog)
    assert values["ft.gpu"] == "h100" and values["ft.serve_gpu"] == "h100"
    assert values["ft.serve_model"] == "open-8b"  # the only serverless-LoRA model
    assert values["ft.tokens_per_s"] is None  # derived from the model, method and GPU
    switched = query.build(
        # The fixture catalog has no model sizes or chip figures: a measured throughput is needed.
        {
            **values,
            "ft.training": "self_hosted",
            "ft.serving": "serverless_lora",
            "ft.tokens_per_s": 2500.0,
        },
        fixture_catalog,
    )
    assert switched.fine_tuning.training.kind == "self_hosted"
