"""tcocalc.pricing.snapshot: the genai-prices fallback returns genai-prices' own numbers, offline."""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price, data_snapshot

from tcocalc.pricing import snapshot
from tcocalc.pricing.billing import usd_per_call
from tcocalc.pricing.catalog import Catalog, LlmModel, SnapshotRefusal, UnknownModelError
from tcocalc.pricing.snapshot import (
    GENAI_PRICES_URL,
    SNAPSHOT_AS_OF,
    snapshot_model,
    snapshot_models,
)

MILLION = 1_000_000


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # calc_price reads genai-prices' process-wide snapshot: make sure it is the bundled one.
    monkeypatch.setattr(data_snapshot, "_custom_snapshot", None)
    for cached in (snapshot._snapshot, snapshot._holders, snapshot.snapshot_as_of, snapshot_model):
        cached.cache_clear()
    yield
    for cached in (snapshot._snapshot, snapshot._holders, snapshot.snapshot_as_of, snapshot_model):
        cached.cache_clear()


def _usd_per_1m(model_ref: str, *, provider_id: str) -> tuple[Decimal, Decimal]:
    """genai-prices' own price of 1M input and 1M output tokens, asked separately so that
    neither count pushes the other into a long-prompt tier."""
    usd_in = calc_price(Usage(input_tokens=MILLION), model_ref, provider_id=provider_id)
    usd_out = calc_price(Usage(output_tokens=MILLION), model_ref, provider_id=provider_id)
    return usd_in.input_price, usd_out.output_price


def test_known_model_matches_genai_prices_own_calculation() -> None:
    model = snapshot_model("gpt-4o")
    assert model is not None
    usd_in, usd_out = _usd_per_1m("gpt-4o", provider_id="openai")
    assert model.usd_per_1m_input_tokens == float(usd_in)
    assert model.usd_per_1m_output_tokens == float(usd_out)
    # plausible for GPT-4o: a few dollars in, output dearer than input
    assert 0.5 <= model.usd_per_1m_input_tokens <= 20
    assert model.usd_per_1m_input_tokens < model.usd_per_1m_output_tokens <= 100


def test_known_model_is_marked_as_snapshot_with_provider_source_and_date() -> None:
    model = snapshot_model("gpt-4o")
    assert model is not None
    assert model.from_snapshot
    assert model.provider == "OpenAI"
    assert str(model.source).startswith("https://") and "openai.com" in str(model.source)
    assert model.as_of == SNAPSHOT_AS_OF
    assert model.fine_tuning is None


def test_tiered_price_uses_the_base_tier() -> None:
    # gpt-6-luna charges more for prompts over 272K tokens; a 1,000-token prompt is in the base tier
    model = snapshot_model("gpt-6-luna")
    assert model is not None
    small = calc_price(Usage(input_tokens=1_000), "gpt-6-luna", provider_id="openai")
    assert model.usd_per_1m_input_tokens == float(small.input_price * 1_000)
    large = calc_price(Usage(input_tokens=MILLION), "gpt-6-luna", provider_id="openai")
    assert float(large.input_price) > model.usd_per_1m_input_tokens


def test_dated_alias_resolves_like_genai_prices() -> None:
    model = snapshot_model("gpt-4o-2024-08-06")
    assert model is not None
    usd_in, _ = _usd_per_1m("gpt-4o-2024-08-06", provider_id="openai")
    assert model.usd_per_1m_input_tokens == float(usd_in)


@pytest.mark.parametrize("model_id", ["no-such-model-xyz", "gpt-does-not-exist", ""])
def test_unknown_id_gives_none(model_id: str) -> None:
    assert snapshot_model(model_id) is None


def test_snapshot_models_lists_everything_by_lower_case_id() -> None:
    models = snapshot_models()
    assert len(models) > 100
    assert all(key == key.lower() for key in models)
    assert all(isinstance(m, LlmModel) and m.from_snapshot for m in models.values())
    assert models["gpt-4o"] == snapshot_model("gpt-4o")


def test_shared_id_goes_to_the_original_provider() -> None:
    # Anthropic and Google both list claude-haiku-4-5 in genai-prices
    holders = [
        p.id
        for p in data_snapshot.get_snapshot().providers
        if any(m.id == "claude-haiku-4-5" for m in p.models)
    ]
    assert {"anthropic", "google"} <= set(holders)
    entry = snapshot_models()["claude-haiku-4-5"]
    assert entry.provider == "Anthropic"


