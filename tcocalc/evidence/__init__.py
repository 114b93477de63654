"""Evidence in, not guesses: the team's own prompt, traffic and eval set turned into scenario inputs.

One module per importer, each a pure function from text or bytes to a typed result:

:mod:`tcocalc.evidence.tokens`
    Exact token counts of a prompt template for OpenAI's encodings (o200k_base, cl100k_base, from
    the tokenizer files the ``bpe-openai`` package ships: nothing is downloaded), a labelled
    estimate for other providers; the cacheable static prefix and the few-shot examples per
    category.
:mod:`tcocalc.evidence.traffic`
    A usage export or gateway request log (CSV or JSONL, read in batches with pyarrow): monthly
    calls, a growth fit with its standard error, peak-to-average from hourly counts, tokens per
    call (mean and P90), category shares and how fast new categories appeared.
:mod:`tcocalc.evidence.evals`
    An eval set (rows or per-strategy counts): accuracy with Wilson and Jeffreys intervals per
    strategy and category, the paired difference (Newcombe) and how many examples it would take
    to tell the two apart.

Each result offers the scenario changes it supports (:class:`tcocalc.evidence.changes.Change`)
and Monte Carlo ranges (:class:`tcocalc.evidence.changes.Range`, driver keys of
:data:`tcocalc.analytics.drivers.DRIVERS`); :func:`tcocalc.evidence.changes.apply_changes` applies
them all or none. Bad input raises :class:`tcocalc.inputs.loader.InputFileError` with every
problem located by file, line and column.
"""
