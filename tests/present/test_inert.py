"""User text is inert where it is shown: Markdown escaping and terminal cleaning, as properties."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from tcocalc.present.inert import WORD_JOINER, markdown_text, plotly_text, terminal_text
from tests.conftest import shown

FUZZ = settings(max_examples=200, deadline=None, derandomize=True)
TEXT = st.text(
    alphabet=st.sampled_from([*list(string.printable), "\x1b", "\x9b", "\u202e", "é", "\u2028"]),
    max_size=60,
)


@FUZZ
@given(TEXT)
def test_markdown_text_escapes_every_punctuation_mark(text: str) -> None:
    out = markdown_text(text)
    # Every ASCII punctuation character comes as a backslash escape (CommonMark: literal).
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert out[i + 1] in string.punctuation, (text, out)
            i += 2
        else:
            assert out[i] not in string.punctuation, (text, out)
            i += 1
    assert "\x1b" not in out and "\u202e" not in out
    # and reads back as the text without its control characters
    clean = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", "", text.replace("\r\n", "\n"))
    assert shown(out).replace(WORD_JOINER, "") == clean.replace("\r", "\n")


def test_no_bare_link_pattern_survives() -> None:
    out = markdown_text("go to https://evil.example or www.evil.example or me@evil.example")
    unescaped = re.sub(r"\\(.)", r"\1", out)
    assert "://" not in unescaped and "www." not in unescaped and "e@" not in unescaped


@FUZZ
@given(TEXT)
def test_terminal_text_has_no_escapes(text: str) -> None:
    out = terminal_text(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)


def test_plotly_text_cannot_open_a_tag() -> None:
    assert "<" not in plotly_text('<a href="https://evil.example">x</a>')
