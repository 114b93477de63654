"""Bounded work for any YAML text: size, nesting and node caps checked while the text is scanned.

A scenario or a pricing file is small and shallow; a hostile one need not be. ruamel's pure scanner
does work proportional to the flow depth for every token (``a: [[[[...]]]]`` 1,500 deep costs half a
minute), and the size of the tree it builds is the size of the text. So the reader here refuses,
*before* it builds anything past the cap:

- text longer than :attr:`Limits.max_bytes` (checked on the raw bytes, unread past the cap);
- nesting deeper than :attr:`Limits.max_depth` (block indentation levels plus open ``[``/``{``),
  counted by the scanner as it meets each level, so the refusal costs what the first levels cost;
- more than :attr:`Limits.max_nodes` values (keys, scalars, lists and mappings each count), counted
  by the composer node by node;
- aliases (``*name``, the "billion laughs") and explicit tags (``!!python/object``), refused by the
  composer at the node that carries them.

Each refusal is a :class:`LimitError` (a ruamel ``MarkedYAMLError``) carrying the line and column
where the cap was passed; :func:`tcocalc.inputs.loader.parse_yaml` turns it into a located problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.scanner import RoundTripScanner


@dataclass(frozen=True)
class Limits:
    """What one kind of file may contain at most."""

    max_bytes: int
    max_depth: int
    max_nodes: int

    def describe(self) -> str:
        """The caps in words (for help texts and the README).

        >>> SCENARIO_LIMITS.describe()
        '64 KB, 16 levels of nesting, 4,000 values'
        """
        return (
            f"{self.max_bytes // 1024:,} KB, {self.max_depth} levels of nesting, "
            f"{self.max_nodes:,} values"
        )


SCENARIO_LIMITS = Limits(max_bytes=64 * 1024, max_depth=16, max_nodes=4_000)
"""A shipped scenario is ~3 KB, 5 levels deep and ~110 values; the caps leave room for long notes
and a thousand category events, and refusing at the cap costs ~0.2 s of CPU."""
PRICING_LIMITS = Limits(max_bytes=256 * 1024, max_depth=16, max_nodes=8_000)
"""The shipped ``llm_apis.yaml`` is 16 KB and ~470 values; a company file 16 times that still fits,
and refusing at the cap costs ~0.4 s of CPU."""


class LimitError(MarkedYAMLError):
    """The text passed one of the :class:`Limits` at ``problem_mark``."""


@dataclass(frozen=True)
class _Mark:
    """A 0-based position, as ruamel's marks give it."""

    line: int
    column: int


def _limits(loader: Any) -> Limits:
    return getattr(loader, "tcocalc_limits", None) or SCENARIO_LIMITS


class _BoundedScanner(RoundTripScanner):
    """Refuses a nesting level past the cap as soon as the scanner opens it."""

    def _check_depth(self, column: int) -> None:
        limit = _limits(self.loader).max_depth
        if len(self.indents) + self.flow_level > limit:
            raise LimitError(
                problem=f"nested more than {limit} levels deep; a pricing or scenario file "
                "needs far fewer",
                problem_mark=_Mark(self.reader.line, column),
            )

    def add_indent(self, column: int) -> bool:
        added: bool = super().add_indent(column)
        if added:  # at the key or the "-" that opens the level
            self._check_depth(column)
        return added

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        column = self.reader.column  # at the "[" or "{"
        super().fetch_flow_collection_start(TokenClass, to_push)
        self._check_depth(column)

    def scan_flow_scalar(self, style: Any) -> Any:
        # A quoted scalar's escapes are decoded here (\UFFFFFFFF fails unmarked): keep its start.
        self.loader.tcocalc_last_mark = self.reader.get_mark()
        return super().scan_flow_scalar(style)


class _BoundedComposer(Composer):
    """Counts nodes and refuses aliases and explicit tags where they appear."""

    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        where = event.start_mark
        if isinstance(event, AliasEvent):
            raise LimitError(
                problem="anchors and aliases (*name) are not allowed", problem_mark=where
            )
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag is not None:
            implicit = getattr(event, "implicit", (True,))
            if implicit in (False, (False, False)):
                raise LimitError(
                    problem=f"YAML tags ({event.tag}) are not allowed", problem_mark=where
                )
        self.nodes += 1
        limit = _limits(self.loader).max_nodes
        if self.nodes > limit:
            raise LimitError(
                problem=f"more than {limit:,} values; a pricing or scenario file needs far fewer",
                problem_mark=where,
            )
        return super().compose_node(parent, index)


def bounded_yaml(limits: Limits) -> YAML:
    """A round-trip (line numbers kept) pure-Python reader that enforces ``limits``."""
    y = YAML(typ="rt", pure=True)
    y.allow_duplicate_keys = False
    y.Scanner = _BoundedScanner
    y.Composer = _BoundedComposer
    y.tcocalc_limits = limits  # type: ignore[attr-defined]
    y.tcocalc_last_mark = None  # type: ignore[attr-defined]
    return y
