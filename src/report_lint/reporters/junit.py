"""JUnit XML for CI dashboards: one <testsuite> per file.

With the rule catalogue available, every rule is a <testcase> (passing when the file has no finding
of it), so a dashboard shows what was checked, not only what failed. Without it, every finding is a
testcase. Error and warning findings are <failure>s; info findings are reported as passing cases with
their text in <system-out>. An unreadable file (or a crash inside a check) is an <error>.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..engine.types import FileResult, Finding, RunResult
from . import _common as c

FAILING = ("error", "warning")


def _finding_text(f: Finding, lang: str) -> str:
    where = c.where(f, lang)
    sev = c.severity_label(f.severity, lang)
    return f"[{sev}] {f.rule} {c.message(f, lang)}" + (f" — {where}" if where else "")


def _rule_name(meta: Any) -> str | None:
    return meta.get("name") if isinstance(meta, dict) else getattr(meta, "name", None)


def _rule_id(meta: Any) -> str | None:
    return meta.get("id") if isinstance(meta, dict) else getattr(meta, "id", None)


def _add_case(suite: ET.Element, classname: str, name: str, findings: list[Finding], lang: str) -> dict:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    failing = [f for f in findings if f.severity in FAILING]
    if failing:
        worst = max(failing, key=lambda f: c.SEVERITY_ORDER.get(f.severity, 0))
        first = c.message(failing[0], lang)
        if len(failing) == 1:
            msg = first
        elif c.lang_key(lang) == "zh":
            msg = f"{first}（等 {len(failing)} 项）"
        else:
            msg = f"{first} (and {len(failing) - 1} more)"
        fail = ET.SubElement(case, "failure", message=msg, type=worst.severity)
        fail.text = "\n".join(_finding_text(f, lang) for f in failing)
    rest = [f for f in findings if f.severity not in FAILING]
    if rest:
        ET.SubElement(case, "system-out").text = "\n".join(_finding_text(f, lang) for f in rest)
    return {"tests": 1, "failures": 1 if failing else 0}


def _suite(root: ET.Element, fr: FileResult, rules: list[Any], lang: str) -> dict:
    suite = ET.SubElement(root, "testsuite", name=fr.path)
    props = ET.SubElement(suite, "properties")
    for key, value in (("template", fr.template), ("year", fr.year), ("organ", c.organ_of(fr)),
                       ("score", fr.score), ("grade", fr.grade)):
        if value is not None:
            ET.SubElement(props, "property", name=key, value=str(value))
    for key, value in fr.categories.items():
        ET.SubElement(props, "property", name=f"category.{key}", value=str(value))
    tally = {"tests": 0, "failures": 0, "errors": 0}
    unreadable = "无法读取" if c.lang_key(lang) == "zh" else "unreadable"
    if fr.error is not None:
        case = ET.SubElement(suite, "testcase", classname=fr.path, name=unreadable, time="0")
        err = ET.SubElement(case, "error", message=fr.error.message, type=fr.error.code)
        err.text = fr.error.message
        tally["tests"] += 1
        tally["errors"] += 1
    for p in getattr(fr, "internal_errors", None) or []:
        name = p.rule or ("内部错误" if c.lang_key(lang) == "zh" else "internal error")
        case = ET.SubElement(suite, "testcase", classname=fr.path, name=name, time="0")
        ET.SubElement(case, "error", message=p.message, type="internal-error").text = p.message
        tally["tests"] += 1
        tally["errors"] += 1
    if fr.skipped is not None:
        case = ET.SubElement(suite, "testcase", classname=fr.path, name="report-lint", time="0")
        ET.SubElement(case, "skipped", message=fr.skipped.message)
        tally["tests"] += 1
        tally["skipped"] = tally.get("skipped", 0) + 1
    elif fr.error is None:
        by_rule: dict[str, list[Finding]] = {}
        for f in fr.findings:
            by_rule.setdefault(f.rule, []).append(f)
        if rules:
            ids = [str(_rule_id(m)) for m in rules if _rule_id(m)]
            names = {str(_rule_id(m)): _rule_name(m) for m in rules if _rule_id(m)}
            ids += [r for r in by_rule if r not in names]  # rules missing from the catalogue still show
            for rid in sorted(set(ids)):
                found = by_rule.get(rid, [])
                name = names.get(rid) or (found[0].name if found else None)
                got = _add_case(suite, fr.path, f"{rid} {name}" if name else rid, found, lang)
                for k in got:
                    tally[k] += got[k]
        elif fr.findings:
            for f in sorted(fr.findings, key=c.sort_key):
                where = c.where(f, lang)
                got = _add_case(suite, fr.path, f"{f.rule} {where}".strip(), [f], lang)
                for k in got:
                    tally[k] += got[k]
        else:
            got = _add_case(suite, fr.path, "report-lint", [], lang)  # checked and clean
            for k in got:
                tally[k] += got[k]
    suite.set("tests", str(tally["tests"]))
    suite.set("failures", str(tally["failures"]))
    suite.set("errors", str(tally["errors"]))
    suite.set("skipped", str(tally.get("skipped", 0)))
    suite.set("time", "0")
    return tally


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    opts = c.options_of(options)
    rules = opts.get("rules")
    if rules is None:
        rules = c.load_catalogue() or []
    elif isinstance(rules, dict):
        rules = list(rules.values())
    root = ET.Element("testsuites", name=run.tool.get("name", "report-lint"))
    total = {"tests": 0, "failures": 0, "errors": 0}
    for fr in run.files:
        got = _suite(root, fr, list(rules), lang)
        for k in total:
            total[k] += got[k]
    for k, v in total.items():
        root.set(k, str(v))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + c.xml_safe(ET.tostring(root, encoding="unicode")) + "\n"
