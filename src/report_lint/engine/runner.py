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
import heapq
import json
import re
import traceback
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from .. import __version__, rxcache
from ..config import Config, load_config, with_overrides
from ..config import validate as validate_config
from ..errors import ConfigError, ReportLintError
from ..model import Report
from ..scoring import CATEGORY_OF_FAMILY, RuleRun, filled_parts, profile, round_score, score_file
from ..scoring import LABELS as SCORE_LABELS
from ..templates import usable_template_files
from . import places
from .catalogue import Catalogue, RuleMeta, cached_catalogue, display, help_uri, render_message
from .plugins import Notice, PluginSet, create_plugin_manager
from .types import (
    SEVERITY_ORDER,
    FileError,
    FileResult,
    Finding,
    FindingLocation,
    Hit,
    InternalProblem,
    RuleContext,
    RuleImpl,
    RunResult,
    Severity,
    Skipped,
)

REPORT_EXTENSIONS = (".html", ".htm", ".txt", ".md", ".pdf", ".docx", ".json")
CONVERT_EXTENSIONS = (".doc", ".wps")


class UnknownSelector(ConfigError, ValueError):
    """A rule selector in select / extend-select that matches no rule: a typo that would silently run
    nothing (exit 2 on the command line; a ValueError for library callers)."""


# ---------------------------------------------------------------------------------------------
# selection

_PREFIX_RE = re.compile(r"^[CZITVXYFP]\d{0,3}$")


def _specificity(selector: str, rule: RuleMeta) -> int | None:
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


def normalise_selectors(selectors: Iterable[str], cat: Catalogue, option: str,
                        strict: bool = False) -> tuple[list[str], list[Notice]]:
    """Follow id redirects (old -> new) and flag selectors that match nothing. With `strict` (select,
    extend-select) a selector matching no rule raises UnknownSelector: a typo there silently runs
    nothing, the most resented linter failure. Elsewhere (ignore, severity, per-file-ignores) it is a
    warning — the findings it meant to hide still show, so the typo is visible."""
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
            if strict:
                raise UnknownSelector("unknown-selector", f"{option}：规则 {up} 已删除，不能选择",
                                      f"{option}: rule {up} was removed and cannot be selected")
            notices.append(Notice("rule-deleted", f"{option}：规则 {up} 已删除，该选择器无效",
                                  f"{option}: rule {up} was removed; the selector has no effect"))
        elif not s:
            continue
        elif not _known_selector(s, cat):
            zh = f"{option}：“{s}”不匹配任何规则（可用编号、前缀如 Z 或 Z1、家族名、规则名）"
            en = f"{option}: '{s}' matches no rule (use an id, a prefix like Z or Z1, a family or a rule name)"
            if strict:
                raise UnknownSelector("unknown-selector", zh, en)
            notices.append(Notice("unknown-selector", zh, en))
            out.append(s)
        else:
            out.append(s)
    return out, notices


def is_selected(rule: RuleMeta, select: list[str], ignore: list[str]) -> bool:
    best: tuple[int, bool] | None = None
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

_PLAIN = frozenset({str, int, float, bool, type(None)})  # values that are their own copy and JSON
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
    severity: Severity | None  # the user's override, or None
    options: dict[str, Any]

    def __post_init__(self) -> None:
        self.plain = _plain_tree(self.options, set())

    def options_copy(self) -> dict[str, Any]:
        """A copy the rule may change: what deepcopy gives, quicker for the usual options (a tree of
        dicts, lists and plain values, without a container in two places)."""
        if not self.options:
            return {}
        return _copy_plain(self.options) if self.plain else deepcopy(self.options)


def _plain_tree(v: Any, seen: set[int]) -> bool:
    if type(v) in _PLAIN:
        return True
    if type(v) not in (dict, list) or id(v) in seen:
        return False
    seen.add(id(v))
    if type(v) is dict:
        return all(type(k) in _PLAIN and _plain_tree(x, seen) for k, x in v.items())
    return all(_plain_tree(x, seen) for x in v)


def _copy_plain(v: Any) -> Any:
    t = type(v)
    if t is dict:
        return {k: _copy_plain(x) for k, x in v.items()}
    if t is list:
        return [_copy_plain(x) for x in v]
    return v


