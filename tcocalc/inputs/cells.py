"""Changing one value of a pricing file's text and keeping every other byte: the table editor.

:func:`price_fields` lists a file's numbers (one row each); :func:`apply_price_edits` writes the
changed rows back with :func:`set_value`, which keeps comments, key order, quoting and layout
(ruamel.yaml round trip, or a splice into the original line when the round trip would touch any
other line). Saving goes through :func:`tcocalc.inputs.editor.save`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tcocalc.inputs.loader import parse_yaml, plain

PRICE_SECTIONS = ("models", "gpu_offers", "labeling_methods")


def price_fields(text: str) -> list[dict[str, Any]]:
    """The numbers of a pricing file's text, one row each, for a table editor.

    Rows: ``section``, ``id``, ``field`` (dotted inside the entry, e.g.
    ``fine_tuning.usd_per_1m_training_tokens``) and ``value``; in file order. Raises
    :class:`~tcocalc.inputs.loader.InputFileError` when the text is not YAML.

    >>> price_fields("models:\\n  m:\\n    usd_per_1m_input_tokens: 0.4\\n    open_weights: true\\n")
    [{'section': 'models', 'id': 'm', 'field': 'usd_per_1m_input_tokens', 'value': 0.4}]
    """
    data = parse_yaml(text, "edit").data
    rows: list[dict[str, Any]] = []

    def walk(section: str, entry_id: str, node: Any, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, CommentedMap):
                walk(section, entry_id, value, f"{prefix}{key}.")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                rows.append(
                    {"section": section, "id": entry_id, "field": prefix + str(key), "value": value}
                )

    for section in PRICE_SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, CommentedMap):
            continue
        for entry_id, entry in entries.items():
            if isinstance(entry, CommentedMap):
                walk(section, str(entry_id), entry, "")
    return rows


def apply_price_edits(text: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """``text`` with each row of :func:`price_fields` whose ``value`` differs set by
    :func:`set_value` (one line per changed value; everything else kept)."""
    current = {(r["section"], r["id"], r["field"]): r["value"] for r in price_fields(text)}
    for row in rows:
        key = (row["section"], row["id"], row["field"])
        value = row["value"]
        if key not in current or value is None or value == current[key]:
            continue
        if isinstance(value, float) and value.is_integer() and isinstance(current[key], int):
            value = int(value)
        text = set_value(text, (row["section"], row["id"], *str(row["field"]).split(".")), value)
    return text


def _rt_yaml(text: str) -> YAML:
    from ruamel.yaml.util import load_yaml_guess_indent

    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    y = YAML(typ="rt", pure=True)
    y.preserve_quotes = True
    y.width = 4096
    y.allow_duplicate_keys = False
    y.indent(mapping=indent or 2, sequence=indent or 2, offset=block_seq_indent or 0)
    return y


def set_value(text: str, path: Sequence[str | int], value: Any) -> str:
    """``text`` with the value at ``path`` (e.g. ``("models", "gpt-4.1-mini",
    "usd_per_1m_input_tokens")``) set to ``value``; every other line is kept as it was.

    The key must exist and hold a scalar. Comments, key order and layout survive; if ruamel's
    output would touch any other line, the new value is written into the original line instead.

    >>> print(set_value("a: 1  # one\\nb: 2\\n", ("a",), 3), end="")
    a: 3  # one
    b: 2
    """
    doc = parse_yaml(text, "edit")  # the same safety checks as loading
    node: Any = doc.data
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if not isinstance(node, CommentedMap | CommentedSeq) or (
        isinstance(node, CommentedMap) and last not in node
    ):
        raise KeyError(".".join(map(str, path)))
    if isinstance(node[last], CommentedMap | CommentedSeq):
        raise TypeError(f"{'.'.join(map(str, path))} is not a single value")
    if isinstance(node, CommentedMap):
        line, col = node.lc.value(last)
    else:
        line, col = node.lc.item(last)
    flow = bool(node.fa.flow_style())
    yaml = _rt_yaml(text)
    data = yaml.load(text)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[last] = value
    out = io.StringIO()
    yaml.dump(data, out)
    dumped = out.getvalue()
    before, after = text.splitlines(keepends=True), dumped.splitlines(keepends=True)
    if len(before) == len(after) and all(
        a == b for i, (a, b) in enumerate(zip(before, after, strict=True)) if i != line
    ):
        return dumped
    spliced = _splice(text, line, col, value, flow=flow)
    if plain(parse_yaml(spliced, "edit").data) != plain(data):
        raise ValueError(f"cannot change {'.'.join(map(str, path))} in place; edit the text")
    return spliced


def _scalar_text(value: Any, like: str = "") -> str:
    """``value`` as a one-line YAML scalar, quoted as the old token ``like`` was when it is text.

    >>> _scalar_text(0.5), _scalar_text("a b", like="'x'"), _scalar_text("1.5"), _scalar_text(True)
    ('0.5', "'a b'", "'1.5'", 'true')
    """
    if isinstance(value, str) and like[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, str) and like[:1] == '"':
        return json.dumps(value)
    y = YAML(typ="safe", pure=True)
    y.width = 4096
    y.default_flow_style = False
    out = io.StringIO()
    y.dump({"v": value}, out)
    text = out.getvalue().strip()
    if "\n" in text or not text.startswith("v: "):
        raise ValueError(f"{value!r} does not fit on one line")
    return text.removeprefix("v: ")


_BLOCK_VALUE = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|.*?)((?:\s+#.*)?\s*)$""", re.S)
_FLOW_VALUE = re.compile(
    r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,}\]\n]*?)(\s*(?:[,}\]].*)?)$""", re.S
)


def _splice(text: str, line: int, col: int, value: Any, *, flow: bool) -> str:
    """Replace the plain or quoted scalar starting at ``(line, col)`` (0-based) with ``value``,
    keeping what follows it on the line (spaces, a comment, the rest of a flow mapping)."""
    lines = text.splitlines(keepends=True)
    row = lines[line]
    m = (_FLOW_VALUE if flow else _BLOCK_VALUE).match(row[col:])
    if m is None:
        raise ValueError(f"cannot find the value on line {line + 1}")
    lines[line] = row[:col] + _scalar_text(value, like=m.group(1)) + m.group(2)
    return "".join(lines)
