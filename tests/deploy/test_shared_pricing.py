"""One pricing folder, several app processes: concurrent saves from separate processes lose
nothing and never leave a broken file (the editor's lock is a file lock, held across processes)."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

from tcocalc.inputs import editor as ed
from tcocalc.inputs.loader import parse_pricing
from tcocalc.inputs.store import PricingFolders
from tests.conftest import FIXTURE_PRICING

WORKERS, SAVES = 3, 4
FIELD = ("gpu_offers", "h100", "gpu_memory_gb")


def _worker(folder: str, saves: int) -> int:
    """Add 1 to the GPU memory ``saves`` times, re-opening after every conflict."""
    folders = PricingFolders(None, Path(folder))
    done = 0
    while done < saves:
        opened = ed.open_file(Path(folder), "prices.yaml")
        value = parse_pricing(opened.text, "prices.yaml").gpu_offers["h100"].gpu_memory_gb
        try:
            ed.save(
                folders, "prices.yaml", ed.set_value(opened.text, FIELD, value + 1), opened.hash
            )
        except (ed.ConflictError, ed.EditRefusedError):
            continue  # someone saved in between: open the new version and add again
        done += 1
    return done


def test_racing_saves_from_processes_lose_no_update(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(ed.READ_ONLY_ENV, raising=False)
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(FIXTURE_PRICING / "prices.yaml", folder / "prices.yaml")
    start = parse_pricing((folder / "prices.yaml").read_text(), "p").gpu_offers["h100"]
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        done = sum(pool.starmap(_worker, [(str(folder), SAVES)] * WORKERS))
    final = parse_pricing((folder / "prices.yaml").read_text(), "p").gpu_offers["h100"]
    # every one of the 3 x 4 = 12 saves counted exactly once
    assert done == WORKERS * SAVES
    assert final.gpu_memory_gb == start.gpu_memory_gb + WORKERS * SAVES
    assert len(ed.backups(folder, "prices.yaml")) == min(ed.KEEP_BACKUPS, WORKERS * SAVES)
