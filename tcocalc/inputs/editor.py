"""Editing pricing files safely: validate, save, revert, refuse.

Every write goes through :func:`save`, which the page and any other caller share, so the rules
hold even when the UI is bypassed:

- ``TCOCALC_READ_ONLY`` set to anything but an explicit off value (``0``, ``false``, ``no``,
  ``off`` or empty) refuses every write (:class:`ReadOnlyError`), checked at each call: a typo
  such as ``y`` or ``enabled`` fails closed;
- only a plain ``name.yaml`` directly inside the editable folder is accepted; ``../x.yaml``,
  absolute paths, hidden files and symlinks that point outside the folder are refused
  (:class:`UnsafeFileNameError`);
- the text must validate on its own and together with the other files (duplicate ids, unknown
  ``successor``); otherwise :class:`~tcocalc.inputs.loader.PricingFileError` lists the problems;
- the save carries the hash of the text the editor opened (:func:`text_hash`); if the file changed
  since, it is refused with "changed since you opened it" and a unified diff
  (:class:`ConflictError`);
- a file lock (``filelock``) serialises saves of one file across threads and processes;
- the previous version is copied to ``<folder>/.backups/`` (the newest :data:`KEEP_BACKUPS` kept;
  the folder carries its own ``.gitignore``), then the new text is written to a temporary file in
  the same folder, flushed with ``fsync`` and renamed over the old one (``os.replace``), so a
  crash leaves either the old or the new file, never half of one.

:func:`set_value` (from :mod:`tcocalc.inputs.cells`) changes one value of a file's text and keeps
everything else byte for byte: comments, key order, quoting and layout (ruamel.yaml round trip).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import os
import re
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from tcocalc.inputs import history
from tcocalc.inputs.cells import apply_price_edits as apply_price_edits
from tcocalc.inputs.cells import price_fields as price_fields
from tcocalc.inputs.cells import set_value as set_value
from tcocalc.inputs.loader import (
    MAX_FILE_BYTES,
    PricingFileError,
    Problem,
)
from tcocalc.inputs.store import PricingFolders, load_layered, shown_name

READ_ONLY_ENV = "TCOCALC_READ_ONLY"
BACKUP_DIR = ".backups"
KEEP_BACKUPS = 20
LOCK_TIMEOUT_S = 10.0
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}\.yaml")
"""A plain name: letters, digits, ``_`` and ``-``, then ``.yaml``; no dots, slashes, dot-files.
Always matched whole (``fullmatch``: ``$`` would let ``a.yaml\n`` through)."""
OFF_VALUES = frozenset({"0", "false", "no", "off", ""})
NEW_FILE = "new-file"
"""The :func:`text_hash` of a file that does not exist (a save that creates it carries this)."""

NEW_FILE_TEMPLATE = """\
# Prices for tcocalc. Every entry needs `source:` (a URL) and `as_of:` (the day you read the price).
# See `tcocalc schema --pricing-file` for every field.
schema_version: 1
currency: USD
models: {}
"""


class EditRefusedError(Exception):
    """A write that the rules refuse; the message says why, in words for the person editing."""


class ReadOnlyError(EditRefusedError):
    pass


class UnsafeFileNameError(EditRefusedError):
    pass


class NoShippedVersionError(EditRefusedError):
    pass


class ConflictError(EditRefusedError):
    """The file changed since the editor opened it; ``diff`` is disk -> the editor's text."""

    def __init__(self, name: str, diff: str, current_hash: str) -> None:
        self.diff = diff
        self.current_hash = current_hash
        super().__init__(
            f"{name} changed since you opened it (saved by someone else, or edited on disk); "
            "nothing was written. Compare the versions below, then reload the file and "
            "re-apply your change."
        )


