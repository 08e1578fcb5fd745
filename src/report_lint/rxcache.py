"""Compiled regular expressions carried over from one run to the next.

`re` compiles in pure Python, and a character class with a range such as [\\u4e00-\\u9fff] is expanded one
character at a time (~1 ms for that one class; `[一-鿿]` is the same pattern): the ~250 patterns a report
needs cost ~30 ms of a one-file run, on every run. What the compiler produces — the engine's code, the
group names — depends only on the pattern, its flags and the Python build, so it is kept in the cache
directory (REPORT_LINT_CACHE_DIR, beside datacache's copy; empty switches it off) and handed straight to
the regex engine on the next run (`_sre.compile`, the call `re.compile` itself ends with; it verifies the
code). The compiled pattern is the same object `re.compile` returns: matching is unchanged.

Only patterns report-lint builds from its own code and data files come here, never text read from a
report, so the file stays small (a few hundred entries). A pattern compiled anew is added by `save()`,
called once a report is checked. Another Python, a damaged file or a missing `re` internal: the pattern is
compiled by `re` as usual.
"""
from __future__ import annotations

import importlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

_sre: Any = None
_compiler: Any = None
_parser: Any = None
try:  # CPython's internals of `re` (no stubs: reached by name)
    _sre, _compiler, _parser = (importlib.import_module(m) for m in ("_sre", "re._compiler", "re._parser"))
except ImportError:  # pragma: no cover - another implementation of Python: plain re.compile
    _sre = None

# The code is specific to the build of Python (and to its regex engine's version, MAGIC).
PYTHON = f"{sys.implementation.cache_tag} {sys.version} {getattr(_sre, 'MAGIC', '')}"
MAX_ENTRIES = 5000  # a file that grew past this (patterns from a plugin's data, say) starts afresh

_table: dict[str, list] | None = None  # "flags:pattern" -> [flags, code, groups, groupindex, indexgroup]
_new: dict[str, list] = {}  # compiled in this process and not written yet


def _path() -> Path | None:
    from .datacache import cache_dir

    where = cache_dir()
    return where / f"regex-{sys.implementation.cache_tag}.json" if where is not None else None


def _read(path: Path | None) -> dict[str, list]:
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("python") != PYTHON or not isinstance(data.get("patterns"), dict):
        return {}
    return data["patterns"]


def _engine(pattern: str, entry: list) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, flags, code, groups, groupindex, tuple(indexgroup))


def _code(pattern: str, flags: int) -> list[Any]:
    """What re._compiler.compile hands to _sre.compile, for a str pattern."""
    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return [flags | p.state.flags, code, p.state.groups - 1, groupindex, indexgroup]


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), using the code kept from an earlier run when there is one."""
    global _table  # noqa: PLW0603 - the process-wide table, read on first use
    if _sre is None or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    flags = int(flags)
    if _table is None:
        _table = _read(_path())
    key = f"{flags}:{pattern}"
    entry = _table.get(key)
    if entry is not None:
        try:
            return _engine(pattern, entry)
        except Exception:  # noqa: BLE001 - a damaged entry: compiled afresh below
            pass
    try:
        entry = _code(pattern, flags)
        compiled = _engine(pattern, entry)
    except Exception:  # noqa: BLE001 - a bad pattern (re.compile raises re.error) or changed re internals
        return re.compile(pattern, flags)
    _table[key] = entry
    _new[key] = entry
    return compiled


def save() -> None:
    """Add the patterns compiled since the last save to the file (read again first: parallel workers
    each add theirs; the file is replaced atomically, so a reader never sees half of it)."""
    if not _new:
        return
    path = _path()
    new = dict(_new)
    _new.clear()
    if path is None:
        return
    table = _read(path)
    if len(table) + len(new) > MAX_ENTRIES:
        table = {}
    table.update(new)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".regex-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"python": PYTHON, "patterns": table}, f, separators=(",", ":"))
        os.replace(tmp, path)
    except (OSError, ValueError):  # a read-only or full cache directory only costs the compiling
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


__all__ = ["compile", "save"]
