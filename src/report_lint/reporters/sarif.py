"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

What GitHub needs and gets here: tool.driver.rules with help; every result with ruleId/ruleIndex/level,
a physical location (relative URI under %SRCROOT%, a region with startLine ≥ 1 even for a missing part,
the PDF page as a region property), a logical location naming the part/table cell, and
partialFingerprints that do not depend on line numbers (so re-flowing a report does not reopen alerts).
Unreadable files and internal problems are tool execution notifications, not results.

Rule metadata comes from the catalogue: `sarif_rules()` takes rule metadata objects or plain dicts.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..engine.types import FileResult, Finding, RunResult
from . import _common as c

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "reportLint/v1"

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# How much a rule's evidence can be trusted (SPEC.md grades) in GitHub's `precision` vocabulary.
PRECISION = {"A": "very-high", "B": "high", "C": "medium", "M": "low"}
DOC_HEADINGS = {
    "zh": {"what": "检查内容", "why": "依据与理由", "example": "示例", "fix": "如何修改", "basis": "依据文件"},
    "en": {"what": "What it checks", "why": "Why", "example": "Example", "fix": "How to fix", "basis": "Basis"},
}
SHORT_MAX = 200
FULL_MAX = 1000


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _first_sentence(text: str) -> str:
    for sep in ("。", ". ", "；", "\n"):
        i = text.find(sep)
        if 0 < i < SHORT_MAX:
            return text[: i + (1 if sep == "。" else 0)].strip()
    return text[:SHORT_MAX].strip()


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _docs_uri(rule_id: str) -> str | None:
    """The rule's documentation page when the distribution declares a Documentation URL."""
    from ..engine.catalogue import help_uri

    try:
        return help_uri(rule_id)
    except OSError:  # the distribution's metadata unreadable: no link (help_uri handles "not installed")
        return None


def rule_descriptor(meta: Any, *, lang: str = "zh", help_base_uri: str | None = None) -> dict[str, Any]:
    """One SARIF reportingDescriptor from catalogue metadata (an object with attributes or a dict with
    keys id, name, family, severity, evidence, spec, basis, weight, since, status, help_uri, doc{what,
    why, example, fix}). Missing fields are left out rather than invented."""
    rid = str(_get(meta, "id"))
    name = _get(meta, "name") or rid
    family = _get(meta, "family") or c.family_of(rid)
    severity = _get(meta, "severity") or "warning"
    doc = _get(meta, "doc") or {}
    heads = DOC_HEADINGS[c.lang_key(lang)]
    what = (_get(doc, "what") or "").strip()
    basis = (_get(meta, "basis") or "").strip()
    message = (_get(meta, "message_en") if c.lang_key(lang) == "en" else _get(meta, "message_zh")) or ""
    short = _first_sentence(what) if what else (message or name)
    full = what or message or name
    if basis and basis not in full:
        full = f"{full}（{basis}）" if c.lang_key(lang) == "zh" else f"{full} ({basis})"
    text_parts, md_parts = [], []
    for key in ("what", "why", "example", "fix"):
        value = (_get(doc, key) or "").strip()
        if value:
            text_parts.append(f"{heads[key]}: {value}")
            md_parts.append(f"**{heads[key]}**\n\n{value}")
    if basis:
        text_parts.append(f"{heads['basis']}: {basis}")
        md_parts.append(f"**{heads['basis']}**\n\n{basis}")
    if not text_parts:
        text_parts = [full]
        md_parts = [full]
    evidence = _get(meta, "evidence")
    tags = ["report-lint", family] + ([f"evidence-{evidence}"] if evidence else [])
    tags += [str(x) for x in (_get(meta, "tags") or ()) if str(x) not in tags]
    tags = tags[:20]  # GitHub keeps at most 20 tags per rule
    props: dict[str, Any] = {"family": family, "tags": tags}
    if evidence in PRECISION:
        props["precision"] = PRECISION[evidence]
        props["evidence"] = evidence
    for key in ("spec", "basis", "weight", "since", "status"):
        value = _get(meta, key)
        if value not in (None, ""):
            props[key] = value
    out: dict[str, Any] = {
        "id": rid,
        "name": name,
        "shortDescription": {"text": _clip(short, SHORT_MAX)},
        "fullDescription": {"text": _clip(full, FULL_MAX)},
        "help": {"text": "\n\n".join(text_parts), "markdown": "\n\n".join(md_parts)},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": props,
    }
    help_uri = (_get(meta, "help_uri") or (f"{help_base_uri.rstrip('/')}/{rid}" if help_base_uri else None)
                or _docs_uri(rid))
    if help_uri:
        out["helpUri"] = help_uri
    return out


