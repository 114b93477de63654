"""Reading scenario and pricing YAML safely, with every error pointing at its file, line and column.

Errors come back all at once as :class:`InputFileError` (``PricingFileError``,
``ScenarioFileError``), whose ``str`` is one ``file:line:col: field.path: message`` line per problem.
The reader refuses what a hand-edited price list never needs and an attacker might send: files past
the size, nesting and value caps of :mod:`tcocalc.inputs.limits` (checked while scanning, so a
refusal costs a fraction of a second), bytes that are not UTF-8 text, anchors and aliases (the
"billion laughs"), duplicate keys and tags of any kind (``!!python/object``). It never constructs
Python objects from tags; it never uses ``eval`` or ``pickle``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from tcocalc.inputs import yaml_words
from tcocalc.inputs.limits import PRICING_LIMITS, SCENARIO_LIMITS, LimitError, Limits, bounded_yaml
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog, PricingFile, UnknownIdError
from tcocalc.pricing.snapshot import snapshot_model

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRICING_DIR = PROJECT_ROOT / "pricing"
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIOS_DIR / "customer_support.yaml"
M = TypeVar("M", bound=BaseModel)
MAX_FILE_BYTES = PRICING_LIMITS.max_bytes
"""The larger of the two caps (pricing files); scenarios have :data:`SCENARIO_LIMITS`."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, located as precisely as the text allows."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class InputFileError(ValueError):
    """A file that cannot be used; ``problems`` lists every error found in it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


class PricingFileError(InputFileError):
    pass


class ScenarioFileError(InputFileError):
    pass


@dataclass(frozen=True)
class Document:
    """Parsed YAML plus where each node came from."""

    name: str
    data: Any

    def position(self, loc: Iterable[int | str]) -> tuple[int, int, list[str]]:
        """1-based (line, column) of the deepest node of ``loc`` present in the text, and the
        parts of ``loc`` that name something in the document (union tags dropped)."""
        node = self.data
        line, col = 1, 1
        shown: list[str] = []
        parts = list(loc)
        for i, part in enumerate(parts):
            if isinstance(node, CommentedMap) and part in node:
                kline, kcol = node.lc.key(part)
                line, col = kline + 1, kcol + 1
                shown.append(str(part))
                child = node[part]
                if isinstance(child, CommentedMap | CommentedSeq):
                    node = child
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                iline, icol = node.lc.item(part)
                line, col = iline + 1, icol + 1
                shown.append(str(part))
                node = node[part]
            elif i == len(parts) - 1 and isinstance(part, str) and not part.startswith("["):
                shown.append(part)  # a missing or unexpected field: name it at its parent
            elif part == "[key]":
                shown.append(part)
        return line, col, shown


def _too_big(name: str, size: int, limit: int) -> InputFileError:
    return InputFileError(
        [Problem(name, 1, 1, "", f"file is {size:,} bytes; the limit is {limit:,}")]
    )


def _check_text(raw: bytes, name: str, limits: Limits) -> str:
    if len(raw) > limits.max_bytes:
        raise _too_big(name, len(raw), limits.max_bytes)
    if b"\x00" in raw:
        raise InputFileError([Problem(name, 1, 1, "", "binary data (NUL bytes), not YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputFileError([Problem(name, line, col, "", "not UTF-8 text")]) from None
    return text


_CONSTRUCT_ERRORS = (ValueError, OverflowError, KeyError, TypeError, IndexError, AttributeError)
"""What ruamel raises, unmarked, for text it scans but cannot construct a value from."""


def _line_col(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _bad_value(text: str, limits: Limits) -> tuple[int, int, str] | None:
    """Position and message of the first scalar that fails to construct, or of a merge key."""
    yaml = bounded_yaml(limits)
    try:
        stack = [yaml.compose(io.StringIO(text))]
    except Exception:
        return None
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            if node.tag == "tag:yaml.org,2002:merge":
                return (*_line_col(node.start_mark), "merge keys (<<) are not allowed")
            try:
                yaml.constructor.construct_object(node)
            except _CONSTRUCT_ERRORS as exc:
                value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
                return (*_line_col(node.start_mark), f"invalid value {value!r}: {exc}")
        elif isinstance(node, MappingNode):
            stack.extend(x for pair in reversed(node.value) for x in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _has_merge(data: Any) -> bool:
    """True when a mapping took keys from a ``<<`` merge key (which carry no position)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, CommentedMap):
            if getattr(node, merge_attrib, None):
                return True
            stack.extend(node.values())
        elif isinstance(node, CommentedSeq):
            stack.extend(node)
    return False


