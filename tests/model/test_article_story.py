"""The article's story on the page: scenarios/customer_support_article.yaml breaks even in month 14
(month 7 without its category change), and prompt caching alone turns "$50 vs $20 a month" into
about $21 vs $20 (scenarios/customer_support_cached.yaml). Shipped catalog."""

from __future__ import annotations

import pytest

from tcocalc.inputs.loader import SCENARIOS_DIR, load_scenario
from tcocalc.model.engine import COMPONENTS, STRATEGIES
from tcocalc.model.projection import project
from tcocalc.present.summary import verdict
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated

INFERENCE = COMPONENTS.index("inference")


def test_the_article_breaks_even_in_month_14_and_7_without_the_change(
    shipped_catalog: Catalog,
) -> None:
    s = load_scenario(SCENARIOS_DIR / "customer_support_article.yaml", shipped_catalog)
    r = project(s, shipped_catalog)
    # $50 vs $20 a month: 100,000 x (1,150 x .40 + 25 x 1.60) / 1M and x (150 x .80 + 25 x 3.20)
    assert r.components[0, INFERENCE, 0] == pytest.approx(50.0)
    assert r.components[1, INFERENCE, 0] == pytest.approx(20.0)
    # $200 + $200 re-train (month 2) + $20 m <= $50 m from m = 13.3 -> month 14
    assert r.fine_tuning_breakeven.durable_month == 14
    assert "pays back in month 14" in verdict(r)
    assert not r.warnings  # no retirement within 2025-01 .. 2026-12
    # $200 + $20 m <= $50 m from m = 6.7 -> month 7
    calm = project(updated(s, {"category_changes": {}}), shipped_catalog)
    assert calm.fine_tuning_breakeven.durable_month == 7


def test_prompt_caching_alone_takes_the_case_away(shipped_catalog: Catalog) -> None:
    s = load_scenario(SCENARIOS_DIR / "customer_support_cached.yaml", shipped_catalog)
    r = project(s, shipped_catalog)
    p = STRATEGIES.index("prompting")
    # 126 x .40 + 0.95 x 1,024 x .10 + 0.05 x 1,024 x .40 + 25 x 1.60 = 208.16 per 1M -> $20.82
    assert r.components[p, INFERENCE, 0] == pytest.approx(20.816)
    assert r.fine_tuning_breakeven.durable_month is None
    # the article scenario and this one differ only in the two caching inputs
    article = load_scenario(SCENARIOS_DIR / "customer_support_article.yaml", shipped_catalog)
    same = updated(
        s,
        {
            "name": article.name,
            "description": article.description,
            "prompting.static_prefix_tokens_per_call": 0.0,
            "prompting.cache_hit_rate": 0.0,
        },
    )
    assert same == article
