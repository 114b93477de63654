"""Text from a user, a file or a link, made inert for where it is shown.

Names, descriptions, file names, ids and messages that quote them come from people: a scenario
upload, a shared link, a pricing file a colleague edited. Wherever they are shown they must read as
the characters typed, never act:

- :func:`markdown_text` for Streamlit's Markdown (titles, captions, alerts, ``st.table`` cells):
  every ASCII punctuation character is backslash-escaped (CommonMark makes an escaped character
  literal), so ``[x](https://…)``, ``![](…)``, a backtick break-out, ``<img>``, ``:red[…]`` and
  ``$…$`` show as typed. Streamlit also turns bare ``https://…``, ``www.…`` and ``a@b.c`` into
  links *after* escapes are read, so an invisible word joiner (U+2060) is put inside each of those
  patterns: the text reads the same and is no link;
- :func:`plotly_text` for chart titles and labels: plotly reads ``<a href>``, ``<b>`` and
  entities in them, so ``<``, ``>`` and ``&`` are written as entities;
- :func:`terminal_text` for a terminal: escape sequences (``ESC [ …``) and other control characters
  are removed, so a scenario name cannot recolour, retitle or clear the screen.

Spreadsheet cells have their own rule (formulas), in :mod:`tcocalc.export.common`.
"""

from __future__ import annotations

import html
import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 (except tab and newline), DEL, C1 and the bidirectional overrides (text that reads reversed)."""
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|.?)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
"""CSI (``ESC [ … m``), OSC (``ESC ] … BEL``: titles, hyperlinks), DCS/SOS/PM/APC strings, two-byte
escapes, and the 8-bit CSI."""


WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
"""Where a link would start: between ``:`` and ``//``, ``www`` and ``.``, and before ``@``."""


def markdown_text(text: object) -> str:
    r"""``text`` as Markdown that renders exactly as the characters (line breaks kept).

    >>> markdown_text("[Session expired - log in](https://evil.example/login)")
    '\\[Session expired \\- log in\\]\\(https\\:\u2060\\/\\/evil\\.example\\/login\\)'
    >>> markdown_text("www.evil.example, me@evil.example")
    'www\u2060\\.evil\\.example\\, me\u2060\\@evil\\.example'
    >>> markdown_text("a\nb\x1b[31m")
    'a  \nb\\[31m'
    """
    clean = _CONTROLS.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    clean = _AUTOLINK.sub(WORD_JOINER, clean)
    return _PUNCTUATION.sub(r"\\\1", clean).replace("\n", "  \n")


_URL_UNSAFE = re.compile(r"[()<>\[\]\\\s\"'`]")


def markdown_link(label: str, url: object) -> str:
    """A Markdown link to an http(s) ``url`` whose text is ``label`` (shown as typed); any other
    scheme, or characters that could end the link early, cannot act.

    >>> markdown_link("source", "https://example.com/a)![x](https://evil.example/i.png")
    '[source](https://example.com/a%29!%5Bx%5D%28https://evil.example/i.png)'
    >>> markdown_link("source", "javascript:alert(1)")
    'source'
    """
    address = str(url)
    if not re.match(r"https?://", address, re.IGNORECASE):
        return markdown_text(label)
    address = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", address)
    return f"[{markdown_text(label)}]({address})"


def terminal_text(text: str) -> str:
    r"""``text`` without escape sequences or control characters (tab and newline kept).

    >>> terminal_text("Acme\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\x1b[0m\r\n")
    'Acme red\n'
    """
    return _CONTROLS.sub("", _ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n")))


def plotly_text(text: object) -> str:
    """``text`` for a plotly title or label, where tags such as ``<a href=…>`` would act.

    >>> plotly_text('<a href="https://evil.example">x</a> & co')
    '&lt;a href="https://evil.example"&gt;x&lt;/a&gt; &amp; co'
    """
    return html.escape(_CONTROLS.sub("", str(text)), quote=False)
