"""The Streamlit page's helpers: they read widgets, keep session state and render; nothing more.

Layer rules (see the README): ``app.py`` and this package never compute a cost, filter a table or
look up a price. They build a :class:`~tcocalc.model.scenario.Scenario` from the widgets (through
:mod:`tcocalc.inputs.query`), call :func:`tcocalc.model.projection.project`, and show what
:mod:`tcocalc.present.summary` and :mod:`tcocalc.present.charts` make of the result. Each widget
group is one function that owns its session-state keys (all prefixed ``in.``).
"""
