"""Shared fixtures: the fixed test catalog, the shipped catalog, and scenario editing helpers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PRICING = FIXTURES / "pricing"


def shown(markdown: str) -> str:
    """The characters Streamlit draws for page Markdown built with ``tcocalc_app.safe``: its
    backslash escapes, hard line breaks and invisible word joiners undone (what a person reads)."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n").replace("\u2060", ""))


def updated(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with dotted-path fields replaced, validated again.

    ``updated(s, {"fine_tuning.lead_time_weeks": 2, "category_changes": {}})``
    """
    data = scenario.model_dump(mode="python")
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    """Prices that never change: the article's world (GPT-4.1 mini at 0.40/1.60, tuning 5.00)."""
    return load_catalog(FIXTURE_PRICING, use_snapshot=False)


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def article() -> Scenario:
    """The article's customer-support classifier as shipped in scenarios/."""
    return load_scenario(DEFAULT_SCENARIO)
