"""The runner: files → parse → selected rules → findings → score → RunResult.

    from report_lint.engine.runner import check, check_report
    run = check("reports/", select=["Z", "C"], lang="en")     # RunResult
    fr = check_report(report)                                  # FileResult for a parsed Report

One unreadable file becomes a FileResult with `error` and the batch continues; one rule that raises is
recorded as an internal problem of that rule (FileResult.internal_errors) and the other rules still run.

Rule selection (docs/configuration.md): selectors are `ALL`, a family letter or id prefix (`Z`, `Z1`),
a full id (`Z101`), a family name (`zero-sum`), a scoring category (`consistency`), a rule name
(`applications.column-identity`) or a tag. For each rule the most specific matching selector among
select + extend-select + ignore decides; on a tie, ignore wins. Specificity: ALL 0 < family/category/
tag/one-letter prefix 1 < two-character prefix 2 < three-character prefix 3 < full id or name 4.
Deprecated rules run only when selected by full id or name.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import traceback
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePath
from typing import Any, Iterable, Optional, Union

from .. import __version__
from ..config import Config, load_config, validate as validate_config, with_overrides
from ..errors import ConfigError, ReportLintError
from ..model import Location, Report
from ..scoring import CATEGORY_OF_FAMILY, RuleRun, profile, round_score, score_file
from .types import (SEVERITY_ORDER, FileError, FileResult, Finding, FindingLocation, Hit, InternalProblem,
                  RuleContext, RuleImpl, RunResult)
from .catalogue import Catalogue, RuleMeta, cached_catalogue, display, help_uri, render_message
from .plugins import Notice, PluginSet, create_plugin_manager

REPORT_EXTENSIONS = (".html", ".htm", ".txt", ".md", ".pdf", ".docx", ".json")
CONVERT_EXTENSIONS = (".doc", ".wps")
TABLE_SECTION = {"disclosure": 2, "applications": 3, "reviews": 4}


# ---------------------------------------------------------------------------------------------
# selection

_PREFIX_RE = re.compile(r"^[CZITVXYFP]\d{0,3}$")


def _specificity(selector: str, rule: RuleMeta) -> Optional[int]:
    s = selector.strip()
    if s.upper() == "ALL":
        return 0
    up = s.upper()
    if _PREFIX_RE.match(up):
        return len(up) if rule.id.startswith(up) else None
    if s == rule.name:
        return 4
    if s == rule.family or s == CATEGORY_OF_FAMILY.get(rule.family) or s in rule.tags:
        return 1
    return None


def _known_selector(selector: str, cat: Catalogue) -> bool:
    return any(_specificity(selector, r) is not None for r in cat)


def normalise_selectors(selectors: Iterable[str], cat: Catalogue, option: str) -> tuple[list[str], list[Notice]]:
    """Follow id redirects (old -> new) and flag selectors that match nothing (loudly: a typo that
    silently does nothing is the most resented linter failure)."""
    out, notices = [], []
    for sel in selectors:
        s = sel.strip()
        up = s.upper()
        if up in cat.redirects:
            new = cat.redirects[up]
            notices.append(Notice("rule-renamed", f"{option}：规则 {up} 已改名为 {new}，请改用新编号",
                                  f"{option}: rule {up} was renamed to {new}; use the new id"))
            out.append(new)
        elif up in cat.deleted:
            notices.append(Notice("rule-deleted", f"{option}：规则 {up} 已删除，该选择器无效",
                                  f"{option}: rule {up} was removed; the selector has no effect"))
        elif not s:
            continue
        elif not _known_selector(s, cat):
            notices.append(Notice("unknown-selector",
                                  f"{option}：“{s}”不匹配任何规则（可用编号、前缀如 Z 或 Z1、家族名、规则名）",
                                  f"{option}: '{s}' matches no rule (use an id, a prefix like Z or Z1, a family "
                                  f"or a rule name)"))
            out.append(s)
        else:
            out.append(s)
    return out, notices


def is_selected(rule: RuleMeta, select: list[str], ignore: list[str]) -> bool:
    best: Optional[tuple[int, bool]] = None
    for sel in select:
        sp = _specificity(sel, rule)
        if sp is None or (rule.status == "deprecated" and sp < 4):
            continue
        if best is None or (sp, False) > best:
            best = (sp, False)
    for sel in ignore:
        sp = _specificity(sel, rule)
        if sp is not None and (best is None or (sp, True) > best):
            best = (sp, True)
    return best is not None and not best[1]


def _most_specific(mapping: dict[str, Any], rule: RuleMeta) -> Any:
    best, value = -1, None
    for sel, v in mapping.items():
        sp = _specificity(sel, rule)
        if sp is not None and sp > best:
            best, value = sp, v
    return value


# ---------------------------------------------------------------------------------------------
# engine

_TYPE_NAMES = {bool: ("布尔值", "boolean"), int: ("数字", "number"), float: ("数字", "number"),
               str: ("字符串", "string"), list: ("列表", "list"), dict: ("表", "table")}


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if default is None:
        return True
    return isinstance(value, type(default))


@dataclass
class _Rule:
    meta: RuleMeta
    impl: RuleImpl
    severity: Optional[str]  # the user's override, or None
    options: dict[str, Any]


class Engine:
    """Plugins + catalogue + configuration, resolved once; `run_file`/`run_report` per file."""

    def __init__(self, config: Config, plugins: PluginSet, *, config_overrides: Optional[dict] = None):
        self.plugins = plugins
        self.notices: list[Notice] = []
        defaults: dict[str, Any] = {}
        for name, d in plugins.call_each("report_lint_config_defaults"):
            if not isinstance(d, dict):
                self.notices.append(Notice("plugin-bad-result", f"插件“{name}”的配置默认值不是表，已忽略",
                                           f"plugin '{name}' returned config defaults that are not a table; ignored"))
                continue
            from ..config import canonical, deep_merge

            defaults = deep_merge(defaults, canonical(d))
        self.config = with_overrides(config, defaults, **(config_overrides or {})) if (defaults or config_overrides) \
            else config
        self.lang = self.config.lang
        self.catalogue = cached_catalogue(self._paths("report_lint_catalogue_paths"))
        self.template_paths = tuple(str(p) for p in self._paths("report_lint_template_paths"))
        self.reporters: dict[str, Any] = {}
        for name, r in plugins.call_each("report_lint_reporters"):
            if isinstance(r, dict):
                self.reporters.update(r)
        self.impls = self._collect_impls()
        self.rules = self._select()
        self.notices = [*plugins.notices, *self.catalogue.notices, *self.notices]

    # -- setup ----------------------------------------------------------------------------------
    def _paths(self, hook: str) -> list[Path]:
        out = []
        for name, paths in self.plugins.call_each(hook):
            for p in (paths if isinstance(paths, (list, tuple)) else [paths]):
                out.append(Path(p))
        return out

    def _collect_impls(self) -> dict[str, RuleImpl]:
        impls: dict[str, RuleImpl] = {}
        owner: dict[str, str] = {}
        for name, items in self.plugins.call_each("report_lint_rules"):
            if isinstance(items, RuleImpl) or not isinstance(items, Iterable):
                items = [items]
            for impl in items:
                if not (isinstance(getattr(impl, "id", None), str) and callable(getattr(impl, "check", None))):
                    self.notices.append(Notice("plugin-bad-result", f"插件“{name}”返回了无效的规则实现：{impl!r}",
                                               f"plugin '{name}' returned an invalid rule implementation: {impl!r}"))
                    continue
                if impl.id in impls:
                    self.notices.append(Notice(
                        "rule-duplicate-impl", f"规则 {impl.id} 同时由插件“{owner[impl.id]}”和“{name}”实现，采用前者",
                        f"rule {impl.id} is implemented by both '{owner[impl.id]}' and '{name}'; using the first"))
                    continue
                if impl.id not in self.catalogue:
                    self.notices.append(Notice(
                        "rule-without-catalogue",
                        f"插件“{name}”的规则 {impl.id} 在规则目录中没有条目（编号、级别、提示信息），已跳过",
                        f"rule {impl.id} from plugin '{name}' has no catalogue entry (id, severity, messages); skipped"))
                    continue
                impls[impl.id] = impl
                owner[impl.id] = name
        self.impl_owner = owner
        return impls

    def _select(self) -> list[_Rule]:
        cfg, cat = self.config, self.catalogue
        select, n1 = normalise_selectors(cfg.select if cfg.select is not None else ["ALL"], cat, "select")
        extend, n2 = normalise_selectors(cfg.extend_select, cat, "extend-select")
        ignore, n3 = normalise_selectors(cfg.ignore, cat, "ignore")
        self.notices += n1 + n2 + n3
        for glob, sels in cfg.per_file_ignores.items():
            self.notices += normalise_selectors(sels, cat, f"per-file-ignores[{glob}]")[1]
        self.notices += normalise_selectors(cfg.severity.keys(), cat, "severity")[1]
        self._check_rule_options()
        chosen, missing = [], []
        for meta in cat:
            if not is_selected(meta, select + extend, ignore):
                continue
            impl = self.impls.get(meta.id)
            if impl is None:
                missing.append(meta.id)
                continue
            chosen.append(_Rule(meta, impl, _most_specific(cfg.severity, meta), self._options(meta)))
        self.unimplemented = missing
        if missing:
            shown = ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")
            self.notices.append(Notice(
                "rule-without-check",
                f"{len(missing)} 条已选规则没有已加载的检查实现，未运行：{shown}",
                f"{len(missing)} selected rule(s) have no loaded check implementation and did not run: {shown}"))
        return chosen

    def _check_rule_options(self) -> None:
        wz, we = (self.config.source, self.config.source) if self.config.source else ("配置", "config")
        for rid, opts in self.config.rule_options.items():
            meta = self.catalogue.resolve(rid)
            if meta is None:
                self.notices.append(Notice("unknown-rule-options", f"rule-options：没有编号为 {rid} 的规则，其选项被忽略",
                                           f"rule-options: there is no rule {rid}; its options are ignored"))
                continue
            for key, value in opts.items():
                if key not in meta.options:
                    known = "、".join(meta.options) or "无"
                    raise ConfigError("config-unknown-option",
                                      f"配置错误（{wz}）：规则 {meta.id} 没有选项“{key}”（可用：{known}）",
                                      f"config error ({we}): rule {meta.id} has no option '{key}' "
                                      f"(available: {', '.join(meta.options) or 'none'})")
                default = meta.options[key]
                if not _same_type(default, value):
                    tz, te = _TYPE_NAMES.get(type(default), (type(default).__name__,) * 2)
                    raise ConfigError("config-bad-value",
                                      f"配置错误（{wz}）：规则 {meta.id} 的选项“{key}”应为{tz}，实为 {value!r}",
                                      f"config error ({we}): option '{key}' of rule {meta.id} must be a {te}, "
                                      f"got {value!r}")

    def _options(self, meta: RuleMeta) -> dict[str, Any]:
        opts = deepcopy(meta.options)
        interp = self.config.interpretation
        if meta.family == "interpretation" and "target_rate" in opts and "target_rate" in interp.model_fields_set:
            opts["target_rate"] = interp.target_rate
        for rid, user in self.config.rule_options.items():
            m = self.catalogue.resolve(rid)
            if m is not None and m.id == meta.id:
                opts.update(deepcopy(user))
        return opts

    # -- running --------------------------------------------------------------------------------
    def rules_for(self, path: Optional[str]) -> list[_Rule]:
        if not path or not self.config.per_file_ignores:
            return self.rules
        p = PurePath(path).as_posix()
        ignored: list[str] = []
        for glob, sels in self.config.per_file_ignores.items():
            if fnmatch.fnmatch(p, glob) or fnmatch.fnmatch(PurePath(p).name, glob) or fnmatch.fnmatch(p, f"*/{glob}"):
                ignored += sels
        if not ignored:
            return self.rules
        return [r for r in self.rules if not any(_specificity(s, r.meta) is not None for s in ignored)]

    def run_report(self, report: Report, path: Optional[str] = None, previous: Optional[Report] = None) -> FileResult:
        path = path or report.source.path
        rules = self.rules_for(path)
        by_id = {r.meta.id: r for r in rules}
        hits: list[tuple[_Rule, Hit]] = []
        problems: list[InternalProblem] = []
        ran: list[RuleRun] = []
        selected = frozenset(by_id)
        for rule in rules:
            ctx = RuleContext(options=deepcopy(rule.options), settings=self.config, lang=self.lang, rule=rule.meta.id,
                              previous=previous, selected=selected)
            ran.append(RuleRun(rule.meta.id, rule.meta.family, rule.meta.weight, rule.meta.fatal))
            try:
                result = rule.impl.check(report, ctx)
                for hit in result or ():
                    hits.append((rule, hit))
            except ConfigError:  # a check found the user's settings unusable: that stops the run (exit 2)
                raise
            except Exception as e:  # one failing rule must not stop the others
                problems.append(_internal(rule.meta.id, e, self.lang))
        findings: list[Finding] = []
        seen: set[tuple] = set()
        for rule, hit in hits:
            if not isinstance(hit, Hit):
                problems.append(InternalProblem(
                    rule=rule.meta.id,
                    message=(f"规则 {rule.meta.id} 的检查返回了 {type(hit).__name__}，而不是 Hit" if self.lang == "zh"
                             else f"the check of rule {rule.meta.id} yielded a {type(hit).__name__}, not a Hit")))
                continue
            target = by_id.get(hit.rule)
            if target is None:
                if hit.rule not in self.catalogue:
                    problems.append(InternalProblem(
                        rule=rule.meta.id,
                        message=(f"规则 {rule.meta.id} 的检查报告了目录中不存在的编号 {hit.rule!r}" if self.lang == "zh"
                                 else f"the check of rule {rule.meta.id} reported an unknown rule id {hit.rule!r}")))
                continue  # a rule this check also serves, but not selected for this file
            try:
                f = self._finding(report, target, hit)
            except Exception as e:
                problems.append(_internal(target.meta.id, e, self.lang))
                continue
            key = (f.rule, f.message, f.location.model_dump_json())
            if key in seen:
                continue
            seen.add(key)
            findings.append(f)
        findings.sort(key=_finding_order)
        sc = score_file(findings, ran, self.config.score.category_weights, report=report,
                        parts=self.config.score.part_shares, template_paths=self.template_paths)
        meta = report.meta
        return FileResult(path=path, template=meta.template, year=meta.year, organ=meta.organ, score=sc.score,
                          grade=sc.grade, categories=sc.categories,
                          deductions={k: round(v, 4) for k, v in sc.deductions.items()},
                          findings=findings, internal_errors=problems, report=report)

    def _finding(self, report: Report, rule: _Rule, hit: Hit) -> Finding:
        meta = rule.meta
        severity = rule.severity or hit.severity or meta.severity
        if rule.severity is None and severity == "error" and meta.evidence == "M":
            severity = "warning"  # grade-M rules never ship as errors (SPEC.md §0)
        args = dict(hit.args or {})
        shape = meta.variants.get(hit.variant, meta) if hit.variant else meta
        msg_zh = render_message(shape.message_zh, args, "zh")
        msg_en = render_message(shape.message_en, args, "en")
        location = resolve_location(report, hit.location)
        return Finding(
            rule=meta.id, name=meta.name, family=meta.family, severity=severity,
            message=msg_zh if self.lang == "zh" else msg_en, message_zh=msg_zh, message_en=msg_en,
            location=location, expected=_jsonable(hit.expected), actual=_jsonable(hit.actual),
            weight=meta.weight, basis=meta.basis, help_uri=help_uri(meta.id), data=_jsonable(dict(hit.data or {})),
            category=CATEGORY_OF_FAMILY.get(meta.family), fingerprint=fingerprint(meta.id, location, args),
        )

    def parse_or_fail(self, path: str, *, published_on: Optional[date] = None,
                      convert: bool = False) -> Union[Report, FileResult]:
        """The parsed report, or the FileResult that says why the file could not be read."""
        try:
            return parse_file(path, published_on=published_on, convert=convert, templates=self.template_paths)
        except ReportLintError as e:
            return FileResult(path=path, error=FileError(code=e.code, message=e.message(self.lang)))
        except Exception as e:  # a parser bug: this file fails, the batch goes on
            prob = _internal(None, e, self.lang)
            return FileResult(path=path, error=FileError(code="internal-error", message=prob.message),
                              internal_errors=[prob])

    def run_file(self, path: str, *, published_on: Optional[date] = None, convert: bool = False,
                 previous: Optional[Report] = None) -> FileResult:
        parsed = self.parse_or_fail(path, published_on=published_on, convert=convert)
        if isinstance(parsed, FileResult):
            return parsed
        return self.run_report(parsed, path=path, previous=previous)

    def result(self, files: list[FileResult], extra_notices: Iterable[Notice] = ()) -> RunResult:
        notices = _unique([*self.notices, *extra_notices])
        run = RunResult(tool={"name": "report-lint", "version": __version__}, files=files)
        by_sev = {"error": 0, "warning": 0, "info": 0}
        by_rule: dict[str, int] = {}
        for fr in files:
            for f in fr.findings:
                by_sev[f.severity] += 1
                by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        scored = [fr.score for fr in files if fr.score is not None]
        cfg = self.config
        run.summary = {
            "files": len(files),
            "files_checked": sum(1 for fr in files if fr.error is None),
            "files_unreadable": sum(1 for fr in files if fr.error is not None),
            "findings": sum(by_sev.values()),
            "by_severity": by_sev,
            "by_rule": dict(sorted(by_rule.items())),
            "score": round_score(sum(scored) / len(scored)) if scored else None,
            "min_score": min(scored) if scored else None,
            "rules_run": len(self.rules),
            "lang": self.lang,
            "fail_level": cfg.fail_level,
            "fail_under": cfg.fail_under,
            "below_fail_under": [fr.path for fr in files
                                 if cfg.fail_under is not None and fr.score is not None and fr.score < cfg.fail_under],
            "config": cfg.source,
            "plugins": {"loaded": self.plugins.loaded, "failed": self.plugins.failed,
                        "blocked": self.plugins.blocked},
            "scoring": profile(cfg.score.category_weights, cfg.score.part_shares),
            "warnings": [n.as_dict(self.lang) for n in notices],
            "internal_errors": [{"path": fr.path, "rule": p.rule, "message": p.message}
                                for fr in files for p in fr.internal_errors],
        }
        run.summary["exit_code"] = exit_code(run, fail_level=cfg.fail_level, fail_under=cfg.fail_under)
        return run


def _unique(notices: Iterable[Notice]) -> list[Notice]:
    seen, out = set(), []
    for n in notices:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _internal(rule: Optional[str], e: BaseException, lang: str) -> InternalProblem:
    what = (f"规则 {rule} 的检查出错" if rule else "解析时出错") if lang == "zh" else \
        (f"the check of rule {rule} crashed" if rule else "the parser crashed")
    detail = re.sub(r"\s+", " ", f"{type(e).__name__}: {e}").strip()[:300]
    tail = "（report-lint 内部错误）" if lang == "zh" else " (report-lint internal error)"
    return InternalProblem(rule=rule, message=f"{what}：{detail}{tail}" if lang == "zh" else f"{what}: {detail}{tail}",
                           traceback="".join(traceback.format_exception(e)))


def _jsonable(v: Any) -> Any:
    """Values going into a Finding must serialise to JSON whatever a plugin put there."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
        return [_jsonable(x) for x in items]
    if isinstance(v, date):
        return v.isoformat()
    dump = getattr(v, "model_dump", None)
    if callable(dump):
        return _jsonable(dump(mode="json"))
    return str(v)


