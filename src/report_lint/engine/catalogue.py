"""The rule catalogue: rule metadata as data (rules/catalogue/*.toml + files contributed by plugins).

Every entry is validated strictly (unknown keys are rejected, naming the file and the rule). The loader
enforces the invariants the rest of report-lint relies on:
- ids match ^[CZITVXYFP]\\d{3}$ and the letter matches the family;
- ids and names are unique; an id is never reused (rules/catalogue/_redirects.toml keeps the deleted
  ids and a redirect map old -> new, as Pylint's deleted-message registry and Ruff's rule redirects do);
- a rule resting on evidence grade M (SPEC.md) is never an error;
- message templates are valid `{named}` format strings.
A broken built-in file is a `CatalogueError` (an installation bug); a broken plugin file is reported as a
`Notice` and skipped, so one bad plugin does not stop the run.
"""
from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from ..datacache import read_toml
from ..errors import ReportLintError
from ..messages import display, render_message
from ..resources import rules_dir
from .plugins import Notice
from .samples import RuleSample, render_sample
from .types import FAMILIES

ID_RE = re.compile(r"^[CZITVXYFP]\d{3}$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$")
FAMILY_LETTER = {v: k for k, v in FAMILIES.items()}
REDIRECTS_FILE = "_redirects.toml"
Status = Literal["stable", "preview", "deprecated"]


class CatalogueError(ReportLintError):
    """The rule catalogue shipped with report-lint is invalid (a bug in report-lint's data)."""


class RuleDoc(BaseModel):
    """The rule's documentation page (docs/rules/<ID>.md is generated from it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    what: str
    why: str = ""
    example: str = ""
    fix: str = ""
    # An executable good/bad pair on an example report (engine/samples.py), shown under the example.
    sample: RuleSample | None = None


def _fields_of(template: str) -> list[str]:
    """The placeholder names of a str.format template; ValueError when malformed."""
    names = []
    for _, name, spec, _conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"placeholder {{{name}}} must be a plain name like {{row}}")
        names.append(name)
        if spec and "{" in spec:
            raise ValueError(f"nested placeholders in {{{name}:{spec}}} are not supported")
    return names


class MessageVariant(BaseModel):
    """Another shape of a rule's message, chosen by a check through `Hit.variant` (same arguments style)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    message_zh: str
    message_en: str

    @field_validator("message_zh", "message_en")
    @classmethod
    def _template(cls, v: str) -> str:
        _fields_of(v)
        return v