def sarif_rules(rules: Iterable[Any], *, lang: str = "zh", help_base_uri: str | None = None) -> list[dict]:
    """SARIF rule descriptors for catalogue entries (objects or dicts), in id order."""
    out = [rule_descriptor(m, lang=lang, help_base_uri=help_base_uri) for m in rules if _get(m, "id")]
    return sorted(out, key=lambda d: d["id"])


def _descriptor_from_finding(f: Finding) -> dict[str, Any]:
    # A rule absent from the catalogue (a plugin without catalogue data): describe it by what we have.
    return {"id": f.rule, "name": f.name, "family": f.family, "severity": f.severity, "basis": f.basis,
            "help_uri": f.help_uri, "message_zh": f.name, "message_en": f.name}


def _catalogue(options: dict) -> list[Any]:
    """Rule metadata: passed by the caller (options["rules"]: list or {id: meta}), else the engine's
    catalogue, else nothing (descriptors are then made from the findings themselves)."""
    rules = options.get("rules")
    if rules is None:
        rules = c.load_catalogue()
    if rules is None:
        return []
    if isinstance(rules, dict):
        return list(rules.values())
    return list(rules)


def _artifact_uri(path: str, root: str | None) -> dict[str, Any]:
    rel, inside = c.relative_path(path, root)
    if inside:
        return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(rel).as_uri()}


def _logical(f: Finding, lang: str) -> dict[str, Any]:
    loc = f.location
    part = c.part_of(f)
    parts = ([f"section{part}"] if part is not None else []) + [p for p in (loc.table, loc.row, loc.column) if p]
    name = c.logical_where(f, lang) or c.part_title(f, lang)
    kind = "element" if loc.table else "text"
    return {"name": name, "fullyQualifiedName": "/".join(parts) or "document", "kind": kind}


def _fingerprint(f: Finding, uri: str, fqn: str, ordinal: int) -> str:
    """Stable across line moves and across value corrections: rule + file + logical location.

    A table place (cell, row, column) names one problem per rule, so nothing else is added (fixing one
    of two wrong numbers keeps the alert). Text findings of one rule in one part are told apart by the
    engine's fingerprint (rule, place and message arguments — e.g. the quoted sentence), else by
    their order."""
    parts = [f.rule, uri, fqn]
    given = getattr(f, "fingerprint", None)
    if f.location.table:
        if ordinal:
            parts.append(str(ordinal))
    else:
        parts.append(given or str(ordinal))
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]


