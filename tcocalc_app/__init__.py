"""The Streamlit page's helpers: they read widgets, keep session state and render; nothing more.

Layer rules (see the README): ``app.py`` and this package never compute a cost, filter a table or
look up a price. They build a :class:`~tcocalc.scenario.Scenario` from the widgets (through
:mod:`tcocalc.query`), call :func:`tcocalc.engine.project`, and show what :mod:`tcocalc.summary` and
:mod:`tcocalc.charts` make of the result. Each widget group is one function that owns its
session-state keys (all prefixed ``in.``).
"""
