"""User configuration: `[tool.report-lint]` in pyproject.toml, or a standalone report-lint.toml.

Precedence (lowest first): built-in defaults < plugin defaults (hook `report_lint_config_defaults`)
< the configuration file (and the files it `extend`s) < command-line options / keyword overrides.

Validation is strict: an unknown key or a wrong type is a one-line `ConfigError` (exit code 2) naming
the file and the key, in Chinese and English. See docs/configuration.md.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from .errors import ConfigError

Severity = Literal["error", "warning", "info"]

CONFIG_FILES = ("report-lint.toml", ".report-lint.toml")  # checked before pyproject.toml in each dir
_MMDD = re.compile(r"^(\d{2})-(\d{2})$")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=_kebab,
                              validate_default=True)


def _check_mmdd(v: str | None) -> str | None:
    if v is None:
        return v
    m = _MMDD.match(v)
    if not m:
        raise ValueError(f"expected a month-day like \"03-31\", got {v!r}")
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2000, month, day)  # a leap year, so 02-29 is accepted
    except ValueError:
        raise ValueError(f"{v!r} is not a valid month-day") from None
    return v


class DeadlineOverride(_Section):
    """A province's (or city's) own deadlines; keys left out fall back to the national ones."""

    department: str | None = None
    government: str | None = None
    township: str | None = None

    _mmdd = field_validator("department", "government", "township")(_check_mmdd)


class Deadlines(_Section):
    """Publication deadlines (month-day in the year after the report year) per kind of organ.

    条例第四十九条: 县级以上人民政府部门 by 1月31日, 本级政府 reports by 3月31日 (SPEC.md §6, grade M);
    乡镇/街道 are not named in the 条例, so they default to 03-31 and are configurable."""

    department: str = "01-31"
    government: str = "03-31"
    township: str = "03-31"
    provinces: dict[str, DeadlineOverride] = Field(default_factory=dict)

    _mmdd = field_validator("department", "government", "township")(_check_mmdd)

    def month_day(self, organ_kind: str, province: str | None = None) -> tuple[int, int] | None:
        """(month, day) for an organ kind, with a province's override when it sets one. None when the
        kind is unknown."""
        if organ_kind not in ("department", "government", "township"):
            return None
        value = getattr(self, organ_kind)
        if province is not None:
            override = self.provinces.get(province)
            if override is not None and getattr(override, organ_kind):
                value = getattr(override, organ_kind)
        m, d = value.split("-")
        return int(m), int(d)

    def province_for(self, *texts: str | None) -> str | None:
        """The configured province whose name appears in one of `texts` (organ name, title), longest
        name first so "内蒙古" wins over a shorter key it contains."""
        for name in sorted(self.provinces, key=len, reverse=True):
            if any(t and name in t for t in texts):
                return name
        return None

    def due_date(self, organ_kind: str, report_year: int, *, province: str | None = None,
                 organ: str | None = None) -> date | None:
        """The last day a report for `report_year` may be published; `organ` (the issuing body's name)
        is searched for a configured province when `province` is not given."""
        if province is None and organ:
            province = self.province_for(organ)
        md = self.month_day(organ_kind, province)
        if md is None:
            return None
        month, day = md
        if (month, day) == (2, 29):
            try:
                return date(report_year + 1, 2, 29)
            except ValueError:
                return date(report_year + 1, 2, 28)
        return date(report_year + 1, month, day)


class Interpretation(_Section):
    """解读 (policy interpretation) expectations. No national numeric target exists (SPEC.md §9);
    1.0 means every 规章/行政规范性文件 issued should have an interpretation."""

    target_rate: float = Field(1.0, ge=0, le=1)


class ScoreSettings(_Section):
    """Override the published category weights or part shares (docs/scoring.md). The profile is then
    "custom"."""

    category_weights: dict[str, float] = Field(default_factory=dict)
    part_shares: dict[int, float] = Field(default_factory=dict)  # part 1..6 -> its share of a full report

    @field_validator("part_shares")
    @classmethod
    def _known_parts(cls, v: dict[int, float]) -> dict[int, float]:
        from .scoring import PART_SHARES

        for k, w in v.items():
            if k not in PART_SHARES:
                raise ValueError(f"unknown part {k!r} (parts are 1 to 6)")
            if w < 0:
                raise ValueError(f"share of part {k} must be >= 0")
        return v

    @field_validator("category_weights")
    @classmethod
    def _known_categories(cls, v: dict[str, float]) -> dict[str, float]:
        from .scoring import CATEGORIES

        for k, w in v.items():
            if k not in CATEGORIES:
                raise ValueError(f"unknown category {k!r} (known: {', '.join(CATEGORIES)})")
            if w < 0:
                raise ValueError(f"weight of {k!r} must be >= 0")
        return v


class BatchSettings(_Section):
    """How a run is carried out (not what it finds — these never change a result; docs/cli.md)."""

    jobs: int = Field(0, ge=0)  # worker processes; 0 = one per core
    timeout: float = Field(60.0, ge=0)  # seconds per file; 0 = no limit
    memory_mb: int = Field(1536, ge=0)  # MB a worker may add while handling one file; 0 = no limit
    cache: bool = False  # reuse results of unchanged files (engine/cache.py)
    cache_dir: str | None = None  # default: the user cache directory
    cache_max_mb: int = Field(256, ge=1)


class Config(_Section):
    """The validated `[tool.report-lint]` table."""

    extend: str | None = None  # another config file to inherit from (resolved when loading)
    select: list[str] | None = None  # None = every rule (except deprecated ones)
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)  # glob -> selectors
    severity: dict[str, Severity] = Field(default_factory=dict)  # selector -> severity
    lang: Literal["zh", "en"] = "zh"
    fail_under: float | None = Field(None, ge=0, le=100)
    fail_level: Severity = "error"
    deadlines: Deadlines = Field(default_factory=Deadlines)
    interpretation: Interpretation = Field(default_factory=Interpretation)
    rule_options: dict[str, dict[str, Any]] = Field(default_factory=dict)  # rule id -> {option: value}
    reporter_options: dict[str, dict[str, Any]] = Field(default_factory=dict)  # format -> options
    score: ScoreSettings = Field(default_factory=ScoreSettings)
    batch: BatchSettings = Field(default_factory=BatchSettings)

    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The file this configuration was read from (None for defaults / programmatic use)."""
        return self._source


# ---------------------------------------------------------------------------------------------
# merging raw tables

_STRUCT_KEYS = {  # nested tables whose *keys* are option names (normalised to kebab-case)
    "deadlines": {"provinces": "per-entry"},
    "interpretation": {},
    "score": {},
    "batch": {},
}


def canonical(raw: dict[Any, Any]) -> dict[str, Any]:
    """Spell option names in kebab-case (users and plugins may write snake_case) without touching
    user keys such as rule ids, province names or rule-option names."""
    out: dict[str, Any] = {}
    for k, v in raw.items():
        key = _kebab(k) if isinstance(k, str) else k
        if key in _STRUCT_KEYS and isinstance(v, dict):
            inner: dict[str, Any] = {}
            for k2, v2 in v.items():
                k2c = _kebab(k2)
                if _STRUCT_KEYS[key].get(k2c) == "per-entry" and isinstance(v2, dict):
                    v2 = {name: ({_kebab(a): b for a, b in e.items()} if isinstance(e, dict) else e)
                          for name, e in v2.items()}
                inner[k2c] = v2
            v = inner
        elif key == "rule-options" and isinstance(v, dict):
            v = {rid: ({_snake(o): ov for o, ov in opts.items()} if isinstance(opts, dict) else opts)
                 for rid, opts in v.items()}
        out[key] = v
    return out


def _snake(name: str) -> str:
    return name.replace("-", "_")


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` wins; tables merge key by key; lists are replaced, not concatenated."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


# ---------------------------------------------------------------------------------------------
# validation errors as one line

def _loc_text(loc: Iterable[Any]) -> str:
    return ".".join(str(x) for x in loc)


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Option names valid at the parent of `loc`, for a "did you mean" hint."""
    cur: Any = model
    for part in loc[:-1]:
        fields = getattr(cur, "model_fields", None)
        if not fields:
            return []
        name = _snake(str(part))
        if name not in fields:
            return []
        ann = fields[name].annotation
        cur = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        if cur is None:
            return []
    fields = getattr(cur, "model_fields", None) or {}
    return [_kebab(n) for n in fields]


def validation_error(e: ValidationError, where: str | None = None, model: type[BaseModel] | None = None,
                     where_en: str | None = None) -> ConfigError:
    """One line naming the file (or "配置"/"config") and the key, with a hint for a misspelt key."""
    where, where_en = where or "配置", where_en or where or "config"
    err = e.errors()[0]
    loc = tuple(err.get("loc", ()))
    key = _loc_text(loc) or "(top level)"
    kind = err.get("type", "")
    msg = err.get("msg", "")
    if kind == "extra_forbidden":
        hint_zh = hint_en = ""
        if model is not None and loc:
            close = difflib.get_close_matches(_kebab(str(loc[-1])), _known_keys(model, loc), n=1)
            if close:
                hint_zh, hint_en = f"，是否想写“{close[0]}”？", f" (did you mean '{close[0]}'?)"
        return ConfigError("config-unknown-key", f"配置错误（{where}）：未知选项“{key}”{hint_zh}",
                           f"config error ({where_en}): unknown option '{key}'{hint_en}")
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict) else "{…}"
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return ConfigError("config-bad-value", f"配置错误（{where}）：“{key}”的取值 {shown} 无效，可选：{expected}",
                           f"config error ({where_en}): '{key}' = {shown} is invalid; expected {expected}")
    if kind == "missing":
        return ConfigError("config-missing", f"配置错误（{where}）：缺少“{key}”",
                           f"config error ({where_en}): '{key}' is required")
    ctx = err.get("ctx") or {}
    zh_msg = {
        "less_than_equal": f"应不大于 {ctx.get('le')}", "greater_than_equal": f"应不小于 {ctx.get('ge')}",
        "less_than": f"应小于 {ctx.get('lt')}", "greater_than": f"应大于 {ctx.get('gt')}",
        "float_parsing": "应为数字", "float_type": "应为数字", "int_parsing": "应为整数", "int_type": "应为整数",
        "string_type": "应为字符串", "list_type": "应为列表（如 [\"Z\", \"C1\"]）", "dict_type": "应为表",
        "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    }.get(kind, msg.removeprefix("Value error, "))
    msg = msg.removeprefix("Value error, ")
    return ConfigError("config-bad-value", f"配置错误（{where}）：“{key}”的取值 {shown} 无效：{zh_msg}",
                       f"config error ({where_en}): invalid '{key}' = {shown}: {msg}")


def validate(raw: dict[str, Any], where: str | None = None, where_en: str | None = None) -> Config:
    try:
        return Config.model_validate(canonical(raw))
    except ValidationError as e:
        raise validation_error(e, where, Config, where_en) from None


# ---------------------------------------------------------------------------------------------
# files

def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError("config-not-found", f"配置文件不存在：{path}", f"config file not found: {path}") from None
    except OSError as e:
        raise ConfigError("config-unreadable", f"无法读取配置文件 {path}：{e.strerror}",
                          f"cannot read config file {path}: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError("config-bad-toml", f"配置文件 {path} 不是有效的 TOML：{e}",
                          f"config file {path} is not valid TOML: {e}") from None


def _table_of(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    if path.name == "pyproject.toml" or ("tool" in data and set(data) <= {"tool"}):
        table = (data.get("tool") or {}).get("report-lint")
        if table is None:
            raise ConfigError("config-no-table", f"{path} 中没有 [tool.report-lint] 配置",
                              f"{path} has no [tool.report-lint] table")
        if not isinstance(table, dict):
            raise ConfigError("config-bad-value", f"{path} 中的 tool.report-lint 必须是表",
                              f"tool.report-lint in {path} must be a table")
        return table
    return data


def read_config_table(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The raw, canonicalised table of one file with its `extend` chain merged under it."""
    path = path.resolve()
    if path in _seen:
        chain = " → ".join(str(p) for p in (*_seen, path))
        raise ConfigError("config-extend-cycle", f"配置文件 extend 形成循环：{chain}",
                          f"config files extend each other in a cycle: {chain}")
    table = canonical(_table_of(path, _read_toml(path)))
    base_name = table.get("extend")
    if base_name is None:
        return table
    if not isinstance(base_name, str):
        raise ConfigError("config-bad-value", f"配置错误（{path}）：“extend”必须是文件路径字符串",
                          f"config error ({path}): 'extend' must be a file path")
    base = read_config_table((path.parent / base_name).expanduser(), (*_seen, path))
    merged = deep_merge(base, table)
    merged.pop("extend", None)
    return merged


def discover(start: str | Path | None = None) -> Path | None:
    """The nearest config file at or above `start` (a file's directory, or the CWD): in each directory
    report-lint.toml, then .report-lint.toml, then a pyproject.toml with [tool.report-lint]."""
    here = Path(start) if start is not None else Path.cwd()
    here = here.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    for d in (here, *here.parents):
        for name in CONFIG_FILES:
            if (d / name).is_file():
                return d / name
        py = d / "pyproject.toml"
        if py.is_file():
            try:
                with open(py, "rb") as f:
                    if "report-lint" in (tomllib.load(f).get("tool") or {}):
                        return py
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue  # a broken unrelated pyproject must not stop discovery
    return None


def load_config(path: str | Path | None = None, *, start: str | Path | None = None,
                defaults: dict[str, Any] | None = None) -> Config:
    """Load `path` (or discover one from `start`/the CWD), with `defaults` (e.g. from plugins) under it.
    Without any file the result is the built-in defaults (+ `defaults`)."""
    raw: dict[str, Any] = {}
    found: Path | None = Path(path) if path is not None else discover(start)
    if found is not None:
        raw = read_config_table(found)
    merged = deep_merge(canonical(defaults or {}), raw)
    cfg = validate(merged, str(found) if found else None)
    cfg._source = str(found) if found else None
    return cfg


def with_overrides(cfg: Config, defaults: dict[str, Any] | None = None, **overrides: Any) -> Config:
    """`cfg` with plugin defaults under what the user set, and keyword overrides (command line) on top.
    `extend_select` and `ignore` overrides add to the file's lists; everything else replaces."""
    raw = canonical(cfg.model_dump(by_alias=True, exclude_unset=True, exclude={"extend"}))
    merged = deep_merge(canonical(defaults or {}), raw)
    top: dict[str, Any] = {}
    for k, v in overrides.items():
        if v is None:
            continue
        key = _kebab(k)
        if key in ("extend-select", "ignore"):
            v = list(merged.get(key, [])) + list(v)
        top[key] = v
    try:
        out = Config.model_validate(deep_merge(merged, canonical(top)))
    except ValidationError as e:
        first = str((e.errors()[0].get("loc") or ("",))[0])
        if first in top:  # the bad value came from the command line / keyword argument
            raise validation_error(e, "命令行", Config, "command line") from None
        raise validation_error(e, cfg.source, Config) from None
    out._source = cfg.source
    return out


__all__ = [
    "BatchSettings", "Config", "DeadlineOverride", "Deadlines", "Interpretation", "ScoreSettings", "canonical",
    "deep_merge", "discover", "load_config", "read_config_table", "validate", "with_overrides",
]