class RuleMeta(BaseModel):
    """One catalogue entry (see .helpers/CATALOGUE.md / docs/plugins.md for the field meanings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    family: Literal["completeness", "zero-sum", "interpretation", "timeliness", "template", "text-vs-table",
                    "year-over-year", "format", "parse"]
    severity: Literal["error", "warning", "info"]
    weight: float = Field(1.0, ge=0, le=10)
    evidence: Literal["A", "B", "C", "M"]
    spec: str | None = None
    basis: str | None = None
    since: str = "0.1.0"
    status: Status = "stable"
    # An error finding of a fatal rule means the document could not be assessed at all (e.g. no report
    # content in the file): the file's score is then 0 ("fatal ⇒ 0", docs/scoring.md).
    fatal: bool = False
    # What a fatal error does with the file: "skip" — it is not a report (a notice, a column page) and is
    # left out of the statistics; "zero" — it is a report that cannot be assessed (a page titled as the
    # report whose body is empty) and is listed with this finding alone and score 0.
    fatal_outcome: Literal["skip", "zero"] = "skip"
    message_zh: str
    message_en: str
    variants: dict[str, MessageVariant] = Field(default_factory=dict)
    tags: tuple[str, ...] = ()
    options: dict[str, Any] = Field(default_factory=dict)
    doc: RuleDoc | None = None

    _source: str | None = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError("id must be a family letter (C Z I T V X Y F P) followed by 3 digits, e.g. Z101")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError("name must be lower-case dotted words, e.g. applications.column-identity")
        return v

    @field_validator("message_zh", "message_en")
    @classmethod
    def _template(cls, v: str) -> str:
        _fields_of(v)
        return v

    @model_validator(mode="after")
    def _invariants(self) -> RuleMeta:
        letter = FAMILY_LETTER[self.family]
        if self.id[0] != letter:
            raise ValueError(f"id {self.id} does not match family {self.family!r} (expected {letter}###)")
        if self.evidence == "M" and self.severity == "error":
            raise ValueError("a rule resting on evidence grade M (unconfirmed) must be warning or info, not error")
        if self.fatal and self.severity != "error":
            raise ValueError("only an error rule can be fatal")
        if self.fatal_outcome != "skip" and not self.fatal:
            raise ValueError("fatal_outcome applies to a fatal rule only (fatal = true)")
        return self

    @property
    def source(self) -> str | None:
        return self._source

    @property
    def letter(self) -> str:
        return self.id[0]


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: list[dict[str, Any]] = Field(default_factory=list)


class _RedirectsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deleted: list[str] = Field(default_factory=list)
    redirects: dict[str, str] = Field(default_factory=dict)


@dataclass
class Catalogue:
    rules: dict[str, RuleMeta] = field(default_factory=dict)  # id -> meta, sorted by id
    deleted: frozenset[str] = frozenset()
    redirects: dict[str, str] = field(default_factory=dict)  # old id -> new id
    notices: list[Notice] = field(default_factory=list)

    def __contains__(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def __iter__(self):
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> RuleMeta | None:
        return self.rules.get(rule_id)

    def resolve(self, ref: str) -> RuleMeta | None:
        """A rule by id, redirected id (old -> new) or name."""
        ref = ref.strip()
        up = ref.upper()
        if up in self.rules:
            return self.rules[up]
        if up in self.redirects:
            return self.rules.get(self.redirects[up])
        for r in self.rules.values():
            if r.name == ref:
                return r
        return None


def _where(path: str | Path) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(rules_dir().parent))
    except (ValueError, RuntimeError):
        return str(p)


def _err_text(e: ValidationError) -> tuple[str, str]:
    err = e.errors()[0]
    loc = ".".join(str(x) for x in err.get("loc", ()))
    if err.get("type") == "extra_forbidden":
        return f"未知字段“{loc}”", f"unknown key '{loc}'"
    msg = err.get("msg", "").removeprefix("Value error, ")
    if loc:
        return f"“{loc}”无效：{msg}", f"invalid '{loc}': {msg}"
    return msg, msg


def _problem(where: str, rule: str | None, zh: str, en: str, code: str = "catalogue-invalid") -> Notice:
    rz = f"规则 {rule}：" if rule else ""
    re_ = f"rule {rule}: " if rule else ""
    return Notice(code, f"规则目录 {where}：{rz}{zh}", f"rule catalogue {where}: {re_}{en}")


def parse_file(path: Path) -> tuple[list[RuleMeta], list[Notice]]:
    """Validate one catalogue file. Returns the valid entries and one notice per invalid entry."""
    where = _where(path)
    try:
        data = read_toml(Path(path))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        return [], [_problem(where, None, f"无法读取：{e}", f"cannot be read: {e}")]
    try:
        cf = _CatalogueFile.model_validate(data)
    except ValidationError as e:
        zh, en = _err_text(e)
        return [], [_problem(where, None, zh, en)]
    out, problems = [], []
    for i, raw in enumerate(cf.rules):
        rid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i + 1}"
        try:
            meta = RuleMeta.model_validate(raw)
        except ValidationError as e:
            zh, en = _err_text(e)
            problems.append(_problem(where, rid, zh, en))
            continue
        meta._source = str(path)
        out.append(meta)
    return out, problems


def _read_redirects(directory: Path) -> _RedirectsFile:
    path = directory / REDIRECTS_FILE
    if not path.is_file():
        return _RedirectsFile()
    try:
        return _RedirectsFile.model_validate(read_toml(path))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, ValidationError) as e:
        detail = _err_text(e) if isinstance(e, ValidationError) else (str(e), str(e))
        raise CatalogueError("catalogue-invalid", f"规则目录 {_where(path)}：{detail[0]}",
                             f"rule catalogue {_where(path)}: {detail[1]}") from None


def builtin_files() -> list[Path]:
    d = rules_dir() / "catalogue"
    return sorted(p for p in d.glob("*.toml") if not p.name.startswith("_")) if d.is_dir() else []


def load_catalogue(extra_paths: Iterable[str | Path] = (), *, directory: Path | None = None) -> Catalogue:
    """Load the built-in catalogue (or `directory`'s) and the plugin-contributed files.

    Built-in problems raise CatalogueError (all of them listed); plugin-file problems become notices
    and the offending entries are skipped (a plugin's rule without a catalogue entry then does not run).
    """
    directory = directory or (rules_dir() / "catalogue")
    files = (sorted(p for p in directory.glob("*.toml") if not p.name.startswith("_"))
             if directory.is_dir() else [])
    redirects_data = _read_redirects(directory)
    cat = Catalogue()
    names: dict[str, str] = {}
    builtin_problems: list[Notice] = []

    def add(meta: RuleMeta, builtin: bool) -> None:
        def where() -> str:  # resolving the path takes longer than the checks: only for a message
            return _where(meta.source or "?")

        sink = builtin_problems if builtin else cat.notices
        if meta.id in cat.rules:
            first = _where(cat.rules[meta.id].source or "?")
            sink.append(_problem(where(), meta.id, f"编号重复（已在 {first} 中定义）",
                                 f"duplicate id (already defined in {first})", "catalogue-duplicate"))
            return
        if meta.id in redirects_data.deleted or meta.id in redirects_data.redirects:
            sink.append(_problem(where(), meta.id, "该编号已删除或已改名（_redirects.toml），编号永不复用",
                                 "this id was deleted or renamed (_redirects.toml); ids are never reused",
                                 "catalogue-reused-id"))
            return
        if meta.name in names:
            sink.append(_problem(where(), meta.id, f"名称“{meta.name}”与 {names[meta.name]} 重复",
                                 f"name '{meta.name}' is already used by {names[meta.name]}", "catalogue-duplicate"))
            return
        names[meta.name] = meta.id
        cat.rules[meta.id] = meta

    for path in files:
        metas, problems = parse_file(path)
        builtin_problems.extend(problems)
        for m in metas:
            add(m, True)
    for p in extra_paths:
        path = Path(p)
        if not path.is_file():
            cat.notices.append(_problem(_where(path), None, "文件不存在", "file not found", "catalogue-missing"))
            continue
        metas, problems = parse_file(path)
        cat.notices.extend(problems)
        for m in metas:
            add(m, False)

    for old in redirects_data.deleted:
        if not ID_RE.match(old):
            builtin_problems.append(_problem(REDIRECTS_FILE, old, "deleted 中的编号格式无效", "invalid id in deleted"))
    for old, new in redirects_data.redirects.items():
        if new not in cat.rules:
            builtin_problems.append(_problem(REDIRECTS_FILE, old, f"改名目标 {new} 不存在",
                                             f"redirect target {new} does not exist"))
    if builtin_problems:
        raise CatalogueError(
            "catalogue-invalid",
            "规则目录无效：" + "；".join(n.zh for n in builtin_problems),
            "invalid rule catalogue: " + "; ".join(n.en for n in builtin_problems))
    cat.rules = dict(sorted(cat.rules.items()))
    cat.deleted = frozenset(redirects_data.deleted)
    cat.redirects = dict(redirects_data.redirects)
    return cat


@lru_cache(maxsize=16)
def _cached(extra: tuple[str, ...], stamp: tuple) -> Catalogue:
    return load_catalogue(extra)


def cached_catalogue(extra_paths: Iterable[str | Path] = ()) -> Catalogue:
    """load_catalogue, memoised on the files' paths and modification times (tests and library users
    call the engine many times in one process)."""
    extra = tuple(str(p) for p in extra_paths)
    paths = [*builtin_files(), rules_dir() / "catalogue" / REDIRECTS_FILE, *map(Path, extra)]
    stamp = tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)
    return _cached(extra, stamp)


# ---------------------------------------------------------------------------------------------
# documentation pages (docs/rules/<ID>.md, `report-lint rule ID`)

SEVERITY_TEXT = {"zh": {"error": "错误", "warning": "警告", "info": "提示"},
                 "en": {"error": "error", "warning": "warning", "info": "info"}}
STATUS_TEXT = {"zh": {"stable": "稳定", "preview": "预览", "deprecated": "已弃用"},
               "en": {"stable": "stable", "preview": "preview", "deprecated": "deprecated"}}
FAMILY_TEXT = {
    "completeness": ("完整性", "completeness"), "zero-sum": ("勾稽与算术一致性", "zero-sum / arithmetic"),
    "interpretation": ("政策解读", "interpretation"), "timeliness": ("时效", "timeliness"),
    "template": ("格式版本", "template version"), "text-vs-table": ("正文与表格一致", "text vs. table"),
    "year-over-year": ("跨年度一致", "year over year"), "format": ("格式与用语", "format and wording"),
    "parse": ("解析问题", "parse problems"),
}
EVIDENCE_TEXT = {
    "zh": {"A": "A（见于官方文件）", "B": "B（≥2 份真实年报一致）", "C": "C（仅见于第三方或地方材料）",
           "M": "M（未经证实，仅作警告/提示）"},
    "en": {"A": "A (seen in an official document)", "B": "B (consistent across ≥2 real reports)",
           "C": "C (third-party or local sources only)", "M": "M (unconfirmed; warning/info only)"},
}


def _options_text(options: dict[str, Any]) -> str:
    import json

    return "\n".join(f"- `{k}` = `{json.dumps(v, ensure_ascii=False)}`" for k, v in options.items())


def render_rule_doc(rule: RuleMeta, lang: str = "zh", *, redirected_from: Iterable[str] = ()) -> str:
    """The rule's documentation page in Markdown."""
    zh = lang == "zh"
    fam_zh, fam_en = FAMILY_TEXT[rule.family]
    lines = [f"# {rule.id} {rule.name}", ""]
    rows = [
        ("家族" if zh else "Family", f"{rule.letter} — {fam_zh if zh else fam_en} (`{rule.family}`)"),
        ("默认级别" if zh else "Default severity", SEVERITY_TEXT[lang][rule.severity]),
        ("权重" if zh else "Weight", display(rule.weight)),
        ("证据等级" if zh else "Evidence", EVIDENCE_TEXT[lang][rule.evidence]),
        ("规范条目" if zh else "Spec", f"SPEC.md {rule.spec}" if rule.spec else "—"),
        ("依据" if zh else "Basis", rule.basis or "—"),
        ("状态" if zh else "Status", STATUS_TEXT[lang][rule.status]),
        ("起始版本" if zh else "Since", rule.since),
    ]
    if rule.fatal:
        if rule.fatal_outcome == "skip":
            rows.append(("致命" if zh else "Fatal", "是：出现即视为不是年度报告，跳过且不计入统计" if zh
                         else "yes: when it fires the file is not a report and is skipped (outside the statistics)"))
        else:
            rows.append(("致命" if zh else "Fatal", "是：出现即得分为 0，只列出本条" if zh
                         else "yes: when it fires the file scores 0 with this finding alone"))
    if rule.tags:
        rows.append(("标签" if zh else "Tags", ", ".join(rule.tags)))
    old = sorted(redirected_from)
    if old:
        rows.append(("旧编号" if zh else "Former ids", ", ".join(old)))
    lines += ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows] + [""]
    lines += ["## 提示信息" if zh else "## Message", "",
              f"- 中文：{rule.message_zh}", f"- English: {rule.message_en}", ""]
    for name, v in rule.variants.items():
        lines += [f"{'另一种形式' if zh else 'Variant'} `{name}`:", "", f"- 中文：{v.message_zh}",
                  f"- English: {v.message_en}", ""]
    doc = rule.doc
    if doc is not None:
        for title_zh, title_en, text in (("检查什么", "What it checks", doc.what), ("为什么", "Why", doc.why),
                                         ("示例", "Example", doc.example), ("如何修改", "How to fix", doc.fix)):
            sample = render_sample(doc.sample, lang) if title_en == "Example" and doc.sample else []
            if text.strip() or sample:
                lines += [f"## {title_zh if zh else title_en}", ""]
                lines += [text.strip(), ""] if text.strip() else []
                lines += sample
    if rule.options:
        lines += ["## 选项" if zh else "## Options", "",
                  ("在配置中覆盖：" if zh else "Override in the configuration:")
                  + f" `[tool.report-lint.rule-options.{rule.id}]`", "", _options_text(rule.options), ""]
    lines += ["## 选用与忽略" if zh else "## Selecting and ignoring", "",
              (f"`--select {rule.id}`、`--ignore {rule.id}`，或在配置中 `ignore = [\"{rule.id}\"]`；"
               f"也可用名称 `{rule.name}` 或前缀 `{rule.letter}`。" if zh else
               f"`--select {rule.id}`, `--ignore {rule.id}`, or `ignore = [\"{rule.id}\"]` in the configuration; "
               f"the name `{rule.name}` and the prefix `{rule.letter}` work too."), ""]
    return "\n".join(lines)


