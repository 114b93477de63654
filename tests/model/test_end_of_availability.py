"""End of availability: the engine's forced migration, checked from the pricing side.

A model whose ``available_until`` or ``fine_tuning.training_available_until`` falls inside the
horizon must cost a re-training in that month and carry a warning; one outside the horizon must
not. The fixed test catalog's ``ending-model`` stops taking fine-tuning jobs on 2027-06-15; its
successor is ``gpt-4.1-mini``. From the migration month on, the successor's prices apply.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tcocalc.inputs.store import pricing_table
from tcocalc.model.engine import COMPONENTS, STRATEGIES
from tcocalc.model.projection import Result, project
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated

# Start on 2027-01-01 so that month m is calendar month m of 2027 (month 6 = June 2027).
ON_ENDING_MODEL = {
    "start_date": dt.date(2027, 1, 1),
    "category_changes": {},
    "fine_tuning.training.model": "ending-model",
}


def comp(result: Result, strategy: str, component: str) -> np.ndarray:
    return result.components[STRATEGIES.index(strategy), COMPONENTS.index(component)]


def with_model(catalog: Catalog, model_id: str, **changes: object) -> Catalog:
    models = dict(catalog.models)
    models[model_id] = models[model_id].model_copy(update=changes)
    return catalog.model_copy(update={"models": models})


def test_fine_tuning_end_inside_horizon_forces_a_retrain_and_warns(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    r = project(updated(article, ON_ENDING_MODEL), fixture_catalog)
    # 2027-06-15 is in June 2027 = month 6
    assert r.warnings == (
        "month 6: new fine-tuning jobs on ending-model end after 2027-06-15; migrate to "
        "gpt-4.1-mini",
    )
    retrain = comp(r, "fine_tuning", "retraining")
    assert retrain.nonzero()[0].tolist() == [5]
    # The rebuild runs on the successor: 40,000 examples x 250 tokens x 4 epochs x $5 / 1M = $200
    # (on ending-model itself it would be $10 / 1M: $400)
    assert retrain[5] == pytest.approx(200.0)
    # Tuned inference: 100,000 x (150 x $1.50 + 25 x $3.00) / 1M = $30 on ending-model, then
    # 100,000 x (150 x $0.80 + 25 x $3.20) / 1M = $20 on gpt-4.1-mini from month 6
    inference = comp(r, "fine_tuning", "inference")
    assert inference[:5] == pytest.approx([30.0] * 5)
    assert inference[5:] == pytest.approx([20.0] * 19)
    assert comp(r, "hybrid", "retraining").nonzero()[0].tolist() == [5]
    # The re-train needs its 8 h of work (hours_per_retrain) at $100/h
    assert comp(r, "fine_tuning", "engineering")[5] == pytest.approx(800.0)
    # Prompting is not on ending-model: nothing happens to it
    assert comp(r, "prompting", "engineering")[5] == pytest.approx(0.0)


def test_model_retirement_inside_horizon_forces_a_retrain_and_warns(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    catalog = with_model(fixture_catalog, "big-model", available_until=dt.date(2027, 3, 31))
    catalog = with_model(
        catalog,
        "big-model",
        fine_tuning=fixture_catalog.models["gpt-4.1-mini"].fine_tuning,
        successor="gpt-4.1-mini",
    )
    s = updated(article, ON_ENDING_MODEL | {"fine_tuning.training.model": "big-model"})
    r = project(s, catalog)
    assert any(w.startswith("month 3: big-model") and "retired" in w for w in r.warnings)
    assert comp(r, "fine_tuning", "retraining").nonzero()[0].tolist() == [2]


def test_prompted_model_retirement_costs_a_prompt_migration(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    catalog = with_model(fixture_catalog, "gpt-4.1-mini", available_until=dt.date(2027, 9, 30))
    s = updated(article, ON_ENDING_MODEL | {"prompting.hours_per_model_migration": 4})
    r = project(s, catalog)
    assert "month 9: gpt-4.1-mini is retired after 2027-09-30; migrate to big-model" in r.warnings
    # 4 h of re-testing the prompt at $100/h in month 9, for prompting and for hybrid's prompt
    assert comp(r, "prompting", "engineering")[8] == pytest.approx(400.0)
    assert comp(r, "prompting", "engineering")[[7, 9]].tolist() == [0.0, 0.0]


def test_end_after_the_horizon_changes_nothing(article: Scenario, fixture_catalog: Catalog) -> None:
    s = updated(article, ON_ENDING_MODEL | {"horizon_months": 5})  # Jan-May 2027
    r = project(s, fixture_catalog)
    assert r.warnings == ()
    assert comp(r, "fine_tuning", "retraining").sum() == 0


def test_end_before_the_start_is_reported_not_charged(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    s = updated(article, ON_ENDING_MODEL | {"start_date": dt.date(2027, 7, 1)})
    r = project(s, fixture_catalog)
    assert r.warnings and r.warnings[0].startswith("before month 1: new fine-tuning jobs")
    assert comp(r, "fine_tuning", "retraining").sum() == 0


def test_pricing_table_flags_the_same_end_inside_the_horizon(fixture_catalog: Catalog) -> None:
    table = pricing_table(
        fixture_catalog, today=dt.date(2027, 1, 1), horizon_end=dt.date(2028, 12, 31)
    ).set_index("id")
    assert table.loc["ending-model", "ends_in_horizon"]
    assert not table.loc["gpt-4.1-mini", "ends_in_horizon"]


def test_prompting_pays_the_successors_price_after_retirement(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    catalog = with_model(fixture_catalog, "gpt-4.1-mini", available_until=dt.date(2027, 9, 30))
    r = project(updated(article, ON_ENDING_MODEL), catalog)
    # 100,000 x (1,150 x $0.40 + 25 x $1.60) / 1M = $50 until month 8; from month 9 on the
    # successor big-model: 100,000 x (1,150 x $2.00 + 25 x $8.00) / 1M = $250
    inference = comp(r, "prompting", "inference")
    assert inference[:8] == pytest.approx([50.0] * 8)
    assert inference[8:] == pytest.approx([250.0] * 16)


def test_a_successor_that_cannot_be_tuned_is_warned(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    # ending-model's successor becomes big-model, which sells no fine-tuning.
    catalog = with_model(fixture_catalog, "ending-model", successor="big-model")
    r = project(updated(article, ON_ENDING_MODEL), catalog)
    (warning,) = r.warnings
    assert warning.startswith("month 6: ") and "cannot be fine-tuned" in warning
    # The rebuild is priced at today's prices: $10 / 1M -> $400
    assert comp(r, "fine_tuning", "retraining")[5] == pytest.approx(400.0)
