"""Message templates in words: `str.format` templates with `{named}` arguments, as the rule catalogue
writes them, filled so that a clerk can read the values (20 not 20.0, lists joined with 、).

Kept below the engine so the recogniser can word its parse problems with the same templates
(rules/catalogue/parse.toml) without importing the engine.

A boolean argument may choose between two wordings: `{dropped:已去掉|未去掉}` gives the text before
`|` when `dropped` is true and the text after it otherwise.
"""
from __future__ import annotations

import string
from functools import lru_cache
from typing import Any


class _Missing:
    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key


def display(value: Any, lang: str = "zh") -> str:
    """A value as a clerk reads it: 20 not 20.0, lists joined with 、."""
    t = type(value)
    if t is str:  # most arguments (the exact types only: a bool is an int, a str subclass gets str())
        return value
    if t is int:
        return str(value)
    if value is None:
        return "（空）" if lang == "zh" else "(blank)"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".10g")
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ("、" if lang == "zh" else ", ").join(display(v, lang) for v in items)
    return str(value)


class _SafeFormatter(string.Formatter):
    """format_map that never raises: a missing argument stays as {name}; a format spec that does not
    fit the value falls back to the plain display."""

    def __init__(self, lang: str):
        self.lang = lang

    def get_value(self, key, args, kwargs):
        if isinstance(key, int):
            return _Missing(str(key))
        return kwargs[key] if key in kwargs else _Missing(key)

    def convert_field(self, value, conversion):
        if isinstance(value, _Missing):
            return value
        return super().convert_field(value, conversion)

    def format_field(self, value, format_spec):
        if isinstance(value, _Missing):
            return "{" + value.key + (":" + format_spec if format_spec else "") + "}"
        if isinstance(value, bool) and "|" in format_spec:
            yes, _, no = format_spec.partition("|")
            return yes if value else no
        if format_spec:
            try:
                return format(value, format_spec)
            except (ValueError, TypeError):
                pass
        return display(value, self.lang)


_FORMATTERS = {"zh": _SafeFormatter("zh"), "en": _SafeFormatter("en")}


@lru_cache(maxsize=2048)
def _plan(template: str) -> tuple[tuple[str, str | None, str], ...] | None:
    """The template cut into (literal text, field name, format spec) once per process, when every field
    is a plain `{name}` or `{name:spec}` (string.Formatter's own parser); None sends it the general way."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return None
    plan = []
    for literal, field, spec, conversion in parts:
        spec = spec or ""
        if field is not None and (not field.isidentifier() or conversion or "{" in spec or "}" in spec):
            return None
        plan.append((literal, field, spec))
    return tuple(plan)


def render_message(template: str, args: dict[str, Any], lang: str = "zh") -> str:
    fmt = _FORMATTERS.get(lang) or _SafeFormatter(lang)
    kwargs = dict(args or {})
    plan = _plan(template)
    try:
        if plan is not None:  # what vformat does for such a template, without parsing it on every call
            out = []
            for literal, field, spec in plan:
                if field is None:
                    out.append(literal)
                    continue
                value = kwargs.get(field, _Missing)
                if type(value) is str and not spec:  # most fields: format_field gives the text itself
                    out.append(literal + value)
                else:
                    out.append(literal + fmt.format_field(fmt.get_value(field, (), kwargs), spec))
            return "".join(out)
        return fmt.vformat(template, (), kwargs)
    except (ValueError, IndexError, KeyError, AttributeError):  # malformed template slipped through
        return template


__all__ = ["display", "render_message"]
