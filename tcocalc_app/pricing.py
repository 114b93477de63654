"""The "Pricing" tab: every price with its source and age, and an editor for the pricing files.

Layer rule: this module reads widgets, calls :mod:`tcocalc.inputs.store` and
:mod:`tcocalc.inputs.editor`, and renders. Every check (validation, read-only mode, safe file
names, conflicts) lives in those modules, so it holds when this page is bypassed.

Hook-up: ``tcocalc_app.data.catalog()`` returns :func:`catalog_in_use` (unless the test
override ``TCOCALC_PRICING`` is set), so the whole page computes with the last good catalog of
``TCOCALC_PRICING_DIR`` over ``pricing/``, re-read whenever a file's content changes; the
"Pricing" tab (``tcocalc_app.tabs``) calls :func:`render`.

Session-state keys all start with ``pricing_``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import streamlit as st

from tcocalc.export.derivation import serving_derivation, training_derivation
from tcocalc.inputs import editor as ed
from tcocalc.inputs import yaml_words
from tcocalc.inputs.loader import InputFileError, PricingFileError, Problem
from tcocalc.inputs.store import (
    CatalogState,
    PricingFolders,
    PricingStore,
    configured_folders,
    horizon_end,
    pricing_table,
    scenario_ids,
    stale_after_days,
)
from tcocalc.model.projection import Result
from tcocalc.model.scenario import Scenario
from tcocalc.present.gpu_summary import format_quantity
from tcocalc.pricing.catalog import Catalog
from tcocalc_app import pricing_history, safe

NEW_FILE_OPTION = "+ New file…"


@st.cache_resource(show_spinner=False)
def _store(folders: PricingFolders) -> PricingStore:
    """One store per folder set and server process: it remembers the last good catalog."""
    return PricingStore(folders)


def pricing_state() -> CatalogState:
    """The pricing files now: the catalog in use and the problems of the files on disk.

    Cheap on every run: the files are re-read only when their content changed.
    """
    return _store(configured_folders()).current()


def current_catalog() -> Catalog:
    """The catalog the page should use; stops the page with the errors when no version of the
    pricing files has ever loaded."""
    state = pricing_state()
    if state.catalog is None:
        st.error(
            "The pricing files have errors and no earlier good version is loaded. Fix them on "
            "disk (`tcocalc pricing validate`); the page reloads them by itself."
        )
        _problems(state.problems)
        st.stop()
    assert state.catalog is not None
    return state.catalog


def catalog_in_use() -> tuple[Catalog, str]:
    """The catalog the page computes with and a cache key for it (for ``tcocalc_app.data``).

    Raises :class:`~tcocalc.inputs.loader.PricingFileError` when no version of the files ever loaded;
    warns at the top of the page while a broken edit keeps the last good catalog in use.
    """
    state = pricing_state()
    if state.catalog is None:
        raise PricingFileError(list(state.problems))
    if state.using_last_good:
        st.warning(
            f"The pricing files have {len(state.problems)} error(s): the page keeps using the "
            "last good prices. The Pricing tab lists the errors.",
            icon="⚠️",
        )
    return state.catalog, state.good_fingerprint or ""


def catalog_key() -> str:
    """A cache key for anything computed from the catalog in use (changes when prices change)."""
    return pricing_state().good_fingerprint or ""


def _problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Each problem in plain words first, then where it is (file, line, column, and the field)."""
    if not problems:
        st.caption("(no details)")
    for p in problems:
        field = f" · {p.path}" if p.path else ""
        st.markdown(
            f"- {safe.text(p.message)}  \n"
            f"  :gray[{safe.text(p.file)}, line {p.line}, column {p.column}{safe.text(field)}]"
        )


def _first_problem(text: str, name: str, problems: list[Problem]) -> None:
    """Jump to the first problem: the lines around it, numbered, the line to change marked."""
    first = yaml_words.first_in(problems, name)
    if first is None:
        return
    st.caption(f"Line {first.line} of {safe.text(name)}, where the first problem is:")
    st.code(yaml_words.excerpt(text, first.line, first.column), language=None)


# --- The tab ------------------------------------------------------------------------------------


def render(result: Result, scenario: Scenario, catalog: Catalog) -> None:
    """The Pricing tab for the scenario on screen."""
    state = pricing_state()
    _end_of_availability(result)
    _status(state)
    _table(scenario, catalog, state)
    _training(scenario, catalog)
    st.divider()
    _editor(state, scenario)