def fingerprint(rule: str, loc: FindingLocation, args: dict[str, Any]) -> str:
    """Stable across line moves: the rule, the logical location and the message arguments."""
    key = [rule, loc.section, loc.table, loc.row, loc.column,
           sorted((str(k), display(v)) for k, v in (args or {}).items())]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:16]


def _finding_order(f: Finding) -> tuple:
    loc = f.location
    big = 1 << 30
    return (loc.section if loc.section is not None else 0, loc.page or 0, loc.line or 0,
            loc.grid_table if loc.grid_table is not None else -1,
            loc.grid_row if loc.grid_row is not None else -1,
            loc.grid_column if loc.grid_column is not None else -1,
            loc.paragraph if loc.paragraph is not None else big, f.rule, f.message)


# ---------------------------------------------------------------------------------------------
# locations

_PHYSICAL = ("line", "page", "grid_table", "grid_row", "grid_column", "paragraph")


def _fill(loc: FindingLocation, src: Optional[Location]) -> bool:
    if src is None:
        return False
    pairs = {"line": src.line, "page": src.page, "grid_table": src.table, "grid_row": src.row,
             "grid_column": src.column, "paragraph": src.paragraph}
    if all(v is None for v in pairs.values()):
        return False
    for k, v in pairs.items():
        if getattr(loc, k) is None and v is not None:
            setattr(loc, k, v)
    return True


