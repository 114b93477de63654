"""The command line never passes escape sequences from a file to the terminal."""

from __future__ import annotations

from tcocalc.cli.main import main
from tcocalc.inputs.loader import DEFAULT_SCENARIO


def test_escape_sequences_in_a_file_name_do_not_reach_the_terminal(tmp_path, capsys):
    # A file name can carry ESC (a scenario name cannot: the model refuses it).
    hostile = tmp_path / "x\x1b]0;pwned\x07\x1b[2J.yaml"
    hostile.write_text(
        DEFAULT_SCENARIO.read_text().replace("horizon_months: 24", "horizon_months: 0")
    )
    assert main(["validate", str(hostile)]) == 1
    out = capsys.readouterr()
    assert "\x1b" not in out.err + out.out and "\x07" not in out.err + out.out
    assert "horizon_months" in out.err  # the located error itself still shows


def test_a_scenario_name_with_escapes_is_refused_plainly(tmp_path, capsys):
    text = DEFAULT_SCENARIO.read_text().replace(
        "name: Customer support classifier (article)", 'name: "Acme\\e[2J"'
    )
    (tmp_path / "s.yaml").write_text(text)
    assert main(["report", str(tmp_path / "s.yaml")]) == 1
    err = capsys.readouterr().err
    assert "name: control character U+001B at position 5 is not allowed here" in err
    assert "\x1b" not in err
