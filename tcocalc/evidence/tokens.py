"""Count the real prompt: exact tokens for OpenAI's encodings, a labelled estimate for the rest.

**Exact counts** come from the tokenizer files of OpenAI's ``o200k_base`` (GPT-4o, GPT-4.1, GPT-5,
o-series, gpt-oss) and ``cl100k_base`` (GPT-4, GPT-3.5) encodings, shipped inside the
``bpe-openai`` package (a Rust port of tiktoken's byte-pair encoding; its counts equal
tiktoken's, see ``tests/evidence/test_tokens.py``). Nothing is downloaded: ``tiktoken`` fetches its
files on first use and fails offline. The text is counted as plain text (special-token strings
such as ``<|endoftext|>`` count as the characters they spell); the chat format adds a few tokens
per message on top, which this count leaves out.

**Other providers** (Anthropic, Google, Mistral, Llama, ...) do not publish an offline tokenizer
for their current models: their count is an *estimate*, the ``o200k_base`` count, labelled as such
with a typical range of :data:`ESTIMATE_LOW`-:data:`ESTIMATE_HIGH` times it (modern BPE
vocabularies of 100k-260k tokens land within about that band of each other on English prose and
code; other languages can differ more).

**The template.** The prompt's variable part is marked by a placeholder (default ``{text}``):
everything before it is the static prefix, the same on every call and so cacheable by the
providers' prompt caches; text after it is static too but not cacheable (caches match a prefix).
Few-shot examples are marked with tags the model sees as ordinary text::

    <example category="billing">
    Ticket: I was charged twice.  Label: billing
    </example>

Each example counts towards its category (tags included, as they are sent); the mean tokens per
category is what a new category adds to every prompted call if it brings as many examples as
today's categories have. Tags are found by a linear scan, so an unclosed tag cannot make the count
slow; texts over :data:`MAX_PROMPT_CHARS` characters are refused with the limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from tcocalc.evidence.changes import Change, EvidenceError, Range
from tcocalc.inputs.loader import Problem
from tcocalc.model.scenario import Prompting
from tcocalc.pricing.catalog import LlmModel

Encoding = Literal["o200k_base", "cl100k_base"]
MAX_PROMPT_CHARS = 400_000
"""About 100,000 tokens of English: longer than any prompt template we have seen in production."""
MAX_PROMPT_BYTES = 4 * MAX_PROMPT_CHARS
DEFAULT_PLACEHOLDER = "{text}"
ESTIMATE_LOW, ESTIMATE_HIGH = 0.9, 1.3
"""Typical range of another provider's count, as a multiple of the o200k_base count."""

_O200K = (
    "gpt-4o",
    "gpt-4.1",
    "gpt-4.5",
    "gpt-5",
    "gpt-6",
    "chatgpt-4o",
    "gpt-oss",
    "o1",
    "o3",
    "o4",
)
_CL100K = ("gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002")
_OPENAI_PROVIDERS = {"openai", "azure openai", "azure"}

_OPEN = re.compile(r"<example\b([^<>]{0,300})>", re.IGNORECASE)
_CLOSE = re.compile(r"</example\s*>", re.IGNORECASE)
_CATEGORY = re.compile(r"""\bcategory\s*=\s*(?:"([^"]{1,80})"|'([^']{1,80})')""", re.IGNORECASE)


@dataclass(frozen=True)
class Tokenizer:
    """How a model's tokens are counted: exactly with an OpenAI encoding, or estimated."""

    model: str
    encoding: Encoding
    exact: bool
    method: str
    """In words: which encoding, and for an estimate its basis and typical error."""

    @property
    def label(self) -> str:
        return ("exact" if self.exact else "estimate") + f" ({self.method})"


