"""Every shipped ``pricing/*.yaml`` file loads, and every price in it is plausible.

Modelled on LiteLLM's test of its price map: a price that breaks a rule is a typo until someone
says otherwise, and saying otherwise means adding the id with a reason to one of the exception
dicts below. Each failure names its entry and says how to fix the data.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tcocalc.pricing.catalog import Catalog, GpuOffer, LabelingMethod, LlmModel, PricingFile

PRICING_DIR = Path(__file__).resolve().parents[2] / "pricing"

# Models whose output price may be below their input price, id -> why. Every id listed here must
# exist and must actually need the exception (a stale entry fails the test).
OUTPUT_BELOW_INPUT_OK: dict[str, str] = {}

# A fine-tuned model's per-token price, as a multiple of the base model's (OpenAI: 1.5-2x;
# serverless LoRA: exactly 1x).
FT_INFERENCE_RATIO = (1.0, 4.0)
MAX_TRAINING_USD_PER_1M = 100.0
MAX_AS_OF_AGE = dt.timedelta(days=2 * 365)

# On-demand USD per GPU-hour that is plausible per GPU type (first pattern that matches wins, so
# A100 comes before A10). Widen a range only with a source that shows a real price outside it.
GPU_USD_PER_HOUR_RANGES: list[tuple[str, re.Pattern[str], float, float]] = [
    ("H100", re.compile(r"\bH100\b"), 1.0, 12.0),
    ("H200", re.compile(r"\bH200\b"), 1.5, 15.0),
    ("B200", re.compile(r"\bB200\b"), 2.0, 20.0),
    ("A100", re.compile(r"\bA100\b"), 0.8, 8.0),
    ("L40S", re.compile(r"\bL40S\b"), 0.4, 4.0),
    ("A10/A10G", re.compile(r"\bA10G?\b"), 0.2, 3.0),
    ("L4", re.compile(r"\bL4\b"), 0.2, 3.0),
]

# Ids that scenarios and docs refer to by name.
REQUIRED_IDS = {
    "models": {"gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o-mini", "llama-3.1-8b-instruct"},
    "gpu_offers": {"lambda-h100-sxm", "runpod-a100-80gb"},
    "labeling_methods": {"existing-labels", "in-house-expert"},
}


def _read(path: Path) -> Any:
    return YAML(typ="rt").load(path.read_text(encoding="utf-8"))


def _parse(path: Path) -> PricingFile | None:
    try:
        return PricingFile.model_validate(_read(path))
    except (ValidationError, YAMLError):
        return None  # test_file_is_valid reports it


FILES = sorted(PRICING_DIR.glob("*.yaml"))
PARSED = {path.name: _parse(path) for path in FILES}
MODELS: dict[str, tuple[str, LlmModel]] = {}
GPUS: dict[str, tuple[str, GpuOffer]] = {}
LABELING: dict[str, tuple[str, LabelingMethod]] = {}
for _name, _pf in PARSED.items():
    if _pf is not None:
        MODELS.update({k: (_name, v) for k, v in _pf.models.items()})
        GPUS.update({k: (_name, v) for k, v in _pf.gpu_offers.items()})
        LABELING.update({k: (_name, v) for k, v in _pf.labeling_methods.items()})
ENTRIES: dict[str, tuple[str, LlmModel | GpuOffer | LabelingMethod]] = {
    **{f"models.{k}": v for k, v in MODELS.items()},
    **{f"gpu_offers.{k}": v for k, v in GPUS.items()},
    **{f"labeling_methods.{k}": v for k, v in LABELING.items()},
}
FT_MODELS = {k: v for k, v in MODELS.items() if v[1].fine_tuning is not None}


def test_pricing_folder_has_the_three_files() -> None:
    names = {path.name for path in FILES}
    missing = {"llm_apis.yaml", "gpus.yaml", "labeling.yaml"} - names
    assert not missing, f"pricing/ lacks {sorted(missing)}; restore them from git"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_valid(path: Path) -> None:
    try:
        data = _read(path)
    except YAMLError as exc:
        pytest.fail(f"pricing/{path.name} is not valid YAML: {exc}")
    try:
        PricingFile.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(map(str, err['loc']))}: {err['msg']}"
            for err in exc.errors(include_url=False)
        ]
        pytest.fail(
            f"pricing/{path.name} does not match the schema in tcocalc/pricing/catalog.py:\n"
            + "\n".join(lines)
            + "\nFix those fields (names, units and limits are described in tcocalc/pricing/catalog.py)."
        )


def test_no_id_is_defined_twice() -> None:
    _, clashes = Catalog.merge({k: v for k, v in PARSED.items() if v is not None})
    assert not clashes, "ids must be unique across pricing files; rename or delete: " + "; ".join(
        f"{file}: {where}: {msg}" for file, where, msg in clashes
    )


@pytest.mark.parametrize(("section", "wanted"), sorted(REQUIRED_IDS.items()))
def test_ids_that_scenarios_use_exist(section: str, wanted: set[str]) -> None:
    have: set[str] = {
        "models": set(MODELS),
        "gpu_offers": set(GPUS),
        "labeling_methods": set(LABELING),
    }[section]
    missing = sorted(wanted - have)
    assert not missing, (
        f"{section} {missing} are missing; scenarios refer to them, so add them back"
    )


def test_together_llama_8b_is_open_weights_with_serverless_lora() -> None:
    _, model = MODELS["llama-3.1-8b-instruct"]
    assert model.open_weights and model.serverless_lora, (
        "llama-3.1-8b-instruct must be an open-weights model with serverless LoRA "
        "(open_weights: true, serverless_lora: true); scenarios rely on it"
    )


def test_enough_models_and_providers() -> None:
    providers = {model.provider for _, model in MODELS.values()}
    assert len(MODELS) >= 10 and len(providers) >= 4, (
        f"{len(MODELS)} models from {len(providers)} providers ({sorted(providers)}); "
        "keep at least 10 models from at least 4 providers in pricing/llm_apis.yaml"
    )


def test_enough_gpu_offers_and_labeling_methods() -> None:
    assert len(GPUS) >= 6, f"only {len(GPUS)} GPU offers; keep at least 6 in pricing/gpus.yaml"
    assert len(LABELING) >= 4, (
        f"only {len(LABELING)} labeling methods; keep at least 4 in pricing/labeling.yaml"
    )


def test_a_fine_tuning_wind_down_in_january_2027_is_recorded() -> None:
    winding_down = [
        key
        for key, (_, model) in FT_MODELS.items()
        if model.fine_tuning is not None
        and (end := model.fine_tuning.training_available_until) is not None
        and (end.year, end.month) == (2027, 1)
    ]
    assert winding_down, (
        "no model has fine_tuning.training_available_until in January 2027; OpenAI ends new "
        "self-serve fine-tuning jobs on 2027-01-06, so its models should say 2027-01-05"
    )


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_as_of_is_recent_and_not_in_the_future(key: str) -> None:
    file, entry = ENTRIES[key]
    as_of = entry.as_of
    today = dt.date.today()
    assert as_of <= today, f"{file}: {key}.as_of {as_of} is in the future; use the day you read it"
    assert today - as_of <= MAX_AS_OF_AGE, (
        f"{file}: {key}.as_of {as_of} is more than 2 years old; re-check the price at its source "
        "and update the figure and as_of"
    )


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_source_is_https(key: str) -> None:
    file, entry = ENTRIES[key]
    source = str(entry.source)
    assert source.startswith("https://"), (
        f"{file}: {key}.source {source!r} is not https; link the provider's public pricing page"
    )


@pytest.mark.parametrize("key", sorted(MODELS))
def test_output_price_at_least_input_price(key: str) -> None:
    file, model = MODELS[key]
    if key in OUTPUT_BELOW_INPUT_OK:
        pytest.skip(OUTPUT_BELOW_INPUT_OK[key])
    assert model.usd_per_1m_output_tokens >= model.usd_per_1m_input_tokens, (
        f"{file}: models.{key}: output ${model.usd_per_1m_output_tokens}/1M is below input "
        f"${model.usd_per_1m_input_tokens}/1M; input and output are probably swapped. If the "
        "provider really charges less for output, add the id and a reason to "
        "OUTPUT_BELOW_INPUT_OK in tests/pricing/test_pricing_data.py"
    )


@pytest.mark.parametrize("key", sorted(OUTPUT_BELOW_INPUT_OK))
def test_output_price_exceptions_are_still_needed(key: str) -> None:
    assert key in MODELS, (
        f"OUTPUT_BELOW_INPUT_OK lists {key!r}, which no pricing file has; remove it"
    )
    _, model = MODELS[key]
    assert model.usd_per_1m_output_tokens < model.usd_per_1m_input_tokens, (
        f"OUTPUT_BELOW_INPUT_OK lists {key!r} but its output price is no longer below its input "
        "price; remove it from the dict"
    )


@pytest.mark.parametrize("key", sorted(FT_MODELS))
def test_fine_tuned_inference_price_is_1x_to_4x_base(key: str) -> None:
    file, model = FT_MODELS[key]
    assert model.fine_tuning is not None
    low, high = FT_INFERENCE_RATIO
    for kind in ("input", "output"):
        base = getattr(model, f"usd_per_1m_{kind}_tokens")
        tuned = getattr(model.fine_tuning, f"usd_per_1m_{kind}_tokens")
        assert base > 0, f"{file}: models.{key}: a fine-tunable model needs a base {kind} price"
        ratio = tuned / base
        assert low <= ratio <= high, (
            f"{file}: models.{key}.fine_tuning.usd_per_1m_{kind}_tokens is {ratio:.2f}x the base "
            f"price (${tuned} vs ${base}); expected {low}-{high}x. Check it is the fine-tuned "
            "model's price per 1M tokens, not per 1K tokens or the training price"
        )


@pytest.mark.parametrize("key", sorted(k for k, (_, m) in FT_MODELS.items() if m.serverless_lora))
def test_serverless_lora_is_billed_at_the_base_price(key: str) -> None:
    file, model = FT_MODELS[key]
    assert model.fine_tuning is not None
    tuned = (model.fine_tuning.usd_per_1m_input_tokens, model.fine_tuning.usd_per_1m_output_tokens)
    base = (model.usd_per_1m_input_tokens, model.usd_per_1m_output_tokens)
    assert tuned == base and model.fine_tuning.usd_per_hosting_hour == 0, (
        f"{file}: models.{key} has serverless_lora: true, so its fine-tuned price must equal the "
        f"base price {base} with no hosting fee (got {tuned}); otherwise set serverless_lora: false"
    )


@pytest.mark.parametrize("key", sorted(FT_MODELS))
def test_training_price_is_per_million_tokens(key: str) -> None:
    file, model = FT_MODELS[key]
    assert model.fine_tuning is not None
    usd = model.fine_tuning.usd_per_1m_training_tokens
    assert 0 < usd < MAX_TRAINING_USD_PER_1M, (
        f"{file}: models.{key}.fine_tuning.usd_per_1m_training_tokens is ${usd}; expected above 0 "
        f"and below ${MAX_TRAINING_USD_PER_1M:.0f} per 1M training tokens. A per-1K price must be "
        "multiplied by 1000"
    )


@pytest.mark.parametrize("key", sorted(FT_MODELS))
def test_training_does_not_outlive_the_model(key: str) -> None:
    file, model = FT_MODELS[key]
    assert model.fine_tuning is not None
    training_end = model.fine_tuning.training_available_until
    if training_end is None or model.available_until is None:
        pytest.skip("no end date for training or for the model")
    assert training_end <= model.available_until, (
        f"{file}: models.{key}: training_available_until {training_end} is after the model's "
        f"available_until {model.available_until}; nothing can be trained on a retired model"
    )


@pytest.mark.parametrize("key", sorted(k for k, (_, m) in MODELS.items() if m.successor))
def test_successor_exists(key: str) -> None:
    file, model = MODELS[key]
    assert model.successor != key, f"{file}: models.{key} names itself as successor"
    assert model.successor in MODELS, (
        f"{file}: models.{key}.successor {model.successor!r} is not an id in pricing/; add that "
        "model (with its prices) or correct the id"
    )


@pytest.mark.parametrize("key", sorted(GPUS))
def test_gpu_price_is_plausible_for_its_type(key: str) -> None:
    file, offer = GPUS[key]
    for label, pattern, low, high in GPU_USD_PER_HOUR_RANGES:
        if pattern.search(offer.gpu):
            assert low <= offer.usd_per_gpu_hour <= high, (
                f"{file}: gpu_offers.{key}: ${offer.usd_per_gpu_hour}/GPU-hour is outside "
                f"${low}-{high} for an {label}. Is it the price of a whole multi-GPU machine? "
                "Divide by the GPU count (and say so in a comment)"
            )
            return
    pytest.fail(
        f"{file}: gpu_offers.{key}: no plausible range for GPU {offer.gpu!r}; name a known GPU "
        "(H100, A100, L40S, A10G, L4, ...) or add a range to GPU_USD_PER_HOUR_RANGES"
    )


@pytest.mark.parametrize("key", sorted(LABELING))
def test_labeling_cost_is_plausible(key: str) -> None:
    file, method = LABELING[key]
    usd = method.usd_per_labeled_example
    assert usd <= 50, (
        f"{file}: labeling_methods.{key} costs ${usd:.2f} per example; above $50 is unusual "
        "even for experts. Check seconds_per_label (seconds, not minutes) and usd_per_hour"
    )
    if method.usd_per_hour is not None:
        assert 5 <= method.usd_per_hour <= 500, (
            f"{file}: labeling_methods.{key}.usd_per_hour {method.usd_per_hour} is outside "
            "$5-500; it is the fully loaded cost of one person-hour"
        )


SCHEMA_HEADER = "# yaml-language-server: $schema=./schema.json"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_names_the_json_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_HEADER, (
        f"pricing/{path.name} must start with the line {SCHEMA_HEADER!r} so that editors "
        "(VS Code's YAML extension, any yaml-language-server) complete and check it as you type"
    )
    assert (PRICING_DIR / "schema.json").is_file(), "pricing/schema.json is missing"


# --- Schema 2: cached, batch, tiers, periods, and the genai-prices snapshot ----------------------

# Shipped models the genai-prices snapshot cannot check, id -> why. Every id listed must exist and
# must really be missing from the snapshot at its provider (a stale entry fails the test).
NOT_IN_SNAPSHOT: dict[str, str] = {
    "qwen3-235b-a22b-instruct-2507": "genai-prices 0.2.3 lists no Qwen3 235B A22B at Together AI",
}
SNAPSHOT_TOLERANCE_PCT = 5.0
"""A shipped price may differ from the snapshot's by this much before the test calls it a typo."""

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def snapshot_report() -> Any:
    from tcocalc.pricing.drift import drift_report

    catalog = Catalog(models={k: m for k, (_, m) in MODELS.items()})
    return drift_report(catalog, SNAPSHOT_TOLERANCE_PCT, today=TODAY)


