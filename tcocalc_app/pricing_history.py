"""The Pricing tab's history of a file, when the pricing folder is a git repository: its
versions (who, when, why), the difference of any of them to the file now, and a restore.

Everything goes through :mod:`tcocalc.inputs.editor` (``file_history``, ``version_text``,
``restore``): a restore is a save like any other, validated, locked, backed up and committed.
Who saved is the name the team's sign-in proxy sends (``X-Forwarded-User`` and the like), else
what the person typed in "Your name", else "tcocalc page".
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from tcocalc.inputs import editor as ed
from tcocalc.inputs.history import HistoryError
from tcocalc.inputs.store import PricingFolders
from tcocalc_app import safe

IDENTITY_HEADERS = ("X-Forwarded-User", "X-Forwarded-Email", "X-Auth-Request-Email", "Remote-User")
"""Headers a sign-in proxy (oauth2-proxy, an SSO gateway) sets to the person's name or e-mail."""


def author() -> str | None:
    """Who is saving: the sign-in proxy's header, else the name typed in the history box."""
    try:
        headers = st.context.headers
        for header in IDENTITY_HEADERS:
            if headers.get(header):
                return str(headers[header])
    except (AttributeError, RuntimeError):  # outside a browser session (AppTest)
        pass
    typed = str(st.session_state.get("pricing_author") or "").strip()
    return typed or None


@st.cache_data(max_entries=32, show_spinner=False, ttl=60)
def _revisions(folders: PricingFolders, name: str, text: str) -> list[ed.history.Revision]:
    del text  # part of the key only: a new save lists a new version
    return ed.file_history(folders, name)


def render(
    folders: PricingFolders,
    name: str,
    current: str,
    read_only: bool,
    write: Callable[[str, PricingFolders, str, str], None],
) -> None:
    """The history expander of ``name`` (``current``: its text on disk as opened); ``write`` is
    the Pricing tab's save callback, called as ``write("restore", folders, name, commit)``."""
    try:
        revisions = _revisions(folders, name, current)
    except HistoryError as exc:
        st.caption(safe.text(f"History not available: {exc}"))
        return
    with st.expander(f"History ({len(revisions)} versions in git)"):
        if not revisions:
            st.caption("No commit of this file yet: the first save makes one.")
            return
        st.text_input(
            "Your name (for the history)",
            key="pricing_author",
            help="Recorded as the author of your saves, unless the server knows who you are.",
        )
        index = st.selectbox(
            "Version",
            range(len(revisions)),
            format_func=lambda i: revisions[i].label,
            key=f"pricing_version::{name}",
            help="Newest first: commit · time · who · what changed.",
        )
        chosen = revisions[int(index or 0)]
        try:
            old = ed.version_text(folders, name, chosen.commit)
        except HistoryError as exc:
            st.error(safe.text(exc))
            return
        diff = ed.unified_diff(old, current, name, chosen.commit[:7], "now")
        st.code(
            safe.public(diff) or "(this version is the file as it is now)",
            language="diff",
            wrap_lines=True,
        )
        st.button(
            "Restore this version",
            key=f"pricing_restore::{name}",
            disabled=read_only or not diff,
            help="Read-only server" if read_only else "Saved (and committed) like any edit.",
            on_click=write,
            args=("restore", folders, name, chosen.commit),
        )