def render_index(cat: Catalogue, lang: str = "zh") -> str:
    zh = lang == "zh"
    lines = ["# 规则目录" if zh else "# Rule catalogue", "",
             ("本目录由 `scripts/gen_rule_docs.py` 根据 `rules/catalogue/*.toml` 生成，请勿手工修改。"
              if zh else "Generated by `scripts/gen_rule_docs.py` from `rules/catalogue/*.toml`; do not edit."), ""]
    by_family: dict[str, list[RuleMeta]] = {}
    for r in cat:
        by_family.setdefault(r.family, []).append(r)
    order = list(FAMILIES.values())
    for fam in sorted(by_family, key=order.index):
        fam_zh, fam_en = FAMILY_TEXT[fam]
        lines += [f"## {FAMILY_LETTER[fam]} — {fam_zh} / {fam_en}", "",
                  "| 编号 ID | 名称 name | 级别 severity | 证据 evidence | 状态 status | 说明 |",
                  "|---|---|---|---|---|---|"]
        for r in by_family[fam]:
            what = (r.doc.what.strip().splitlines()[0] if r.doc and r.doc.what.strip() else r.message_zh)
            what = what.replace("|", "\\|")
            lines.append(f"| [{r.id}]({r.id}.md) | `{r.name}` | {r.severity} | {r.evidence} | {r.status} | {what} |")
        lines.append("")
    if cat.deleted or cat.redirects:
        lines += ["## 已删除或改名的编号 / Deleted and renamed ids", ""]
        for old in sorted(cat.deleted):
            lines.append(f"- {old}: 已删除 / deleted")
        for old, new in sorted(cat.redirects.items()):
            lines.append(f"- {old} → [{new}]({new}.md)")
        lines.append("")
    return "\n".join(lines)


def generate_docs(cat: Catalogue) -> dict[str, str]:
    """{file name: content} for docs/rules/."""
    out = {"index.md": render_index(cat)}
    back: dict[str, list[str]] = {}
    for old, new in cat.redirects.items():
        back.setdefault(new, []).append(old)
    for r in cat:
        out[f"{r.id}.md"] = render_rule_doc(r, "zh", redirected_from=back.get(r.id, ())) + "\n"
    return out


def help_uri(rule_id: str) -> str | None:
    """Link to the rule's page when the distribution declares a Documentation URL ([project.urls])."""
    base = _docs_base()
    return f"{base}/rules/{rule_id}.md" if base else None


@lru_cache(maxsize=1)
def _docs_base() -> str | None:
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        md = metadata("report-lint")
    except PackageNotFoundError:
        return None
    for entry in md.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("documentation", "docs") and url.strip():
            return url.strip().rstrip("/")
    return None


__all__ = [
    "ID_RE",
    "Catalogue",
    "CatalogueError",
    "RuleDoc",
    "RuleMeta",
    "builtin_files",
    "cached_catalogue",
    "display",
    "generate_docs",
    "help_uri",
    "load_catalogue",
    "parse_file",
    "render_index",
    "render_message",
    "render_rule_doc",
]
