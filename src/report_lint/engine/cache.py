"""An opt-in result cache: an unchanged folder re-runs near-instantly.

A result is stored under a key made of everything it depends on — the file's bytes (SHA-256) and name,
the previous year's report's bytes and name when paired, the run options (--published-on, --convert)
and the engine's identity (report-lint's version, the configuration, the plugins with their versions
and the catalogue and template files by content; `Engine.identity`). Change any of them and the entry
is simply not found. Results with an internal error, and files that could not be read, are not cached.

Entries are small JSON files (zlib) under the user cache directory — `$REPORT_LINT_CACHE_DIR`, else
`$XDG_CACHE_HOME/report-lint` (~/.cache/report-lint), ~/Library/Caches/report-lint on macOS,
%LOCALAPPDATA%\\report-lint\\Cache on Windows — written atomically (several workers and runs may share
it). The cache is bounded: after a run the oldest entries go until it is under `cache-max-mb`.
`report-lint cache clear` empties it.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any

DEFAULT_MAX_MB = 256
CACHE_ENV = "REPORT_LINT_CACHE_DIR"
FORMAT = "1"  # bump when the entry layout changes


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "report-lint" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "report-lint"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "report-lint"


class ResultCache:
    def __init__(self, directory: Path, identity: str, max_mb: int = DEFAULT_MAX_MB):
        self.directory = Path(directory)
        self.identity = identity
        self.max_bytes = max_mb * 1048576

    @classmethod
    def for_engine(cls, engine: Any) -> ResultCache:
        settings = engine.config.batch
        directory = Path(settings.cache_dir).expanduser() if settings.cache_dir else cache_dir()
        return cls(directory, engine.identity, settings.cache_max_mb)

    def key(self, *parts: Any) -> str:
        text = json.dumps([FORMAT, self.identity, *parts], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json.z"

    def get(self, key: str) -> dict | None:
        try:
            blob = self._path(key).read_bytes()
            return json.loads(zlib.decompress(blob))
        except (OSError, ValueError, zlib.error):  # absent, or damaged: a miss
            return None

    def put(self, key: str, value: dict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(zlib.compress(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"), 6))
            os.replace(tmp, path)
        except OSError:  # a read-only or full cache directory only costs speed
            pass

    def prune(self) -> None:
        """Remove the least recently written entries until the cache is under its size bound."""
        entries = []
        total = 0
        try:
            for sub in self.directory.iterdir():
                if not sub.is_dir():
                    continue
                for f in sub.iterdir():
                    try:
                        st = f.stat()
                    except OSError:
                        continue
                    entries.append((st.st_mtime, st.st_size, f))
                    total += st.st_size
        except OSError:
            return
        if total <= self.max_bytes:
            return
        for _, size, f in sorted(entries):
            try:
                f.unlink()
            except OSError:
                continue
            total -= size
            if total <= self.max_bytes * 0.8:  # some room, so the next run does not prune again at once
                break


def clear(directory: Path | None = None) -> tuple[int, int]:
    """Delete every cache entry; returns (files, bytes) removed."""
    directory = Path(directory) if directory is not None else cache_dir()
    files = size = 0
    if not directory.is_dir():
        return 0, 0
    for sub in directory.iterdir():
        if not sub.is_dir() or len(sub.name) != 2:
            continue
        for f in sub.iterdir():
            if f.name.endswith((".json.z", ".tmp")):
                try:
                    size += f.stat().st_size
                    f.unlink()
                    files += 1
                except OSError:
                    continue
        with contextlib.suppress(OSError):
            sub.rmdir()
    return files, size


__all__ = ["CACHE_ENV", "DEFAULT_MAX_MB", "ResultCache", "cache_dir", "clear"]
