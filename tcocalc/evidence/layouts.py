"""The column layouts of the usage exports people have (:data:`LAYOUTS`), and how one is recognised.

Each layout maps the canonical fields (``timestamp``, ``calls``, ``input_tokens``,
``output_tokens``, ``cached_tokens``, ``model``, ``category``) to the column names an export uses,
as documented by each provider (2026):

* ``openai`` — the Usage API's completions buckets (``/v1/organization/usage/completions``),
  one row per result: ``start_time`` (Unix seconds), ``num_model_requests``, ``input_tokens``
  (cached included), ``input_cached_tokens``, ``output_tokens``, ``model``, ``project_id``.
* ``anthropic`` — the Messages API ``usage`` object logged per response (``input_tokens`` leaves
  out ``cache_read_input_tokens`` and ``cache_creation_input_tokens``, which are added back).
* ``google`` — the Gemini API's ``usageMetadata`` per response (``promptTokenCount`` includes
  ``cachedContentTokenCount``; ``candidatesTokenCount``; ``modelVersion``; ``createTime``).
* ``gateway`` — an LLM gateway's request log: LiteLLM spend logs (``startTime``, ``model``,
  ``prompt_tokens``, ``completion_tokens``, ``request_tags``), Helicone and Portkey exports.
* ``generic`` — any CSV with a timestamp column and the others by their plain names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of usage export."""

    key: str
    title: str
    names: dict[str, tuple[str, ...]]
    """canonical field -> accepted column names (first found wins)."""
    extra_input: tuple[str, ...] = ()
    """Columns added to ``input_tokens`` (where the export counts cache tokens apart)."""
    signature: tuple[str, ...] = ()
    """Columns whose presence identifies the layout."""
    known: tuple[str, ...] = ()
    """Columns the export has that the import does not need."""


_TIME = ("timestamp", "time", "created_at", "date", "datetime", "ts", "start_time", "starttime")
_CATEGORY = ("category", "label", "intent", "tag", "route", "task")
LAYOUTS: dict[str, Layout] = {
    lay.key: lay
    for lay in (
        Layout(
            "openai",
            "OpenAI Usage API (completions buckets, one row per result)",
            {
                "timestamp": ("start_time",),
                "calls": ("num_model_requests",),
                "input_tokens": ("input_tokens",),  # includes the cached ones
                "output_tokens": ("output_tokens",),
                "cached_tokens": ("input_cached_tokens",),
                "model": ("model",),
                "category": ("project_id", *_CATEGORY),
            },
            signature=("num_model_requests",),
            known=(
                "end_time",
                "object",
                "user_id",
                "api_key_id",
                "batch",
                "service_tier",
                "input_audio_tokens",
                "output_audio_tokens",
                "input_uncached_tokens",
                "input_cache_write_tokens",
                "api_source",
            ),
        ),
        Layout(
            "anthropic",
            "Anthropic Messages API usage, one row per response",
            {
                "timestamp": ("created_at", "timestamp", "starting_at", "time"),
                "input_tokens": ("usage.input_tokens", "input_tokens", "uncached_input_tokens"),
                "output_tokens": ("usage.output_tokens", "output_tokens"),
                "cached_tokens": ("usage.cache_read_input_tokens", "cache_read_input_tokens"),
                "model": ("model",),
                "category": _CATEGORY,
            },
            # Anthropic's input_tokens leaves out cache reads and writes: add them back.
            extra_input=(
                "usage.cache_read_input_tokens",
                "cache_read_input_tokens",
                "usage.cache_creation_input_tokens",
                "cache_creation_input_tokens",
            ),
            signature=("cache_creation_input_tokens",),
            known=(
                "id",
                "type",
                "role",
                "stop_reason",
                "stop_sequence",
                "usage.service_tier",
                "service_tier",
            ),
        ),
        Layout(
            "google",
            "Google Gemini API usageMetadata, one row per response",
            {
                "timestamp": ("createTime", "create_time", "timestamp"),
                "input_tokens": ("usageMetadata.promptTokenCount", "promptTokenCount"),
                "output_tokens": ("usageMetadata.candidatesTokenCount", "candidatesTokenCount"),
                "cached_tokens": (
                    "usageMetadata.cachedContentTokenCount",
                    "cachedContentTokenCount",
                ),
                "model": ("modelVersion", "model"),
                "category": _CATEGORY,
            },
            signature=("promptTokenCount",),
            known=(
                "usageMetadata.totalTokenCount",
                "totalTokenCount",
                "responseId",
                "usageMetadata.thoughtsTokenCount",
            ),
        ),
        Layout(
            "gateway",
            "LLM gateway request log (LiteLLM spend logs, Helicone, Portkey)",
            {
                "timestamp": (
                    "startTime",
                    "start_time",
                    "created_at",
                    "request_created_at",
                    "timestamp",
                ),
                "input_tokens": ("prompt_tokens", "input_tokens", "req_units"),
                "output_tokens": ("completion_tokens", "output_tokens", "res_units"),
                "cached_tokens": (
                    "cache_read_input_tokens",
                    "prompt_cache_read_tokens",
                    "cached_tokens",
                ),
                "model": ("model", "model_group", "ai_model"),
                "category": ("category", *_CATEGORY[1:], "request_tags"),
            },
            signature=("prompt_tokens", "completion_tokens"),
            known=(
                "request_id",
                "call_type",
                "api_key",
                "spend",
                "cost",
                "total_tokens",
                "endTime",
                "end_time",
                "user",
                "metadata",
                "cache_hit",
                "cache_key",
                "status",
                "latency",
                "provider",
                "team_id",
                "end_user",
            ),
        ),
        Layout(
            "generic",
            "Generic: timestamp, calls, input/output/cached tokens, model, category",
            {
                "timestamp": _TIME,
                "calls": ("calls", "requests", "count", "num_requests", "n_requests"),
                "input_tokens": ("input_tokens", "prompt_tokens", "tokens_in"),
                "output_tokens": ("output_tokens", "completion_tokens", "tokens_out"),
                "cached_tokens": ("cached_tokens", "cached_input_tokens", "cache_read_tokens"),
                "model": ("model",),
                "category": _CATEGORY,
            },
        ),
    )
}


def norm(name: str) -> str:
    """A column name as matched: lower case, spaces and dashes as underscores.

    (Here rather than in :mod:`tcocalc.evidence.tables`, so the command line can list the
    layouts without loading pyarrow.)

    >>> norm(" Prompt-Tokens ")
    'prompt_tokens'
    """
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def detect_layout(header: list[str]) -> Layout:
    """The layout whose signature columns the header has (generic when none does)."""
    have = {norm(h.rpartition(".")[2]) for h in header} | {norm(h) for h in header}
    for lay in LAYOUTS.values():
        if lay.signature and all(norm(s) in have for s in lay.signature):
            return lay
    return LAYOUTS["generic"]