def is_read_only(environ: Mapping[str, str] | None = None) -> bool:
    """``TCOCALC_READ_ONLY`` set to anything but an explicit off value (fails closed).

    >>> is_read_only({}), is_read_only({READ_ONLY_ENV: "1"}), is_read_only({READ_ONLY_ENV: "0"})
    (False, True, False)
    >>> [is_read_only({READ_ONLY_ENV: v}) for v in ("y", "2", "enabled", " Off ", "")]
    [True, True, True, False, False]
    """
    env = os.environ if environ is None else environ
    return env.get(READ_ONLY_ENV, "").strip().lower() not in OFF_VALUES


def _refuse_if_read_only() -> None:
    if is_read_only():
        raise ReadOnlyError(
            "this tcocalc is read-only (TCOCALC_READ_ONLY is set): pricing files cannot be changed "
            "here; edit them in git or ask whoever runs this server"
        )


def text_hash(content: str | bytes | None) -> str:
    """SHA-256 of the file's bytes (text is UTF-8 encoded); :data:`NEW_FILE` for no file.

    >>> text_hash(None), text_hash("a: 1\\n")[:12]
    ('new-file', '37b128c59f1f')
    """
    if content is None:
        return NEW_FILE
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(raw).hexdigest()


def safe_path(folder: Path, name: str) -> Path:
    """``folder / name`` if ``name`` is a plain ``name.yaml`` that stays inside ``folder``.

    Returns the path to write (a symlink inside the folder is followed to its target, which must
    also be inside the folder).

    >>> safe_path(Path("/srv/prices"), "llm_apis.yaml")
    PosixPath('/srv/prices/llm_apis.yaml')
    >>> safe_path(Path("/srv/prices"), "../../etc/passwd")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafeFileNameError: '../../etc/passwd' is not a plain file name
    """
    if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
        raise UnsafeFileNameError(
            f"{name!r} is not a plain file name like 'my_prices.yaml' (letters, digits, _ and -, "
            "ending in .yaml, no folders)"
        )
    path = folder / name
    if path.is_symlink() or path.exists():
        try:
            target = path.resolve(strict=False)
            inside = target.is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            inside = False
        if not inside:
            raise UnsafeFileNameError(f"{name} is a link that points outside {folder}; refused")
        if target.exists() and not target.is_file():
            raise UnsafeFileNameError(f"{name} is not a regular file")
        return target
    return path