def _table_section(table: str) -> Optional[int]:
    return TABLE_SECTION.get(table)


def resolve_location(report: Report, where: Union[FindingLocation, dict, None]) -> FindingLocation:
    """Fill the source position (line/page/grid cell/paragraph) from what the check named (section/table/
    row/column). The cell's own location first, then its row, then the table's start, then the section's
    start; when nothing is known (a missing part) line 1, so every finding has a region."""
    if isinstance(where, dict):
        where = FindingLocation.model_validate(where)
    loc = where.model_copy() if where is not None else FindingLocation()
    if any(getattr(loc, k) is not None for k in _PHYSICAL):
        if loc.table and loc.section is None:
            loc.section = _table_section(loc.table)
        return loc
    table = getattr(report.tables, loc.table, None) if loc.table in TABLE_SECTION else None
    done = False
    if loc.table:
        if loc.section is None:
            loc.section = _table_section(loc.table)
        if table:
            if loc.row and loc.column:
                cell = (table.get(loc.row) or {}).get(loc.column)
                done = cell is not None and _fill(loc, cell.location)
            if not done and loc.row:
                for cell in (table.get(loc.row) or {}).values():
                    if _fill(loc, cell.location):
                        done = True
                        break
            if not done and loc.column and not loc.row:
                for row in table.values():
                    cell = row.get(loc.column)
                    if cell is not None and _fill(loc, cell.location):
                        done = True
                        break
        if not done:
            done = _fill(loc, report.table_locations.get(loc.table))
    if not done and loc.section is not None:
        sec = report.section(loc.section)
        done = sec is not None and _fill(loc, sec.start)
    if not done:
        loc.line = 1
    return loc


