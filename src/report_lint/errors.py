"""Errors a user can act on. Each carries a stable code and a one-line message in both languages."""
from __future__ import annotations

import re

# Line breaks a library's message may carry (lxml's end in "\n"): a message stays on one line.
_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


class ReportLintError(Exception):
    """An input or usage problem (exit code 2). Never an internal bug."""

    def __init__(self, code: str, zh: str, en: str):
        zh, en = _BREAKS.sub(" ", zh).strip(), _BREAKS.sub(" ", en).strip()
        super().__init__(zh)
        self.code = code
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class InputError(ReportLintError):
    """The file cannot be read as a report (empty, binary, unknown format, no report inside…)."""


class ConfigError(ReportLintError):
    """The configuration is invalid."""