def tokenizer_for(model: str, provider: str | None = None) -> Tokenizer:
    """Which encoding counts ``model``'s tokens, from its id (and its catalog provider).

    >>> tokenizer_for("gpt-4.1-mini").label
    'exact (o200k_base, OpenAI GPT-4o and later)'
    >>> tokenizer_for("gpt-4-0613").encoding, tokenizer_for("ft:gpt-4o-mini:acme::x").encoding
    ('cl100k_base', 'o200k_base')
    >>> t = tokenizer_for("claude-haiku-4-5", "Anthropic")
    >>> t.exact, t.encoding
    (False, 'o200k_base')
    """
    mid = model.strip().lower()
    for prefix in ("ft:", "openai/", "azure/"):
        mid = mid.removeprefix(prefix)
    if mid.startswith(_O200K):
        return Tokenizer(model, "o200k_base", True, "o200k_base, OpenAI GPT-4o and later")
    if mid.startswith(_CL100K):
        return Tokenizer(model, "cl100k_base", True, "cl100k_base, OpenAI GPT-4 and GPT-3.5")
    if provider is not None and provider.strip().lower() in _OPENAI_PROVIDERS:
        return Tokenizer(
            model, "o200k_base", True, "o200k_base, assumed for an OpenAI model not listed"
        )
    who = provider or "this provider"
    return Tokenizer(
        model,
        "o200k_base",
        False,
        f"{who} publishes no offline tokenizer: counted with o200k_base; its own count is "
        f"typically {ESTIMATE_LOW:g}-{ESTIMATE_HIGH:g}x this",
    )


@cache
def _encoder(encoding: Encoding) -> Callable[[str], list[int]]:
    import warnings

    with warnings.catch_warnings():  # its loader uses importlib.resources.open_binary
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai  # loads its vocabularies on import (~2 s); cached for the process

        return bpe_openai.get_encoding(encoding).encode_ordinary


def count_tokens(text: str, encoding: Encoding = "o200k_base") -> int:
    """Tokens in ``text`` with an OpenAI encoding, counted as plain text.

    >>> count_tokens("hello world"), count_tokens("tiktoken is great!", "cl100k_base")
    (2, 6)
    """
    if not text:
        return 0
    return len(_encoder(encoding)(text))


@dataclass(frozen=True)
class CategoryExamples:
    category: str
    examples: int
    tokens: int


