"""``tcocalc pricing import``: a model's prices from the genai-prices snapshot into a pricing file.

:func:`import_model` rewrites the text of one pricing file so that ``models.<id>`` carries the
snapshot's prices (:func:`tcocalc.pricing.snapshot.entry_fields`: input, output, cached,
cache-write, batch, long-context tiers and one period per later dated change), and where the entry
has a ``fine_tuning`` block with a ``snapshot_id`` (``ft:gpt-4o-mini``), the tuned model's
per-token prices too. It is a ruamel round trip, like the page's editor: comments, key order and
the layout of every other line are kept; price keys the snapshot no longer has are removed;
``schema_version: 1`` becomes 2. ``source`` and ``as_of`` are left alone: they say where a person
read the price, which the import does not (it lists what changed, for that person to check).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tcocalc.inputs.cells import _rt_yaml
from tcocalc.inputs.loader import PricingFileError, Problem, parse_pricing
from tcocalc.pricing.prices import OPTIONAL_RATES

PRICE_KEYS = (
    "usd_per_1m_input_tokens",
    "usd_per_1m_output_tokens",
    *OPTIONAL_RATES,
    "tiers",
    "tier_rule",
    "periods",
)
"""The keys an import owns: set from the snapshot, removed when the snapshot lacks them."""


@dataclass(frozen=True)
class Imported:
    """The new text of the file and one line per change, for the person who runs the import."""

    text: str
    changes: tuple[str, ...]


_KEY_LINE = re.compile(r"^( +)[A-Za-z_][\w.-]*:", re.MULTILINE)


def _indents(text: str) -> dict[str, int]:
    r"""ruamel's indent settings that reproduce ``text``: its mapping indent (the smallest indent of
    a nested key), and its lists' layout, or ``  - `` under the key when it has none yet.

    >>> _indents("a:\n  b: 1\n  c:\n    - 1\n")
    {'mapping': 2, 'sequence': 4, 'offset': 2}
    >>> _indents("a:\n  b:\n  - 1\n")  # lists flush with their key, as this file has them
    {'mapping': 2, 'sequence': 2, 'offset': 0}
    """
    from ruamel.yaml.util import load_yaml_guess_indent

    mapping = min((len(m.group(1)) for m in _KEY_LINE.finditer(text)), default=2)
    _, seq_indent, seq_offset = load_yaml_guess_indent(text)
    if seq_offset is None:
        return {"mapping": mapping, "sequence": mapping + 2, "offset": 2}
    return {"mapping": mapping, "sequence": seq_indent or mapping, "offset": seq_offset}


def _yaml_value(value: Any) -> Any:
    """Fields as ruamel block-style containers (lists of mappings for tiers and periods)."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _yaml_value(v)
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq()
        seq.extend(_yaml_value(v) for v in value)
        return seq
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _apply(entry: CommentedMap, fields: dict[str, Any], where: str) -> list[str]:
    """Set ``fields`` in ``entry`` (new keys after the last price key), remove the price keys
    the fields lack; the changes as lines."""
    changes: list[str] = []
    for key in [k for k in PRICE_KEYS if k in entry and k not in fields]:
        changes.append(f"{where}.{key}: removed (the snapshot has no such price)")
        del entry[key]
    anchor = max(
        (i for i, k in enumerate(entry) if k in PRICE_KEYS),
        default=len(entry) - 1,
    )
    for key in [k for k in PRICE_KEYS if k in fields]:
        value = fields[key]
        if key in entry:
            if _plain(entry[key]) != value:
                old = _plain(entry[key])
                shown = f"{old} -> {value}" if not isinstance(value, list) else "replaced"
                changes.append(f"{where}.{key}: {shown}")
                entry[key] = _yaml_value(value)
            anchor = list(entry).index(key)
        else:
            anchor += 1
            entry.insert(anchor, key, _yaml_value(value))
            shown = value if not isinstance(value, list) else f"{len(value)} item(s)"
            changes.append(f"{where}.{key}: added ({shown})")
    return changes


def import_model(
    text: str,
    name: str,
    model_id: str,
    fields: dict[str, Any],
    *,
    tuned_fields: dict[str, Any] | None = None,
    new_entry: dict[str, Any] | None = None,
    snapshot_id: str | None = None,
) -> Imported:
    """``text`` (the pricing file ``name``) with ``models.<model_id>`` priced by ``fields``.

    ``tuned_fields``: the tuned model's per-token prices, for its ``fine_tuning`` block.
    ``new_entry``: the other keys of an entry the file does not have yet (provider, name,
    source, as_of, notes); without it an id the file lacks is an error. ``snapshot_id`` is
    written when it differs from ``model_id``. The result is validated before it is returned
    (:class:`~tcocalc.inputs.loader.PricingFileError` otherwise; nothing is written here).
    """
    yaml = _rt_yaml(text)
    yaml.indent(**_indents(text))
    data = yaml.load(text)
    changes: list[str] = []
    if data.get("schema_version") == 1:
        data["schema_version"] = 2
        changes.append("schema_version: 1 -> 2")
    models = data.get("models")
    if not isinstance(models, CommentedMap):
        models = CommentedMap()
        data["models"] = models
    entry = models.get(model_id)
    if entry is None:
        if new_entry is None:
            raise PricingFileError(
                [Problem(name, 1, 1, f"models.{model_id}", "no such model in this file")]
            )
        entry = CommentedMap()
        entry["provider"] = new_entry["provider"]
        entry["name"] = new_entry.get("name", "")
        models[model_id] = entry
        models.yaml_set_comment_before_after_key(model_id, before="\n", indent=2)
        for key in ("source", "as_of", "notes"):
            entry[key] = new_entry[key]
        changes.append(f"models.{model_id}: added from the snapshot")
    if snapshot_id and snapshot_id != model_id and entry.get("snapshot_id") != snapshot_id:
        entry["snapshot_id"] = snapshot_id
        changes.append(f"models.{model_id}.snapshot_id: {snapshot_id}")
    changes += _apply(entry, fields, f"models.{model_id}")
    tuned = entry.get("fine_tuning")
    if tuned_fields is not None and isinstance(tuned, CommentedMap):
        training = tuned.get("usd_per_1m_training_tokens")
        hosting = tuned.get("usd_per_hosting_hour", 0.0)
        for period in tuned_fields.get("periods", []):
            period.setdefault("usd_per_1m_training_tokens", training)
            period.setdefault("usd_per_hosting_hour", hosting)
        changes += _apply(tuned, tuned_fields, f"models.{model_id}.fine_tuning")
    out = io.StringIO()
    yaml.dump(data, out)
    new_text = out.getvalue()
    parse_pricing(new_text, name)  # raises PricingFileError, located, if the result is invalid
    return Imported(new_text, tuple(changes))


def default_notes(snapshot_ref: str, version: str, day: dt.date) -> str:
    """The notes of an entry the import adds.

    >>> default_notes("together/x", "0.2.3", dt.date(2026, 12, 1))
    'Imported on 2026-12-01 from the genai-prices 0.2.3 snapshot (together/x); check it at source.'
    """
    return (
        f"Imported on {day} from the genai-prices {version} snapshot ({snapshot_ref}); "
        "check it at source."
    )
