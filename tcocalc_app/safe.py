"""The page's one way to show text it did not write: names, descriptions, file names, messages.

Everything Streamlit draws as a title, caption, alert or ``st.table`` cell is Markdown. Text from
a user, a file or a link goes through :func:`text` (or :func:`lines`) first, so it reads as typed
and never becomes a link, an image, HTML or formatting (see :mod:`tcocalc.present.inert`). The
page's own words around it may still use Markdown::

    st.error("**Not saved:** " + safe.text(str(exc)))

Code blocks (``st.code``) and table cells show text as it is; they take :func:`public` only.

Neither shows where the server keeps its files: :func:`public` writes the pricing folders as
``TCOCALC_PRICING_DIR`` and ``pricing``, the project as ``.``, the home folder as ``~``, and
shortens any other absolute path to its last part (``…/name.yaml``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from tcocalc.inputs.loader import PRICING_DIR, PROJECT_ROOT, SCENARIOS_DIR
from tcocalc.inputs.store import PRICING_DIR_ENV, configured_folders
from tcocalc.present.inert import markdown_text

_ABSOLUTE_DIRS = re.compile(r"(?<![\w.:/~])/(?:[^\s/:'\"`]+/)+")
_RELATIVE_UP = re.compile(r"(?<![\w.:/~])(?:\.\./)+(?:[^\s/:'\"`]+/)*")


def _labels() -> list[tuple[str, str]]:
    company = configured_folders().company
    named = [(PRICING_DIR, "pricing"), (SCENARIOS_DIR, "scenarios"), (PROJECT_ROOT, ".")]
    if company is not None:
        named.insert(0, (company, PRICING_DIR_ENV))
    named.append((Path.home(), "~"))
    forms: dict[str, str] = {}
    for path, label in named:
        for form in (str(path), str(path.resolve()), os.path.relpath(path)):
            if form not in (label, ".", "/") and form not in forms:
                forms[form] = label
    return sorted(forms.items(), key=lambda pair: -len(pair[0]))


def public(value: object) -> str:
    """``value`` as text without the server's folders in it.

    >>> public(f"{PRICING_DIR}/llm_apis.yaml:3:1: bad; see /srv/secret/prices/x.yaml")
    'pricing/llm_apis.yaml:3:1: bad; see …/x.yaml'
    """
    out = str(value)
    for form, label in _labels():
        out = out.replace(form, label)
    return _RELATIVE_UP.sub("…/", _ABSOLUTE_DIRS.sub("…/", out))


def text(value: object) -> str:
    """``value`` as Markdown that shows exactly its characters (server folders left out)."""
    return markdown_text(public(value))


def lines(items: Iterable[object], *, bullet: str = "- ") -> str:
    """One Markdown list item per entry, each shown exactly as its characters."""
    return "\n".join(f"{bullet}{text(item)}" for item in items)
