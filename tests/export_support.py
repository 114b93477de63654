"""Helpers for the export tests: scenarios, and tools that must exist on CI but may be absent here."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tcocalc.model.projection import Result, project
from tcocalc.model.scenario import Scenario
from tcocalc.pricing.catalog import Catalog
from tests.conftest import updated

ON_CI = os.environ.get("CI") == "true"


def require(found: str | None, what: str, install: str) -> str:
    """``found``, or skip (locally) / fail (on CI) saying how to install ``what``."""
    if found:
        return found
    message = f"{what} is not installed; install it with `{install}`"
    if ON_CI:
        pytest.fail(message + " (CI must run this test)")
    pytest.skip(message)


def soffice() -> str:
    return require(
        shutil.which("soffice") or shutil.which("libreoffice"),
        "LibreOffice",
        "apt-get install libreoffice-impress",
    )


def poppler(tool: str) -> str:
    return require(shutil.which(tool), tool, "apt-get install poppler-utils")


def chromium() -> str:
    from tcocalc.export.images import find_chromium

    return require(find_chromium(), "Chromium", "apt-get install chromium")


def breaking_even(article: Scenario, catalog: Catalog, horizon: int = 60) -> Result:
    """The article at 3M calls/month over ``horizon`` months: fine-tuning pays back in month 14,
    hybrid in month 24 (prompting $1,700/month of inference vs $600)."""
    scenario = updated(article, {"horizon_months": horizon, "workload.monthly_calls": 3_000_000})
    return project(scenario, catalog)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def to_pdf(pptx: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless, in a private profile (parallel runs do not collide)."""
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(pptx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out_dir / (pptx.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF for {pptx}"
    return pdf


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(
        [poppler("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo printed no page count:\n{out}")
