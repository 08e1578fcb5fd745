"""Report formats as data: load rules/templates/*.toml (and plugin-contributed files) into typed specs.

Nothing here knows a particular year: a new national format or a provincial variant is a new TOML
file with the same shape (see docs/templates.md).
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .datacache import read_toml
from .errors import ConfigError
from .resources import rules_dir


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Spec):
    key: str
    label: str
    signed: bool = False  # 本年增/减 may be negative
    money: bool = False  # decimals allowed, unit kept in raw
    unit: str | None = None


class RowSpec(_Spec):
    key: str
    label: str
    match: tuple[str, ...]
    index: str | None = None  # the "1." numbering in front of a sub-row label
    index_required: bool = False  # the label text alone is too common (3.其他)


class Equation(_Spec):
    id: str
    kind: Literal["per_column", "per_row"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    description: str
    description_en: str


class PartSpec(_Spec):
    caption: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]


class TableSpec(_Spec):
    title: str
    section: int
    start: tuple[str, ...] = ()
    start_near: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()  # header words that sit between labels and numbers
    layout: Literal["rows", "wide"] = "rows"
    columns: tuple[ColumnSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    parts: tuple[PartSpec, ...] = ()  # 表二 is made of sub-tables, each with its own columns
    equations: tuple[Equation, ...] = ()

    # Derived once: every rule and the recogniser ask for the rows and labels many times per report.
    _row_columns: list[tuple[RowSpec, tuple[ColumnSpec, ...]]] = PrivateAttr(default_factory=list)
    _row_labels: dict[str, str] = PrivateAttr(default_factory=dict)
    _column_labels: dict[tuple[str | None, str], str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context) -> None:
        pairs = ([(r, p.columns) for p in self.parts for r in p.rows] if self.parts
                 else [(r, self.columns) for r in self.rows])
        self._row_columns = pairs
        self._row_labels = {r.key: r.label for r, _ in pairs}
        labels: dict[tuple[str | None, str], str] = {}
        for r, cols in pairs:
            for c in cols:
                labels[(r.key, c.key)] = c.label
                labels.setdefault((None, c.key), c.label)
        self._column_labels = labels

    # Read from pydantic's private dict directly: `self._x` on a model goes through BaseModel.__getattr__
    # (and a failed hasattr on the attribute's descriptor), several µs each, thousands of times a report.
    def _derived(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.__pydantic_private__)

    def row_columns(self) -> list[tuple[RowSpec, tuple[ColumnSpec, ...]]]:
        """Every data row in order with the columns it carries."""
        return list(self._derived()["_row_columns"])

    def row_label(self, key: str) -> str | None:
        """The template's label of a row, or None when the table has no such row."""
        return self._derived()["_row_labels"].get(key)

    def column_label(self, key: str, row: str | None = None) -> str | None:
        """A column's label (in `row`, whose part may have its own columns), or None."""
        return self._derived()["_column_labels"].get((row, key))


class SectionSpec(_Spec):
    number: int
    title: str
    match: tuple[str, ...]


class Tables(_Spec):
    disclosure: TableSpec
    applications: TableSpec
    reviews: TableSpec


