"""The comment at the top of each shipped pricing file is written for the product managers who
edit it: how to edit, where it is checked, and no developer commands."""

from __future__ import annotations

import pytest

from tcocalc.inputs.loader import PRICING_DIR

FILES = sorted(PRICING_DIR.glob("*.yaml"))


def header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_header_speaks_to_the_people_who_edit_the_file(path) -> None:
    top = header(path.read_text())
    assert "How to edit" in top and "Pricing tab" in top
    for developer_word in ("pytest", "make test", "pip "):
        assert developer_word not in top, f"{path.name}: the header says {developer_word!r}"


def test_every_shipped_file_is_checked() -> None:
    assert {p.name for p in FILES} >= {"gpus.yaml", "labeling.yaml", "llm_apis.yaml"}
