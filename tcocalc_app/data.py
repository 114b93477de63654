"""The files the page reads — pricing catalog and scenarios — cached by their content.

Each cache key includes a hash of the files' bytes, so an edited pricing or scenario file is
picked up on the next interaction, without restarting the server. ``TCOCALC_PRICING`` (folders
separated by ``os.pathsep``) replaces the shipped ``pricing/`` folder, e.g. for tests.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from tcocalc.inputs.loader import (
    DEFAULT_SCENARIO,
    PRICING_DIR,
    SCENARIOS_DIR,
    load_catalog,
    parse_scenario,
    pricing_files,
    read_bytes,
    scenario_files,
)
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog

PRICING_ENV = "TCOCALC_PRICING"


def pricing_folders() -> tuple[Path, ...]:
    env = os.environ.get(PRICING_ENV, "")
    folders = tuple(Path(p) for p in env.split(os.pathsep) if p)
    return folders or (PRICING_DIR,)


def fingerprint(paths: list[Path]) -> str:
    """A hash of the files' names and bytes (unreadable files count as their error)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            digest.update(repr(exc).encode())
    return digest.hexdigest()


def catalog() -> tuple[Catalog, str]:
    """The pricing catalog and its fingerprint; raises ``PricingFileError`` for a bad file.

    Without ``TCOCALC_PRICING``: the folders of :mod:`tcocalc.inputs.store`
    (``TCOCALC_PRICING_DIR`` layered over ``pricing/``), and a broken edit keeps the last good
    catalog in use (the Pricing tab lists the errors).
    """
    if not os.environ.get(PRICING_ENV):
        from tcocalc_app import pricing

        return pricing.catalog_in_use()
    folders = pricing_folders()
    key = fingerprint([f for folder in folders for f in pricing_files(folder)])
    return _catalog(tuple(str(f) for f in folders), key), key


@st.cache_data(show_spinner=False, max_entries=8)
def _catalog(folders: tuple[str, ...], content_hash: str) -> Catalog:
    del content_hash  # part of the cache key only (arguments named _x would not be)
    return load_catalog(*(Path(f) for f in folders))


def scenario_choices() -> dict[str, Path]:
    """Every shipped scenario file by its stem, the default one first."""
    files = {p.stem: p for p in scenario_files(SCENARIOS_DIR)}
    default = DEFAULT_SCENARIO.stem
    ordered = {default: files[default]} if default in files else {}
    return ordered | files


def load_base(path: Path, catalog: Catalog, catalog_key: str) -> Scenario:
    """A scenario file, validated against the catalog; raises ``ScenarioFileError``."""
    from tcocalc.inputs.limits import SCENARIO_LIMITS
    from tcocalc.inputs.loader import display_name

    name = display_name(path)
    raw = read_bytes(path, name, SCENARIO_LIMITS.max_bytes, confined=True)
    return _scenario(raw, name, catalog_key, catalog)


@st.cache_data(show_spinner=False, max_entries=64)
def _scenario(raw: bytes, name: str, catalog_key: str, _catalog: Catalog) -> Scenario:
    del catalog_key  # part of the cache key only: a price change can make a scenario invalid
    return parse_scenario(raw, name, _catalog)
