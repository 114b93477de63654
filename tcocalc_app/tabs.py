"""Tabs that other modules fill: each calls ``render(result, scenario, catalog)`` if it exists.

A module ``tcocalc_app.<name>`` with a function ``render(result, scenario, catalog) -> None``
draws its tab's content (``result``: :class:`~tcocalc.model.projection.Result`, ``scenario``: the
:class:`~tcocalc.model.scenario.Scenario` the inputs form, ``catalog``: the
:class:`~tcocalc.pricing.catalog.Catalog` in use). It is called only while its tab is open. Until such a
module exists, the tab shows one line saying what will be there.

In the print view (``?print=1``) every tab of :data:`PRINTED` renders one after another; a module
may offer ``render_print(result, scenario, catalog)`` for its content on paper (no editors).
"""

from __future__ import annotations

import importlib
import importlib.util

import streamlit as st

from tcocalc.model.projection import Result
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog

PLUGGABLE: dict[str, tuple[str, str]] = {
    "Analysis": (
        "tcocalc_app.analytics",
        "Sensitivity of the break-even to each input, and how sure it is (Monte Carlo).",
    ),
    "Pricing": ("tcocalc_app.pricing", "The prices in use, where they come from and how old."),
    "Compare": ("tcocalc_app.compare", "Two to four scenarios side by side."),
    "Export": ("tcocalc_app.export", "Slides, images and spreadsheets of this scenario."),
    "Evidence": (
        "tcocalc_app.evidence",
        "Your prompt, traffic export and eval set turned into the scenario's inputs.",
    ),
}


PRINTED = ("Break-even", "Monthly cost", "Hidden costs", "Analysis", "Pricing", "Compare")
"""Tabs the print view shows (the Export tab only offers downloads)."""


def printed(title: str) -> bool:
    return title in PRINTED and (title not in PLUGGABLE or available(PLUGGABLE[title][0]))


def available(module_name: str) -> bool:
    return importlib.util.find_spec(module_name) is not None


def render(
    title: str, result: Result, scenario: Scenario, catalog: Catalog, print_view: bool = False
) -> None:
    """The content of one pluggable tab (its ``render_print`` in the print view, if it has one)."""
    module_name, placeholder = PLUGGABLE[title]
    if not available(module_name):
        st.caption(f"{placeholder} (Not available in this version.)")
        return
    module = importlib.import_module(module_name)
    draw = getattr(module, "render_print", module.render) if print_view else module.render
    draw(result, scenario, catalog)
