"""Prompt token counts: exact against published reference counts, estimates labelled, bad prompts
refused with their line and column."""

from __future__ import annotations

import pytest

from tcocalc.evidence.changes import EvidenceError
from tcocalc.evidence.tokens import (
    MAX_PROMPT_CHARS,
    count_prompt,
    count_tokens,
    decode_prompt,
    tokenizer_for,
)

# Reference token ids, each from a published source (the counts are their lengths):
# - openai/tiktoken tests/test_encoding.py (test_simple, test_simple_regex,
#   test_encode_surrogate_pairs), the reference tokenizer's own tests;
# - the OpenAI Cookbook "How to count tokens with tiktoken" ("tiktoken is great!");
# - github/rust-gems crates/bpe-openai smoke test and openai/harmony's tests
#   (test_encode_allowed_special: o200k_harmony encodes "hello world" as [24912, 2375]).
CL100K_REFERENCE = {
    "hello world": [15339, 1917],
    "rer": [38149],
    "'rer": [2351, 81],
    "today\n ": [31213, 198, 220],
    "today\n \n": [31213, 27907],
    "today\n  \n": [31213, 14211],
    "👍": [9468, 239, 235],
    "tiktoken is great!": [83, 1609, 5963, 374, 2294, 0],
}
O200K_REFERENCE = {
    "hello world": [24912, 2375],
}


@pytest.mark.parametrize("text", sorted(CL100K_REFERENCE))
def test_cl100k_counts_equal_tiktokens_published_ids(text):
    assert count_tokens(text, "cl100k_base") == len(CL100K_REFERENCE[text])


def test_o200k_counts_equal_the_published_ids():
    for text, ids in O200K_REFERENCE.items():
        assert count_tokens(text, "o200k_base") == len(ids)


def test_the_ids_themselves_match_not_only_their_number():
    # A count could match by accident; the ids cannot.
    from tcocalc.evidence.tokens import _encoder

    for text, ids in CL100K_REFERENCE.items():
        assert _encoder("cl100k_base")(text) == ids
    assert _encoder("o200k_base")("hello world") == [24912, 2375]


def test_special_token_text_counts_as_plain_text():
    # "<|endoftext|>" typed in a prompt is 7 ordinary tokens in o200k_base, not 1 special token
    # (the same ids the reference tokenizer gives with encode_ordinary).
    assert count_tokens("<|endoftext|>", "o200k_base") == 7


def test_which_encoding_each_model_uses():
    assert tokenizer_for("gpt-4o-mini").encoding == "o200k_base"
    assert tokenizer_for("gpt-5.6-luna").encoding == "o200k_base"
    assert tokenizer_for("gpt-oss-20b", "Fireworks").exact  # o200k_harmony = o200k + specials
    assert tokenizer_for("gpt-3.5-turbo").encoding == "cl100k_base"
    assert tokenizer_for("some-new-model", "OpenAI").exact
    claude = tokenizer_for("claude-sonnet-4-5", "Anthropic")
    assert not claude.exact
    assert "estimate" in claude.label and "Anthropic" in claude.method


TEMPLATE = """You sort support tickets into one of these categories: billing, login.

<example category="billing">
Ticket: I was charged twice this month.
Label: billing
</example>
<example category="billing">
Ticket: Where is my refund?
Label: billing
</example>
<example category="login">
Ticket: The reset link does not work.
Label: login
</example>

Ticket: {text}
Label:"""


def test_template_split_into_prefix_suffix_examples_and_input():
    c = count_prompt(TEMPLATE, "gpt-4.1-mini", sample_input="My card was declined.")
    prefix, _, suffix = TEMPLATE.partition("{text}")
    assert c.static_prefix_tokens == count_tokens(prefix)
    assert c.static_suffix_tokens == count_tokens(suffix)
    assert c.variable_tokens == count_tokens("My card was declined.")
    assert [(e.category, e.examples) for e in c.categories] == [("billing", 2), ("login", 1)]
    billing = TEMPLATE[TEMPLATE.index("<example") : TEMPLATE.index('<example category="login"')]
    # Each example counted on its own, tags included; the newline between examples is not in one.
    first, second = billing.strip().split("</example>\n")[:2]
    assert c.categories[0].tokens == count_tokens(first + "</example>") + count_tokens(second)
    assert c.tokens_per_category == (c.categories[0].tokens + c.categories[1].tokens) / 2
    assert c.input_tokens_per_call() == c.static_tokens + c.variable_tokens


def test_changes_fill_prompt_and_fine_tuned_input():
    c = count_prompt(TEMPLATE, "gpt-4.1-mini", sample_input="My card was declined.")
    changes = {ch.dotted: ch.value for ch in c.changes()}
    assert changes["prompting.input_tokens_per_call"] == c.static_tokens + c.variable_tokens
    assert changes["fine_tuning.input_tokens_per_call"] == c.variable_tokens
    # Without a sample, the fine-tuned model's input size stands for the variable part.
    no_sample = count_prompt(TEMPLATE, "gpt-4.1-mini")
    assert {ch.dotted: ch.value for ch in no_sample.changes(150)} == {
        "prompting.input_tokens_per_call": no_sample.static_tokens + 150,
        **{
            k: v
            for k, v in changes.items()
            if k not in ("prompting.input_tokens_per_call", "fine_tuning.input_tokens_per_call")
        },
    }


def test_an_estimate_comes_with_a_monte_carlo_range_and_an_exact_count_without():
    exact = count_prompt("Classify: {text}", "gpt-4o", sample_input="hi")
    assert exact.ranges() == []
    est = count_prompt("Classify: {text}", "claude-haiku-4-5", "Anthropic", sample_input="hi")
    (r,) = est.ranges()
    assert r.driver == "p_input_tokens_per_call"
    assert r.low < r.likely == est.input_tokens_per_call() < r.high
    assert any("estimate" in w for w in est.warnings)


def test_every_problem_at_once_with_line_and_column():
    text = 'a {text}\n<example>no category</example>\nb {text}\n<example category="x">open'
    with pytest.raises(EvidenceError) as err:
        count_prompt(text, "gpt-4o", name="p.txt")
    lines = [str(p) for p in err.value.problems]
    assert lines == [
        'p.txt:2:1: example: give the example a category="..."',
        "p.txt:3:3: placeholder: {text} appears again; mark one spot",
        "p.txt:4:1: example: <example> is never closed",
    ]


def test_no_placeholder_is_a_warning_not_an_error():
    c = count_prompt("Classify the ticket.", "gpt-4o")
    assert not c.has_placeholder
    assert c.static_prefix_tokens == count_tokens("Classify the ticket.")
    assert "no {text}" in c.warnings[0]


def test_too_long_is_refused_with_the_limit_and_many_open_tags_stay_fast():
    with pytest.raises(EvidenceError, match=f"limit is {MAX_PROMPT_CHARS:,}"):
        count_prompt("x" * (MAX_PROMPT_CHARS + 1), "gpt-4o")
    # 40,000 unclosed tags: a backtracking pattern would scan to the end from each one.
    with pytest.raises(EvidenceError) as err:
        count_prompt('<example category="a">' * 10_000, "gpt-4o")
    assert len(err.value.problems) == 10_000


def test_prompt_bytes_decoded_or_refused_with_position():
    assert decode_prompt("héllo".encode(), "p.txt") == "héllo"
    with pytest.raises(EvidenceError, match=r"p.txt:2:3: not UTF-8 text"):
        decode_prompt(b"ok\nab\xff", "p.txt")
    with pytest.raises(EvidenceError, match="NUL"):
        decode_prompt(b"a\x00b", "p.txt")
