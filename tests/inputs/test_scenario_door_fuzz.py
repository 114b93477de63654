"""The scenario door as people use it: ``tcocalc report`` / ``validate`` on a file, and the page's
upload. Hostile files (the issue's cases, and Hypothesis-mangled scenarios) give exit code 1 and
located lines on stderr, or a located error on the page with the inputs unchanged; never a
traceback, and each refusal within 1 s of CPU.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tcocalc.cli.main import main
from tcocalc.inputs.loader import DEFAULT_SCENARIO, PROJECT_ROOT
from tcocalc_app import data, state
from tests.conftest import FIXTURE_PRICING, shown
from tests.inputs.test_limits_fuzz import NAMED

LINES = DEFAULT_SCENARIO.read_text().splitlines(keepends=True)
PRICING = ["--pricing", str(FIXTURE_PRICING)]


@pytest.mark.parametrize("case", sorted(NAMED))
def test_the_cli_refuses_hostile_files_with_located_lines(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, column, message = NAMED[case]
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    start = time.process_time()
    code = main(["report", str(path), *PRICING])
    assert time.process_time() - start <= 1.0
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.err + out.out
    assert f"hostile.yaml:{line}:{column}: " in out.err and message in out.err


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    at=st.integers(0, len(LINES) - 1),
    junk=st.sampled_from(
        ["[" * 40, "{a: " * 30, "  " * 40 + "x:", "&a [1]\nb: *a", "!!str ", "\t"]
    ),
    repeat=st.integers(1, 3_000),
)
def test_any_mangled_scenario_exits_0_or_1_with_located_errors(
    at: int, junk: str, repeat: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    lines = [*LINES]
    lines.insert(at, junk * repeat + "\n")
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text("".join(lines))
    start = time.process_time()
    # validate prints to stdout/stderr; pytest's capture keeps the run quiet
    code = main(["validate", str(path), *PRICING])
    assert time.process_time() - start <= 1.0
    assert code in (0, 1)


def test_an_upload_nested_1500_deep_is_refused_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(data.PRICING_ENV, str(FIXTURE_PRICING))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    before = dict(at.session_state[state.VALUES])
    bomb = ("a: " + "[" * 1_500 + "]" * 1_500 + "\n").encode()  # the 3 KB upload
    at.file_uploader(key=state.UPLOAD).set_value(("bomb.yaml", bomb, "application/x-yaml"))
    at.run()
    assert not at.exception
    (heading,) = [shown(e.value) for e in at.error]
    assert "your inputs are unchanged" in heading
    (error,) = [c.value for c in at.sidebar.code]  # the located problem, inert, under the heading
    assert "bomb.yaml:1:19: nested more than 16 levels deep" in error
    assert dict(at.session_state[state.VALUES]) == before
