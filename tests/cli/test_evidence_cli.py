"""``tcocalc tokens`` and ``tcocalc import``: findings, scenario updates all or none, exit codes."""

from __future__ import annotations

import json

from tcocalc.cli.main import main
from tcocalc.evidence.tokens import count_tokens
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_scenario
from tests.conftest import FIXTURE_PRICING

PROMPT = 'Sort tickets.\n<example category="billing">charged twice</example>\nTicket: {text}\n'


def test_tokens_counts_and_writes_the_scenario(tmp_path, capsys):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text(PROMPT, encoding="utf-8")
    sample = tmp_path / "sample.txt"
    sample.write_text("My card was declined.", encoding="utf-8")
    out = tmp_path / "out.yaml"
    args = ["tokens", str(prompt), "--model", "gpt-4.1-mini", "--sample", str(sample)]
    args += ["--scenario", str(DEFAULT_SCENARIO), "--out", str(out)]
    assert main([*args, "--pricing", str(FIXTURE_PRICING)]) == 0
    text = capsys.readouterr().out
    assert "exact (o200k_base" in text and "billing" in text
    updated = load_scenario(out)
    prefix, _, suffix = PROMPT.partition("{text}")
    expected = count_tokens(prefix) + count_tokens(suffix) + count_tokens("My card was declined.")
    assert updated.prompting.input_tokens_per_call == expected
    assert updated.fine_tuning.input_tokens_per_call == count_tokens("My card was declined.")
    assert updated.workload == load_scenario(DEFAULT_SCENARIO).workload


def test_tokens_json_for_an_estimated_model(tmp_path, capsys):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text(PROMPT, encoding="utf-8")
    code = main(["tokens", str(prompt), "--model", "claude-haiku-4-5", "--json",
                 "--scenario", str(DEFAULT_SCENARIO)])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exact"] is False
    assert data["ranges"][0]["driver"] == "p_input_tokens_per_call"
    assert data["analyze_arguments"].startswith("--range p_input_tokens_per_call=")


def test_tokens_bad_prompt_exits_1_with_every_problem(tmp_path, capsys):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("{text} {text}\n<example>x</example>\n", encoding="utf-8")
    assert main(["tokens", str(prompt), "--model", "gpt-4o"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].endswith("prompt.txt:1:8: placeholder: {text} appears again; mark one spot")
    assert err[1].endswith('prompt.txt:2:1: example: give the example a category="..."')


def test_import_eval_writes_accuracies_and_prints_ranges(tmp_path, capsys):
    rows = ["example_id,label,prompting,fine_tuning"]
    rows += [f"{i},a,{'b' if i < 12 else 'a'},{'b' if i < 8 else 'a'}" for i in range(100)]
    path = tmp_path / "eval.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    code = main(["import", "eval", str(path), "--scenario", str(DEFAULT_SCENARIO),
                 "--out", str(out), "--pricing", str(FIXTURE_PRICING)])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "With 100 examples a 4.0-point gap (fine-tuning ahead) is within noise" in text
    assert "--range p_accuracy=" in text  # in %, as tcocalc analyze reads it
    s = load_scenario(out)
    assert (s.prompting.accuracy, s.fine_tuning.accuracy) == (0.88, 0.92)


def test_import_eval_bad_file_changes_nothing(tmp_path, capsys):
    path = tmp_path / "eval.csv"
    path.write_text("label,prompting\na,a\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert main(["import", "eval", str(path), "--scenario", str(DEFAULT_SCENARIO),
                 "--out", str(out)]) == 1  # fmt: skip
    assert "fine_tuning: missing column" in capsys.readouterr().err
    assert not out.exists()


def test_import_traffic_writes_the_workload(tmp_path, capsys):
    from tests.evidence_support import synthetic_log, to_csv

    path = tmp_path / "log.csv"
    path.write_bytes(to_csv(synthetic_log(months=3, calls_month1=20_000, growth_pct=5.0)))
    out = tmp_path / "out.yaml"
    code = main(["import", "traffic", str(path), "--scenario", str(DEFAULT_SCENARIO),
                 "--out", str(out), "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["layout"] == "generic" and len(data["months"]) == 3
    assert data["analyze_arguments"].startswith("--range monthly_calls=")
    s = load_scenario(out)
    assert s.workload.monthly_calls == data["changes"][0]["value"]
    assert 3 <= s.workload.monthly_growth_pct <= 7


def test_import_traffic_bad_map_is_a_located_error(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("when,x\n2026-01-01,1\n", encoding="utf-8")
    assert main(["import", "traffic", str(path), "--map", "timestamp=whn"]) == 1
    assert "--map: the file has no column 'whn'; closest: when" in capsys.readouterr().err
