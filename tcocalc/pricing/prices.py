"""What a bill says per token: cached and batch prices, long-context tiers, dated periods.

Two kinds of model live here.

*As written* in a ``schema_version: 2`` pricing file (:class:`Rates`, :class:`LongContextTier`,
:class:`PricePeriod`, :class:`TunedPeriod`, :class:`AvailabilityNote`): the optional prices may be
left out, and what a missing price means is said once, here:

- ``usd_per_1m_cached_input_tokens`` (a cache *read*) left out: cached tokens cost the input price
  (the provider has no prompt caching, or none is known);
- ``usd_per_1m_cache_write_tokens`` left out: writing the cache costs the input price (OpenAI and
  Google bill no extra for writes; Anthropic bills 1.25x for a 5-minute cache);
- ``usd_per_1m_batch_input_tokens`` / ``usd_per_1m_batch_output_tokens`` left out: no batch tier;
  given, they go together; a batch call's cached and cache-write tokens cost
  ``usd_per_1m_batch_cached_input_tokens`` / ``usd_per_1m_batch_cache_write_tokens``, or the
  standard cached / cache-write price when those are left out (OpenAI's batch table lists no
  cached rate; Google's batch tier keeps context caching at the standard rate).

A tier and a period *restate* every price they change and every price their parent has: a tier of a
model with a cached price gives its own cached price, and a period gives the full price list in
force from its date (nothing is inherited from the period before, as in genai-prices'
``ConditionalPrice``).

*Resolved* (:class:`TokenPrices`, :class:`PriceTier`, :class:`TunedPrices`): every price filled in
as a float, for one day. :meth:`tcocalc.pricing.catalog.LlmModel.prices_on` and
:meth:`~tcocalc.pricing.catalog.FineTuningPrices.prices_on` return them, and
:func:`tcocalc.pricing.billing.usd_per_call` bills a call with them.

Long-context tiers, the rule
    ``tier_rule: whole_request`` (the default): once a prompt (input tokens, cached and cache
    writes included) has *more than* ``start_tokens`` tokens, every token of the call, output
    included, is billed at the tier's prices. That is how Anthropic ("every token in a request whose
    prompt exceeds 100,000 tokens is billed at the higher rate", Claude Haiku 5.5,
    https://platform.claude.com/docs/en/about-claude/pricing#long-context-pricing), Google (Gemini
    2.5 Pro above 200K, https://ai.google.dev/gemini-api/docs/pricing) and OpenAI (GPT-6 Luna above
    272K, https://developers.openai.com/api/docs/models/gpt-6-luna) bill, and how genai-prices'
    ``TieredPrices`` computes ("crossing a tier applies that rate to ALL tokens").
    ``tier_rule: above_threshold``: only the prompt tokens past ``start_tokens`` cost the tier's
    price (cached tokens are the start of the prompt), and output costs the price of the tier the
    prompt ends in. No shipped provider bills this way; it is there for negotiated contracts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

UsdPer1M = Annotated[float, Field(ge=0, le=1_000)]
TierRule = Literal["whole_request", "above_threshold"]

OPTIONAL_RATES = (
    "usd_per_1m_cached_input_tokens",
    "usd_per_1m_cache_write_tokens",
    "usd_per_1m_batch_input_tokens",
    "usd_per_1m_batch_output_tokens",
    "usd_per_1m_batch_cached_input_tokens",
    "usd_per_1m_batch_cache_write_tokens",
)
"""The prices a v2 file may leave out (see the module docstring for what leaving one out means)."""


class Rates(BaseModel):
    """Input and output prices, and the optional cached and batch prices, as written in a file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd_per_1m_input_tokens: UsdPer1M = Field(description="USD per 1M input (prompt) tokens.")
    usd_per_1m_output_tokens: UsdPer1M = Field(
        description="USD per 1M output tokens (reasoning tokens included)."
    )
    usd_per_1m_cached_input_tokens: UsdPer1M | None = Field(
        default=None,
        description="USD per 1M input tokens read from the prompt cache (left out: the input price).",
    )
    usd_per_1m_cache_write_tokens: UsdPer1M | None = Field(
        default=None,
        description="USD per 1M input tokens written to the prompt cache (left out: the input price).",
    )
    usd_per_1m_batch_input_tokens: UsdPer1M | None = Field(
        default=None,
        description="USD per 1M input tokens sent through the batch API (left out: no batch tier).",
    )
    usd_per_1m_batch_output_tokens: UsdPer1M | None = Field(
        default=None, description="USD per 1M output tokens of a batch call (with the batch input)."
    )
    usd_per_1m_batch_cached_input_tokens: UsdPer1M | None = Field(
        default=None,
        description="USD per 1M cached input tokens of a batch call (left out: the cached price).",
    )
    usd_per_1m_batch_cache_write_tokens: UsdPer1M | None = Field(
        default=None,
        description="USD per 1M cache-write tokens of a batch call (left out: the cache-write price).",
    )

    @model_validator(mode="after")
    def _batch_prices_go_together(self) -> Rates:
        has_in = self.usd_per_1m_batch_input_tokens is not None
        if has_in != (self.usd_per_1m_batch_output_tokens is not None):
            raise ValueError(
                "give usd_per_1m_batch_input_tokens and usd_per_1m_batch_output_tokens together"
            )
        if not has_in and (
            self.usd_per_1m_batch_cached_input_tokens is not None
            or self.usd_per_1m_batch_cache_write_tokens is not None
        ):
            raise ValueError("batch cached or cache-write prices need the batch input price too")
        return self

    def given_rates(self) -> set[str]:
        """The optional prices this entry gives.

        >>> sorted(Rates(usd_per_1m_input_tokens=1, usd_per_1m_output_tokens=2,
        ...              usd_per_1m_cached_input_tokens=0.1).given_rates())
        ['usd_per_1m_cached_input_tokens']
        """
        return {name for name in OPTIONAL_RATES if getattr(self, name) is not None}