class Template(_Spec):
    id: str
    name: str
    basis: str
    first_year: int
    last_year: int | None = None
    # A provincial variant of a national format (e.g. "2021"): it is read like any template, and a report
    # that follows it follows the national format for the template-version rules.
    variant_of: str | None = None
    sections: tuple[SectionSpec, ...]
    tables: Tables
    source: str | None = Field(default=None, exclude=True)

    @property
    def base_id(self) -> str:
        return self.variant_of or self.id

    def applies_to(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def table(self, key: str) -> TableSpec:
        return getattr(self.tables, key)


TABLE_KEYS = ("disclosure", "applications", "reviews")


@lru_cache(maxsize=1024)  # the few hundred labels of the templates, asked for again in every report
def short_label(label: str) -> str:
    """A label short enough to quote inside a sentence: without the template's bracketed note, and the
    long 2021 （六） sub-row texts cut at their first comma."""
    s = re.sub(r"（[^（）]*）$", "", label) if not re.fullmatch(r"（[^（）]*）", label) else label
    if len(s) > 18:
        m = re.search(r"[、，,]", s[4:])
        if m:
            s = s[: 4 + m.start()]
    return s or label


def load_template(path: Path) -> Template:
    """A template file, validated strictly (built-in files come through the data cache, datacache.py).
    A file that cannot be read, is not TOML or is not a template is a one-line ConfigError naming it."""
    try:
        data = dict(read_toml(path))
    except OSError as e:
        raise ConfigError("template-unreadable", f"无法读取模板文件 {path}：{e.strerror}",
                          f"cannot read template file {path}: {e.strerror}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError("template-bad-toml", f"模板文件 {path} 不是有效的 TOML：{e}",
                          f"template file {path} is not valid TOML: {e}") from None
    data["source"] = str(path)
    try:
        return Template.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "（顶层）"
        more = f"（另有 {e.error_count() - 1} 处）" if e.error_count() > 1 else ""
        more_en = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise ConfigError("template-invalid", f"模板文件 {path} 无效：{where}：{first['msg']}{more}",
                          f"template file {path} is invalid: {where}: {first['msg']}{more_en}") from None


def usable_template_files(paths: tuple[str, ...]) -> tuple[tuple[str, ...], list[ConfigError]]:
    """Plugin template files that load, and the error of each that does not (the engine reports it as a
    notice and reads reports without that file, as it does with a broken plugin catalogue file)."""
    good, errors = [], []
    for p in paths:
        try:
            load_template(Path(p))
            good.append(p)
        except ConfigError as e:
            errors.append(e)
    return tuple(good), errors


# Every plugin template loaded in this process, by id: the parser reads a report with the plugins'
# templates and records the id it matched; the checks, which see only the report, look the id up here.
_PLUGIN_TEMPLATES: dict[str, Template] = {}


@lru_cache(maxsize=8)
def _load_all(extra: tuple[str, ...]) -> tuple[Template, ...]:
    builtin = [load_template(p) for p in sorted((rules_dir() / "templates").glob("*.toml"))]
    plugin = [load_template(Path(p)) for p in extra]
    _PLUGIN_TEMPLATES.update((t.id, t) for t in plugin)
    return tuple(sorted(builtin + plugin, key=lambda t: t.first_year))


def templates(extra_paths: tuple[str, ...] = ()) -> tuple[Template, ...]:
    """All known templates, oldest first. `extra_paths` come from plugins."""
    return _load_all(tuple(extra_paths))


def template_for_year(year: int, extra_paths: tuple[str, ...] = ()) -> Template | None:
    """The national format for a report year (provincial variants are not the national answer)."""
    for t in templates(extra_paths):
        if t.variant_of is None and t.applies_to(year):
            return t
    return None


def get_template(template_id: str, extra_paths: tuple[str, ...] = ()) -> Template | None:
    for t in templates(extra_paths):
        if t.id == template_id:
            return t
    return _PLUGIN_TEMPLATES.get(template_id)


# --------------------------------------------------------------------------- worked out once per spec

_S = TypeVar("_S")
_T = TypeVar("_T")
_ONCE: dict[tuple[Callable, int], tuple[Any, Any]] = {}


def once_per_spec(make: Callable[[_S], _T], spec: _S) -> _T:
    """make(spec), worked out once per (frozen) table or row spec: every report asks for the same few
    again. Keyed by the spec's id, with the spec kept in the value so the id cannot be reused; starts
    afresh when templates loaded and dropped again (plugins' paths) have filled it."""
    got = _ONCE.get((make, id(spec)))
    if got is None or got[0] is not spec:
        if len(_ONCE) > 4096:
            _ONCE.clear()
        got = _ONCE[(make, id(spec))] = (spec, make(spec))
    return got[1]


def row_keys(spec: TableSpec) -> frozenset[str]:
    """A table's row keys (use through once_per_spec)."""
    return frozenset(r.key for r, _ in spec.row_columns())