class Engine:
    """Plugins + catalogue + configuration, resolved once; `run_report` (= `evaluate` + `conclude`) per report."""

    def __init__(self, config: Config, plugins: PluginSet, *, config_overrides: dict | None = None):
        self.plugins = plugins
        self._identity: str | None = None
        self.build_args: dict[str, Any] = {}
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
        self.template_paths, bad_templates = usable_template_files(
            tuple(str(p) for p in self._paths("report_lint_template_paths")))
        self.notices += [Notice(e.code, f"{e.zh}，已忽略", f"{e.en}; ignored") for e in bad_templates]
        self.reporters: dict[str, Any] = {}
        for _name, r in plugins.call_each("report_lint_reporters"):
            if isinstance(r, dict):
                self.reporters.update(r)
        self.impls = self._collect_impls()
        self.rules = self._select()
        self._by_id = {r.meta.id: r for r in self.rules}
        self._ran: dict[frozenset[str], list[RuleRun]] = {}  # conclude's RuleRuns by the set of rules that ran
        self.notices = [*plugins.notices, *self.catalogue.notices, *self.notices]

    # -- setup ----------------------------------------------------------------------------------
    def _paths(self, hook: str) -> list[Path]:
        out = []
        for _name, paths in self.plugins.call_each(hook):
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
                        f"rule {impl.id} from plugin '{name}' has no catalogue entry (id, severity, messages); "
                        "skipped"))
                    continue
                impls[impl.id] = impl
                owner[impl.id] = name
        self.impl_owner = owner
        return impls

    def _select(self) -> list[_Rule]:
        cfg, cat = self.config, self.catalogue
        select, n1 = normalise_selectors(cfg.select if cfg.select is not None else ["ALL"], cat, "select", strict=True)
        extend, n2 = normalise_selectors(cfg.extend_select, cat, "extend-select", strict=True)
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
                self.notices.append(Notice("unknown-rule-options",
                                           f"rule-options：没有编号为 {rid} 的规则，其选项被忽略",
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
    def rules_for(self, path: str | None) -> list[_Rule]:
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

    def _run_rule(self, rule: _Rule, report: Report, previous: Report | None,
                  selected: frozenset[str], memo: dict[str, Any]) -> RuleOutput:
        options = rule.options_copy()  # a rule may change its own copy
        ctx = _TrackingContext(options=options, settings=self.config, lang=self.lang, rule=rule.meta.id,
                               previous=previous, selected=selected, memo=memo)
        hits: list = []
        try:
            for hit in rule.impl.check(report, ctx) or ():
                hits.append(hit)  # hits before a crash are kept
            return RuleOutput(rule.meta.id, hits, None, ctx.read_previous)
        except (ConfigError, MemoryError):  # unusable settings stop the run (exit 2); memory is the file's
            raise
        except Exception as e:  # noqa: BLE001 - one failing rule (a plugin's too) must not stop the others
            return RuleOutput(rule.meta.id, hits, _internal(rule.meta.id, e, self.lang), ctx.read_previous)

    def evaluate(self, report: Report, path: str | None = None, previous: Report | None = None) -> Outcome:
        """Run the selected rules on a report. Rules marked `fatal` in the catalogue run first: when one of
        them finds an error (P109: no annual report in the file) nothing else runs."""
        path = path or report.source.path
        rules = self.rules_for(path)
        fatal = [r for r in rules if r.meta.fatal]
        selected = frozenset(r.meta.id for r in rules)
        memo: dict[str, Any] = {}  # the run's scratch space (RuleContext.memo)
        outputs = [self._run_rule(r, report, previous, selected, memo) for r in fatal]
        by_id = {r.meta.id: r for r in rules}
        for out in outputs:
            for hit in out.hits:
                target = by_id.get(getattr(hit, "rule", ""))  # a plugin may yield an object without one
                if target is not None and self._severity(target, hit) == "error":
                    return Outcome(path, [r.meta.id for r in rules], outputs, fatal=out.rule)
        outputs += [self._run_rule(r, report, previous, selected, memo) for r in rules if not r.meta.fatal]
        return Outcome(path, [r.meta.id for r in rules], outputs)

    def year_view(self, outcome: Outcome) -> Callable[[Report], Report] | None:
        """The part of a report that every rule of `outcome` that looked for the previous year's report
        reads (RuleImpl.year_view, e.g. checks/year_over_year.year_view), when they all declare the same;
        None: they need all of it (a rule that declares none, or no rule looked)."""
        # getattr: a plugin's implementation need only have `id` and `check` (_collect_impls)
        views = {getattr(self._by_id[o.rule].impl, "year_view", None) if o.rule in self._by_id else None
                 for o in outcome.outputs if o.read_previous}
        view = views.pop() if len(views) == 1 else None
        return view if callable(view) else None

    def with_previous(self, report: Report, outcome: Outcome, previous: Report) -> Outcome:
        """The outcome with every rule that looked for the previous year's report run again with it; the
        other rules' results stand (a rule that never read `ctx.previous` cannot depend on it)."""
        by_id = self._by_id
        selected = frozenset(outcome.rules)
        memo: dict[str, Any] = {}
        outputs = [self._run_rule(by_id[o.rule], report, previous, selected, memo) if o.read_previous else o
                   for o in outcome.outputs]
        return Outcome(outcome.path, outcome.rules, outputs, fatal=outcome.fatal)

    def conclude(self, report: Report, outcome: Outcome) -> FileResult:
        """Hits → findings (catalogue metadata, messages, resolved places), score, FileResult."""
        return self._conclude(report, outcome)[0]

    def conclude_traced(self, report: Report, outcome: Outcome) -> tuple[FileResult, Trace | None]:
        """conclude, and what a later `conclude_again` of the same report needs (None when a rule had an
        internal problem: then only a full conclude gives the same result)."""
        filled = filled_parts(report, self.template_paths)
        fr, items = self._conclude(report, outcome, filled=filled)
        if fr.internal_errors or fr.skipped is not None or fr.score is None:
            return fr, None
        rerun = {i for i, o in enumerate(outcome.outputs) if o.read_previous}
        kept = [(i, f) for i, f in items if i not in rerun]
        return fr, Trace([i for i, _ in kept], [f for _, f in kept], filled)

    def conclude_again(self, report: Report, outcome: Outcome, trace: Trace) -> FileResult:
        """conclude for an outcome in which only the rules that read the previous year's report ran again
        (with_previous): the other rules' findings are the traced ones, not rebuilt, and the filled-in
        share is the traced one — so `report` needs to hold only what those rules and the places of their
        findings read (a year view). Same result as conclude on the whole report."""
        by_output: dict[int, list[Finding]] = {}
        for i, f in zip(trace.outputs, trace.findings, strict=True):
            by_output.setdefault(i, []).append(f)
        reuse = {i: by_output.get(i, []) for i, o in enumerate(outcome.outputs) if not o.read_previous}
        return self._conclude(report, outcome, reuse=reuse, filled=trace.filled)[0]

    def _conclude(self, report: Report, outcome: Outcome, *, reuse: dict[int, list[Finding]] | None = None,
                  filled: dict[int, float] | None = None) -> tuple[FileResult, list[tuple[int, Finding]]]:
        """The FileResult, and every finding built (before duplicates are dropped) with the index of the
        output it came from. `reuse`: the findings of some outputs, already built."""
        rxcache.save()  # patterns compiled for the first time while reading and checking, for the next run
        path = outcome.path
        by_id = self._by_id
        problems: list[InternalProblem] = []
        items: list[tuple[int, Finding]] = []
        tpl = places.template_of(report)
        meta = report.meta
        for i, out in enumerate(outcome.outputs):
            if reuse is not None and i in reuse:
                items += [(i, f) for f in reuse[i]]
                continue
            if out.problem is not None:
                problems.append(out.problem)
            for hit in out.hits:
                if not isinstance(hit, Hit):
                    problems.append(InternalProblem(
                        rule=out.rule,
                        message=(f"规则 {out.rule} 的检查返回了 {type(hit).__name__}，而不是 Hit" if self.lang == "zh"
                                 else f"the check of rule {out.rule} yielded a {type(hit).__name__}, not a Hit")))
                    continue
                target = by_id.get(hit.rule) if hit.rule in outcome.rules else None
                if target is None:
                    if hit.rule not in self.catalogue:
                        problems.append(InternalProblem(
                            rule=out.rule,
                            message=(f"规则 {out.rule} 的检查报告了目录中不存在的编号 {hit.rule!r}" if self.lang == "zh"
                                     else f"the check of rule {out.rule} reported an unknown rule id {hit.rule!r}")))
                    continue  # a rule this check also serves, but not selected for this file
                try:
                    f = self._finding(report, target, hit, tpl)
                except Exception as e:  # noqa: BLE001 - a hit that cannot become a finding is that rule's problem
                    problems.append(_internal(target.meta.id, e, self.lang))
                    continue
                items.append((i, f))
        findings: list[Finding] = []
        seen: set[tuple] = set()
        for _, f in items:
            key = (f.rule, f.message, f.location.model_dump_json())
            if key in seen:
                continue
            seen.add(key)
            findings.append(f)
        findings.sort(key=_finding_order)
        base: dict[str, Any] = dict(path=path, template=meta.template, year=meta.year, organ=meta.organ,
                                    sha256=report.source.sha256, internal_errors=problems, report=report)
        stopped_by = by_id.get(outcome.fatal) if outcome.fatal is not None else None
        if outcome.fatal is not None and (stopped_by is None or stopped_by.meta.fatal_outcome == "skip"):
            why = next((f for f in findings if f.rule == outcome.fatal and f.severity == "error"), None)
            head = "不是年度报告，已跳过" if self.lang == "zh" else "not a report, skipped"
            detail = why.message if why is not None else ""
            if detail:
                head += f"：{detail}" if self.lang == "zh" else f": {detail}"
            return FileResult(**base, skipped=Skipped(code="not-a-report", rule=outcome.fatal, message=head)), items
        # stopped by a fatal rule (P110), only the fatal rules ran: the other categories have no score
        run_ids = frozenset(o.rule for o in outcome.outputs) if outcome.fatal is not None else frozenset(outcome.rules)
        ran = self._ran.get(run_ids)
        if ran is None:  # the same few rule sets for every file of a run
            ran = [RuleRun(r.meta.id, r.meta.family, r.meta.weight, r.meta.fatal) for r in self.rules
                   if r.meta.id in run_ids]
            if len(self._ran) < 64:
                self._ran[run_ids] = ran
        sc = score_file(findings, ran, self.config.score.category_weights, report=report,
                        parts=self.config.score.part_shares, template_paths=self.template_paths, filled=filled)
        return FileResult(**base, score=sc.score, grade=sc.grade, categories=sc.categories,
                          deductions={k: round(v, 4) for k, v in sc.deductions.items()}, findings=findings), items

    def run_report(self, report: Report, path: str | None = None, previous: Report | None = None) -> FileResult:
        """Check one parsed report (with the same organ's previous-year report, when known)."""
        return self.conclude(report, self.evaluate(report, path, previous))

    def _severity(self, rule: _Rule, hit: Hit) -> Severity:
        severity = rule.severity or hit.severity or rule.meta.severity
        if rule.severity is None and severity == "error" and rule.meta.evidence == "M":
            severity = "warning"  # grade-M rules never ship as errors (SPEC.md §0)
        return severity

    def _finding(self, report: Report, rule: _Rule, hit: Hit, tpl) -> Finding:
        meta = rule.meta
        args = dict(hit.args or {})
        shape = meta.variants.get(hit.variant, meta) if hit.variant else meta
        msg_zh = render_message(shape.message_zh, args, "zh")
        msg_en = render_message(shape.message_en, args, "en")
        location = places.resolve_location(report, hit.location)
        data = _jsonable(dict(hit.data or {}))
        for item in data.get("related") or ():  # the other places of one root cause, resolved like the finding
            if isinstance(item, dict):
                item.update(places.related_place(report, item, tpl))
        return Finding(
            rule=meta.id, name=meta.name, family=meta.family, severity=self._severity(rule, hit),
            message=msg_zh if self.lang == "zh" else msg_en, message_zh=msg_zh, message_en=msg_en,
            location=location, expected=_jsonable(hit.expected), actual=_jsonable(hit.actual),
            weight=meta.weight, basis=meta.basis, help_uri=help_uri(meta.id), data=data,
            category=CATEGORY_OF_FAMILY.get(meta.family), fingerprint=fingerprint(meta.id, location, args),
            tags=list(meta.tags), place=places.place(report, location, data, tpl),
        )

    def parse_or_fail(self, path: str, *, published_on: date | None = None,
                      convert: bool = False) -> Report | FileResult:
        """The parsed report, or the FileResult that says why the file could not be read."""
        try:
            return parse_file(path, published_on=published_on, convert=convert, templates=self.template_paths)
        except ReportLintError as e:
            return FileResult(path=path, error=FileError(code=e.code, message=e.message(self.lang)))
        except MemoryError:
            raise
        except Exception as e:  # noqa: BLE001 - a reader bug: this file fails, the batch goes on
            prob = _internal(None, e, self.lang)
            return FileResult(path=path, error=FileError(code="internal-error", message=prob.message),
                              internal_errors=[prob])

    @property
    def identity(self) -> str:
        """What a check result depends on besides the file: report-lint's version, the configuration,
        the plugins (names and versions) and the rule and template data files (by content). A result
        cache keys on it (engine/cache.py)."""
        if self._identity is None:
            h = hashlib.sha256()
            settings = self.config.model_dump(mode="json", exclude={"batch", "reporter_options"})
            h.update(json.dumps([__version__, settings,
                                 sorted((p.name, p.value, p.status, p.version or "") for p in self.plugins.plugins),
                                 sorted(self.impls)], ensure_ascii=False).encode())
            from ..resources import rules_dir
            from .catalogue import builtin_files

            data_files = [*builtin_files(), *self._paths("report_lint_catalogue_paths"),
                          *sorted((rules_dir() / "templates").glob("*.toml")), *map(Path, self.template_paths)]
            for f in data_files:
                h.update(str(f).encode(errors="surrogateescape"))
                try:
                    h.update(hashlib.sha256(Path(f).read_bytes()).digest())
                except OSError:
                    h.update(b"-")
            self._identity = h.hexdigest()
        return self._identity

    def result(self, files: list[FileResult], extra_notices: Iterable[Notice] = ()) -> RunResult:
        tally = Tally(self.config)
        for fr in files:
            tally.add(fr)
        return RunResult(tool=self.tool, files=files, summary=tally.summary(self, extra_notices))

    @property
    def tool(self) -> dict[str, str]:
        return {"name": "report-lint", "version": __version__}


class _TrackingContext(RuleContext):
    """A RuleContext that notes whether the check looked at the previous year's report."""

    read_previous: bool = False

    @property
    def previous(self) -> Report | None:
        self.read_previous = True
        return self._previous

    @previous.setter
    def previous(self, value: Report | None) -> None:
        self._previous = value


@dataclass
class RuleOutput:
    rule: str
    hits: list
    problem: InternalProblem | None
    read_previous: bool


@dataclass
class Trace:
    """What phase 1 built of one report for conclude_again: the findings of the rules that did not read
    the previous year's report (before duplicates are dropped, with the index of their output) and the
    filled-in share of each part."""

    outputs: list[int]
    findings: list[Finding]
    filled: dict[int, float]


@dataclass
class Outcome:
    """What the selected rules said about one report, before it becomes a FileResult."""

    path: str | None
    rules: list[str]  # the ids selected for this file
    outputs: list[RuleOutput]
    fatal: str | None = None  # the fatal rule that stopped the run (the file is not a report)

    @property
    def reads_previous(self) -> bool:
        return any(o.read_previous for o in self.outputs)


class Tally:
    """The run's summary, built one FileResult at a time (a batch keeps no results to summarise)."""

    WORST = 10

    def __init__(self, config: Config):
        self.config = config
        self.files = self.checked = self.unreadable = self.skipped = self.baselined = 0
        self.by_sev = {"error": 0, "warning": 0, "info": 0}
        self.by_rule: dict[str, int] = {}
        self.rule_names: dict[str, str] = {}
        self.by_family: dict[str, int] = {}
        self.grades: dict[str, int] = {}
        self.bands = {"<60": 0, "60-70": 0, "70-80": 0, "80-90": 0, "90-100": 0}
        self.score_sum, self.score_n = 0.0, 0
        self.min_score: float | None = None
        self.worst: list[tuple[float, int, str]] = []  # a bounded max-heap on (-score)
        self.fail_level_hit = False
        self.below: list[str] = []
        self.internal: list[dict[str, Any]] = []  # the first 200 (each is also printed when it happens)
        self.internal_count = 0
        self.unreadable_paths: list[tuple[str, str]] = []  # the first 1000

    def add(self, fr: FileResult) -> None:
        cfg = self.config
        self.files += 1
        self.baselined += fr.baselined
        for p in fr.internal_errors:
            self.internal_count += 1
            if len(self.internal) < 200:
                self.internal.append({"path": fr.path, "rule": p.rule, "message": p.message})
        if fr.error is not None:
            self.unreadable += 1
            if len(self.unreadable_paths) < 1000:
                self.unreadable_paths.append((fr.path, fr.error.code))
            return
        if fr.skipped is not None:
            self.skipped += 1
            return
        self.checked += 1
        threshold = SEVERITY_ORDER[cfg.fail_level]
        for f in fr.findings:
            self.by_sev[f.severity] = self.by_sev.get(f.severity, 0) + 1
            self.by_rule[f.rule] = self.by_rule.get(f.rule, 0) + 1
            self.rule_names.setdefault(f.rule, f.name)
            self.by_family[f.family] = self.by_family.get(f.family, 0) + 1
            if SEVERITY_ORDER[f.severity] >= threshold:
                self.fail_level_hit = True
        if fr.score is not None:
            s = fr.score
            self.score_sum += s
            self.score_n += 1
            self.min_score = s if self.min_score is None else min(self.min_score, s)
            band = "<60" if s < 60 else "90-100" if s >= 90 else f"{int(s // 10) * 10}-{int(s // 10) * 10 + 10}"
            self.bands[band] += 1
            if fr.grade:
                self.grades[fr.grade] = self.grades.get(fr.grade, 0) + 1
            item = (-s, -self.files, fr.path)
            if len(self.worst) < self.WORST:
                heapq.heappush(self.worst, item)
            elif item > self.worst[0]:
                heapq.heapreplace(self.worst, item)
            if cfg.fail_under is not None and round_score(s) < cfg.fail_under:
                self.below.append(fr.path)

    def exit_code(self) -> int:
        """3 internal error; 2 a file could not be read, or no report was checked at all; 1 a finding at/above
        fail_level or a (rounded) score under fail_under; else 0."""
        if self.internal_count:
            return 3
        if self.unreadable or not self.checked:
            return 2
        if self.fail_level_hit or self.below:
            return 1
        return 0

    def summary(self, engine: Engine, extra_notices: Iterable[Notice] = ()) -> dict[str, Any]:
        cfg = self.config
        notices = _unique([*engine.notices, *extra_notices])
        worst = sorted(self.worst, reverse=True)
        return {
            "files": self.files,
            "files_checked": self.checked,
            "files_unreadable": self.unreadable,
            "files_skipped": self.skipped,
            "findings": sum(self.by_sev.values()),
            "by_severity": dict(self.by_sev),
            "by_rule": dict(sorted(self.by_rule.items())),
            "by_family": dict(sorted(self.by_family.items())),
            "rule_names": dict(sorted(self.rule_names.items())),
            "score": round_score(self.score_sum / self.score_n) if self.score_n else None,
            "min_score": self.min_score,
            "score_bands": dict(self.bands),
            "grades": dict(sorted(self.grades.items())),
            "worst": [{"path": p, "score": -s} for s, _, p in worst],
            "unreadable": [{"path": p, "code": c} for p, c in self.unreadable_paths],
            "baselined": self.baselined,
            "rules_run": len(engine.rules),
            "lang": engine.lang,
            "fail_level": cfg.fail_level,
            "fail_under": cfg.fail_under,
            "below_fail_under": list(self.below),
            "config": cfg.source,
            "plugins": {"loaded": engine.plugins.loaded, "failed": engine.plugins.failed,
                        "blocked": engine.plugins.blocked},
            "scoring": profile(cfg.score.category_weights, cfg.score.part_shares),
            "category_labels": {k: {"zh": zh, "en": en} for k, (zh, en) in SCORE_LABELS.items()},
            "warnings": [n.as_dict(engine.lang) for n in notices],
            "internal_errors": list(self.internal),
            "exit_code": self.exit_code(),
        }


def _unique(notices: Iterable[Notice]) -> list[Notice]:
    seen, out = set(), []
    for n in notices:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _internal(rule: str | None, e: BaseException, lang: str) -> InternalProblem:
    what = (f"规则 {rule} 的检查出错" if rule else "解析时出错") if lang == "zh" else \
        (f"the check of rule {rule} crashed" if rule else "the parser crashed")
    detail = re.sub(r"\s+", " ", f"{type(e).__name__}: {e}").strip()[:300]
    tail = "（report-lint 内部错误）" if lang == "zh" else " (report-lint internal error)"
    return InternalProblem(rule=rule, message=f"{what}：{detail}{tail}" if lang == "zh" else f"{what}: {detail}{tail}",
                           traceback="".join(traceback.format_exception(e)))


def _jsonable(v: Any) -> Any:
    """Values going into a Finding must serialise to JSON whatever a plugin put there."""
    t = type(v)  # the plain types first, by exact type: a finding's data is mostly these, nested
    if t in _PLAIN:
        return v
    if t is list:  # plain items without a call (some 50 values per finding on the corpus)
        return [x if type(x) in _PLAIN else _jsonable(x) for x in v]
    if t is dict:
        return {(k if type(k) is str else str(k)): (x if type(x) in _PLAIN else _jsonable(x)) for k, x in v.items()}
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
    return hashlib.sha256(_FINGERPRINT_JSON.encode(key).encode()).hexdigest()[:16]


# what json.dumps(key, ensure_ascii=False) builds on every call, built once
_FINGERPRINT_JSON = json.JSONEncoder(ensure_ascii=False)


def _finding_order(f: Finding) -> tuple:
    loc = f.location
    big = 1 << 30
    return (loc.section if loc.section is not None else 0, loc.page or 0, loc.line or 0,
            loc.grid_table if loc.grid_table is not None else -1,
            loc.grid_row if loc.grid_row is not None else -1,
            loc.grid_column if loc.grid_column is not None else -1,
            loc.paragraph if loc.paragraph is not None else big, f.rule, f.message)


resolve_location = places.resolve_location


def parse_file(path: str, *, published_on: date | None = None, convert: bool = False,
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

RUN_OPTIONS = ("published_on", "convert", "blocked_plugins", "plugins", "plugin_modules", "autoload", "previous",
               "jobs", "limits", "cache", "baseline")
CONFIG_OVERRIDES = ("select", "extend_select", "ignore", "per_file_ignores", "severity", "lang", "fail_under",
                    "fail_level", "deadlines", "interpretation", "rule_options", "reporter_options", "score", "batch")


def _as_config(config: Config | str | Path | dict | None, start: str | Path | None) -> Config:
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
            raise TypeError(f"unknown option {k!r} (config: {', '.join(CONFIG_OVERRIDES)}; "
                            f"run: {', '.join(RUN_OPTIONS)})")
    return run, cfg


_ENGINE_CACHE: dict[tuple, Engine] = {}


def build_engine(config: Config | str | Path | dict | None = None, *, start: str | Path | None = None,
                 blocked_plugins: Iterable[str] = (), plugins: Iterable[Any] = (), plugin_modules: Iterable[str] = (),
                 autoload: bool | None = None, **config_overrides: Any) -> Engine:
    """Resolve plugins, catalogue and configuration. Engines built only from entry points and an
    unchanged configuration are reused (tests and library users call check_report many times).
    Raises ConfigError for an invalid configuration or a rule selector that matches no rule
    (UnknownSelector, also a ValueError)."""
    cfg = _as_config(config, start)
    plugins, plugin_modules, blocked = tuple(plugins), tuple(plugin_modules), tuple(sorted(blocked_plugins))
    from .plugins import autoload_disabled, discover_entry_points

    key = None
    found = discover_entry_points()  # one scan of the installed distributions, for the key and the plugins
    if not plugins and not plugin_modules:
        eps = tuple((ep.name, ep.value) for ep in found)
        key = (cfg.model_dump_json(), cfg.source, blocked, autoload, autoload_disabled(), eps,
               json.dumps(config_overrides, sort_keys=True, default=str))
        if key in _ENGINE_CACHE:
            return _ENGINE_CACHE[key]
    ps = create_plugin_manager(blocked=blocked, autoload=autoload, extra=plugins, extra_modules=plugin_modules,
                               _entry_points=found)
    engine = Engine(cfg, ps, config_overrides=config_overrides)
    engine.build_args = {"blocked_plugins": blocked, "plugin_modules": plugin_modules, "autoload": autoload,
                         "in_process_plugins": bool(plugins)}
    if key is not None:
        if len(_ENGINE_CACHE) > 32:
            _ENGINE_CACHE.clear()
        _ENGINE_CACHE[key] = engine
    return engine


def _flatten(paths: Iterable[Any]) -> list[str | Path]:
    out = []
    for p in paths:
        if isinstance(p, (list, tuple)):
            out.extend(_flatten(p))
        else:
            out.append(p)
    return out


def _as_date(v: date | str | None) -> date | None:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise ConfigError("bad-date", f"日期格式无效：{v}（应为 YYYY-MM-DD）",
                          f"invalid date: {v} (expected YYYY-MM-DD)") from None


def _engine_for(config, start, run_opts: dict[str, Any], cfg_over: dict[str, Any]) -> Engine:
    return build_engine(config, start=start, blocked_plugins=run_opts.get("blocked_plugins", ()),
                        plugins=run_opts.get("plugins", ()), plugin_modules=run_opts.get("plugin_modules", ()),
                        autoload=run_opts.get("autoload"), **cfg_over)


def check(*paths: str | Path | Report, config: Config | str | Path | dict | None = None,
          **overrides: Any) -> RunResult:
    """Check report files, directories or already-parsed `Report`s; returns a RunResult.

    config: a Config, a config file path, a dict shaped like [tool.report-lint], or None to discover
    report-lint.toml / pyproject.toml upward from the first path (or the CWD).
    overrides: configuration keys (select, extend_select, ignore, severity, lang, fail_under, fail_level,
    rule_options, …) and run options: published_on (date or "YYYY-MM-DD"), convert (bool), previous
    (the previous year's report: a path or a Report), jobs (worker processes; default none: all in this
    process), limits (engine.batch.Limits: per-file time and memory in worker processes), cache (bool),
    baseline (a baseline file path), blocked_plugins (names, like -p no:NAME), plugins (plugin objects
    registered in-process), plugin_modules (module names to import as plugins), autoload (bool).

    Raises ConfigError for an invalid configuration and UnknownSelector (a ValueError) for a rule
    selector that matches no rule; unreadable files are reported per file (FileResult.error).
    Without jobs each FileResult keeps its parsed `report`.
    """
    run_opts, cfg_over = _split(overrides)
    flat = _flatten(paths)
    start = next((p for p in flat if not isinstance(p, Report)), None)
    engine = _engine_for(config, start, run_opts, cfg_over)
    reports = [p for p in flat if isinstance(p, Report)]
    files = [p for p in flat if not isinstance(p, Report)]
    if reports and not files:
        previous = run_opts.get("previous")
        if previous is not None and not isinstance(previous, Report):
            previous = parse_file(str(previous), templates=engine.template_paths)
        return engine.result([engine.run_report(r, previous=previous) for r in reports])
    if reports:
        raise TypeError("check() takes either paths or Report objects, not both")
    return run_paths(engine, files, published_on=_as_date(run_opts.get("published_on")),
                     convert=bool(run_opts.get("convert", False)), previous=run_opts.get("previous"),
                     jobs=run_opts.get("jobs"), limits=run_opts.get("limits"), cache=run_opts.get("cache"),
                     baseline=run_opts.get("baseline"))


def run_paths(engine: Engine, paths: Iterable[str | Path], *, published_on: date | None = None,
              convert: bool = False, previous: str | Path | Report | None = None, jobs: int | None = None,
              limits: Any = None, cache: bool | None = None, baseline: str | Path | None = None) -> RunResult:
    """Run a built engine over files and directories and collect every result (engine/batch.py streams
    them instead). Reports of the same organ one year apart are paired for the Y rules."""
    from .batch import Batch

    batch = Batch(engine, published_on=published_on, convert=convert, previous=previous, jobs=jobs,
                  limits=limits, cache=cache, baseline=baseline, keep_reports=not jobs)
    files = list(batch.run(paths))
    return RunResult(tool=engine.tool, files=files, summary=batch.summary())


def check_bytes(data: bytes, name: str, *, config: Config | str | Path | dict | None = None,
                previous: Report | None = None, **overrides: Any) -> FileResult:
    """Check one report given as bytes: a pure function of (bytes, name, configuration) — nothing is read
    from disk but the configuration and rule data — so it maps over a folder with any engine
    (multiprocessing, Dask, Ray; docs/cli.md "Beyond one machine"). `name` gives the format (by its
    extension) and the path shown. With config=None the built-in defaults apply (no discovery).
    An unreadable input is a FileResult with `error`, never an exception."""
    from .batch import Processor

    run_opts, cfg_over = _split(overrides)
    engine = _engine_for(config if config is not None else Config(), None, run_opts, cfg_over)
    proc = Processor(engine, published_on=_as_date(run_opts.get("published_on")))
    return proc.check_data(data, name, previous=previous)


def organ_year_key(report: Report) -> tuple[str, int] | None:
    """(organ, year) with the organ's layout and brackets removed; None when either is unknown."""
    organ, year = report.meta.organ, report.meta.year
    if not organ or not year:
        return None
    return re.sub(r"[\s（）()]", "", organ), year


def check_report(report: Report, config: Config | str | Path | dict | None = None, **overrides: Any) -> FileResult:
    """Run the selected rules on an already-parsed Report. With config=None the built-in defaults are used
    (no config file discovery: the result does not depend on the current directory)."""
    run_opts, cfg_over = _split(overrides)
    engine = _engine_for(config if config is not None else Config(), None, run_opts, cfg_over)
    previous = run_opts.get("previous")
    if previous is not None and not isinstance(previous, Report):
        previous = parse_file(str(previous), templates=engine.template_paths)
    return engine.run_report(report, previous=previous)


def exit_code(run: RunResult, *, fail_level: Severity = "error", fail_under: float | None = None) -> int:
    """3 internal error; 2 a file could not be read, or no report was checked; 1 a finding at/above
    fail_level or a file's (rounded) score under fail_under; else 0."""
    tally = Tally(Config(fail_level=fail_level, fail_under=fail_under))
    for fr in run.files:
        tally.add(fr)
    return tally.exit_code()


__all__ = ["Engine", "Outcome", "Tally", "UnknownSelector", "build_engine", "check", "check_bytes", "check_report",
           "exit_code", "fingerprint", "is_selected", "normalise_selectors", "organ_year_key", "parse_file",
           "resolve_location", "run_paths"]