@dataclass(frozen=True)
class PromptCount:
    """The token counts of one prompt template."""

    tokenizer: Tokenizer
    characters: int
    placeholder: str
    has_placeholder: bool
    static_prefix_tokens: int
    """Tokens before the placeholder: the same on every call, cacheable."""
    static_suffix_tokens: int
    """Tokens after the placeholder: the same on every call, not cacheable."""
    variable_tokens: int | None
    """Tokens of the sample input, when one was given."""
    categories: tuple[CategoryExamples, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def static_tokens(self) -> int:
        return self.static_prefix_tokens + self.static_suffix_tokens

    @property
    def example_tokens(self) -> int:
        return sum(c.tokens for c in self.categories)

    @property
    def tokens_per_category(self) -> float:
        """Mean few-shot tokens per category (0 without examples)."""
        return self.example_tokens / len(self.categories) if self.categories else 0.0

    def input_tokens_per_call(self, variable_tokens: float | None = None) -> float | None:
        """Static tokens + the variable part (the sample's, else ``variable_tokens``)."""
        v = self.variable_tokens if self.variable_tokens is not None else variable_tokens
        return None if v is None else self.static_tokens + v

    def changes(self, variable_tokens: float | None = None) -> list[Change]:
        """Scenario fields this count sets. Without a sample input, ``variable_tokens`` (e.g. the
        fine-tuned model's input tokens, which are the same text) stands for the variable part."""
        how = self.tokenizer.label
        out: list[Change] = []
        total = self.input_tokens_per_call(variable_tokens)
        if total is not None:
            part = "the sample input" if self.variable_tokens is not None else "today's input size"
            out.append(
                Change(
                    ("prompting", "input_tokens_per_call"),
                    round(total),
                    f"{self.static_tokens:,} static tokens + {part}, {how}",
                )
            )
        if self.variable_tokens is not None:
            out.append(
                Change(
                    ("fine_tuning", "input_tokens_per_call"),
                    self.variable_tokens,
                    f"the sample input alone, {how}",
                )
            )
        # The prompt-structure fields arrive with the cached-prefix pricing (issue 11).
        if "static_prefix_tokens_per_call" in Prompting.model_fields:
            out.append(
                Change(
                    ("prompting", "static_prefix_tokens_per_call"),
                    self.static_prefix_tokens,
                    f"text before {self.placeholder}, {how}",
                )
            )
        if self.categories and "input_tokens_per_new_category" in Prompting.model_fields:
            out.append(
                Change(
                    ("prompting", "input_tokens_per_new_category"),
                    round(self.tokens_per_category),
                    f"mean few-shot tokens of {len(self.categories)} categories, {how}",
                )
            )
        return out

    def ranges(self, variable_tokens: float | None = None) -> list[Range]:
        """For an estimated count, the prompt length's typical range (exact counts: none)."""
        total = self.input_tokens_per_call(variable_tokens)
        if self.tokenizer.exact or total is None:
            return []
        return [
            Range(
                "p_input_tokens_per_call",
                ESTIMATE_LOW * total,
                total,
                ESTIMATE_HIGH * total,
                f"estimated count x {ESTIMATE_LOW:g}-{ESTIMATE_HIGH:g}",
            )
        ]

    def summary(self) -> dict[str, object]:
        """Machine-readable counts (``tcocalc tokens --json``)."""
        return {
            "model": self.tokenizer.model,
            "encoding": self.tokenizer.encoding,
            "exact": self.tokenizer.exact,
            "method": self.tokenizer.method,
            "characters": self.characters,
            "placeholder": self.placeholder if self.has_placeholder else None,
            "static_prefix_tokens": self.static_prefix_tokens,
            "static_suffix_tokens": self.static_suffix_tokens,
            "static_tokens": self.static_tokens,
            "variable_tokens": self.variable_tokens,
            "few_shot_tokens": self.example_tokens,
            "tokens_per_category": round(self.tokens_per_category, 1),
            "categories": [
                {"category": c.category, "examples": c.examples, "tokens": c.tokens}
                for c in self.categories
            ],
            "warnings": list(self.warnings),
        }


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode_prompt(raw: bytes, name: str) -> str:
    """A prompt file's bytes as text, or :class:`EvidenceError` (size, NUL bytes, not UTF-8)."""
    if len(raw) > MAX_PROMPT_BYTES:
        raise EvidenceError(
            [
                Problem(
                    name, 1, 1, "", f"file is {len(raw):,} bytes; the limit is {MAX_PROMPT_BYTES:,}"
                )
            ]
        )
    if b"\x00" in raw:
        raise EvidenceError([Problem(name, 1, 1, "", "binary data (NUL bytes), not a text prompt")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise EvidenceError([Problem(name, line, col, "", "not UTF-8 text")]) from None


def _examples(text: str, name: str) -> tuple[list[tuple[str, int, int]], list[Problem]]:
    """``(category, start, end)`` of every ``<example category="...">...</example>``."""
    tags = sorted(
        [(m.start(), m.end(), "open", m.group(1)) for m in _OPEN.finditer(text)]
        + [(m.start(), m.end(), "close", "") for m in _CLOSE.finditer(text)]
    )
    found: list[tuple[str, int, int]] = []
    problems: list[Problem] = []
    current: tuple[int, str] | None = None
    for start, end, kind, attrs in tags:
        line, col = _line_col(text, start)
        if kind == "open":
            if current is not None:
                problems.append(Problem(name, line, col, "example", "an <example> inside another"))
                continue
            m = _CATEGORY.search(attrs)
            if m is None:
                problems.append(
                    Problem(name, line, col, "example", 'give the example a category="..."')
                )
                current = (start, "")
            else:
                current = (start, (m.group(1) or m.group(2)).strip())
        elif current is None:
            problems.append(Problem(name, line, col, "example", "</example> without <example>"))
        else:
            if current[1]:
                found.append((current[1], current[0], end))
            current = None
    if current is not None:
        line, col = _line_col(text, current[0])
        problems.append(Problem(name, line, col, "example", "<example> is never closed"))
    return found, problems


def count_prompt(
    text: str,
    model: str,
    provider: str | None = None,
    *,
    placeholder: str = DEFAULT_PLACEHOLDER,
    sample_input: str | None = None,
    name: str = "prompt",
) -> PromptCount:
    """Count a prompt template's static prefix, suffix, few-shot examples and a sample input.

    Raises :class:`EvidenceError` listing every problem (too long, two placeholders, unclosed or
    unnamed examples), each with its line and column.

    >>> c = count_prompt('Classify.\\n<example category="billing">charged twice</example>\\n{text}',
    ...                  "gpt-4.1-mini", sample_input="My card was declined")
    >>> c.static_prefix_tokens, c.variable_tokens, [(e.category, e.tokens) for e in c.categories]
    (14, 4, [('billing', 11)])
    """
    problems: list[Problem] = []
    for label, value in (("prompt", text), ("sample input", sample_input or "")):
        if len(value) > MAX_PROMPT_CHARS:
            problems.append(
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"the {label} has {len(value):,} characters; the limit is {MAX_PROMPT_CHARS:,}",
                )
            )
    if problems:
        raise EvidenceError(problems)
    if not placeholder:
        raise EvidenceError([Problem(name, 1, 1, "placeholder", "the placeholder is empty")])
    tok = tokenizer_for(model, provider)
    warnings: list[str] = []
    spots = [m.start() for m in re.finditer(re.escape(placeholder), text)]
    if len(spots) > 1:
        for s in spots[1:]:
            line, col = _line_col(text, s)
            problems.append(
                Problem(
                    name, line, col, "placeholder", f"{placeholder} appears again; mark one spot"
                )
            )
    examples, example_problems = _examples(text, name)
    problems.extend(example_problems)
    if problems:
        raise EvidenceError(sorted(problems, key=lambda p: (p.line, p.column)))
    if spots:
        prefix, suffix = text[: spots[0]], text[spots[0] + len(placeholder) :]
    else:
        prefix, suffix = text, ""
        warnings.append(
            f"no {placeholder} in the prompt: all of it counts as the static prefix, with the "
            "input assumed to follow it"
        )
    by_category: dict[str, list[int]] = {}
    for category, start, end in examples:
        if spots and start < spots[0] < end:
            line, col = _line_col(text, spots[0])
            raise EvidenceError(
                [Problem(name, line, col, "placeholder", f"{placeholder} is inside an example")]
            )
        by_category.setdefault(category, []).append(count_tokens(text[start:end], tok.encoding))
    if not tok.exact:
        warnings.append(f"estimate: {tok.method}")
    return PromptCount(
        tokenizer=tok,
        characters=len(text),
        placeholder=placeholder,
        has_placeholder=bool(spots),
        static_prefix_tokens=count_tokens(prefix, tok.encoding),
        static_suffix_tokens=count_tokens(suffix, tok.encoding),
        variable_tokens=None if sample_input is None else count_tokens(sample_input, tok.encoding),
        categories=tuple(
            CategoryExamples(c, len(v), sum(v)) for c, v in sorted(by_category.items())
        ),
        warnings=tuple(warnings),
    )


def cost_per_call_usd(
    input_tokens: float,
    output_tokens: float,
    usd_per_1m_input_tokens: float,
    usd_per_1m_output_tokens: float,
) -> float:
    """One call's price: ``(input x input price + output x output price) / 1M``.

    >>> round(cost_per_call_usd(1_150, 25, 0.40, 1.60), 6)  # the article's prompt on GPT-4.1 mini
    0.0005
    """
    return (input_tokens * usd_per_1m_input_tokens + output_tokens * usd_per_1m_output_tokens) / 1e6


def cost_of_one_call_usd(model: LlmModel, input_tokens: float, output_tokens: float) -> float:
    """:func:`cost_per_call_usd` at a catalog model's list prices."""
    return cost_per_call_usd(
        input_tokens, output_tokens, model.usd_per_1m_input_tokens, model.usd_per_1m_output_tokens
    )
