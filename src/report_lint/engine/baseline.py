"""Baselines: accept today's findings so that later runs show only new ones.

    report-lint check reports/ --baseline baseline.json     # first run: writes it (every finding accepted)
    report-lint check reports/ --baseline baseline.json     # later: accepted findings hidden, new ones shown
    report-lint check reports/ --baseline baseline.json --write-baseline   # accept the current state again

An entry is a file (its path relative to the baseline file's folder, so the baseline works from any
working directory) and a finding's fingerprint — the rule, its place in the report's structure and the
message arguments, not the line number (engine/runner.py `fingerprint`), so re-flowing a report does
not bring accepted findings back — with a count (two identical findings need two entries). Hidden
findings do not count for the exit code; they are counted in the summary (`baselined`). The score is
the report's own and does not change. Entries of checked files that no longer match anything are
"stale" (the problem was fixed) and reported on stderr, so the baseline can be renewed.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .types import FileResult

KIND = "report-lint-baseline"
VERSION = 1


class Baseline:
    def __init__(self, path: Path, entries: dict[str, Counter], *, write: bool, lang: str):
        self.path = path
        self.entries = entries  # relative path -> Counter(fingerprint)
        self.write = write
        self.lang = lang
        self.collected: dict[str, dict[str, dict[str, Any]]] = {}
        self.hidden = 0
        self.stale: list[tuple[str, str, int]] = []
        self._left: dict[str, Counter] = {}

    @classmethod
    def open(cls, path: str | Path, *, write: bool = False, lang: str = "zh") -> Baseline:
        """Read the baseline; a missing file (or write=True) means "write one at the end of this run"."""
        p = Path(path)
        if write or not p.exists():
            return cls(p, {}, write=True, lang=lang)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ConfigError("baseline-unreadable", f"无法读取基线文件 {p}：{e}",
                              f"cannot read baseline file {p}: {e}") from None
        if not isinstance(data, dict) or data.get("kind") != KIND or not isinstance(data.get("files"), dict):
            raise ConfigError("baseline-invalid", f"{p} 不是 report-lint 基线文件",
                              f"{p} is not a report-lint baseline file")
        entries: dict[str, Counter] = {}
        for name, found in data["files"].items():
            if isinstance(found, dict):
                entries[name] = Counter({fp: int(v.get("count", 1)) if isinstance(v, dict) else 1
                                         for fp, v in found.items()})
        return cls(p, entries, write=False, lang=lang)

    def _key(self, path: str) -> str:
        base = self.path.resolve().parent
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(base).as_posix()
        except ValueError:
            return absolute.as_posix()

    def apply(self, fr: FileResult) -> None:
        """Hide the findings the baseline accepts (or, when writing, accept every finding)."""
        if fr.status != "checked" or not fr.findings:
            if fr.status == "checked" and not self.write:
                self._left[self._key(fr.path)] = Counter(self.entries.get(self._key(fr.path), Counter()))
            return
        key = self._key(fr.path)
        if self.write:
            mine = self.collected.setdefault(key, {})
            for f in fr.findings:
                e = mine.setdefault(f.fingerprint or "", {"rule": f.rule, "message": f.message_zh, "count": 0})
                e["count"] += 1
            fr.baselined, fr.findings = len(fr.findings), []
            self.hidden += fr.baselined
            return
        left = Counter(self.entries.get(key, Counter()))
        kept = []
        for f in fr.findings:
            if f.fingerprint and left[f.fingerprint] > 0:
                left[f.fingerprint] -= 1
                fr.baselined += 1
            else:
                kept.append(f)
        fr.findings = kept
        self.hidden += fr.baselined
        self._left[key] = left

    def finish(self) -> None:
        """Write the baseline (writing mode), or note the stale entries of the files checked."""
        if self.write:
            data = {"kind": KIND, "version": VERSION,
                    "files": {k: dict(sorted(v.items())) for k, v in sorted(self.collected.items())}}
            try:
                self.path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            except OSError as e:
                raise ConfigError("baseline-unwritable", f"无法写入基线文件 {self.path}：{e.strerror}",
                                  f"cannot write baseline file {self.path}: {e.strerror}") from None
            return
        for name, left in sorted(self._left.items()):
            for fp, n in sorted(left.items()):
                if n > 0:
                    self.stale.append((name, fp, n))

    def report(self) -> dict[str, Any]:
        return {"file": str(self.path), "written": self.write, "hidden": self.hidden,
                "stale": sum(n for _, _, n in self.stale)}

    def message(self) -> str | None:
        """One line for stderr about what the baseline did, or None."""
        zh = self.lang == "zh"
        if self.write:
            return (f"已写入基线 {self.path}（{self.hidden} 条问题被接受）" if zh
                    else f"baseline written to {self.path} ({self.hidden} findings accepted)")
        stale = sum(n for _, _, n in self.stale)
        if not stale:
            return None
        return (f"基线 {self.path} 中有 {stale} 条已不再出现（问题已修正），可用 --write-baseline 更新" if zh
                else f"{stale} entries of baseline {self.path} no longer match (fixed); renew it with --write-baseline")


__all__ = ["Baseline"]
