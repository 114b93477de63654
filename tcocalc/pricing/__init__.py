"""Prices as data: the catalog's pydantic models (:mod:`.catalog`), the bundled genai-prices
snapshot (:mod:`.snapshot`) and how the YAML prices drift from it (:mod:`.drift`). No file I/O."""