def render_print(result: Result, scenario: Scenario, catalog: Catalog) -> None:
    """The Pricing tab on paper: the prices this scenario uses and their sources (no editor)."""
    state = pricing_state()
    _end_of_availability(result)
    table = pricing_table(
        catalog,
        today=dt.date.today(),
        stale_after=stale_after_days(),
        horizon_end=horizon_end(scenario.start_date, scenario.horizon_months),
        origins=state.layered.origins if state.layered else None,
        used_ids=scenario_ids(scenario),
    )
    used = table[table["used"]]
    st.subheader("Prices this scenario uses")
    st.table(
        used[["id", "provider", "price", "as_of", "flags", "source"]].rename(
            columns={"id": "Id", "provider": "Provider", "price": "Price", "as_of": "As of",
                     "flags": "Flags", "source": "Source"}
        )
    )  # fmt: skip


def _end_of_availability(result: Result) -> None:
    for warning in result.warnings:
        if not warning.startswith(("month ", "before month 1")):
            continue  # not an end of availability (e.g. a training longer than the lead time)
        st.warning(
            f"**End of availability** — {safe.text(warning)}. The projection charges the migration in that "
            "month (re-training the tuned model, re-testing the prompt).",
            icon="⚠️",
        )


def _training(scenario: Scenario, catalog: Catalog) -> None:
    """How own-GPU training and dedicated replicas follow from the model, method and GPUs."""
    rows = training_derivation(scenario, catalog) + serving_derivation(scenario, catalog)
    if not rows:
        return
    st.markdown("**Own GPUs: how training and serving figures are derived**")
    st.dataframe(
        [
            {
                "quantity": r.quantity,
                "value": format_quantity(r.value),
                "unit": r.unit,
                "how": r.how,
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )


def _status(state: CatalogState) -> None:
    if ed.is_read_only():
        st.info(
            "**Read-only.** This server was started with `TCOCALC_READ_ONLY=1`: you can look at "
            "and check prices here, but not save them. Change prices in git, or ask whoever runs "
            "this server.",
            icon="🔒",
        )
    if state.using_last_good:
        loaded = f" (loaded {state.good_loaded_at:%H:%M:%S})" if state.good_loaded_at else ""
        st.error(
            "**The pricing files on disk have errors.** The page keeps using the last good "
            f"prices{loaded} until they are fixed:"
        )
        _problems(state.problems)
    saved_to = "" if ed.is_read_only() else f" Edits are saved to {state.folders.editable}."
    st.caption(safe.text(f"Prices from {state.folders.describe()}.{saved_to}"))


def _table(scenario: Scenario, catalog: Catalog, state: CatalogState) -> None:
    st.subheader("Prices")
    left, right = st.columns([1, 3])
    stale_after = int(
        left.number_input(
            "Stale after (days)",
            min_value=1,
            max_value=3650,
            value=stale_after_days(),
            step=30,
            key="pricing_stale_days",
            help="A price whose `as_of` is older than this is flagged stale "
            "(default from TCOCALC_STALE_DAYS, else 90).",
        )
    )
    only_flagged = right.toggle(
        "Only stale, ended or ending within the horizon", key="pricing_only_flagged"
    )
    table = pricing_table(
        catalog,
        today=dt.date.today(),
        stale_after=stale_after,
        horizon_end=horizon_end(scenario.start_date, scenario.horizon_months),
        origins={k: safe.public(v) for k, v in state.layered.origins.items()}
        if state.layered
        else None,
        used_ids=scenario_ids(scenario),
        only_flagged=only_flagged,
    )
    st.dataframe(
        table,
        hide_index=True,
        column_order=[
            "used",
            "kind",
            "id",
            "provider",
            "price",
            "as_of",
            "age_days",
            "stale",
            "ended",
            "ends_in_horizon",
            "flags",
            "source",
            "file",
        ],
        column_config={
            "used": st.column_config.CheckboxColumn("In scenario", width="small"),
            "kind": st.column_config.TextColumn("Kind", width="small"),
            "id": st.column_config.TextColumn("Id"),
            "provider": st.column_config.TextColumn("Provider"),
            "price": st.column_config.TextColumn("Price", width="large"),
            "as_of": st.column_config.DateColumn("As of", format="YYYY-MM-DD"),
            "age_days": st.column_config.NumberColumn("Age (days)", format="%d"),
            "stale": st.column_config.CheckboxColumn("Stale"),
            "ended": st.column_config.CheckboxColumn("Ended"),
            "ends_in_horizon": st.column_config.CheckboxColumn("Ends in horizon"),
            "flags": st.column_config.TextColumn("Flags", width="medium"),
            "source": st.column_config.LinkColumn("Source"),
            "file": st.column_config.TextColumn("File"),
        },
        key="pricing_table",
    )
    st.caption(
        f"{len(table)} entr{'y' if len(table) == 1 else 'ies'}. Models no file lists fall back to "
        "the genai-prices snapshot (inference only); `tcocalc pricing diff` compares the two."
    )


# --- The editor ---------------------------------------------------------------------------------


def _keys(name: str) -> dict[str, str]:
    return {
        "text": f"pricing_text::{name}",
        "hash": f"pricing_hash::{name}",
        "opened": f"pricing_opened::{name}",
        "refused": f"pricing_refused::{name}",
    }


def _open(folder: Any, name: str, *, force: bool = False) -> None:
    """Load ``name`` into the editor (once, or again with ``force``)."""
    k = _keys(name)
    if k["hash"] in st.session_state and not force:
        return
    opened = ed.open_file(folder, name)
    st.session_state[k["text"]] = opened.text
    st.session_state[k["opened"]] = opened.text
    st.session_state[k["hash"]] = opened.hash
    st.session_state.pop(k["refused"], None)


def scenario_file(state: CatalogState, scenario: Scenario, files: list[str]) -> int:
    """Index in ``files`` of the file that holds the scenario's prompted model (0 if none does)."""
    origins = state.layered.origins if state.layered else {}
    where = origins.get(("models", scenario.prompting.model))
    name = Path(where).name if where else None
    return files.index(name) if name in files else 0


def _editor(state: CatalogState, scenario: Scenario) -> None:
    st.subheader("Edit pricing files")
    folders = state.folders
    folder = folders.editable
    read_only = ed.is_read_only()
    files = ed.list_files(folder)
    choice = st.selectbox(
        "File",
        [*files, NEW_FILE_OPTION],
        index=scenario_file(state, scenario, files),  # until someone picks another
        key="pricing_file",
        help=f"Files in {safe.text(folder)}. Only plain `name.yaml` files directly in that folder.",
    )
    if choice == NEW_FILE_OPTION:
        name = st.text_input("New file name", placeholder="our_rates.yaml", key="pricing_new_name")
        if not name:
            return
    else:
        name = str(choice)
    try:
        _open(folder, name)
    except ed.UnsafeFileNameError as exc:
        st.error(safe.text(exc))
        return
    except InputFileError as exc:
        st.error(f"{safe.text(name)} cannot be edited here:")
        _problems(exc.problems)
        return

    k = _keys(name)
    flash = st.session_state.pop("pricing_flash", None)
    if flash:
        st.success(safe.text(flash))

    # YAML is about indentation: the editor gets a fixed-width font.
    st.html(
        "<style>.st-key-pricing_editor textarea {font-family: 'Source Code Pro', ui-monospace, "
        "monospace; font-size: 13px; line-height: 1.45;}</style>"
    )
    text_col, check_col = st.columns([3, 2])
    with text_col, st.container(key="pricing_editor"):
        text_tab, table_tab = st.tabs(["Text", "Table"])
        # The table runs first: an edit there rewrites the text before the text area is drawn.
        with table_tab:
            _table_editor(name, k)
        with text_tab:
            st.text_area(
                f"{name}",
                key=k["text"],
                height=520,
                help="YAML. Comments and layout are kept exactly as you type them.",
                label_visibility="collapsed",
            )
    text: str = st.session_state[k["text"]]
    problems = _validate(text, name, folders, state.fingerprint)
    is_new = st.session_state[k["hash"]] == ed.NEW_FILE
    changed = is_new or text != st.session_state[k["opened"]]

    with check_col:
        refused = st.session_state.get(k["refused"])
        if refused:
            st.error(safe.text(refused["message"]))
            if refused["detail"]:
                st.code(
                    safe.public(refused["detail"]), language=refused["language"], wrap_lines=True
                )
            if refused["language"] == "diff":
                st.caption(
                    "“Discard my edits” loads the version on disk; then make your change again."
                )
        if problems:
            st.error(f"{len(problems)} problem(s): fix them to save.")
            _problems(problems)
            _first_problem(text, name, problems)
            with st.expander("The whole file, with line numbers"):
                st.code(text, language="yaml", line_numbers=True)
        else:
            st.success(
                "Valid."
                + (" New file, not saved yet." if is_new else "")
                + (" Unsaved changes." if changed and not is_new else "")
                + ("" if changed else " No changes.")
            )
        with st.container(horizontal=True, key="pricing_buttons"):
            st.button(
                "Save",
                type="primary",
                disabled=read_only or bool(problems) or not changed,
                key=f"pricing_save::{name}",
                help="Read-only server" if read_only else None,
                on_click=_write,
                args=("save", folders, name),
            )
            shipped = _shipped(folders, name)
            with st.popover("Revert to shipped defaults", disabled=read_only or shipped is None):
                st.write(
                    safe.text(
                        f"Replace {name} with {ed.shipped_label(folders)}. "
                        "The current version is kept in the backups."
                    )
                )
                st.button(
                    "Revert now",
                    key=f"pricing_revert::{name}",
                    on_click=_write,
                    args=("revert", folders, name),
                )
            st.button(
                "Discard my edits",
                key=f"pricing_reload::{name}",
                help="Load the file as it is on disk now.",
                on_click=_open,
                args=(folder, name),
                kwargs={"force": True},
            )
        if ed.history.enabled(folder):
            st.text_input(
                "What changed (for the history)",
                key="pricing_message",
                placeholder=f"Update {name}",
                help="The commit message of your save: the folder is a git repository.",
            )
        if changed and not is_new:
            with st.expander("Your changes", expanded=not problems):
                diff = ed.unified_diff(
                    st.session_state[k["opened"]], text, name, "opened", "edited"
                )
                st.code(diff, language="diff")
        if ed.history.enabled(folder) and not is_new:
            pricing_history.render(
                folders, name, st.session_state[k["opened"]], read_only, write=_write
            )


@st.cache_data(max_entries=64, show_spinner=False)
def _validate(text: str, name: str, folders: PricingFolders, fingerprint: str) -> list[Problem]:
    """:func:`tcocalc.inputs.editor.validate_text`, once per text and version of the files
    (every interaction anywhere on the page re-runs this tab; parsing takes ~0.2 s)."""
    del fingerprint  # only part of the cache key: the other files changed
    return ed.validate_text(text, name, folders)


@st.cache_data(ttl=60, max_entries=64, show_spinner=False)
def _shipped(folders: PricingFolders, name: str) -> str | None:
    """The shipped version of the file, if any (may ask git: cached for a minute)."""
    try:
        return ed.shipped_text(folders, name)
    except ed.UnsafeFileNameError:
        return None


def _write(action: str, folders: PricingFolders, name: str, commit: str = "") -> None:
    """Save, revert or restore a version (a button callback, run before the page re-runs). On
    success the file is re-opened, and the re-run computes the whole page with the new prices."""
    k = _keys(name)
    st.session_state.pop(k["refused"], None)
    opened_hash = st.session_state[k["hash"]]
    author = pricing_history.author()
    try:
        if action == "revert":
            result = ed.revert_to_shipped(folders, name, opened_hash, author=author)
        elif action == "restore":
            result = ed.restore(folders, name, commit, opened_hash, author=author)
        else:
            message = str(st.session_state.get("pricing_message") or "").strip() or None
            result = ed.save(
                folders,
                name,
                st.session_state[k["text"]],
                opened_hash,
                author=author,
                message=message,
            )
    except ed.ConflictError as exc:
        refused = {"message": str(exc), "detail": exc.diff, "language": "diff"}
    except PricingFileError as exc:
        refused = {
            "message": "Not saved: the file has problems.",
            "detail": "\n".join(map(str, exc.problems)),
            "language": None,
        }
    except ed.EditRefusedError as exc:
        refused = {"message": f"Not saved: {exc}", "detail": "", "language": None}
    else:
        _open(folders.editable, name, force=True)
        verb = {"revert": "Reverted", "restore": "Restored"}.get(action, "Saved")
        backup = f" The previous version is in {result.backup}." if result.backup else ""
        recorded = f" Recorded as {result.commit[:7]}." if result.commit else ""
        note = f" ({result.history_note})" if result.history_note else ""
        st.session_state["pricing_flash"] = f"{verb} {name}.{backup}{recorded}{note}"
        st.session_state.pop("pricing_message", None)
        return
    st.session_state[k["refused"]] = refused


def _table_editor(name: str, k: dict[str, str]) -> None:
    text: str = st.session_state[k["text"]]
    try:
        rows = ed.price_fields(text)
    except InputFileError:
        st.info("Fix the text first: the table needs valid YAML.")
        return
    if not rows:
        st.info("No prices in this file yet. Add entries in the Text tab.")
        return
    edited = st.data_editor(
        rows,
        disabled=["section", "id", "field"],
        hide_index=True,
        column_config={
            "section": st.column_config.TextColumn("Section"),
            "id": st.column_config.TextColumn("Id"),
            "field": st.column_config.TextColumn("Field"),
            "value": st.column_config.NumberColumn("Value", format="%g"),
        },
        # A fresh editor for every version of the text, so old cell edits never re-apply.
        key=f"pricing_cells::{name}::{ed.text_hash(text)[:12]}",
    )
    try:
        new_text = ed.apply_price_edits(text, list(edited))
    except (InputFileError, ValueError, KeyError, TypeError) as exc:
        st.error(f"That value cannot be written into the file: {safe.text(exc)}")
        return
    if new_text != text:
        st.session_state[k["text"]] = new_text
        st.rerun()
    st.caption("Edits here change one line of the file each; comments and layout are kept.")