def list_files(folder: Path) -> list[str]:
    """The pricing file names of ``folder`` the editor may open (plain names only)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.yaml") if SAFE_NAME.fullmatch(p.name))


@dataclass(frozen=True)
class OpenedFile:
    """A file as the editor opened it: its text and the hash a later save must carry."""

    name: str
    text: str
    hash: str
    exists: bool


def open_file(folder: Path, name: str) -> OpenedFile:
    """Read a file for editing (a missing file opens as the :data:`NEW_FILE_TEMPLATE`).

    Raises :class:`UnsafeFileNameError`, or :class:`PricingFileError` when the file cannot be
    read as text (too big, binary).
    """
    path = safe_path(folder, name)
    raw = _read(path)
    if raw is None:
        return OpenedFile(name, NEW_FILE_TEMPLATE, NEW_FILE, False)
    if len(raw) > MAX_FILE_BYTES:
        raise PricingFileError(
            [
                Problem(
                    name, 1, 1, "", f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PricingFileError([Problem(name, 1, 1, "", "not UTF-8 text")]) from None
    return OpenedFile(name, text, text_hash(raw), True)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# --- Validation -----------------------------------------------------------------------------------


def validate_text(text: str, name: str, folders: PricingFolders) -> list[Problem]:
    """Every problem of ``text`` as the file ``name`` of the editable folder: on its own and
    with the other files (duplicate ids, unknown ``successor``). Empty when it can be saved.

    Problems of *other* files are left out: they do not block saving this one.
    """
    try:
        safe_path(folders.editable, name)
    except UnsafeFileNameError as exc:
        return [Problem(name, 1, 1, "", str(exc))]
    path = folders.editable / name
    shown = shown_name(path)
    try:
        load_layered(folders, texts={path: text})
    except PricingFileError as exc:
        with_edit = exc.problems
    else:
        return []
    own = [p for p in with_edit if p.file == shown]
    if own:
        return own
    # The file is fine on its own, but the edit may break another file (a `successor` that
    # named an id this edit removes): block only problems the files on disk do not have yet.
    try:
        load_layered(folders)
        before: set[str] = set()
    except PricingFileError as exc:
        before = set(map(str, exc.problems))
    return [p for p in with_edit if str(p) not in before]


def unified_diff(old: str, new: str, name: str, old_label: str, new_label: str) -> str:
    """A unified diff of two texts, empty when they are equal.

    >>> print(unified_diff("a: 1\\n", "a: 2\\n", "x.yaml", "on disk", "yours"), end="")
    --- x.yaml (on disk)
    +++ x.yaml (yours)
    @@ -1 +1 @@
    -a: 1
    +a: 2
    """
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"{name} ({old_label})",
            f"{name} ({new_label})",
        )
    )


# --- Saving ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    path: Path
    hash: str
    """The hash of the text now on disk: the next save carries it."""
    changed: bool
    backup: Path | None = None
    commit: str | None = None
    """The git commit of this save, when the folder is a git work tree."""
    history_note: str = ""
    """Why the save is not in the history although the folder is in git (empty otherwise)."""


_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock for saving ``path``: a lock file in the backup folder (other processes)
    plus a lock per path in this process (threads)."""
    backup_dir = _backup_dir(path.parent)
    with _THREAD_LOCKS_GUARD:
        local = _THREAD_LOCKS.setdefault(path, threading.Lock())
    if not local.acquire(timeout=LOCK_TIMEOUT_S):
        raise EditRefusedError(f"{path.name} is being saved by someone else; try again")
    try:
        try:
            with FileLock(backup_dir / f"{path.name}.lock", timeout=LOCK_TIMEOUT_S):
                yield
        except Timeout:
            raise EditRefusedError(
                f"{path.name} is being saved by someone else; try again"
            ) from None
    finally:
        local.release()


def _backup_dir(folder: Path) -> Path:
    backup_dir = folder / BACKUP_DIR
    backup_dir.mkdir(exist_ok=True)
    ignore = backup_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# tcocalc's backups of pricing files and save locks; not for git\n*\n")
    return backup_dir


def backups(folder: Path, name: str) -> list[Path]:
    """Backups of ``name`` in ``folder``, newest first."""
    stem = name.removesuffix(".yaml")
    found = (folder / BACKUP_DIR).glob(f"{stem}.*.yaml")
    return sorted((p for p in found if p.name.count(".") == 2), key=lambda p: p.name, reverse=True)


