"""Reading the importers' tables (CSV or JSON Lines) with pyarrow, every problem located.

Columns are matched by name (case and spaces ignored) against each canonical field's known
names; missing required columns are reported with the closest names in the file, unknown columns
with the closest known names (:func:`difflib.get_close_matches`). Values are checked column by
column with vectorised pyarrow kernels, never a Python loop over rows, and every bad cell is
reported as ``file:line:column: name: message`` (at most :data:`MAX_PROBLEMS`, then a count).

Line numbers: a CSV's header is line 1 and row *i* (0-based) is line *i* + 2; a JSON Lines
file's row *i* is line *i* + 1. (A CSV field with a quoted line break shifts later rows; the
message then points a line or two early.)
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tcocalc.evidence.changes import EvidenceError
from tcocalc.evidence.layouts import norm
from tcocalc.inputs.loader import Problem

Format = Literal["csv", "jsonl"]
MAX_PROBLEMS = 50
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_NUMBER = r"^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
_ISO = r"^\s*\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)?\s*$"
_ZONED = r"[T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)\s*$"
_EPOCH = r"^\s*\d{9,13}(\.\d+)?\s*$"


class Problems:
    """Problems collected across a file, capped at :data:`MAX_PROBLEMS`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Problem] = []
        self.more = 0

    def add(self, line: int, column: int, field: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.name, line, column, field, message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = sorted(self.items, key=lambda p: (p.line, p.column))
        if self.more:
            items.append(Problem(self.name, items[-1].line, 1, "", f"... and {self.more:,} more"))
        raise EvidenceError(items)


def sniff(head: bytes) -> Format:
    """JSON Lines when the first non-blank character is ``{``, else CSV."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if stripped.startswith(b"{") else "csv"


def check_bytes(raw: bytes, name: str, limit: int) -> None:
    if len(raw) > limit:
        raise EvidenceError(
            [Problem(name, 1, 1, "", f"file is {len(raw):,} bytes; the limit is {limit:,}")]
        )
    if not raw.strip():
        raise EvidenceError([Problem(name, 1, 1, "", "the file is empty")])
    if b"\x00" in raw[:65_536]:
        raise EvidenceError([Problem(name, 1, 1, "", "binary data (NUL bytes), not CSV or JSON")])


@dataclass(frozen=True)
class Columns:
    """Which file column holds each canonical field, and what was left over."""

    found: dict[str, str]
    """canonical field -> the file's column name."""
    positions: dict[str, int]
    """the file's column name -> 1-based position."""
    unknown: tuple[str, ...]
    """Sentences about columns no field uses, with the closest known names."""


def match_columns(
    header: Sequence[str],
    fields: Mapping[str, Sequence[str]],
    required: Iterable[str],
    name: str,
    known: Iterable[str] = (),
    explicit: Mapping[str, str] | None = None,
) -> Columns:
    """Match ``header`` to ``fields`` (canonical -> accepted names, first wins).

    ``explicit`` (canonical -> column, from a ``--map``) overrides the names; ``known`` are
    columns that are expected but not used (not reported as unknown).

    >>> c = match_columns(["Time", "inptu_tokens"], {"timestamp": ["time"],
    ...                   "input_tokens": ["input_tokens"]}, ["timestamp"], "f.csv")
    >>> c.found, c.unknown
    ({'timestamp': 'Time'}, ("column 'inptu_tokens' is not used (closest known: input_tokens)",))
    """
    by_norm: dict[str, str] = {}
    for h in header:
        by_norm.setdefault(norm(h), h)
    positions = {h: i + 1 for i, h in enumerate(header)}
    found: dict[str, str] = {}
    problems = Problems(name)
    for canonical, column in (explicit or {}).items():
        if canonical not in fields:
            close = difflib.get_close_matches(canonical, list(fields), n=3, cutoff=0.5)
            hint = f" (closest: {', '.join(close)})" if close else ""
            problems.add(1, 1, canonical, f"--map: unknown field {canonical!r}{hint}")
        elif norm(column) in by_norm:
            found[canonical] = by_norm[norm(column)]
        else:
            close = difflib.get_close_matches(column, list(header), n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            problems.add(1, 1, canonical, f"--map: the file has no column {column!r}{hint}")
    for canonical, names in fields.items():
        if canonical in found:
            continue
        for n in names:
            if norm(n) in by_norm:
                found[canonical] = by_norm[norm(n)]
                break
    for canonical in required:
        if canonical not in found:
            accepted = list(fields[canonical])
            close = difflib.get_close_matches(
                canonical, list(header), n=3, cutoff=0.4
            ) or difflib.get_close_matches(accepted[0], list(header), n=3, cutoff=0.4)
            hint = f"; closest in the file: {', '.join(close)}" if close else ""
            problems.add(
                1,
                1,
                canonical,
                f"missing column (accepted names: {', '.join(accepted)}{hint})",
            )
    problems.raise_if_any()
    used = set(found.values())
    vocabulary = sorted({n for names in fields.values() for n in names} | set(known))
    known_norm = {norm(k) for k in known}
    unknown = []
    for h in header:
        if h in used or norm(h) in known_norm or not h.strip():
            continue
        close = difflib.get_close_matches(norm(h), vocabulary, n=2, cutoff=0.6)
        hint = f" (closest known: {', '.join(close)})" if close else ""
        unknown.append(f"column {h!r} is not used{hint}")
    return Columns(found, positions, tuple(unknown))


# --- reading ---------------------------------------------------------------------------------


def csv_header(head: bytes, name: str) -> list[str]:
    """The CSV's column names (its first line)."""
    import pyarrow.csv as pcsv

    first = head.split(b"\n", 1)[0].rstrip(b"\r") + b"\n"
    try:
        table = pcsv.read_csv(io.BytesIO(first))
    except pa.ArrowInvalid as exc:
        raise EvidenceError([Problem(name, 1, 1, "", f"not a readable CSV: {exc}")]) from None
    return list(table.schema.names)


def csv_batches(
    source: io.RawIOBase | io.BufferedIOBase | bytes,
    columns: Sequence[str],
    name: str,
    block_size: int = 1 << 24,
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``(first row index, batch)`` of the named columns, every value as text, streamed."""
    import pyarrow.csv as pcsv

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        reader = pcsv.open_csv(
            stream,
            read_options=pcsv.ReadOptions(block_size=block_size, use_threads=True),
            convert_options=pcsv.ConvertOptions(
                include_columns=list(columns),
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise EvidenceError([Problem(name, 1, 1, "", f"not a readable CSV: {exc}")]) from None
    row = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            raise EvidenceError(
                [Problem(name, row + 2, 1, "", f"not a readable CSV near here: {exc}")]
            ) from None
        yield row, batch
        row += batch.num_rows


def jsonl_table(raw: bytes, name: str) -> pa.Table:
    """A JSON Lines file as one table, nested objects flattened (``usage.input_tokens``).

    pyarrow refuses a file whose values change type between rows or whose lines are not JSON;
    then the lines are checked one by one to say which."""
    import pyarrow.json as pj

    try:
        table = pj.read_json(io.BytesIO(raw))
    except pa.ArrowInvalid:
        _locate_json_problems(raw, name)
        raise
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


def _locate_json_problems(raw: bytes, name: str) -> None:
    import json

    problems = Problems(name)
    types: dict[str, tuple[str, int]] = {}
    for i, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            problems.add(i, getattr(exc, "colno", 1), "", f"not JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            problems.add(i, 1, "", "each line must be one JSON object")
            continue
        for key, value in obj.items():
            kind = "number" if isinstance(value, int | float) else type(value).__name__
            if value is None:
                continue
            first = types.setdefault(key, (kind, i))
            if first[0] != kind:
                problems.add(
                    i, 1, key, f"a {kind} where line {first[1]} has a {first[0]}: use one type"
                )
        if len(problems.items) >= MAX_PROBLEMS:
            break
    problems.raise_if_any()


# --- values ----------------------------------------------------------------------------------


def _bad_rows(mask: pa.Array) -> I64:
    """Indices where a boolean array is false or null."""
    ok = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    return np.flatnonzero(~ok)


def numbers(
    col: pa.Array | pa.ChunkedArray,
    field: str,
    column: int,
    first_line: int,
    problems: Problems,
    *,
    required: bool = True,
) -> F64:
    """A column as non-negative floats; empty cells are 0 when not ``required``, else problems."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        values = pc.fill_null(pc.cast(col, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(~(values >= 0))
        if not required:
            bad = bad[~np.isnan(values[bad])]
            values = np.nan_to_num(values, nan=0.0)
        for i in bad[: MAX_PROBLEMS + 1]:
            problems.add(first_line + int(i), column, field, "need a number of 0 or more")
        problems.more += max(0, bad.size - MAX_PROBLEMS - 1)
        return values
    text = pc.cast(col, pa.string())
    try:  # one pass when every cell is a number (the usual export)
        fast = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        if np.isfinite(fast).all() and fast.min(initial=0.0) >= 0:
            return fast
    except pa.ArrowInvalid:
        pass
    empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(text)), 0)
    good = pc.match_substring_regex(text, _NUMBER)
    bad = _bad_rows(pc.or_(good, empty) if not required else good)
    for i in bad[:MAX_PROBLEMS]:
        value = text[int(i)].as_py()
        shown = "an empty cell" if not (value or "").strip() else repr(value[:40])
        problems.add(first_line + int(i), column, field, f"need a number of 0 or more, got {shown}")
    problems.more += max(0, bad.size - MAX_PROBLEMS)
    cleaned = pc.if_else(good, text, "0")
    return pc.cast(pc.utf8_trim_whitespace(cleaned), pa.float64()).to_numpy(zero_copy_only=False)


def timestamps_us(
    col: pa.Array | pa.ChunkedArray,
    field: str,
    column: int,
    first_line: int,
    problems: Problems,
) -> I64:
    """A column of times as microseconds since 1970 (UTC).

    Accepted: ISO 8601 dates and times (``2026-03-01``, ``2026-03-01 12:00:00``,
    ``2026-03-01T12:00:00.123Z``, with or without an offset; without one, UTC is assumed) and Unix
    epoch numbers (seconds, or milliseconds past 10^11)."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_timestamp(col.type):
        return pc.cast(col, pa.timestamp("us")).cast(pa.int64()).to_numpy(zero_copy_only=False)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        col = pc.cast(col, pa.string())
    text = pc.cast(col, pa.string())
    for target in (pa.timestamp("us"), pa.timestamp("us", tz="UTC")):
        try:  # one pass when every value has the same shape (the usual export)
            parsed = pc.cast(text, target)
            if parsed.null_count == 0:
                return pc.cast(parsed, pa.int64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    text = pc.utf8_trim_whitespace(text)
    iso = pc.match_substring_regex(text, _ISO)
    epoch = pc.match_substring_regex(text, _EPOCH)
    bad = _bad_rows(pc.or_(iso, epoch))
    for i in bad[:MAX_PROBLEMS]:
        value = text[int(i)].as_py() or ""
        shown = "an empty cell" if not value else repr(value[:40])
        problems.add(
            first_line + int(i),
            column,
            field,
            f"need a date-time (ISO 8601, e.g. 2026-03-01T12:00:00Z, or Unix seconds), got {shown}",
        )
    problems.more += max(0, bad.size - MAX_PROBLEMS)
    out = np.zeros(len(text), dtype=np.int64)
    zoned = pc.and_(iso, pc.match_substring_regex(text, _ZONED))
    naive = pc.and_(iso, pc.invert(pc.match_substring_regex(text, _ZONED)))
    # A pattern-shaped date that does not exist (2026-02-30) would fail the whole cast.
    day = pc.if_else(pc.fill_null(iso, False), pc.utf8_slice_codeunits(text, 0, 10), "1970-01-01")
    ymd = np.stack(
        [
            pc.cast(pc.utf8_slice_codeunits(day, a, b), pa.int64()).to_numpy(zero_copy_only=False)
            for a, b in ((0, 4), (5, 7), (8, 10))
        ]
    )
    month_ok = (ymd[1] >= 1) & (ymd[1] <= 12)
    first = (ymd[0] - 1970) * 12 + np.clip(ymd[1], 1, 12) - 1
    start = np.asarray(first, dtype="datetime64[M]")
    days = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)
    real_np = month_ok & (ymd[2] >= 1) & (ymd[2] <= days)
    real = pa.array(real_np)
    for i in np.flatnonzero(~real_np)[:MAX_PROBLEMS]:
        problems.add(
            first_line + int(i), column, field, f"not a real date: {text[int(i)].as_py()!r}"
        )
    fixed = pc.replace_substring_regex(text, r"^(\d{4}-\d\d-\d\d) ", r"\1T")
    for mask, target, filler in (
        (zoned, pa.timestamp("us", tz="UTC"), "1970-01-01T00:00:00Z"),
        (naive, pa.timestamp("us"), "1970-01-01"),
    ):
        m = pc.and_(pc.fill_null(mask, False), pc.fill_null(real, False))
        if pc.any(m).as_py():
            # "2026-03-01 12:00:00Z": pyarrow's zoned parser wants the "T".
            parsed = pc.cast(pc.if_else(m, fixed, filler), target)
            us = pc.cast(parsed, pa.int64()).to_numpy(zero_copy_only=False)
            sel = m.to_numpy(zero_copy_only=False)
            out[sel] = us[sel]
    e = pc.fill_null(epoch, False).to_numpy(zero_copy_only=False)
    if e.any():
        seconds = pc.cast(pc.if_else(epoch, text, "0"), pa.float64()).to_numpy(zero_copy_only=False)
        seconds = np.where(seconds > 1e11, seconds / 1e3, seconds)
        out[e] = (seconds[e] * 1e6).astype(np.int64)
    return out


def labels(
    col: pa.Array | pa.ChunkedArray,
    field: str,
    column: int,
    first_line: int,
    problems: Problems,
    *,
    required: bool = True,
) -> pa.Array:
    """A text column trimmed; empty cells are problems when ``required``."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    text = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    text = pc.fill_null(text, "")
    if required:
        bad = np.flatnonzero(pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False))
        for i in bad[:MAX_PROBLEMS]:
            problems.add(first_line + int(i), column, field, "empty cell: give a value")
        problems.more += max(0, bad.size - MAX_PROBLEMS)
    return text
