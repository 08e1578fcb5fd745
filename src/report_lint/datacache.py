"""report-lint's own data files (rules/catalogue, templates and phrasing/*.toml) as one JSON copy in the
user's cache directory, so a run reads one small JSON file instead of parsing a dozen TOML files (TOML
parsing was most of the cost of loading them; validation stays on every load, it is cheap).

The copy is keyed by report-lint's version and by each file's path, size and modification time: any
change, a file added or removed, re-reads the TOML and rewrites the copy (atomically, so parallel runs
never see half a file). Plugin files are never cached. REPORT_LINT_CACHE_DIR moves the cache; set it to
an empty string to switch it off. A cache that cannot be read or written is simply not used.
"""
from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from . import __version__
from .resources import rules_dir

ENV = "REPORT_LINT_CACHE_DIR"
FILE = "data.json"


def cache_dir() -> Path | None:
    """Where the copy lives; None when caching is switched off."""
    if ENV in os.environ:
        value = os.environ[ENV].strip()
        return Path(value) if value else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "report-lint"


def _builtin_files() -> list[os.DirEntry]:
    """The data files, in path order. Every read_toml call checks them (a dozen per run), so this lists
    directories with os.scandir and stays with strings: pathlib's glob, sorting and stat cost ~3 ms a run."""
    root = str(rules_dir())
    found = []
    for sub in ("catalogue", "phrasing", "templates"):  # sorted, as the paths are
        try:
            with os.scandir(os.path.join(root, sub)) as it:
                found.extend(sorted((e for e in it if os.path.normcase(e.name).endswith(".toml")),
                                    key=lambda e: e.name))
        except OSError:
            continue
    return found


def _key(files: list[os.DirEntry]) -> list:
    out: list = [__version__]
    for e in files:
        st = os.stat(e.path)
        out.append([e.path, st.st_size, st.st_mtime_ns])
    return out


_loaded: dict[str, Any] | None = None  # {"key": …, "files": {path: content}}


def builtin_data() -> dict[str, dict]:
    """{path: the TOML file's content} for the built-in data files. A file that cannot be read is left out
    (its loader then reads it itself and reports the error by name) and nothing is written."""
    global _loaded  # noqa: PLW0603 - the process-wide copy; tests reset it to act as a new process
    files = _builtin_files()
    key = _key(files)
    if _loaded is not None and _loaded.get("key") == key:
        return _loaded["files"]
    where = cache_dir()
    cached = _read(where / FILE) if where is not None else None
    if cached is not None and cached.get("key") == key:
        _loaded = cached
        return cached["files"]
    content, broken = {}, False
    for e in files:
        try:
            with open(e.path, "rb") as f:
                content[e.path] = tomllib.load(f)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            broken = True
    _loaded = {"key": key, "files": content}
    if where is not None and not broken:
        _write(where, _loaded)
    return content


def read_toml(path: Path) -> dict:
    """A data file's content: built-in files through the cached copy, any other file parsed."""
    data = builtin_data()
    got = data.get(str(path))
    if got is not None:
        return got
    with open(path, "rb") as f:
        return tomllib.load(f)


def _read(path: Path) -> dict | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write(where: Path, data: dict) -> None:
    tmp = None
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".data-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, where / FILE)
    except OSError:  # a read-only or full cache directory only costs the TOML parsing
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


__all__ = ["ENV", "builtin_data", "cache_dir", "read_toml"]