def test_snapshot_models_returns_a_copy() -> None:
    snapshot_models().clear()
    assert snapshot_models()


def test_provider_without_pricing_page_gets_the_genai_prices_url() -> None:
    models = snapshot_models()
    providers = data_snapshot.get_snapshot().providers
    without = {p.name for p in providers if not p.pricing_urls}
    hits = [m for m in models.values() if m.provider in without]
    assert all(str(m.source).rstrip("/") == GENAI_PRICES_URL for m in hits)


def test_catalog_falls_back_to_the_snapshot_and_yaml_wins() -> None:
    yaml_entry = LlmModel(
        source="https://example.com/pricing",
        as_of="2026-11-01",
        provider="Example",
        usd_per_1m_input_tokens=1.0,
        usd_per_1m_output_tokens=2.0,
    )
    catalog = Catalog(models={"gpt-4o": yaml_entry}, fallback=snapshot_model)
    assert catalog.model("gpt-4o") is yaml_entry
    fallback = catalog.model("gpt-4o-mini")
    assert fallback.from_snapshot and fallback.provider == "OpenAI"


def test_works_with_the_network_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tcocalc.pricing.snapshot tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert snapshot_model("claude-haiku-4-5") is not None
    assert len(snapshot_models()) > 100
    assert snapshot_model("no-such-model-xyz") is None
    assert not [t for t in threading.enumerate() if t.name.startswith("genai_prices")]


def test_importing_starts_no_network_even_in_a_fresh_process() -> None:
    # In a fresh interpreter the socket layer is disabled *before* tcocalc.pricing.snapshot (and with it
    # genai_prices) is imported, so import-time network access would fail too.
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise SystemExit('network used')\n"
        "class NoNetwork(socket.socket):\n"  # a class, so that ssl can still subclass it
        "    __init__ = refuse\n"
        "socket.socket = NoNetwork\n"
        "socket.create_connection = socket.getaddrinfo = refuse\n"
        "from tcocalc.pricing.snapshot import snapshot_model, snapshot_models\n"
        "assert snapshot_model('gpt-4o') is not None\n"
        "assert len(snapshot_models()) > 100\n"
        "import threading\n"
        "assert not [t for t in threading.enumerate() if t.name.startswith('genai_prices')]\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_reads_the_bundled_data_not_an_updated_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    # Even if something installed a custom (e.g. auto-updated) snapshot in genai-prices,
    # tcocalc keeps reading the bundled data.
    doctored = data_snapshot.DataSnapshot(providers=[], from_auto_update=True)
    monkeypatch.setattr(data_snapshot, "_custom_snapshot", doctored)
    assert not snapshot._snapshot().from_auto_update
    assert snapshot_model("gpt-4o") is not None


# --- First-hand prices only, cached / batch / tiers / dated prices, lazy import -------------------

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("model_id", "why"),
    [
        # OpenAI's entry is copied from OpenRouter; OVHcloud is another host
        ("gpt-oss-20b", "not OpenAI's own (\"Imported from OpenRouter pricing"),
        # Zhipu's price is CNY converted at a fixed rate
        ("glm-5.3-flash", "not Zhipu AI's own (\"Converted to USD at 1 USD = 7.25 CNY"),
        # only a reseller lists it
        ("llama-3.1-8b-instruct", "only at other hosts (OVHcloud AI Endpoints)"),
        ("mistral-small", "Mistral, the provider the id names, does not list it"),
    ],
)
def test_the_fallback_refuses_other_hosts_and_converted_prices(model_id: str, why: str) -> None:
    with pytest.raises(SnapshotRefusal, match=re.escape(why)):
        snapshot_model(model_id)
    catalog = Catalog(models={}, fallback=snapshot_model)
    with pytest.raises(UnknownModelError) as exc:
        catalog.model(model_id)
    assert why in str(exc.value)
    assert f"tcocalc pricing import {model_id} --provider NAME" in str(exc.value)