# ---------------------------------------------------------------------------------------------
# files

PROJECT_FILES = {"README", "CHANGELOG", "CHANGES", "LICENSE", "NOTICE", "CONTRIBUTING"}


def expand_paths(paths: Iterable[Union[str, Path]], *, convert: bool = False) -> list[str]:
    """Files as given, directories walked recursively (sorted; hidden entries skipped) for report files.
    In a directory a .json file counts only when it looks like a parsed-report export."""
    exts = REPORT_EXTENSIONS + (CONVERT_EXTENSIONS if convert else ())
    out: list[str] = []
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            out.append(str(p))
            continue
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p)
            if any(part.startswith(".") for part in rel.parts) or not f.is_file():
                continue
            if f.suffix.lower() not in exts:
                continue
            if f.suffix.lower() == ".json" and not _looks_like_model(f):
                continue
            if f.stem.upper() in PROJECT_FILES:  # a folder's README is not a report (name it to check it)
                continue
            out.append(str(f))
    seen: set[str] = set()
    return [x for x in out if not (x in seen or seen.add(x))]


def _looks_like_model(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return True  # let the parser report the problem
    return b'"tables"' in head and b'"meta"' in head


def parse_file(path: str, *, published_on: Optional[date] = None, convert: bool = False,
               templates: tuple[str, ...] = ()) -> Report:
    from ..parsing import parse, parse_bytes

    if convert and Path(path).suffix.lower() in CONVERT_EXTENSIONS:
        from ..readers import docx as docx_reader

        conv = getattr(docx_reader, "convert_with_libreoffice", None)
        if conv is None:
            raise ReportLintError("convert-unavailable", "此版本不支持 --convert 转换", "--convert is not available")
        return parse_bytes(conv(path), path, fmt="docx", published_on=published_on, templates=templates)
    return parse(path, published_on=published_on, templates=templates)


# ---------------------------------------------------------------------------------------------
# public entry points

RUN_OPTIONS = ("published_on", "convert", "blocked_plugins", "plugins", "plugin_modules", "autoload", "previous")
CONFIG_OVERRIDES = ("select", "extend_select", "ignore", "per_file_ignores", "severity", "lang", "fail_under",
                    "fail_level", "deadlines", "interpretation", "rule_options", "reporter_options", "score")


def _as_config(config: Union[Config, str, Path, dict, None], start: Optional[Union[str, Path]]) -> Config:
    if isinstance(config, Config):
        return config
    if isinstance(config, dict):
        return validate_config(config)
    if isinstance(config, (str, Path)):
        return load_config(config)
    return load_config(start=start)


def _split(overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    run, cfg = {}, {}
    for k, v in overrides.items():
        if k in RUN_OPTIONS:
            run[k] = v
        elif k in CONFIG_OVERRIDES:
            cfg[k] = v
        else:
            raise TypeError(f"unknown option {k!r} (config: {', '.join(CONFIG_OVERRIDES)}; run: {', '.join(RUN_OPTIONS)})")
    return run, cfg


_ENGINE_CACHE: dict[tuple, Engine] = {}


def build_engine(config: Union[Config, str, Path, dict, None] = None, *, start: Optional[Union[str, Path]] = None,
                 blocked_plugins: Iterable[str] = (), plugins: Iterable[Any] = (), plugin_modules: Iterable[str] = (),
                 autoload: Optional[bool] = None, **config_overrides: Any) -> Engine:
    """Resolve plugins, catalogue and configuration. Engines built only from entry points and an
    unchanged configuration are reused (tests and library users call check_report many times)."""
    cfg = _as_config(config, start)
    plugins, plugin_modules, blocked = tuple(plugins), tuple(plugin_modules), tuple(sorted(blocked_plugins))
    from .plugins import autoload_disabled, discover_entry_points

    key = None
    if not plugins and not plugin_modules:
        eps = tuple((ep.name, ep.value) for ep in discover_entry_points())
        key = (cfg.model_dump_json(), cfg.source, blocked, autoload, autoload_disabled(), eps,
               json.dumps(config_overrides, sort_keys=True, default=str))
        if key in _ENGINE_CACHE:
            return _ENGINE_CACHE[key]
    ps = create_plugin_manager(blocked=blocked, autoload=autoload, extra=plugins, extra_modules=plugin_modules)
    engine = Engine(cfg, ps, config_overrides=config_overrides)
    if key is not None:
        if len(_ENGINE_CACHE) > 32:
            _ENGINE_CACHE.clear()
        _ENGINE_CACHE[key] = engine
    return engine


def _flatten(paths: Iterable[Any]) -> list[Union[str, Path]]:
    out = []
    for p in paths:
        if isinstance(p, (list, tuple)):
            out.extend(_flatten(p))
        else:
            out.append(p)
    return out


def _as_date(v: Union[date, str, None]) -> Optional[date]:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise ConfigError("bad-date", f"日期格式无效：{v}（应为 YYYY-MM-DD）",
                          f"invalid date: {v} (expected YYYY-MM-DD)") from None


def check(*paths: Union[str, Path], config: Union[Config, str, Path, dict, None] = None, **overrides: Any) -> RunResult:
    """Check report files and directories.

    config: a Config, a config file path, a dict shaped like [tool.report-lint], or None to discover
    report-lint.toml / pyproject.toml upward from the first path (or the CWD).
    overrides: configuration keys (select, extend_select, ignore, severity, lang, fail_under, fail_level,
    rule_options, …) and run options: published_on (date or "YYYY-MM-DD"), convert (bool),
    blocked_plugins (names, like -p no:NAME), plugins (plugin objects registered in-process),
    plugin_modules (module names to import as plugins), autoload (bool).
    Raises ConfigError for an invalid configuration; unreadable files are reported per file.
    """
    run_opts, cfg_over = _split(overrides)
    flat = _flatten(paths)
    start = flat[0] if flat else None
    engine = build_engine(config, start=start, blocked_plugins=run_opts.get("blocked_plugins", ()),
                          plugins=run_opts.get("plugins", ()), plugin_modules=run_opts.get("plugin_modules", ()),
                          autoload=run_opts.get("autoload"), **cfg_over)
    return run_paths(engine, flat, published_on=_as_date(run_opts.get("published_on")),
                     convert=bool(run_opts.get("convert", False)), previous=run_opts.get("previous"))


def run_paths(engine: Engine, paths: Iterable[Union[str, Path]], *, published_on: Optional[date] = None,
              convert: bool = False, previous: Optional[Union[str, Path]] = None) -> RunResult:
    """Run a built engine over files and directories."""
    files = expand_paths(paths, convert=convert)
    notices = []
    if not files:
        notices.append(Notice("no-files", "没有找到可检查的报告文件（支持 " + " ".join(REPORT_EXTENSIONS) + "）",
                              "no report files found (supported: " + " ".join(REPORT_EXTENSIONS) + ")"))
    # Parse everything first so each report can meet its predecessor (same organ, year before) when the
    # batch holds it — a supervising office's folder of several years needs no extra option.
    parsed = [engine.parse_or_fail(f, published_on=published_on, convert=convert) for f in files]
    by_key = {}
    for item in parsed:
        if isinstance(item, Report):
            key = organ_year_key(item)
            if key is not None:
                by_key.setdefault(key, item)
    prev_report = None
    if previous is not None:
        prev = engine.parse_or_fail(str(previous), convert=convert)
        if isinstance(prev, FileResult):
            notices.append(Notice("previous-unreadable", f"上一年度报告无法读取：{prev.error.message}",
                                  f"the previous year's report cannot be read: {prev.error.message}"))
        else:
            prev_report = prev
    results = []
    for f, item in zip(files, parsed):
        if isinstance(item, FileResult):
            results.append(item)
            continue
        before = prev_report
        key = organ_year_key(item)
        if before is None and key is not None:
            before = by_key.get((key[0], key[1] - 1))
        results.append(engine.run_report(item, path=f, previous=before))
    return engine.result(results, notices)


def organ_year_key(report: Report) -> Optional[tuple[str, int]]:
    """(organ, year) with the organ's layout and brackets removed; None when either is unknown."""
    organ, year = report.meta.organ, report.meta.year
    if not organ or not year:
        return None
    return re.sub(r"[\s（）()]", "", organ), year


def check_report(report: Report, config: Union[Config, str, Path, dict, None] = None, **overrides: Any) -> FileResult:
    """Run the selected rules on an already-parsed Report. With config=None the built-in defaults are used
    (no config file discovery: the result does not depend on the current directory)."""
    run_opts, cfg_over = _split(overrides)
    engine = build_engine(config if config is not None else Config(),
                          blocked_plugins=run_opts.get("blocked_plugins", ()), plugins=run_opts.get("plugins", ()),
                          plugin_modules=run_opts.get("plugin_modules", ()), autoload=run_opts.get("autoload"),
                          **cfg_over)
    previous = run_opts.get("previous")
    if previous is not None and not isinstance(previous, Report):
        previous = parse_file(str(previous))
    return engine.run_report(report, previous=previous)


def exit_code(run: RunResult, *, fail_level: str = "error", fail_under: Optional[float] = None) -> int:
    """3 internal error; 2 nothing could be read; 1 a finding at/above fail_level or a file's (rounded)
    score under fail_under; else 0."""
    if any(fr.internal_errors for fr in run.files):
        return 3
    if not run.files or all(fr.error is not None for fr in run.files):
        return 2
    threshold = SEVERITY_ORDER[fail_level]
    if any(SEVERITY_ORDER[f.severity] >= threshold for fr in run.files for f in fr.findings):
        return 1
    if fail_under is not None and any(fr.score is not None and round_score(fr.score) < fail_under for fr in run.files):
        return 1
    return 0


__all__ = ["Engine", "build_engine", "check", "check_report", "exit_code", "expand_paths", "fingerprint",
           "is_selected", "normalise_selectors", "parse_file", "resolve_location", "run_paths"]