def _backup(path: Path, raw: bytes) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = _backup_dir(path.parent) / f"{path.name.removesuffix('.yaml')}.{stamp}.yaml"
    _atomic_write(target, raw, mode=stat.S_IMODE(path.stat().st_mode))  # as private as the file
    for old in backups(path.parent, path.name)[KEEP_BACKUPS:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, whole.

    The file keeps its mode (``mode`` when given, else the old file's, else the umask's)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if mode is None else mode
    except FileNotFoundError:  # a new file: as open as its folder, never executable
        mode = stat.S_IMODE(path.parent.stat().st_mode) & 0o666
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (not on every OS)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def save(
    folders: PricingFolders,
    name: str,
    text: str,
    opened_hash: str,
    *,
    author: str | None = None,
    message: str | None = None,
) -> SaveResult:
    """Validate ``text`` and write it as ``name`` in the editable folder, or refuse.

    ``opened_hash`` is :func:`text_hash` of the file as the editor opened it (:data:`NEW_FILE`
    for a file it creates). When the folder is a git work tree the save is committed (``author``,
    ``message``; see :mod:`tcocalc.inputs.history`). Raises :class:`ReadOnlyError`,
    :class:`UnsafeFileNameError`, :class:`PricingFileError` (invalid text: nothing written),
    :class:`ConflictError` or :class:`EditRefusedError` (the disk refused the write).
    """
    _refuse_if_read_only()
    folder = folders.editable
    path = safe_path(folder, name)
    if not folder.is_dir():
        raise EditRefusedError(f"the pricing folder {folder} does not exist")
    problems = validate_text(text, name, folders)
    if problems:
        raise PricingFileError(problems)
    new = text.encode("utf-8")
    try:
        with _file_lock(path):
            current = _read(path)
            if text_hash(current) != opened_hash:
                disk = "" if current is None else current.decode("utf-8", errors="replace")
                raise ConflictError(
                    name, unified_diff(disk, text, name, "on disk now", "yours"), text_hash(current)
                )
            if current == new:
                return SaveResult(path, text_hash(new), changed=False)
            backup = _backup(path, current) if current is not None else None
            _atomic_write(path, new)
            commit, note = _commit(path, author, message or f"Update {name}")
    except OSError as exc:
        raise EditRefusedError(f"could not write {name}: {exc.strerror or exc}") from None
    return SaveResult(path, text_hash(new), True, backup, commit, note)


def _commit(path: Path, author: str | None, message: str) -> tuple[str | None, str]:
    """Commit a save that is already on disk; a git failure leaves the save as it is."""
    try:
        return history.record(path, author, message), ""
    except history.HistoryError as exc:
        return None, f"saved, but not recorded in git: {exc}"


# --- History (a folder in git) --------------------------------------------------------------------


def file_history(folders: PricingFolders, name: str) -> list[history.Revision]:
    """The commits of ``name`` in the editable folder, newest first (empty outside git)."""
    safe_path(folders.editable, name)
    return history.file_history(folders.editable, name)


def version_text(folders: PricingFolders, name: str, commit: str) -> str:
    """The text of ``name`` at ``commit`` (raises :class:`history.HistoryError`)."""
    safe_path(folders.editable, name)
    return history.revision_text(folders.editable, name, commit)


def restore(
    folders: PricingFolders, name: str, commit: str, opened_hash: str, *, author: str | None = None
) -> SaveResult:
    """Make ``name`` what it was at ``commit``, through :func:`save` (every rule applies, and the
    restore is itself a commit)."""
    _refuse_if_read_only()
    try:
        text = version_text(folders, name, commit)
    except history.HistoryError as exc:
        raise EditRefusedError(str(exc)) from None
    return save(
        folders, name, text, opened_hash, author=author, message=f"Restore {name} to {commit[:7]}"
    )


# --- Shipped defaults -----------------------------------------------------------------------------


def shipped_text(folders: PricingFolders, name: str) -> str | None:
    """The shipped version of ``name``, or None when there is none.

    With a company folder, the file of the same name in the shipped folder. When the editable
    folder *is* the shipped folder, the version committed in git (``git show HEAD:<file>``),
    since the file on disk is the one being edited.
    """
    safe_path(folders.editable, name)
    if folders.company is not None:
        if folders.shipped is None:
            return None
        shipped = folders.shipped / name
        raw = _read(shipped) if shipped.is_file() else None
        return None if raw is None else raw.decode("utf-8", errors="replace")
    return _git_head_text(folders.editable / name)


def _git_head_text(path: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
            capture_output=True,
            timeout=10,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.decode("utf-8", errors="replace")


def shipped_label(folders: PricingFolders) -> str:
    """What "shipped defaults" means for these folders, in words."""
    if folders.company is not None:
        return f"the file of the same name in {folders.shipped}" if folders.shipped else "none"
    return f"the version of {folders.editable} committed in git"


def revert_to_shipped(
    folders: PricingFolders, name: str, opened_hash: str, *, author: str | None = None
) -> SaveResult:
    """Replace ``name`` with its shipped version (see :func:`shipped_text`), through :func:`save`
    (read-only mode, locking, conflict check and backup all apply)."""
    _refuse_if_read_only()
    text = shipped_text(folders, name)
    if text is None:
        raise NoShippedVersionError(f"{name} has no shipped version to revert to")
    return save(folders, name, text, opened_hash, author=author, message=f"Revert {name}")
