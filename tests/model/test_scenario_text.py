"""Names and descriptions are plain text: control characters are refused with a plain message
(they broke the XLSX and PPTX exports and could drive a terminal)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.conftest import updated


@pytest.mark.parametrize(
    ("field", "text", "code"),
    [
        ("name", "Acme\x1b[31m bot", "U+001B"),
        ("name", "two\nlines", "U+000A"),
        ("name", "bell\x07", "U+0007"),
        ("name", "reversed \u202etxt.exe", "U+202E"),
        ("description", "a\x00b", "U+0000"),
        ("description", "C1 \x9b31m", "U+009B"),
    ],
)
def test_control_characters_are_refused(article, field, text, code):
    with pytest.raises(ValidationError) as err:
        updated(article, {field: text})
    message = err.value.errors()[0]["msg"]
    assert code in message and "type plain text" in message


def test_notes_keep_their_lines_and_tabs(article):
    notes = "First line.\n\tIndented second line."
    assert updated(article, {"description": notes}).description == notes