def _clean(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _properties(f: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {"family": f.family, "name": f.name}
    for key in ("expected", "actual"):
        value = getattr(f, key)
        if value is not None:
            props[key] = _clean(value)
    category = getattr(f, "category", None)
    if category:
        props["category"] = category
    loc = {k: v for k, v in f.location.model_dump().items() if v is not None}
    if loc:
        props["location"] = loc
    if f.data:
        props["data"] = _clean(f.data)
    return props


def _file_results(fr: FileResult, artifact_index: int, rule_index: dict[str, int], lang: str,
                  root: str | None) -> list[dict[str, Any]]:
    art = {**_artifact_uri(fr.path, root), "index": artifact_index}
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    for f in fr.findings:
        line, page = c.resolve_line_page(f)
        region: dict[str, Any] = {"startLine": line}
        if page is not None:
            region["properties"] = {"page": page}
        logical = _logical(f, lang)
        fingerprint = "" if f.location.table else (getattr(f, "fingerprint", None) or "")
        key = (f.rule, logical["fullyQualifiedName"], fingerprint)
        ordinal = seen.get(key, 0)
        seen[key] = ordinal + 1
        text = c.message(f, lang)
        if page is not None and f.location.line is None:
            text += f"（第{page}页）" if c.lang_key(lang) == "zh" else f" (page {page})"
        result = {
            "ruleId": f.rule,
            "ruleIndex": rule_index[f.rule],
            "level": LEVEL.get(f.severity, "warning"),
            "message": {"text": text},
            "locations": [{
                "physicalLocation": {"artifactLocation": dict(art), "region": region},
                "logicalLocations": [logical],
            }],
            "partialFingerprints": {
                FINGERPRINT_KEY: _fingerprint(f, art["uri"], logical["fullyQualifiedName"], ordinal)},
            "properties": _properties(f),
        }
        related = _related(f, art, lang)
        if related:
            result["relatedLocations"] = related
        results.append(result)
    return results


def _related(f: Finding, art: dict, lang: str) -> list[dict[str, Any]]:
    """The other places one root cause shows (Finding.data["related"]: e.g. the further equations one
    wrong cell breaks, placed by the engine), as SARIF relatedLocations rather than separate results."""
    out = []
    en = c.lang_key(lang) == "en"
    for k, item in enumerate(f.data.get("related") or ()):
        if not isinstance(item, dict):
            continue
        region: dict[str, Any] = {"startLine": int(item.get("line") or 1)}
        if item.get("page") is not None:
            region["properties"] = {"page": item["page"]}
        where = item.get("where_en" if en else "where_zh") or ""
        text = item.get("message_en" if en else "message_zh") or where
        parts = [p for p in (item.get("table"), item.get("row"), item.get("column")) if p]
        out.append({"id": k + 1, "message": {"text": str(text)},
                    "physicalLocation": {"artifactLocation": dict(art), "region": region},
                    "logicalLocations": [{"name": where or "/".join(parts) or "document",
                                          "fullyQualifiedName": "/".join(parts) or "document",
                                          "kind": "element" if item.get("table") else "text"}]})
    return out


def _artifact(fr: FileResult, root: str | None) -> dict[str, Any]:
    art: dict[str, Any] = {"location": _artifact_uri(fr.path, root)}
    if fr.sha256:
        art["hashes"] = {"sha-256": fr.sha256}
    props: dict[str, Any] = {k: v for k, v in (("template", fr.template), ("year", fr.year), ("organ", c.organ_of(fr)),
                               ("score", fr.score), ("grade", fr.grade)) if v is not None}
    if fr.categories:
        props["categories"] = dict(fr.categories)
    if props:
        art["properties"] = props
    return art


def _notifications(fr: FileResult, root: str | None) -> list[dict[str, Any]]:
    where = [{"physicalLocation": {"artifactLocation": _artifact_uri(fr.path, root)}}]
    out = []
    if fr.error is not None:
        out.append({"level": "error", "message": {"text": fr.error.message},
                    "descriptor": {"id": fr.error.code}, "locations": where})
    if fr.skipped is not None:
        out.append({"level": "note", "message": {"text": fr.skipped.message},
                    "descriptor": {"id": fr.skipped.code}, "locations": where})
    for p in getattr(fr, "internal_errors", None) or []:
        n: dict[str, Any] = {"level": "error", "message": {"text": p.message},
                             "descriptor": {"id": "internal-error"}, "locations": where}
        if p.rule:
            n["associatedRule"] = {"id": p.rule}
        out.append(n)
    return out


def to_sarif(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> dict[str, Any]:
    opts = c.options_of(options)
    root = opts.get("srcroot")
    help_base = opts.get("help_base_uri")
    descriptors = sarif_rules(_catalogue(opts), lang=lang, help_base_uri=help_base)
    known = {d["id"] for d in descriptors}
    extra = {}
    for fr in run.files:
        for f in fr.findings:
            if f.rule not in known and f.rule not in extra:
                extra[f.rule] = rule_descriptor(_descriptor_from_finding(f), lang=lang, help_base_uri=help_base)
    descriptors += [extra[k] for k in sorted(extra)]
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}

    driver: dict[str, Any] = {
        "name": run.tool.get("name", "report-lint"),
        "version": run.tool.get("version", ""),
        "semanticVersion": run.tool.get("version", ""),
        "rules": descriptors,
    }
    info = opts.get("information_uri") or c.project_url()
    if info:
        driver["informationUri"] = info
    if not driver["version"]:
        del driver["version"], driver["semanticVersion"]

    results, artifacts, notifications = [], [], []
    for i, fr in enumerate(run.files):
        artifacts.append(_artifact(fr, root))
        results += _file_results(fr, i, rule_index, lang, root)
        notifications += _notifications(fr, root)

    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    root_uri = Path(root or ".").resolve().as_uri().rstrip("/") + "/"
    sarif_run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",  # Chinese text: count characters, not UTF-16 units
        "properties": {"summary": _clean({**c.run_stats(run), **run.summary})},
    }
    if opts.get("category"):
        sarif_run["automationDetails"] = {"id": f"{str(opts['category']).rstrip('/')}/"}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    return json.dumps(to_sarif(run, lang=lang, options=options), ensure_ascii=False, indent=2) + "\n"