@pytest.mark.parametrize("key", sorted(MODELS))
def test_model_matches_the_genai_prices_snapshot(key: str, snapshot_report: Any) -> None:
    file, model = MODELS[key]
    compared = {d.model_id: d for d in snapshot_report.compared}
    if key in NOT_IN_SNAPSHOT:
        assert key not in compared, (
            f"NOT_IN_SNAPSHOT lists {key!r}, but the snapshot now has it "
            f"({compared[key].snapshot_id}); remove it from NOT_IN_SNAPSHOT"
        )
        pytest.skip(NOT_IN_SNAPSHOT[key])
    assert key in compared, (
        f"{file}: models.{key}: genai-prices lists no {model.snapshot_id or key!r} at "
        f"{model.provider}. Set snapshot_id to the id genai-prices uses there (see `tcocalc pricing "
        "diff`), or add the id with a reason to NOT_IN_SNAPSHOT in tests/pricing/test_pricing_data.py"
    )
    d = compared[key]
    others = "; ".join(f"{o.label} YAML {o.yaml} vs snapshot {o.snapshot}" for o in d.others)
    assert d.max_abs_pct <= SNAPSHOT_TOLERANCE_PCT and not d.others, (
        f"{file}: models.{key} differs from genai-prices ({d.snapshot_id}) by more than "
        f"{SNAPSHOT_TOLERANCE_PCT:g} %: YAML {d.yaml_in}/{d.yaml_out}, snapshot "
        f"{d.snapshot_in}/{d.snapshot_out} in/out per 1M tokens{'; ' + others if others else ''}. "
        "Check the provider's page: fix the YAML (and as_of), or run `tcocalc pricing import "
        f"{key}` if the snapshot is right"
    )
    assert not d.missing, (
        f"{file}: models.{key} lacks prices the snapshot has ({', '.join(d.missing)}); run "
        f"`tcocalc pricing import {key}` and check them at {model.source}"
    )


