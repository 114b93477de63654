"""The page's one way to show text it did not write: names, descriptions, file names, messages.

Everything Streamlit draws as a title, caption, alert or ``st.table`` cell is Markdown. Text from
a user, a file or a link goes through :func:`text` (or :func:`lines`) first, so it reads as typed
and never becomes a link, an image, HTML or formatting (see :mod:`tcocalc.present.inert`). The
page's own words around it may still use Markdown::

    st.error("**Not saved:** " + safe.text(str(exc)))

Code blocks (``st.code``) and widgets' option lists show text as it is; they need nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from tcocalc.present.inert import markdown_text


def text(value: object) -> str:
    """``value`` as Markdown that shows exactly its characters."""
    return markdown_text(value)


def lines(items: Iterable[object], *, bullet: str = "- ") -> str:
    """One Markdown list item per entry, each shown exactly as its characters."""
    return "\n".join(f"{bullet}{markdown_text(item)}" for item in items)