class LongContextTier(Rates):
    """The prices of prompts with more than ``start_tokens`` tokens (see ``tier_rule``)."""

    start_tokens: int = Field(
        gt=0,
        le=100_000_000,
        description="Prompt length in tokens (cached included) past which these prices apply.",
    )


class PricedRates(Rates):
    """Rates with long-context tiers and the rule that applies them."""

    tiers: tuple[LongContextTier, ...] = Field(
        default=(), description="Dearer prices for long prompts, by ascending start_tokens."
    )
    tier_rule: TierRule = Field(
        default="whole_request",
        description="whole_request: a prompt past a tier's start bills every token of the call at "
        "the tier's prices (Anthropic, Google, OpenAI); above_threshold: only the tokens past it.",
    )

    @model_validator(mode="after")
    def _tiers_ascend_and_restate(self) -> PricedRates:
        for i in range(1, len(self.tiers)):
            if self.tiers[i].start_tokens <= self.tiers[i - 1].start_tokens:
                raise located(
                    ("tiers", i, "start_tokens"),
                    "tiers must be listed by strictly ascending start_tokens",
                )
        mine = self.given_rates()
        for i, tier in enumerate(self.tiers):
            if tier.given_rates() != mine:
                missing = sorted(mine - tier.given_rates())
                extra = sorted(tier.given_rates() - mine)
                what = f"give {', '.join(missing)}" if missing else f"drop {', '.join(extra)}"
                raise located(
                    ("tiers", i), f"a tier restates exactly the prices its model has: {what}"
                )
        return self


class PricePeriod(PricedRates):
    """The full price list in force from ``from`` (until the next period's ``from``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: dt.date = Field(
        alias="from", description="First day (YYYY-MM-DD) these prices are in force."
    )
    source: AnyHttpUrl | None = Field(
        default=None, description="Where the dated price was announced (a URL)."
    )
    notes: str = Field(default="", max_length=2_000, description="Free text for humans.")


class TunedPeriod(PricePeriod):
    """A tuned model's full price list from ``from``: training, hosting and inference."""

    usd_per_1m_training_tokens: UsdPer1M = Field(
        description="USD per 1M training tokens (dataset tokens x epochs)."
    )
    usd_per_hosting_hour: float = Field(
        default=0.0, ge=0, le=1_000, description="USD per hour the tuned model is deployed."
    )