@pytest.mark.parametrize("key", sorted(NOT_IN_SNAPSHOT))
def test_snapshot_exceptions_name_shipped_models(key: str) -> None:
    assert key in MODELS, f"NOT_IN_SNAPSHOT lists {key!r}, which no pricing file has; remove it"


def _price_sets(model: LlmModel) -> list[tuple[str, Any]]:
    """(where, price list) for the model's own prices, its periods and its tuned model's."""
    sets: list[tuple[str, Any]] = [("", model)]
    sets += [(f"periods.{i}.", p) for i, p in enumerate(model.periods)]
    if model.fine_tuning is not None:
        sets.append(("fine_tuning.", model.fine_tuning))
        sets += [(f"fine_tuning.periods.{i}.", p) for i, p in enumerate(model.fine_tuning.periods)]
    return sets


@pytest.mark.parametrize("key", sorted(MODELS))
def test_cached_and_batch_prices_are_discounts(key: str) -> None:
    file, model = MODELS[key]
    for where, prices in _price_sets(model):
        rows = [(where, prices), *((f"{where}tiers.{i}.", t) for i, t in enumerate(prices.tiers))]
        for at, r in rows:
            usd_in, usd_out = r.usd_per_1m_input_tokens, r.usd_per_1m_output_tokens
            checks = [
                ("usd_per_1m_cached_input_tokens", r.usd_per_1m_cached_input_tokens, 0, usd_in),
                (
                    "usd_per_1m_cache_write_tokens",
                    r.usd_per_1m_cache_write_tokens,
                    usd_in,
                    2 * usd_in,
                ),
                ("usd_per_1m_batch_input_tokens", r.usd_per_1m_batch_input_tokens, 0, usd_in),
                ("usd_per_1m_batch_output_tokens", r.usd_per_1m_batch_output_tokens, 0, usd_out),
            ]
            for name, value, low, high in checks:
                assert value is None or low <= value <= high, (
                    f"{file}: models.{key}.{at}{name} is {value}, outside {low:g}-{high:g} for an "
                    f"input price of {usd_in} and output of {usd_out} per 1M tokens. Cached and batch "
                    "prices are discounts (a cache write costs 1-2x input); check the column you "
                    "copied"
                )


