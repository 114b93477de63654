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
    :func:`pricing_table` (from :mod:`tcocalc.inputs.price_table`) lists every entry with its
    price, source and ``as_of``, flagged *stale* when older than :func:`stale_after_days`
    (``TCOCALC_STALE_DAYS``, default 90) and *ended* past its end-of-availability date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tcocalc.inputs.loader import (
    MAX_FILE_BYTES,
    PRICING_DIR,
    Document,
    InputFileError,
    PricingFileError,
    Problem,
    outside_its_folder,
    parse_yaml,
    plain,
    pricing_files,
    read_bytes,
    validation_problems,
)
from tcocalc.inputs.price_table import DEFAULT_STALE_DAYS, SECTIONS
from tcocalc.inputs.price_table import KIND_LABELS as KIND_LABELS
from tcocalc.inputs.price_table import TABLE_COLUMNS as TABLE_COLUMNS
from tcocalc.inputs.price_table import horizon_end as horizon_end
from tcocalc.inputs.price_table import pricing_table as pricing_table
from tcocalc.inputs.price_table import scenario_ids as scenario_ids
from tcocalc.pricing.catalog import (
    Catalog,
    PricingFile,
    UnknownIdError,
)
from tcocalc.pricing.snapshot import snapshot_model

if TYPE_CHECKING:
    pass

PRICING_DIR_ENV = "TCOCALC_PRICING_DIR"
LAYERED_ENV = "TCOCALC_PRICING_LAYERED"
STALE_DAYS_ENV = "TCOCALC_STALE_DAYS"
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
            if outside_its_folder(path):  # refused by the loader: never read it
                h.update(f"outside\0{os.readlink(path)}".encode())
            elif st.st_size > MAX_FILE_BYTES:
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
            raw = texts[path] if path in texts else read_bytes(path, name, confined=True)
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
                _refuse_vanished(state, layered)
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


def _refuse_vanished(state: CatalogState | None, layered: LayeredCatalog) -> None:
    """A file of the last good catalog that is gone is a problem, not a smaller catalog: a
    deleted or half-renamed file would otherwise take its prices (and every scenario using them)
    away from every session at once. Restoring the file, or restarting the server, ends it."""
    if state is None or state.layered is None:
        return
    gone = [f for f in state.layered.catalog.files if f not in layered.catalog.files]
    if gone:
        raise PricingFileError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    "the file is gone (deleted or renamed); the page keeps its prices until it "
                    "is back, or until tcocalc restarts without it",
                )
                for name in gone
            ]
        )
