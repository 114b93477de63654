"""Every input gets a unit; every price listed is the price the engine used."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable

import pytest
from pydantic import BaseModel

from tcocalc.export.assumptions import (
    SKIPPED_INPUTS,
    describe_as_of,
    input_lines,
    price_lines,
    unit_of,
)
from tcocalc.inputs.loader import load_scenario, scenario_files
from tcocalc.model import scenario as sc
from tcocalc.model.params import Params, resolve
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated


def _models(model: type[BaseModel]) -> typing.Iterator[tuple[type[BaseModel], str]]:
    """Every (model, leaf field name) reachable from ``model``, union variants included."""
    for name, info in model.model_fields.items():
        nested = [
            a for a in _flatten(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        if nested:
            for sub in nested:
                yield from _models(sub)
        else:
            yield model, name


def _flatten(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, tuple):
        return [x for a in args for x in _flatten(a)]
    return [annotation]


def test_every_scenario_field_has_a_unit() -> None:
    """A new scenario field needs a unit here (UNIT_BY_NAME / UNIT_BY_SUFFIX) or a unit suffix."""
    missing = [
        f"{model.__name__}.{name}"
        for model, name in _models(sc.Scenario)
        if not (model is sc.Scenario and name in SKIPPED_INPUTS) and not unit_of(name)
    ]
    assert not missing, f"add units for {missing} in tcocalc/export/assumptions.py"


def test_input_lines_cover_the_scenario(article: Scenario) -> None:
    paths = [x.path for x in input_lines(article)]
    assert len(paths) == len(set(paths))
    assert paths[:2] == ["start_date", "horizon_months"]
    assert "fine_tuning.training.epochs" in paths
    assert "category_changes.events[1]" in paths
    line = next(x for x in input_lines(article) if x.path == "prompting.hours_per_category_change")
    assert (line.value, line.unit) == ("0.3333", "hours/change")
    default_share = next(
        x for x in input_lines(article) if x.path == "hybrid.traffic_share_per_new_category"
    )
    assert default_share.value == "1/categories = 0.125"  # 8 categories


# Month 1's rates (columns of tcocalc.model.costs.RATE_COLUMNS: 0 input, 3 output).
PARAM_OF: dict[tuple[str, str], Callable[[Params], float]] = {
    ("Prompting", "input tokens"): lambda p: p.p_prices[0, 0],
    ("Prompting", "output tokens"): lambda p: p.p_prices[0, 3],
    ("Fine-tuning training", "training tokens"): lambda p: float(p.f_usd_per_training_token) * 1e6,
    ("Fine-tuned serving", "tuned input tokens"): lambda p: p.f_prices[0, 0],
    ("Fine-tuned serving", "tuned output tokens"): lambda p: p.f_prices[0, 3],
    ("Fine-tuned serving", "hosting"): lambda p: float(p.f_hosting_usd_per_hour),
    ("Fine-tuned serving (LoRA)", "input tokens"): lambda p: p.f_prices[0, 0],
    ("Fine-tuned serving (LoRA)", "output tokens"): lambda p: p.f_prices[0, 3],
}


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_price_lines_are_the_prices_used(path, shipped_catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(path, shipped_catalog)
    params = resolve(scenario, shipped_catalog)
    lines = price_lines(scenario, shipped_catalog)
    assert lines, "a scenario always uses some prices"
    checked = 0
    for line in lines:
        assert line.source.startswith("http")
        key = (line.used_for, line.item)
        if key in PARAM_OF:
            expected = PARAM_OF[key](params)
            assert line.value == pytest.approx(expected), key
            checked += 1
        if line.unit == "USD per labeled example":
            assert line.value in (
                params.p_usd_per_labeled_example,
                params.f_usd_per_labeled_example,
            )
            checked += 1
    assert checked >= 3


def test_self_hosted_and_dedicated_list_gpu_prices(
    article: Scenario, shipped_catalog: Catalog
) -> None:
    scenario = updated(
        article,
        {
            "fine_tuning.training": {
                "kind": "self_hosted",
                "gpu": "lambda-h100-sxm",
                "tokens_per_second_per_gpu": 2500,
            },
            "fine_tuning.serving": {
                "kind": "dedicated",
                "gpu": "lambda-h100-sxm",
                "calls_per_second_per_replica": 5,
            },
        },
    )
    lines = price_lines(scenario, shipped_catalog)
    gpu = [x for x in lines if x.catalog_id == "lambda-h100-sxm"]
    # One GPU offer used twice is one row naming both uses.
    assert len(gpu) == 1
    assert gpu[0].used_for == "Fine-tuning training, fine-tuned serving (dedicated)"
    assert gpu[0].unit == "USD per GPU-hour"
    assert gpu[0].value == shipped_catalog.gpu_offer("lambda-h100-sxm").usd_per_gpu_hour
    assert "per 1M training tokens at 2,500 tokens/s per GPU" in gpu[0].note


def test_shared_labeling_method_listed_once(article: Scenario, fixture_catalog: Catalog) -> None:
    lines = price_lines(article, fixture_catalog)
    labels = [x for x in lines if x.catalog_id == "existing-labels"]
    assert [x.used_for for x in labels] == ["Prompting examples, fine-tuning data"]
    assert describe_as_of(lines) == "prices as of 2026-11-01"
