"""What a YAML parser's complaint means, in the words of someone editing a file by hand.

ruamel reports ``while parsing a block mapping expected <block end>, but found '<block mapping
start>'``; the person at the keyboard needs "this line is indented differently from the lines
above it". :func:`plain` turns the parser's context and problem into one sentence and says which
of its two positions is the line to fix (the problem's, or where the unfinished thing began);
:func:`excerpt` shows the lines around it, numbered, for an editor to jump to.

>>> plain("while parsing a block mapping", "expected <block end>, but found '<block mapping start>'")
('This line is indented differently from the lines above it: line it up with the keys it belongs with (YAML reads the structure from the spaces at the start of each line).', False)
>>> plain("while scanning a quoted scalar", "found unexpected end of stream")[1]
True
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tcocalc.inputs.loader import Problem

_RULES: tuple[tuple[str, str, bool], ...] = (
    # (regular expression on "context problem", sentence, point at the context's position)
    (
        r"expected <block end>, but found '<block sequence start>'|"
        r"expected <block end>, but found '-'",
        "This list item (a line starting with “- ”) is indented differently from the items "
        "above it: give every item of one list the same indentation.",
        False,
    ),
    (
        r"expected <block end>, but found",
        "This line is indented differently from the lines above it: line it up with the keys "
        "it belongs with (YAML reads the structure from the spaces at the start of each line).",
        False,
    ),
    (
        r"mapping values are not allowed here",
        "A colon here reads as the start of a new “key: value”: put a value that contains “: ” "
        "in quotes, or check this line's indentation.",
        False,
    ),
    (
        r"found character '\\t' that cannot start any token",
        "A tab character: YAML indents with spaces only. Replace the tab with spaces.",
        False,
    ),
    (
        r"while scanning a simple key could not find expected ':'",
        "This line has no colon: write it as “key: value” (or close a quote left open above).",
        True,
    ),
    (
        r"while scanning a quoted scalar",
        "A quote opened here is never closed: add the closing quote mark.",
        True,
    ),
    (
        r"found duplicate key \"([^\"]*)\"",
        "The key “{0}” appears twice in the same block: keep one of them.",
        False,
    ),
    (
        r"expected ',' or '\}'",
        "A { … } opened here is not closed, or its entries miss a comma between them.",
        True,
    ),
    (
        r"expected ',' or '\]'",
        "A [ … ] list opened here is not closed, or its items miss a comma between them.",
        True,
    ),
    (
        r"found undefined alias|found undefined tag|could not determine a constructor",
        "A “*” or “!” at the start of a value has a special meaning in YAML: put the value in "
        "quotes.",
        False,
    ),
    (
        r"while scanning a block scalar|while scanning a plain scalar",
        "This value cannot be read as written: put it in quotes.",
        False,
    ),
)


def plain(context: str | None, problem: str | None) -> tuple[str, bool]:
    """One sentence for a parser error, and whether its *context* position is the line to fix.

    Anything not recognised keeps the parser's words, after a plain lead-in.

    >>> plain("while constructing a mapping", 'found duplicate key "as_of" with value "x"')[0]
    'The key “as_of” appears twice in the same block: keep one of them.'
    >>> plain(None, "something new")[0]
    'The file cannot be read as YAML here (the parser says: something new).'
    """
    said = " ".join(x for x in (context, problem) if x)
    for pattern, sentence, at_context in _RULES:
        match = re.search(pattern, said)
        if match:
            groups = match.groups()
            return (sentence.format(*groups) if groups else sentence), at_context
    return (
        f"The file cannot be read as YAML here (the parser says: {said or 'invalid YAML'}).",
        False,
    )


EXCERPT_LINES = 3
"""Lines shown above and below the first problem's line."""


def excerpt(text: str, line: int, column: int, around: int = EXCERPT_LINES) -> str:
    r"""The lines of ``text`` around ``line`` with their numbers, the problem's line marked with
    ``▶`` and a caret under its ``column`` (1-based), for a code block.

    >>> print(excerpt("a: 1\nb: [x\nc: 2\n", 2, 4, around=1))
      1 │ a: 1
    ▶ 2 │ b: [x
        │    ^
      3 │ c: 2
    """
    lines = text.splitlines()
    first, last = max(1, line - around), min(len(lines), line + around)
    width = len(str(last))
    out = []
    for n in range(first, last + 1):
        out.append(f"{'▶' if n == line else ' '} {n:>{width}} │ {lines[n - 1]}")
        if n == line:
            out.append(f"  {'':>{width}} │ {' ' * (column - 1)}^")
    return "\n".join(out)


def first_in(problems: Sequence[Problem], name: str) -> Problem | None:
    """The first problem (by line, then column) located in the file called ``name``."""
    here = [p for p in problems if Path(p.file).name == name and p.line >= 1]
    return min(here, key=lambda p: (p.line, p.column), default=None)