def parse_yaml(raw: bytes | str, name: str, limits: Limits = PRICING_LIMITS) -> Document:
    """Parse one YAML document safely within ``limits`` (see :mod:`tcocalc.inputs.limits`);
    raise :class:`InputFileError` with the position.

    >>> parse_yaml("a: " + "[" * 40 + "]" * 40, "deep.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    tcocalc.inputs.loader.InputFileError: deep.yaml:1:19: nested more than 16 levels deep; ...
    """
    text = _check_text(raw.encode("utf-8") if isinstance(raw, str) else raw, name, limits)
    yaml = bounded_yaml(limits)
    try:
        data = yaml.load(text)
    except LimitError as exc:
        line, col = _line_col(exc.problem_mark)
        raise InputFileError([Problem(name, line, col, "", str(exc.problem))]) from None
    except MarkedYAMLError as exc:
        # In words a person editing the file by hand knows, at the line to change.
        what, at_context = yaml_words.plain(exc.context, exc.problem)
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputFileError([Problem(name, line, col, "", f"{what} (invalid YAML)")]) from None
    except YAMLError as exc:
        raise InputFileError([Problem(name, 1, 1, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise InputFileError([Problem(name, 1, 1, "", "invalid YAML: nested too deeply")]) from None
    except _CONSTRUCT_ERRORS as exc:
        # A scalar the scanner or constructor cannot turn into a value (2026-13-45, an integer of
        # 5,000 digits, a \U escape past U+10FFFF); find which one, else blame the last good node.
        last = _line_col(getattr(yaml, "tcocalc_last_mark", None))
        line, col, what = _bad_value(text, limits) or (*last, f"invalid YAML: {exc}")
        raise InputFileError([Problem(name, line, col, "", what)]) from None
    if _has_merge(data):
        line, col, what = _bad_value(text, limits) or (1, 1, "merge keys (<<) are not allowed")
        raise InputFileError([Problem(name, line, col, "", what)])
    if data is None:
        raise InputFileError([Problem(name, 1, 1, "", "the file is empty")])
    if not isinstance(data, CommentedMap):
        raise InputFileError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"expected a mapping of keys to values, got {type(data).__name__}",
                )
            ]
        )
    return Document(name, data)


RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def allowed_range(model: type[BaseModel], loc: Iterable[int | str]) -> str | None:
    """The bounds pydantic enforces on the field at ``loc``, as text (``from 0 to 120``).

    >>> from tcocalc.model.scenario import Scenario
    >>> allowed_range(Scenario, ("horizon_months",))
    'from 1 to 120'
    """
    tp: Any = model
    info = None
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if isinstance(part, str) and part in tp.model_fields:
                info = tp.model_fields[part]
                tp = info.annotation
            continue
        args = [a for a in get_args(tp) if a is not type(None)]
        if get_origin(tp) is dict:
            tp, info = args[-1], None
        elif get_origin(tp) in (tuple, list):
            tp, info = args[0], None
        elif args:  # a union of models: the loc part is the discriminator's value
            tagged = [
                a
                for a in args
                if isinstance(a, type)
                and issubclass(a, BaseModel)
                and "kind" in a.model_fields
                and a.model_fields["kind"].default == part
            ]
            if tagged:
                tp = tagged[0]
    if info is None:
        return None
    bounds = {
        type(m).__name__: getattr(m, type(m).__name__.lower())
        for m in info.metadata
        if type(m).__name__ in ("Ge", "Gt", "Le", "Lt")
    }
    if not bounds:
        return None

    def num(x: float) -> str:
        return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"

    if "Ge" in bounds and "Le" in bounds:
        return f"from {num(bounds['Ge'])} to {num(bounds['Le'])}"
    words = {"Ge": "at least", "Gt": "above", "Le": "at most", "Lt": "below"}
    return " and ".join(f"{words[k]} {num(v)}" for k, v in bounds.items())


def validation_problems(
    doc: Document, error: ValidationError, model: type[BaseModel] | None = None
) -> list[Problem]:
    """Turn pydantic's errors into located problems, in file order."""
    problems = []
    for err in error.errors(include_url=False):
        # A rule checked on the whole file may name the field it is about (pricing schema 2).
        ctx = err.get("ctx") or {}
        loc = ctx.get("loc", (*err["loc"], *ctx.get("at", ())))
        line, col, shown = doc.position(loc)
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see `tcocalc schema`)"
        elif err["type"] in RANGE_ERRORS and model is not None:
            allowed = allowed_range(model, err["loc"])
            if allowed:
                message = f"{message} (allowed: {allowed}; got {err['input']!r})"
        problems.append(Problem(doc.name, line, col, ".".join(shown), message))
    return sorted(problems, key=lambda p: (p.line, p.column))


def _validate(model: type[M], doc: Document, error_type: type[InputFileError]) -> M:
    try:
        return model.model_validate(plain(doc.data))
    except ValidationError as exc:
        raise error_type(validation_problems(doc, exc, model)) from None


def plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts/lists (pydantic validates those faster)."""
    if isinstance(node, Mapping):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def display_name(path: Path) -> str:
    """A path relative to the working folder when it is inside it, as people typed it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def outside_its_folder(path: Path) -> bool:
    """Whether ``path`` is a link to something outside the folder it is listed in."""
    try:
        return not path.resolve(strict=True).is_relative_to(path.parent.resolve(strict=True))
    except (OSError, RuntimeError):  # a dangling link or a loop
        return path.is_symlink()


