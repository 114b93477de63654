"""A pricing folder's history, when the folder is a git repository: each save a commit.

:func:`tcocalc.inputs.editor.save` calls :func:`record` after it wrote a file, so every save made
through the editor (the page, a script, a restore) becomes one commit of that file alone, with
the person who saved it as the author, the time, and a message. :func:`file_history` lists a
file's commits, :func:`revision_text` gives a file's text at one of them; restoring a version is an
ordinary save of that text (validated, locked, conflict-checked, backed up, committed).

git runs as a subprocess with fixed arguments (no shell; ids and names are checked first) and a
timeout. Commits are serialised across processes by a lock in the folder's ``.backups/``.
Nothing here is needed when the folder is not a git work tree: :func:`enabled` is then False.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

GIT_TIMEOUT_S = 10.0
COMMITTER = ("tcocalc", "tcocalc@localhost")
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_AUTHOR = re.compile(r"[^\x00-\x1f<>\x7f]{1,80}")


class HistoryError(Exception):
    """git could not do what was asked; the message says why in words."""


@dataclass(frozen=True)
class Revision:
    """One commit of one file."""

    commit: str
    author: str
    when: dt.datetime
    message: str

    @property
    def label(self) -> str:
        """``3f2a9c1 · 2026-12-01 14:03 · Ana · Raise GPT-4.1 mini input price``"""
        return f"{self.commit[:7]} · {self.when:%Y-%m-%d %H:%M} · {self.author} · {self.message}"


def _git(folder: Path, *args: str, check: bool = True) -> str:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    try:
        out = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env=env,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise HistoryError(f"git did not run: {exc}") from None
    if check and out.returncode != 0:
        detail = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git {args[0]} failed: {detail[-1] if detail else out.returncode}")
    return out.stdout.decode("utf-8", "replace")


def enabled(folder: Path) -> bool:
    """Whether ``folder`` is the top of a git work tree: a team's prices repository (so saves are
    committed). The shipped ``pricing/`` inside a clone of tcocalc is not: editing prices on a
    laptop must not commit to the branch checked out."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel", check=False).strip()
    except HistoryError:
        return False
    return bool(top) and Path(top).resolve() == folder.resolve()


def author_of(name: str | None) -> tuple[str, str]:
    """A git author ``(name, email)`` from what the proxy or the person said (else the page).

    >>> author_of("ana@example.com"), author_of(None)
    (('ana@example.com', 'ana@example.com'), ('tcocalc page', 'tcocalc@localhost'))
    """
    if not name or not _AUTHOR.fullmatch(name.strip()):
        return ("tcocalc page", COMMITTER[1])
    clean = name.strip()
    return (clean, clean if "@" in clean else COMMITTER[1])


def record(path: Path, author: str | None, message: str) -> str | None:
    """Commit ``path`` (just saved) alone; returns the commit id, None when not in git."""
    folder = path.parent
    if not enabled(folder):
        return None
    who, email = author_of(author)
    text = " ".join(message.split())[:200] or f"Update {path.name}"
    lock = FileLock(folder / ".backups" / ".git.lock", timeout=GIT_TIMEOUT_S)
    try:
        with lock:
            _git(folder, "add", "--", path.name)
            staged = _git(folder, "diff", "--cached", "--name-only", "--", path.name).strip()
            if not staged:
                return None  # the same text as committed already
            _git(
                folder,
                "commit",
                "--no-verify",
                "--quiet",
                f"--author={who} <{email}>",
                "-m",
                text,
                "--",
                path.name,
            )
            return _git(folder, "rev-parse", "HEAD").strip()
    except Timeout:
        raise HistoryError("another save is being committed; try again") from None


def file_history(folder: Path, name: str, limit: int = 30) -> list[Revision]:
    """The commits that changed ``name`` in ``folder``, newest first (empty when not in git)."""
    if not enabled(folder):
        return []
    out = _git(
        folder, "log", f"-{int(limit)}", "--format=%H%x1f%an%x1f%aI%x1f%s", "--", name, check=False
    )
    revisions = []
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4 and _COMMIT.fullmatch(parts[0]):
            when = dt.datetime.fromisoformat(parts[2])
            revisions.append(Revision(parts[0], parts[1], when, parts[3]))
    return revisions


def revision_text(folder: Path, name: str, commit: str) -> str:
    """The text of ``name`` at ``commit`` (a full or abbreviated id from :func:`file_history`)."""
    if not _COMMIT.fullmatch(commit):
        raise HistoryError(f"{commit!r} is not a commit id")
    return _git(folder, "show", f"{commit}:./{name}")
