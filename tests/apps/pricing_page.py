"""A minimal page around the Pricing tab for its tests: the calls app.py makes, and nothing else."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, as for app.py

from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_scenario
from tcocalc.model.projection import project
from tcocalc_app import pricing

st.set_page_config(page_title="tcocalc pricing", layout="wide")
catalog = pricing.current_catalog()
scenario = load_scenario(DEFAULT_SCENARIO, catalog)
result = project(scenario, catalog)
st.metric("Fine-tuning break-even", result.fine_tuning_breakeven.describe())
pricing.render(result, scenario, catalog)