@pytest.mark.parametrize(
    ("model_id", "provider_id", "usage", "batch"),
    [
        ("gpt-4.1-mini", "openai", dict(input_tokens=2_000, cache_read_tokens=1_500), False),
        ("gpt-4.1-mini", "openai", dict(input_tokens=2_000, cache_read_tokens=1_500), True),
        (
            "claude-haiku-4-5",
            "anthropic",
            dict(input_tokens=9_000, cache_write_tokens=8_000),
            False,
        ),
        ("claude-haiku-4-5", "anthropic", dict(input_tokens=9_000, cache_read_tokens=8_000), True),
        # past the long-context thresholds: the whole request at the tier
        (
            "claude-haiku-5-5",
            "anthropic",
            dict(input_tokens=150_000, cache_read_tokens=50_000),
            False,
        ),
        ("gpt-6-luna", "openai", dict(input_tokens=300_000, cache_read_tokens=100_000), False),
        ("gpt-6-luna", "openai", dict(input_tokens=300_000, cache_read_tokens=100_000), True),
        ("gemini-2.5-flash", "google", dict(input_tokens=4_000, cache_read_tokens=3_000), True),
        ("gemini-3.8-flash", "google", dict(input_tokens=4_000, cache_read_tokens=3_000), False),
    ],
)
def test_usd_per_call_on_a_snapshot_entry_equals_genai_prices_own_bill(
    model_id: str, provider_id: str, usage: dict[str, int], batch: bool
) -> None:
    entry = snapshot_model(model_id, day=NOW.date())
    assert entry is not None
    prices = entry.prices_on(NOW.date())
    theirs = calc_price(
        Usage(output_tokens=700, **usage),
        model_id,
        provider_id=provider_id,
        genai_request_timestamp=NOW,
        price_context={"processing": "batch"} if batch else None,
    ).total_price
    mine = usd_per_call(
        prices,
        usage["input_tokens"],
        usage.get("cache_read_tokens", 0),
        700,
        batch,
        cache_write_tokens=usage.get("cache_write_tokens", 0),
    )
    assert mine == pytest.approx(float(theirs), rel=1e-12)


def test_a_dated_change_becomes_a_period() -> None:
    # gemini-3.8-flash: introductory rates through 2026-12-31, doubled from 2027-01-01
    entry = snapshot_model("gemini-3.8-flash", day=dt.date(2026, 12, 1))
    assert entry is not None
    assert entry.price_change_dates() == [dt.date(2027, 1, 1)]
    before, after = entry.prices_on(dt.date(2026, 12, 31)), entry.prices_on(dt.date(2027, 1, 1))
    assert (before.usd_per_1m_input_tokens, after.usd_per_1m_input_tokens) == (0.75, 1.5)
    assert (before.usd_per_1m_batch_input_tokens, after.usd_per_1m_batch_input_tokens) == (
        0.375,
        0.75,
    )
    # after the date the change is history: an entry made then has no period
    assert snapshot_model("gemini-3.8-flash", day=dt.date(2027, 2, 1)).periods == ()  # type: ignore[union-attr]


def test_snapshot_as_of_comes_from_the_installed_data() -> None:
    providers = data_snapshot.get_snapshot().providers
    texts = [p.price_comments or "" for p in providers]
    texts += [m.price_comments or "" for p in providers for m in p.models]
    found = re.findall(r"(?:verified|checked) on (\d{4}-\d{2}-\d{2})", " ".join(texts))
    assert found, "genai-prices' comments no longer date their checks; see snapshot_as_of()"
    assert max(map(dt.date.fromisoformat, found)) <= SNAPSHOT_AS_OF <= dt.date.today()
    assert snapshot.snapshot_as_of() == SNAPSHOT_AS_OF
    assert snapshot.package_version().count(".") >= 1


def test_reading_yaml_prices_does_not_import_genai_prices() -> None:
    # genai_prices.data costs about half a second of CPU to import: a catalog and a scenario
    # that name only YAML ids must not pay for it (start-up time).
    code = (
        "import sys\n"
        "from tcocalc.inputs.loader import load_catalog, load_scenario, DEFAULT_SCENARIO\n"
        "import tcocalc.cli.main, tcocalc.pricing.drift, tcocalc.pricing.snapshot\n"
        "cat = load_catalog()\n"
        "load_scenario(DEFAULT_SCENARIO, cat)\n"
        "cat.model('gpt-4.1-mini').prices_on(__import__('datetime').date(2027, 1, 1))\n"
        "assert not [m for m in sys.modules if m.startswith('genai_prices')], 'imported'\n"
        "cat.model('gpt-4o-2024-08-06')\n"
        "assert 'genai_prices.data' in sys.modules\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr
