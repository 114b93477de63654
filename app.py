"""tcocalc page (temporary): the default scenario's totals until the full page lands."""

import streamlit as st

from tcocalc.engine import STRATEGIES, project
from tcocalc.loader import DEFAULT_SCENARIO, load_catalog, load_scenario

st.set_page_config(page_title="tcocalc", layout="wide")
catalog = load_catalog()
scenario = load_scenario(DEFAULT_SCENARIO, catalog)
result = project(scenario, catalog)
st.title(scenario.name)
st.write(f"Fine-tuning {result.fine_tuning_breakeven.describe()}.")
st.dataframe({s: [result.total(s)] for s in STRATEGIES})
