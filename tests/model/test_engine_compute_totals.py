"""``engine.compute_totals``: the included components summed without materialising them all."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.engine import component_mask, compute, compute_totals
from tcocalc.model.params import resolve
from tcocalc.model.scenario import DedicatedServing, SelfHostedTraining

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pricing"


@pytest.fixture(scope="module")
def params():
    catalog = load_catalog(FIXTURES)
    article = load_scenario(DEFAULT_SCENARIO, catalog)
    ft = article.fine_tuning.model_copy(
        update={
            "training": SelfHostedTraining(gpu="h100", tokens_per_second_per_gpu=2_000),
            "serving": DedicatedServing(gpu="h100", calls_per_second_per_replica=0.5),
        }
    )
    dedicated = article.model_copy(update={"fine_tuning": ft})
    return [resolve(article, catalog), resolve(dedicated, catalog)]


@pytest.mark.parametrize(
    ("engineering", "errors"), list(itertools.product([True, False], repeat=2))
)
def test_compute_totals_is_the_masked_sum_of_compute(params, engineering, errors):
    rng = np.random.default_rng(0)
    for p in params:
        varied = p.with_values(
            monthly_calls=rng.uniform(1e4, 3e6, (40, 1)),
            f_lead_time_weeks=rng.uniform(0, 8, (40, 1)),
            engineer_usd_per_hour=rng.uniform(50, 150, (40, 1)),
            new_categories=rng.integers(0, 3, (40, p.horizon_months)).astype(float),
            include_engineering=engineering,
            include_error_cost=errors,
        )
        for q in (varied, p.with_values(include_engineering=engineering)):
            mask = component_mask(q.include_engineering, q.include_error_cost)
            expected = compute(q)[..., mask, :].sum(axis=-2)
            got = compute_totals(q)
            assert got.shape == expected.shape
            np.testing.assert_array_equal(got, expected)


def test_dedicated_replicas_are_still_billed(params):
    _, dedicated = params
    # 100,000 calls/month x peak 3 / 2.628M s/month = 0.114 calls/s -> 1 replica (the minimum).
    inference = compute(dedicated)[1, 5]
    assert inference[0] == pytest.approx(3.60 * 730)  # one H100 the whole month