class AvailabilityNote(BaseModel):
    """A condition on who may still use something, in words, from a date."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: dt.date = Field(alias="from", description="First day (YYYY-MM-DD) the condition holds.")
    applies_to: Literal["training", "serving"] = Field(
        description="training: starting new tuning jobs; serving: calling the model."
    )
    text: str = Field(min_length=1, max_length=500, description="The condition, in plain words.")
    source: AnyHttpUrl | None = Field(default=None, description="Where it was announced (a URL).")


LOCATED = "located"
"""Error type of a rule about one part of an entry; ``ctx["at"]`` is that part's path inside it
(the loader appends it to the entry's location, so the message points at the line)."""


def located(at: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """A validation error about the part ``at`` of the entry being validated."""
    return PydanticCustomError(LOCATED, message, {"at": at})


def sorted_by_date(periods: tuple[PricePeriod, ...], prefix: tuple[str, ...]) -> None:
    """Raise unless ``periods`` (at ``prefix`` inside the entry) ascend strictly by ``from``."""
    for i in range(1, len(periods)):
        if periods[i].from_ <= periods[i - 1].from_:
            raise located(
                (*prefix, "periods", i, "from"), "periods must be listed by strictly ascending date"
            )


# --- Resolved prices --------------------------------------------------------------------------


class PriceTier(BaseModel):
    """A long-context tier with every price filled in (USD per 1M tokens)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start_tokens: int = Field(gt=0, description="Prompt tokens past which these prices apply.")
    usd_per_1m_input_tokens: float = Field(ge=0, description="USD per 1M input tokens.")
    usd_per_1m_output_tokens: float = Field(ge=0, description="USD per 1M output tokens.")
    usd_per_1m_cached_input_tokens: float = Field(
        ge=0, description="USD per 1M cached input tokens (the input price without caching)."
    )
    usd_per_1m_cache_write_tokens: float = Field(
        ge=0, description="USD per 1M cache-write tokens (the input price when not billed extra)."
    )
    usd_per_1m_batch_input_tokens: float | None = Field(
        ge=0, description="USD per 1M batch input tokens (None: no batch tier)."
    )
    usd_per_1m_batch_output_tokens: float | None = Field(
        ge=0, description="USD per 1M batch output tokens (None: no batch tier)."
    )
    usd_per_1m_batch_cached_input_tokens: float | None = Field(
        ge=0, description="USD per 1M cached input tokens of a batch call (None: no batch tier)."
    )
    usd_per_1m_batch_cache_write_tokens: float | None = Field(
        ge=0, description="USD per 1M cache-write tokens of a batch call (None: no batch tier)."
    )


class TokenPrices(PriceTier):
    """Every per-token price of a model on one day, filled in; ``start_tokens`` is 0."""

    start_tokens: int = Field(default=0, ge=0, description="0: the base prices.")
    tiers: tuple[PriceTier, ...] = Field(default=(), description="By ascending start_tokens.")
    tier_rule: TierRule = "whole_request"

    @property
    def has_batch(self) -> bool:
        return self.usd_per_1m_batch_input_tokens is not None


class TunedPrices(TokenPrices):
    """A tuned model's prices on one day: training, hosting and its per-token prices."""

    usd_per_1m_training_tokens: float = Field(ge=0, description="USD per 1M training tokens.")
    usd_per_hosting_hour: float = Field(ge=0, description="USD per hour deployed.")


def _filled(r: Rates) -> dict[str, float | None]:
    """The prices of ``r`` with every default of the module docstring applied.

    >>> _filled(Rates(usd_per_1m_input_tokens=0.4, usd_per_1m_output_tokens=1.6,
    ...               usd_per_1m_cached_input_tokens=0.1, usd_per_1m_batch_input_tokens=0.2,
    ...               usd_per_1m_batch_output_tokens=0.8))  # doctest: +NORMALIZE_WHITESPACE
    {'usd_per_1m_input_tokens': 0.4, 'usd_per_1m_output_tokens': 1.6,
     'usd_per_1m_cached_input_tokens': 0.1, 'usd_per_1m_cache_write_tokens': 0.4,
     'usd_per_1m_batch_input_tokens': 0.2, 'usd_per_1m_batch_output_tokens': 0.8,
     'usd_per_1m_batch_cached_input_tokens': 0.1, 'usd_per_1m_batch_cache_write_tokens': 0.4}
    """
    cached = r.usd_per_1m_cached_input_tokens
    write = r.usd_per_1m_cache_write_tokens
    cached = r.usd_per_1m_input_tokens if cached is None else cached
    write = r.usd_per_1m_input_tokens if write is None else write
    batch = r.usd_per_1m_batch_input_tokens is not None
    b_cached, b_write = (
        r.usd_per_1m_batch_cached_input_tokens,
        r.usd_per_1m_batch_cache_write_tokens,
    )
    return {
        "usd_per_1m_input_tokens": r.usd_per_1m_input_tokens,
        "usd_per_1m_output_tokens": r.usd_per_1m_output_tokens,
        "usd_per_1m_cached_input_tokens": cached,
        "usd_per_1m_cache_write_tokens": write,
        "usd_per_1m_batch_input_tokens": r.usd_per_1m_batch_input_tokens,
        "usd_per_1m_batch_output_tokens": r.usd_per_1m_batch_output_tokens,
        "usd_per_1m_batch_cached_input_tokens": (cached if b_cached is None else b_cached)
        if batch
        else None,
        "usd_per_1m_batch_cache_write_tokens": (write if b_write is None else b_write)
        if batch
        else None,
    }


def resolve(rates: PricedRates) -> TokenPrices:
    """``rates`` as :class:`TokenPrices`, every default applied, tiers included."""
    return TokenPrices(
        **_filled(rates),
        tiers=tuple(PriceTier(start_tokens=t.start_tokens, **_filled(t)) for t in rates.tiers),
        tier_rule=rates.tier_rule,
    )


def in_force(base: PricedRates, periods: tuple[PricedRates, ...], day: dt.date) -> PricedRates:
    """The price list in force on ``day``: the last period whose ``from`` is on or before it,
    else ``base``."""
    chosen = base
    for period in periods:
        assert isinstance(period, PricePeriod)
        if period.from_ <= day:
            chosen = period
    return chosen
