"""The pricing folders on disk: which files make the catalog, its fingerprint, the last good one.

Folders, and which one wins
    The *shipped* folder is ``pricing/`` of the project (:data:`tcocalc.inputs.loader.PRICING_DIR`). A
    company keeps its own prices in another folder named by the environment variable
    ``TCOCALC_PRICING_DIR``; the app and the CLI then read both, layered:

    1. a company file with the same file name as a shipped file **replaces** that shipped file
       (the shipped file is not read at all);
    2. every other file of both folders is read, and an id that the company folder and the shipped
       folder both define takes the **company** entry (per id, per section); the override is
       listed in :attr:`LayeredCatalog.overrides`, never reported as an error;
    3. within one folder an id defined twice is still an error, as in :func:`load_catalog`.

    ``TCOCALC_PRICING_LAYERED=0`` reads the company folder alone. Edits made in the page go to the
    company folder when one is set, else to the shipped folder.

Live reload and the last good catalog
    :func:`fingerprint` hashes the content of every pricing file, so a cache keyed on it reloads
    after any edit, by hand or in the page, without a restart. :class:`PricingStore` keeps the
    catalog of the last fingerprint that loaded cleanly: a broken edit leaves that catalog in use
    and reports the problems next to it.

Flags
    :func:`pricing_table` lists every entry with its price, source and ``as_of``, flagged *stale*
    when older than :func:`stale_after_days` (``TCOCALC_STALE_DAYS``, default 90) and *ended* past
    its end-of-availability date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tcocalc.inputs.loader import (
    MAX_FILE_BYTES,
    PRICING_DIR,
    REFERENCE_FIELDS,
    Document,
    InputFileError,
    PricingFileError,
    Problem,
    parse_yaml,
    plain,
    pricing_files,
    read_bytes,
    validation_problems,
)
from tcocalc.pricing.catalog import (
    Catalog,
    GpuOffer,
    LabelingMethod,
    LlmModel,
    PricingFile,
    UnknownIdError,
)
from tcocalc.pricing.snapshot import snapshot_model

if TYPE_CHECKING:
    import pandas as pd

    from tcocalc.model.scenario import Scenario

PRICING_DIR_ENV = "TCOCALC_PRICING_DIR"
LAYERED_ENV = "TCOCALC_PRICING_LAYERED"
STALE_DAYS_ENV = "TCOCALC_STALE_DAYS"
DEFAULT_STALE_DAYS = 90
SECTIONS = ("models", "gpu_offers", "labeling_methods")
KIND_LABELS = {"models": "model", "gpu_offers": "GPU", "labeling_methods": "labeling"}
_FALSE = {"0", "false", "no", "off"}


# --- Folders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PricingFolders:
    """The folders prices are read from: ``shipped`` under ``company`` (either may be absent)."""

    shipped: Path | None = PRICING_DIR
    company: Path | None = None

    @property
    def editable(self) -> Path:
        """Where the page saves edits: the company folder when there is one."""
        folder = self.company or self.shipped
        assert folder is not None, "PricingFolders needs at least one folder"
        return folder

    @property
    def layers(self) -> tuple[Path, ...]:
        """The folders, lowest priority first."""
        return tuple(f for f in (self.shipped, self.company) if f is not None)

    def files(self) -> list[Path]:
        """The files that make the catalog: shipped files a company file does not replace, then
        the company files (each folder's ``*.yaml`` in name order)."""
        company = pricing_files(self.company) if self.company and self.company.is_dir() else []
        replaced = {p.name for p in company}
        shipped = (
            [p for p in pricing_files(self.shipped) if p.name not in replaced]
            if self.shipped and self.shipped.is_dir()
            else []
        )
        return shipped + company

    def replaced(self) -> list[str]:
        """Shipped file names that a company file of the same name replaces."""
        if not (self.company and self.shipped and self.company.is_dir() and self.shipped.is_dir()):
            return []
        shipped = {p.name for p in pricing_files(self.shipped)}
        return [p.name for p in pricing_files(self.company) if p.name in shipped]

    def describe(self) -> str:
        """One line for people: which folders, which wins.

        >>> PricingFolders(Path("pricing"), Path("/srv/prices")).describe()
        '/srv/prices over pricing (company entries win per id; same file name replaces the file)'
        """
        if self.company and self.shipped:
            return (
                f"{self.company} over {self.shipped} "
                "(company entries win per id; same file name replaces the file)"
            )
        return str(self.editable)


def configured_folders(environ: Mapping[str, str] | None = None) -> PricingFolders:
    """The folders the app and the CLI use, from ``TCOCALC_PRICING_DIR`` and
    ``TCOCALC_PRICING_LAYERED`` (read at each call, so a test or a server restart can change them).

    >>> configured_folders({}).company is None
    True
    >>> env = {"TCOCALC_PRICING_DIR": "/srv/prices", "TCOCALC_PRICING_LAYERED": "0"}
    >>> f = configured_folders(env)
    >>> f.shipped, f.company
    (None, PosixPath('/srv/prices'))
    """
    env = os.environ if environ is None else environ
    company = env.get(PRICING_DIR_ENV, "").strip()
    if not company:
        return PricingFolders(PRICING_DIR, None)
    layered = env.get(LAYERED_ENV, "1").strip().lower() not in _FALSE
    return PricingFolders(PRICING_DIR if layered else None, Path(company).expanduser())


def stale_after_days(environ: Mapping[str, str] | None = None) -> int:
    """Age in days past which a price is flagged stale (``TCOCALC_STALE_DAYS``, default 90).

    >>> stale_after_days({}), stale_after_days({"TCOCALC_STALE_DAYS": "30"})
    (90, 30)
    """
    env = os.environ if environ is None else environ
    try:
        days = int(env.get(STALE_DAYS_ENV, DEFAULT_STALE_DAYS))
    except ValueError:
        return DEFAULT_STALE_DAYS
    return days if days > 0 else DEFAULT_STALE_DAYS


def fingerprint(folders: PricingFolders) -> str:
    """A hash of the names and content of every file that makes the catalog (hex, 16 chars).

    Cheap enough for every page interaction (the files are a few kB); an oversized file is hashed
    by its size and modification time instead of being read.
    """
    h = hashlib.sha256()
    for folder in folders.layers:
        h.update(f"folder\0{folder}\0".encode())
    for path in folders.files():
        h.update(f"file\0{path}\0".encode())
        try:
            st = path.stat()
            if st.st_size > MAX_FILE_BYTES:
                h.update(f"big\0{st.st_size}\0{st.st_mtime_ns}".encode())
            else:
                h.update(path.read_bytes())
        except OSError as exc:
            h.update(f"unreadable\0{exc.errno}".encode())
    return h.hexdigest()[:16]


def shown_name(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when inside it, else the
    absolute path (never ``../../``).

    >>> shown_name(Path.cwd() / "pricing" / "a.yaml"), shown_name(Path("/srv/prices/a.yaml"))
    ('pricing/a.yaml', '/srv/prices/a.yaml')
    """
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


# --- Loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """A company entry that replaces a shipped entry with the same id."""

    section: str
    entry_id: str
    company_file: str
    shipped_file: str


@dataclass(frozen=True)
class LayeredCatalog:
    """A catalog and where each of its entries came from."""

    catalog: Catalog
    origins: dict[tuple[str, str], str]
    """``(section, id)`` -> display name of the file that defines the entry in use."""
    overrides: tuple[Override, ...] = ()
    replaced_files: tuple[str, ...] = ()


def load_layered(
    folders: PricingFolders,
    *,
    texts: Mapping[Path, str | bytes] | None = None,
    use_snapshot: bool = True,
) -> LayeredCatalog:
    """Load the catalog of ``folders`` under the layering rule (see the module docstring).

    ``texts`` replaces the content of some files (or adds files) without touching the disk: the
    editor validates a file in the context of the others this way.

    Raises :class:`PricingFileError` listing every problem: invalid files, an id defined twice in
    one folder, a ``successor`` that names no model.
    """
    texts = {Path(k): v for k, v in (texts or {}).items()}
    paths = folders.files()
    for extra in texts:
        if extra not in paths:
            paths.append(extra)
    problems: list[Problem] = []
    loaded: list[tuple[Path, str, Document, PricingFile]] = []
    for path in paths:
        name = shown_name(path)
        try:
            raw = texts[path] if path in texts else read_bytes(path, name)
            doc = parse_yaml(raw, name)
        except InputFileError as exc:
            problems.extend(exc.problems)
            continue
        try:
            pf = PricingFile.model_validate(plain(doc.data))
        except ValidationError as exc:
            problems.extend(validation_problems(doc, exc))
            continue
        loaded.append((path, name, doc, pf))

    company = folders.company.resolve() if folders.company else None
    entries: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    origins: dict[tuple[str, str], str] = {}
    origin_layer: dict[tuple[str, str], bool] = {}  # True: company
    overrides: list[Override] = []
    docs = {name: doc for _, name, doc, _ in loaded}
    for path, name, doc, pf in loaded:
        in_company = company is not None and path.resolve().parent == company
        for section in SECTIONS:
            for key, entry in getattr(pf, section).items():
                where = (section, key)
                if where in origins:
                    if in_company and not origin_layer[where]:
                        overrides.append(Override(section, key, name, origins[where]))
                    else:
                        line, col, _ = doc.position((section, key))
                        problems.append(
                            Problem(
                                name,
                                line,
                                col,
                                f"{section}.{key}",
                                f"duplicate id, already in {origins[where]}",
                            )
                        )
                        continue
                entries[section][key] = entry
                origins[where] = name
                origin_layer[where] = in_company
    catalog = Catalog(
        models=entries["models"],
        gpu_offers=entries["gpu_offers"],
        labeling_methods=entries["labeling_methods"],
        files=tuple(name for _, name, _, _ in loaded),
        fallback=snapshot_model if use_snapshot else None,
    )
    for key, model in catalog.models.items():
        if model.successor is None:
            continue
        try:
            catalog.model(model.successor)
        except UnknownIdError as exc:
            name = origins[("models", key)]
            line, col, _ = docs[name].position(("models", key, "successor"))
            problems.append(Problem(name, line, col, f"models.{key}.successor", str(exc)))
    if problems:
        raise PricingFileError(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    return LayeredCatalog(catalog, origins, tuple(overrides), tuple(folders.replaced()))


def load_configured_catalog() -> Catalog:
    """The catalog of :func:`configured_folders` (for the CLI); raises :class:`PricingFileError`."""
    return load_layered(configured_folders()).catalog


# --- The last good catalog ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogState:
    """What the page shows: the catalog in use, and the problems of the files on disk, if any.

    ``layered`` is None only when no version of the files has loaded since the process started.
    When ``problems`` is not empty, ``layered`` is the last good catalog (of ``good_fingerprint``),
    not the files on disk (of ``fingerprint``).
    """

    folders: PricingFolders
    fingerprint: str
    layered: LayeredCatalog | None
    good_fingerprint: str | None
    problems: tuple[Problem, ...] = ()
    good_loaded_at: dt.datetime | None = None

    @property
    def catalog(self) -> Catalog | None:
        return self.layered.catalog if self.layered else None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def using_last_good(self) -> bool:
        """The files on disk are broken and an earlier good catalog is in use."""
        return bool(self.problems) and self.layered is not None


@dataclass
class PricingStore:
    """Holds the last good catalog of some folders; one per process (thread-safe).

    :meth:`current` re-reads the files only when their fingerprint changed.
    """

    folders: PricingFolders = field(default_factory=configured_folders)
    _state: CatalogState | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def current(self) -> CatalogState:
        fp = fingerprint(self.folders)
        with self._lock:
            state = self._state
            if state is not None and state.fingerprint == fp:
                return state
            try:
                layered = load_layered(self.folders)
            except PricingFileError as exc:
                state = CatalogState(
                    folders=self.folders,
                    fingerprint=fp,
                    layered=state.layered if state else None,
                    good_fingerprint=state.good_fingerprint if state else None,
                    problems=tuple(exc.problems),
                    good_loaded_at=state.good_loaded_at if state else None,
                )
            else:
                state = CatalogState(
                    folders=self.folders,
                    fingerprint=fp,
                    layered=layered,
                    good_fingerprint=fp,
                    good_loaded_at=dt.datetime.now(),
                )
            self._state = state
            return state


# --- The pricing table -----------------------------------------------------------------------


def horizon_end(start: dt.date, horizon_months: int) -> dt.date:
    """The last day of month ``horizon_months`` when month 1 starts on ``start``, by the engine's
    month convention (:func:`tcocalc.model.params.month_of_date`).

    >>> horizon_end(dt.date(2027, 1, 1), 24), horizon_end(dt.date(2027, 1, 15), 1)
    (datetime.date(2028, 12, 31), datetime.date(2027, 2, 14))
    """
    from tcocalc.model.params import month_of_date

    years, month0 = divmod(start.month - 1 + horizon_months, 12)
    year, month = start.year + years, month0 + 1
    day = dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    while month_of_date(start, day) > horizon_months:  # start days past the 28th
        day -= dt.timedelta(days=1)
    while month_of_date(start, day + dt.timedelta(days=1)) <= horizon_months:
        day += dt.timedelta(days=1)
    return day


def scenario_ids(scenario: Scenario) -> set[str]:
    """Every catalog id a scenario names (models, GPU offers, labeling methods)."""
    ids: set[str] = set()
    for path in REFERENCE_FIELDS:
        node: Any = scenario
        for part in path:
            node = getattr(node, part, None)
        if isinstance(node, str):
            ids.add(node)
    return ids


TABLE_COLUMNS = (
    "kind",
    "id",
    "used",
    "provider",
    "name",
    "price",
    "usd",
    "unit",
    "source",
    "as_of",
    "age_days",
    "stale",
    "available_until",
    "training_available_until",
    "ended",
    "ends_in_horizon",
    "flags",
    "file",
)


def _usd(x: float) -> str:
    """Money as people write it: 2 decimals, more when the price has fractions of a cent.

    >>> _usd(0.4), _usd(3.6), _usd(0.0015), _usd(1200), _usd(0.075)
    ('$0.40', '$3.60', '$0.0015', '$1,200.00', '$0.075')
    """
    if abs(x - round(x, 2)) > 1e-9:
        return f"${x:,.6f}".rstrip("0")
    return f"${x:,.2f}"


def _model_row(m: LlmModel) -> tuple[str, float, str]:
    price = (
        f"{_usd(m.usd_per_1m_input_tokens)} in / {_usd(m.usd_per_1m_output_tokens)} out "
        "per 1M tokens"
    )
    if m.usd_per_1m_cached_input_tokens is not None:
        price += f", cached {_usd(m.usd_per_1m_cached_input_tokens)}"
    if m.usd_per_1m_batch_input_tokens is not None and m.usd_per_1m_batch_output_tokens is not None:
        price += f", batch {_usd(m.usd_per_1m_batch_input_tokens)} / {_usd(m.usd_per_1m_batch_output_tokens)}"
    if m.tiers:
        price += f", dearer above {m.tiers[0].start_tokens:,} prompt tokens"
    if m.periods:
        price += f", new prices from {', '.join(str(d) for d in m.price_change_dates())}"
    if m.fine_tuning:
        ft = m.fine_tuning
        price += (
            f"; fine-tuning {_usd(ft.usd_per_1m_training_tokens)} per 1M training tokens, "
            f"tuned {_usd(ft.usd_per_1m_input_tokens)} in / {_usd(ft.usd_per_1m_output_tokens)} out"
        )
        if ft.usd_per_hosting_hour:
            price += f", hosting {_usd(ft.usd_per_hosting_hour)}/h"
    return price, m.usd_per_1m_input_tokens, "USD per 1M input tokens"


def _gpu_row(g: GpuOffer) -> tuple[str, float, str]:
    return (
        f"{_usd(g.usd_per_gpu_hour)} per GPU-hour ({g.gpu}, {g.gpu_memory_gb:g} GB)",
        g.usd_per_gpu_hour,
        "USD per GPU-hour",
    )


def _labeling_row(lm: LabelingMethod) -> tuple[str, float, str]:
    usd = lm.usd_per_labeled_example
    how = []
    if lm.seconds_per_label is not None:
        how.append(f"{lm.seconds_per_label:g} s at {_usd(lm.usd_per_hour or 0)}/h")
    elif lm.qa_overhead_pct:
        how.append(f"{_usd(lm.usd_per_example or 0)} per example")
    if lm.qa_overhead_pct:
        how.append(f"{lm.qa_overhead_pct:g} % QA")
    detail = f" ({' + '.join(how)})" if how else ""
    return f"{_usd(usd)} per labeled example{detail}", usd, "USD per labeled example"


def pricing_table(
    catalog: Catalog,
    *,
    today: dt.date,
    stale_after: int = DEFAULT_STALE_DAYS,
    horizon_end: dt.date | None = None,
    origins: Mapping[tuple[str, str], str] | None = None,
    used_ids: Collection[str] = (),
    only_flagged: bool = False,
) -> pd.DataFrame:
    """Every YAML entry of the catalog, one row each, with its staleness and end-of-availability.

    ``stale``: ``as_of`` is more than ``stale_after`` days before ``today``. ``ended``: the model
    is no longer served, or its fine-tuning no longer takes new jobs, on ``today``.
    ``ends_in_horizon``: such an end falls on or before ``horizon_end`` (a scenario's last day).
    ``used``: the id is one of ``used_ids`` (those a scenario names, see :func:`scenario_ids`).
    ``only_flagged`` keeps the rows that are stale, ended or ending within the horizon.
    Columns: :data:`TABLE_COLUMNS`.

    >>> from tcocalc.inputs.loader import load_catalog
    >>> from tcocalc.inputs.loader import PROJECT_ROOT
    >>> cat = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
    >>> t = pricing_table(cat, today=dt.date(2027, 7, 1))
    >>> t.loc[t.id == "ending-model", ["stale", "ended", "flags"]].values.tolist()
    [[True, True, 'stale (242 days old); fine-tuning ended 2027-06-15']]
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    origins = origins or {}
    for section in SECTIONS:
        entries: Mapping[str, LlmModel | GpuOffer | LabelingMethod] = getattr(catalog, section)
        for key, entry in entries.items():
            if isinstance(entry, LlmModel):
                price, usd, unit = _model_row(entry)
                provider, name = entry.provider, entry.name
                until = entry.available_until
                ft_until = entry.fine_tuning.training_available_until if entry.fine_tuning else None
            elif isinstance(entry, GpuOffer):
                price, usd, unit = _gpu_row(entry)
                provider, name, until, ft_until = entry.provider, entry.gpu, None, None
            else:
                price, usd, unit = _labeling_row(entry)
                provider, name, until, ft_until = "", entry.name, None, None
            age = (today - entry.as_of).days
            stale = age > stale_after
            ends = [d for d in (until, ft_until) if d is not None]
            ended = any(d < today for d in ends)
            in_horizon = horizon_end is not None and any(d <= horizon_end for d in ends)
            if only_flagged and not (stale or ended or in_horizon):
                continue
            flags: list[str] = []
            if stale:
                flags.append(f"stale ({age} days old)")
            for day, what in ((until, "served"), (ft_until, "fine-tuning")):
                if day is None:
                    continue
                if what == "served":
                    flags.append(f"{'ended' if day < today else 'ends'} {day}")
                else:
                    flags.append(f"fine-tuning {'ended' if day < today else 'ends'} {day}")
            rows.append(
                {
                    "kind": KIND_LABELS[section],
                    "id": key,
                    "used": key in used_ids,
                    "provider": provider,
                    "name": name,
                    "price": price,
                    "usd": usd,
                    "unit": unit,
                    "source": str(entry.source),
                    "as_of": entry.as_of,
                    "age_days": age,
                    "stale": stale,
                    "available_until": until,
                    "training_available_until": ft_until,
                    "ended": ended,
                    "ends_in_horizon": in_horizon,
                    "flags": "; ".join(flags),
                    "file": origins.get((section, key), ""),
                }
            )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
