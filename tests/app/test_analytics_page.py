"""The Analysis tab, through Streamlit's AppTest (logic; the browser test is separate).

The tab is rendered by tests/apps/analysis_tab.py: the article scenario at fixed test prices, with
its monthly calls as a widget so tests can change the scenario under the tab.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tcocalc import analytics as A
from tcocalc_app import analytics as page
from tests.conftest import shown

APP = Path(__file__).parents[1] / "apps" / "analysis_tab.py"


@pytest.fixture
def at():
    st.cache_data.clear()
    app = AppTest.from_file(str(APP), default_timeout=60)
    return app.run()


def _editor_key(at: AppTest) -> str:
    return f"an.ranges.editor.{at.session_state[page.RANGES_VERSION]}"


def test_the_tab_shows_every_analysis(at):
    assert not at.exception
    assert at.info[0].body.startswith("Prompting is $13,247 cheaper than fine-tuning")
    assert "unless engineer rate falls below $2.36/hour" in at.info[0].body
    charts = at.get("plotly_chart")
    assert len(charts) == 5  # tornado, map, fan, break-even months, uncertainty drivers
    labels = [m.label for m in at.metric]
    assert labels == [
        "Fine-tuning cheaper",
        "Fine-tuning saves (median)",
        "Hybrid cheaper",
        "Hybrid saves (median)",
    ]
    table = tornado_table(at)
    assert table["Input"].iloc[0] == "Engineer rate"
    assert set(table["Flips the verdict at ±25 %"]) == {"no"}  # the article: nothing flips it
    assert table.loc[table["Input"] == "Monthly calls", "Flips when"].item() == (
        "above 1.94M calls/month"
    )
    assert len(at.get("download_button")) == 4
    editor = at.data_editor(key=_editor_key(at)).value
    assert "Monthly calls, calls/month" in set(editor["input"])


def tornado_table(at):
    """The tornado's table of every driver (the first static table with an Input column)."""
    return next(t.value for t in at.table if "Flips when" in t.value.columns)


def test_tornado_controls(at):
    at.select_slider(key=page.SHARE).set_value(0.4).run()
    table = tornado_table(at)
    assert "Difference at −40 %" in table.columns
    at.segmented_control(key=page.CHALLENGER).set_value("hybrid").run()
    assert "cheaper than hybrid" in at.info[0].body


def test_map_controls(at):
    at.selectbox(key=page.MAP_X).set_value("engineer_usd_per_hour").run()
    assert not at.exception and not at.warning
    at.selectbox(key=page.MAP_Y).set_value("engineer_usd_per_hour").run()
    assert "Choose two different inputs" in at.warning[0].body


def test_ranges_follow_the_scenario_until_edited(at):
    rows = at.session_state[page.RANGES_ROWS]
    calls = next(r for r in rows if r["input"] == "Monthly calls, calls/month")
    assert (calls["low"], calls["high"]) == pytest.approx((70_000, 130_000))
    at.number_input(key="harness.calls").set_value(1_800_000).run()
    rows = at.session_state[page.RANGES_ROWS]
    calls = next(r for r in rows if r["input"] == "Monthly calls, calls/month")
    assert calls["likely"] == 1_800_000  # volume ±30 % of the new scenario
    odds = at.metric[0].value
    assert odds not in ("0%", "100%")

    # Edit the volume range: 1M-4M calls straddles the 1.94M break-even volume.
    index = [r["input"] for r in rows].index("Monthly calls, calls/month")
    at.session_state[_editor_key(at)] = {
        "edited_rows": {index: {"low": 1_000_000, "likely": 2_000_000, "high": 4_000_000}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert at.session_state[page.RANGES_EDITED]
    edited_odds = at.metric[0].value
    assert edited_odds != odds
    # The scenario moves: edited ranges are kept, and the page says so.
    at.number_input(key="harness.calls").set_value(1_700_000).run()
    rows = at.session_state[page.RANGES_ROWS]
    assert rows[index]["high"] == 4_000_000
    assert any("Your ranges are kept" in c.body for c in at.caption)
    # Reset: back to the scenario's ranges.
    at.button(key="an.ranges.reset").click().run()
    rows = at.session_state[page.RANGES_ROWS]
    assert rows[index]["likely"] == 1_700_000


def test_bad_range_rows_are_reported_not_run(at):
    rows = at.session_state[page.RANGES_ROWS]
    at.session_state[_editor_key(at)] = {
        "edited_rows": {0: {"low": 500_000}},  # above the likely 100,000
        "added_rows": [{"input": "Training epochs, epochs", "low": 3}],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    messages = [shown(w.body) for w in at.warning]
    assert any("Row 1, Monthly calls: need low <= likely <= high" in m for m in messages)
    assert any(f"Row {len(rows) + 1}, Training epochs: fill in low" in m for m in messages)


def test_analyses_are_cached_on_the_scenario(at, monkeypatch):
    calls = {"tornado": 0, "monte_carlo": 0}
    for name in calls:
        real = getattr(A, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(A, name, counting)
    at.run()  # same scenario, same options: all from the cache
    assert calls == {"tornado": 0, "monte_carlo": 0}
    at.number_input(key=page.DRAWS).set_value(1_000).run()
    assert calls == {"tornado": 0, "monte_carlo": 1}
    at.number_input(key="harness.calls").set_value(300_000).run()
    assert calls == {"tornado": 1, "monte_carlo": 2}


def test_hybrid_hidden_when_the_page_hides_it():
    st.cache_data.clear()
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state[page.SHOW_HYBRID] = False
    app.run()
    assert [m.label for m in app.metric] == [
        "Fine-tuning cheaper",
        "Fine-tuning saves (median)",
    ]


def test_error_cost_adds_accuracy_ranges(at):
    at.toggle(key="harness.errors").set_value(True).run()
    inputs = {r["input"] for r in at.session_state[page.RANGES_ROWS]}
    assert {"Accuracy (fine-tuned), %", "Accuracy (prompting), %"} <= inputs
    accuracy = next(
        r for r in at.session_state[page.RANGES_ROWS] if r["input"] == "Accuracy (fine-tuned), %"
    )
    assert accuracy["likely"] == pytest.approx(94.0)  # shown in %


def test_the_real_page_renders_the_analysis_tab(monkeypatch):
    """app.py's Analysis tab calls this module's render (fixed test prices, the article)."""
    from tcocalc_app import data

    monkeypatch.setenv(data.PRICING_ENV, str(Path(__file__).parents[1] / "fixtures" / "pricing"))
    st.cache_data.clear()
    app = AppTest.from_file(str(Path(__file__).parents[2] / "app.py"), default_timeout=60)
    app.run()
    app.session_state["tab"] = "Analysis"
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    sentences = [i.body for i in app.info]
    assert any(s.startswith("Prompting is $13,247 cheaper than fine-tuning") for s in sentences)
    assert "Fine-tuning cheaper" in [m.label for m in app.metric]


def test_deleting_every_range_leaves_a_blank_row(at):
    rows = at.session_state[page.RANGES_ROWS]
    at.session_state[_editor_key(at)] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": list(range(len(rows))),
    }
    at.run()
    assert not at.exception and at.session_state[page.RANGES_ROWS] == []
    # Every draw is the scenario itself: prompting stays cheaper in all of them.
    assert at.metric[0].value == "0%"
    assert at.metric[1].value == "-$13,247"
    # A fresh editor (as after a tab switch: its widget state is gone) starts from a blank row.
    del at.session_state[_editor_key(at)]
    at.run()
    assert not at.exception
    blank = at.data_editor(key=_editor_key(at)).value
    assert len(blank) == 1 and blank["input"].isna().all()
