"""Errors a user can act on. Each carries a stable code and a one-line message in both languages."""
from __future__ import annotations


class ReportLintError(Exception):
    """An input or usage problem (exit code 2). Never an internal bug."""

    def __init__(self, code: str, zh: str, en: str):
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
