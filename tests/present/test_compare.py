"""Scenarios side by side: headline rows, the inputs that differ, the overlaid curves."""

from __future__ import annotations

import pytest

from tcocalc.model.projection import project
from tcocalc.model.scenario import Scenario
from tcocalc.present import compare
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated


def test_two_scenarios_side_by_side(article: Scenario, fixture_catalog: Catalog) -> None:
    plain = updated(article, {"accounting.include_engineering": False})
    c = compare.compare(
        [("Article", project(article, fixture_catalog)), ("Plain", project(plain, fixture_catalog))]
    )
    article_row, plain_row = c.headline_rows()
    # Plain dollars: $400 up front / $30 a month saved -> month 14 (test_summary.py).
    assert plain_row["Fine-tuning breaks even"] == "Month 14"
    assert article_row["Fine-tuning breaks even"] == "Not by month 24"
    (row,) = c.differing_inputs()
    assert row == {"Input": "Include engineering time", "Article": "yes", "Plain": "no"}
    fig = compare.overlay_chart(c)
    assert len(fig.data) == 4  # prompting and fine-tuning for each
    assert {t.line.dash for t in fig.data} == {"solid", "dash"}


def test_names_are_made_unique_and_counts_checked(
    article: Scenario, fixture_catalog: Catalog
) -> None:
    r = project(article, fixture_catalog)
    assert compare.compare([("A", r), ("A", r)]).names == ("A", "A (2)")
    with pytest.raises(ValueError, match="2 to 4"):
        compare.compare([("A", r)])