def read_bytes(
    path: Path, name: str, max_bytes: int = MAX_FILE_BYTES, *, confined: bool = False
) -> bytes:
    """The file's bytes, refused unread past ``max_bytes`` (a file growing while read is cut
    one byte past the cap, so the text check refuses it too). ``confined``: a file of a folder
    the server reads by itself (pricing, scenarios), where a link out of the folder is refused."""
    if confined and outside_its_folder(path):
        raise InputFileError(
            [Problem(name, 1, 1, "", "a link to a file outside its folder; refused")]
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_big(name, size, max_bytes)
        with path.open("rb") as f:
            return f.read(max_bytes + 1)
    except OSError as exc:
        raise InputFileError([Problem(name, 1, 1, "", f"cannot read: {exc.strerror}")]) from None


# --- Pricing ----------------------------------------------------------------------------------


def parse_pricing(raw: bytes | str, name: str) -> PricingFile:
    """Validate one pricing file's text."""
    try:
        doc = parse_yaml(raw, name)
    except InputFileError as exc:
        raise PricingFileError(exc.problems) from None
    return _validate(PricingFile, doc, PricingFileError)


def load_pricing_file(path: Path) -> PricingFile:
    name = display_name(path)
    try:
        raw = read_bytes(path, name)
    except InputFileError as exc:
        raise PricingFileError(exc.problems) from None
    return parse_pricing(raw, name)


def pricing_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def load_catalog(*folders: Path, use_snapshot: bool = True) -> Catalog:
    """Load every ``*.yaml`` of the folders (default: the shipped ``pricing/``) into a catalog.

    Raises :class:`PricingFileError` with the problems of every file, and of ids defined twice.
    """
    folders = folders or (PRICING_DIR,)
    files: dict[str, PricingFile] = {}
    problems: list[Problem] = []
    docs: dict[str, Document] = {}
    for folder in folders:
        for path in pricing_files(folder):
            name = display_name(path)
            try:
                raw = read_bytes(path, name, confined=True)
                docs[name] = parse_yaml(raw, name)
                files[name] = _validate(PricingFile, docs[name], PricingFileError)
            except InputFileError as exc:
                problems.extend(exc.problems)
    catalog, clashes = Catalog.merge(files, fallback=snapshot_model if use_snapshot else None)
    for name, dotted, message in clashes:
        line, col, _ = docs[name].position(dotted.split(".", 1))
        problems.append(Problem(name, line, col, dotted, message))
    if problems:
        raise PricingFileError(problems)
    return catalog


# --- Scenarios --------------------------------------------------------------------------------

REFERENCE_FIELDS: tuple[tuple[str, ...], ...] = (
    ("prompting", "model"),
    ("prompting", "labeling"),
    ("fine_tuning", "labeling"),
    ("fine_tuning", "training", "model"),
    ("fine_tuning", "training", "gpu"),
    ("fine_tuning", "training", "base_model"),
    ("fine_tuning", "serving", "model"),
    ("fine_tuning", "serving", "gpu"),
)


def reference_problems(scenario: Scenario, catalog: Catalog, doc: Document | None) -> list[Problem]:
    """Every catalog id the scenario names that the catalog lacks, with the closest ids."""
    from tcocalc.model.params import NoFineTuningOfferedError, resolve
    from tcocalc.model.training import TrainingSetupError

    name = doc.name if doc else scenario.name
    problems: list[Problem] = []
    lookups = {
        "model": catalog.model,
        "base_model": catalog.model,
        "gpu": catalog.gpu_offer,
        "labeling": catalog.labeling_method,
    }
    for path in REFERENCE_FIELDS:
        node: Any = scenario
        for part in path:
            node = getattr(node, part, None)
        if not isinstance(node, str):
            continue
        try:
            lookups[path[-1]](node)
        except UnknownIdError as exc:
            line, col, _ = doc.position(path) if doc else (1, 1, [])
            problems.append(Problem(name, line, col, ".".join(path), str(exc)))
    for model_id in scenario.price_overrides:
        path = ("price_overrides", model_id)
        try:
            catalog.model(model_id)
        except UnknownIdError as exc:
            line, col, _ = doc.position(path) if doc else (1, 1, [])
            problems.append(Problem(name, line, col, ".".join(path), str(exc)))
    if not problems:
        try:
            resolve(scenario, catalog)
        except NoFineTuningOfferedError as exc:
            path = ("fine_tuning", "training", "model")
            line, col, _ = doc.position(path) if doc else (1, 1, [])
            problems.append(Problem(name, line, col, ".".join(path), str(exc)))
        except TrainingSetupError as exc:
            path = tuple(exc.field.split("."))
            line, col, _ = doc.position(path) if doc else (1, 1, [])
            problems.append(Problem(name, line, col, exc.field, str(exc)))
    return problems


def parse_scenario(raw: bytes | str, name: str, catalog: Catalog | None = None) -> Scenario:
    """Validate a scenario's text (and its catalog references when a catalog is given)."""
    try:
        doc = parse_yaml(raw, name, SCENARIO_LIMITS)
    except InputFileError as exc:
        raise ScenarioFileError(exc.problems) from None
    scenario = _validate(Scenario, doc, ScenarioFileError)
    if catalog is not None:
        problems = reference_problems(scenario, catalog, doc)
        if problems:
            raise ScenarioFileError(problems)
    return scenario


def load_scenario(path: Path, catalog: Catalog | None = None) -> Scenario:
    name = display_name(path)
    try:
        raw = read_bytes(path, name, SCENARIO_LIMITS.max_bytes)
    except InputFileError as exc:
        raise ScenarioFileError(exc.problems) from None
    return parse_scenario(raw, name, catalog)


def scenario_files(folder: Path = SCENARIOS_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`parse_scenario` reads back to an equal scenario.

    >>> s = load_scenario(DEFAULT_SCENARIO)
    >>> parse_scenario(dump_scenario(s), "round-trip") == s
    True
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    out = io.StringIO()
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    y.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    y.dump(data, out)
    return out.getvalue()
