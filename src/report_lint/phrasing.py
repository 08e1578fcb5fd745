"""How reports phrase things, as data: rules/phrasing/*.toml (trigger words, units, scope markers,
placeholders, organ-name noise). Loaded once, on first use; patterns are compiled on first use too, so
importing a module that reads prose costs nothing.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import rxcache
from .resources import rules_dir


@lru_cache(maxsize=1)
def phrasing() -> dict[str, Any]:
    """{file stem: its data}, e.g. phrasing()["counts"]["count"] is the list of count kinds."""
    from .datacache import read_toml  # through the JSON copy of the data files (parsing the TOML costs ~2 ms)

    return {path.stem: read_toml(path) for path in sorted((rules_dir() / "phrasing").glob("*.toml"))}


@lru_cache(maxsize=512)
def rx(pattern: str) -> re.Pattern:
    """A compiled pattern, compiled once (and kept for later runs: rxcache)."""
    return rxcache.compile(pattern)


def alternation(words) -> str:
    """A regex matching any of `words` literally, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


__all__ = ["alternation", "phrasing", "rx"]