@pytest.mark.parametrize("key", sorted(k for k, (_, m) in MODELS.items() if m.tiers))
def test_long_context_tiers_are_dearer(key: str) -> None:
    file, model = MODELS[key]
    for tier in model.tiers:
        assert tier.usd_per_1m_input_tokens >= model.usd_per_1m_input_tokens, (
            f"{file}: models.{key}: the tier from {tier.start_tokens} tokens is cheaper than the base "
            "price; a long-context tier is the dearer price for long prompts"
        )


@pytest.mark.parametrize("key", sorted(k for k, (_, m) in MODELS.items() if m.periods))
def test_a_period_keeps_the_prices_its_model_has(key: str) -> None:
    file, model = MODELS[key]
    for period in model.periods:
        lost = sorted(model.given_rates() - period.given_rates())
        assert not lost, (
            f"{file}: models.{key}.periods ({period.from_}) drops {', '.join(lost)}: a period "
            "restates every price, so without them the model would lose caching or batch from that "
            "day. Copy them into the period with their new values"
        )


def test_the_gemini_3_8_flash_doubling_is_a_dated_period() -> None:
    # Google lists the introductory $0.75 input "through December 31, 2026"; genai-prices 0.2.3
    # records $1.50 from 2027-01-01: 0.75 x 2 = 1.50, 3.75 x 2 = 7.50.
    _, model = MODELS["gemini-3.8-flash"]
    before, after = model.prices_on(dt.date(2026, 12, 31)), model.prices_on(dt.date(2027, 1, 1))
    assert (before.usd_per_1m_input_tokens, after.usd_per_1m_input_tokens) == (0.75, 1.50)
    assert (before.usd_per_1m_output_tokens, after.usd_per_1m_output_tokens) == (3.75, 7.50)
    assert after.usd_per_1m_cached_input_tokens == 2 * before.usd_per_1m_cached_input_tokens


