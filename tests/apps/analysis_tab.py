"""The Analysis tab alone, for tests: the article scenario (fixed test prices) with its monthly
calls and toggles as widgets, so tests can change the scenario under the tab."""

import os
from pathlib import Path

import streamlit as st

from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.projection import project
from tcocalc_app import analytics

st.set_page_config(page_title="tcocalc analysis (test)", layout="wide")
pricing = os.environ.get("TCOCALC_PRICING") or str(
    Path(__file__).resolve().parents[1] / "fixtures" / "pricing"
)
catalog = load_catalog(Path(pricing), use_snapshot=False)
scenario = load_scenario(DEFAULT_SCENARIO, catalog)
calls = st.number_input("Monthly calls", value=100_000, step=50_000, key="harness.calls")
errors = st.toggle("Count wrong answers", key="harness.errors")
scenario = scenario.model_copy(
    update={
        "workload": scenario.workload.model_copy(update={"monthly_calls": calls}),
        "accounting": scenario.accounting.model_copy(update={"include_error_cost": errors}),
    }
)
analytics.render(project(scenario, catalog), scenario, catalog)
