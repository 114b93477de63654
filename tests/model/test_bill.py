"""What the bill really says: caching, batch, tiers, dated prices, reasoning, growing prompts,
price trends, discounting and negotiated overrides, each checked by hand on the article.

The article (tests/conftest.py): 100,000 calls/month, 1,150 prompt tokens and 25 out; the tuned
model reads 150 tokens and writes 25; 3 new categories in month 2; no lead time. Prices from
tests/fixtures/pricing_v2/prices.yaml.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from tcocalc.inputs.loader import load_catalog
from tcocalc.model.engine import COMPONENTS, STRATEGIES
from tcocalc.model.projection import Result, project
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import FIXTURES, updated

INFERENCE = COMPONENTS.index("inference")
P, F = STRATEGIES.index("prompting"), STRATEGIES.index("fine_tuning")


@pytest.fixture(scope="module")
def v2() -> Catalog:
    return load_catalog(FIXTURES / "pricing_v2", use_snapshot=False)


def on(article: Scenario, model: str, changes: dict[str, Any] | None = None) -> Scenario:
    """The article with ``model`` prompted and tuned, plain dollars, no category change."""
    base = {
        "prompting.model": model,
        "fine_tuning.training.model": model,
        "prompting.labeling": "existing-labels",
        "fine_tuning.labeling": "existing-labels",
        "category_changes": {},
        "start_date": dt.date(2027, 1, 1),
        "horizon_months": 24,
    }
    return updated(article, {**base, **(changes or {})})


def inference(r: Result, strategy: int, month: int) -> float:
    return float(r.components[strategy, INFERENCE, month - 1])


def test_list_prices_are_the_article_dollars(article: Scenario, v2: Catalog) -> None:
    r = project(on(article, "cache-mini"), v2)
    # 100,000 x (1,150 x 0.40 + 25 x 1.60) / 1M = $50; tuned 100,000 x (150 x .8 + 25 x 3.2) = $20
    assert inference(r, P, 1) == pytest.approx(50.0)
    assert inference(r, F, 1) == pytest.approx(20.0)


def test_cached_and_uncached_parts_are_billed_apart(article: Scenario, v2: Catalog) -> None:
    s = on(
        article,
        "cache-mini",
        {
            "prompting.static_prefix_tokens_per_call": 1_000,
            "prompting.cache_hit_rate": 0.9,
            "fine_tuning.static_prefix_tokens_per_call": 100,
            "fine_tuning.cache_hit_rate": 0.5,
        },
    )
    r = project(s, v2)
    # 150 uncached x .40 + 900 cached x .10 + 100 written (at the input price) x .40 + 25 x 1.60
    # = 60 + 90 + 40 + 40 = 230 per 1M calls -> $23.00 for 100,000 calls
    assert inference(r, P, 1) == pytest.approx(23.0)
    # tuned: 50 x .80 + 50 cached x .20 + 50 written x .80 + 25 x 3.20 = 40+10+40+80 = 170 -> $17
    assert inference(r, F, 1) == pytest.approx(17.0)


def test_the_batch_share_pays_batch_prices(article: Scenario, v2: Catalog) -> None:
    r = project(on(article, "cache-mini", {"workload.batch_share": 0.5}), v2)
    # half at list ($50), half at batch: 1,150 x .20 + 25 x .80 = 250 per 1M calls -> $25
    assert inference(r, P, 1) == pytest.approx(0.5 * 50.0 + 0.5 * 25.0)
    # tuned: half at $20, half at 150 x .40 + 25 x 1.60 = 100 -> $10
    assert inference(r, F, 1) == pytest.approx(15.0)


def test_a_model_without_batch_bills_batch_at_list_and_says_so(
    article: Scenario, v2: Catalog
) -> None:
    r = project(on(article, "doubling-mini", {"workload.batch_share": 0.5}), v2)
    assert inference(r, P, 1) == pytest.approx(50.0)  # no batch tier: list price
    assert any("doubling-mini has no batch tier" in w for w in r.warnings)


def test_each_month_is_billed_at_the_prices_in_force(article: Scenario, v2: Catalog) -> None:
    r = project(on(article, "doubling-mini"), v2)
    # 2027-01-01 start: months 1-6 before the 2027-07-01 doubling, month 7 on it
    assert inference(r, P, 6) == pytest.approx(50.0)
    assert inference(r, P, 7) == pytest.approx(100.0)
    assert inference(r, F, 6) == pytest.approx(20.0)
    # tuned from month 7: 100,000 x (150 x 1.60 + 25 x 6.40) / 1M = $40, + $1/hour x 730 hours
    assert inference(r, F, 7) == pytest.approx(40.0 + 730.0)
    assert any(
        w.startswith("month 7: doubling-mini's prices change on 2027-07-01") for w in r.warnings
    )


def test_a_later_start_bills_the_new_prices_from_month_1(article: Scenario, v2: Catalog) -> None:
    r = project(on(article, "doubling-mini", {"start_date": dt.date(2027, 7, 1)}), v2)
    assert inference(r, P, 1) == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("model", "usd"),
    [
        # whole request: 12,000 x 2.00 + 25 x 6.00 = 24,150 per 1M calls -> $2,415
        ("long-model", 2_415.0),
        # above the threshold: 10,000 x 1.00 + 2,000 x 2.00 + 25 x 6.00 = 14,150 -> $1,415
        ("graduated-model", 1_415.0),
    ],
)
def test_long_prompts_pay_the_tier_by_the_providers_rule(
    article: Scenario, v2: Catalog, model: str, usd: float
) -> None:
    s = on(article, "cache-mini", {"prompting.model": model})
    s = updated(s, {"prompting.input_tokens_per_call": 12_000})
    r = project(s, v2)
    assert inference(r, P, 1) == pytest.approx(usd)
    assert any("long-context tier at 10,000 tokens" in w for w in r.warnings)


def test_reasoning_tokens_are_billed_as_output(article: Scenario, v2: Catalog) -> None:
    s = on(article, "cache-mini", {"prompting.model": "reasoner"})
    r = project(s, v2)
    # catalog default 400: 1,150 x .10 + (25 + 400) x .50 = 115 + 212.5 = 327.5 -> $32.75
    assert inference(r, P, 1) == pytest.approx(32.75)
    assert not any("reasons by default" in w for w in r.warnings)
    tiny = project(updated(s, {"prompting.reasoning_tokens_per_call": 0}), v2)
    # 1,150 x .10 + 25 x .50 = 127.5 -> $12.75, and a warning: 25 tokens < half of 400
    assert inference(tiny, P, 1) == pytest.approx(12.75)
    assert any("reasoner reasons by default" in w for w in tiny.warnings)


def test_the_prompt_grows_with_the_categories_it_covers(article: Scenario, v2: Catalog) -> None:
    s = on(
        article,
        "cache-mini",
        {
            "prompting.input_tokens_per_new_category": 100,
            "category_changes": {"events": [{"month": 2, "new_categories": 3}]},
        },
    )
    r = project(s, v2)
    assert inference(r, P, 1) == pytest.approx(50.0)
    # from month 2: (1,150 + 3 x 100) x .40 + 25 x 1.60 = 580 + 40 = 620 per 1M calls -> $62
    assert inference(r, P, 2) == pytest.approx(62.0)
    assert inference(r, P, 24) == pytest.approx(62.0)
    assert inference(r, F, 2) == pytest.approx(20.0)  # the tuned model needs no prompt


def test_a_yearly_price_trend_applies_month_by_month(article: Scenario, v2: Catalog) -> None:
    s = on(
        article,
        "cache-mini",
        {
            "money.prompted_price_change_pct_per_year": -20,
            "money.tuned_price_change_pct_per_year": 10,
        },
    )
    r = project(s, v2)
    assert inference(r, P, 1) == pytest.approx(50.0)
    assert inference(r, P, 13) == pytest.approx(40.0)  # a year later: $50 x 0.8
    assert inference(r, P, 7) == pytest.approx(50.0 * 0.8**0.5)  # half a year: x 0.8^(6/12)
    assert inference(r, F, 13) == pytest.approx(22.0)  # $20 x 1.1


def test_discounted_totals_sit_beside_the_plain_ones(article: Scenario, v2: Catalog) -> None:
    s = on(article, "cache-mini", {"money.discount_rate_pct_per_year": 10})
    r = project(s, v2)
    assert r.basis == "discounted"
    monthly = r.monthly_totals
    # month 13 counts 1/1.1 of its dollars, month 25 would count 1/1.21; month 1 counts in full
    expected = monthly[:, 0] + sum(monthly[:, m - 1] * 1.1 ** (-(m - 1) / 12) for m in range(2, 25))
    np.testing.assert_allclose(r.discounted_cumulative[:, -1], expected, rtol=1e-12)
    assert (r.discounted_cumulative[:, -1] < r.cumulative[:, -1]).all()
    assert r.breakeven_on("fine_tuning", "plain").difference_at_horizon_usd == pytest.approx(
        r.total("fine_tuning") - r.total("prompting")
    )
    plain = project(on(article, "cache-mini"), v2)
    assert plain.basis == "plain"
    np.testing.assert_array_equal(plain.discounted_cumulative, plain.cumulative)


def test_negotiated_prices_replace_the_catalogs(article: Scenario, v2: Catalog) -> None:
    s = on(
        article,
        "cache-mini",
        {
            "price_overrides": {
                "cache-mini": {
                    "usd_per_1m_input_tokens": 0.20,
                    "fine_tuning": {"usd_per_1m_training_tokens": 2.50},
                    "note": "2027 contract",
                }
            }
        },
    )
    r = project(s, v2)
    # 1,150 x .20 + 25 x 1.60 = 270 per 1M calls -> $27; the cached price (0.10) stays the catalog's
    assert inference(r, P, 1) == pytest.approx(27.0)
    # training: 40,000 x 250 tokens x 4 epochs x $2.50 / 1M = $100 (the article's $200 halved)
    assert r.component_totals("fine_tuning")["training"] == pytest.approx(100.0)
    # the shared catalog is untouched
    assert v2.model("cache-mini").usd_per_1m_input_tokens == 0.40


def test_caching_that_costs_more_than_it_saves_is_warned(article: Scenario, v2: Catalog) -> None:
    s = on(
        article,
        "cache-mini",
        {
            "prompting.model": "write-premium",
            "prompting.static_prefix_tokens_per_call": 1_000,
            "prompting.cache_hit_rate": 0.1,
        },
    )
    r = project(s, v2)
    # 150 x 1.00 + 100 x .10 + 900 x 1.25 + 25 x 5.00 = 150 + 10 + 1,125 + 125 = 1,410 -> $141
    assert inference(r, P, 1) == pytest.approx(141.0)
    assert any("costs more than it saves" in w for w in r.warnings)