@pytest.mark.parametrize(
    "key",
    sorted(k for k, (_, m) in FT_MODELS.items() if m.provider == "OpenAI" and k != "gpt-4.1-nano"),
)
def test_openai_fine_tuning_says_who_may_still_start_jobs(key: str) -> None:
    file, model = FT_MODELS[key]
    assert model.fine_tuning is not None
    days = {n.from_ for n in model.fine_tuning.availability if n.applies_to == "training"}
    assert {dt.date(2026, 5, 7), dt.date(2026, 7, 2)} <= days, (
        f"{file}: models.{key}.fine_tuning.availability must say that since 2026-05-07 "
        "organisations that never fine-tuned, and since 2026-07-02 those without recent tuned-model "
        "traffic, cannot start jobs (https://developers.openai.com/api/docs/deprecations)"
    )


@pytest.mark.parametrize("key", sorted(FT_MODELS))
def test_tuned_serving_does_not_outlive_the_model(key: str) -> None:
    file, model = FT_MODELS[key]
    assert model.fine_tuning is not None
    end = model.fine_tuning.serving_available_until
    if end is None or model.available_until is None:
        pytest.skip("no end date for tuned serving or for the model")
    assert end <= model.available_until, (
        f"{file}: models.{key}.fine_tuning.serving_available_until {end} is after the model's "
        f"available_until {model.available_until}; a tuned model is not served past its base model"
    )
