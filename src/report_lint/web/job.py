"""One check, as a worker process runs it: parse the upload(s) in memory, run the engine, render.

The payload and the answer are plain dicts (they cross a process boundary):

    payload = {"files": [(name, bytes), ...],        # one report, or this year's and last year's
               "lang": "zh" | "en", "year": int | None, "organ_kind": str | None,
               "published_on": "YYYY-MM-DD" | None, "config": path | None,
               "output": "page" | "json" | "html" | "checklist"}
    answer  = {"ok": True, "title": str, "body": str, "filename": str, "media_type": str}
            | {"ok": False, "code": str, "message": str}

The bytes stay in this process's memory; nothing is written to disk.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath
from typing import Any

from .. import __version__
from ..errors import ReportLintError
from ..model import Provenance, Report
from .text import t


def safe_name(name: str, fallback: str) -> str:
    """The browser's file name as a label only: its last component, control characters removed."""
    base = PurePath(name.replace("\\", "/")).name if name else ""
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()[:200]
    return base or fallback


def _fill_meta(report: Report, payload: dict, lang: str) -> tuple[list[str], set[str]]:
    """Apply what the page gives for this year's report: the year and organ kind when the file does not
    tell (the file wins when it does, with a note), the publication date always (a draft has none)."""
    tx, notes, given = t(lang), [], set()
    year, kind = payload.get("year"), payload.get("organ_kind")
    meta = report.meta
    if year:
        if meta.year is None:
            meta.year = year
            meta.provenance["year"] = Provenance(kind="user", text=str(year))
            given.add("year")
        elif meta.year != year:
            notes.append(tx["year_kept"].format(found=meta.year, given=year))
    if kind:
        if meta.organ_kind == "unknown":
            meta.organ_kind = kind
            given.add("organ_kind")
        elif meta.organ_kind != kind:
            notes.append(tx["kind_kept"].format(found=tx[f"kind_{meta.organ_kind}"], given=tx[f"kind_{kind}"]))
    if payload.get("published_on"):  # as parse_bytes(published_on=…) and the CLI's --published-on do
        meta.published_on = date.fromisoformat(payload["published_on"])
        meta.provenance["published_on"] = Provenance(kind="web-form", text=payload["published_on"])
        given.add("published_on")
    return notes, given


def _parse(name: str, data: bytes, engine) -> Report:
    from ..parsing import parse_bytes

    return parse_bytes(data, name, templates=engine.template_paths)


def _engine(payload: dict):
    from ..config import Config, load_config
    from ..engine.runner import build_engine

    cfg = load_config(payload["config"]) if payload.get("config") else Config()
    return build_engine(cfg, lang=payload.get("lang", "zh"))


def verdict(report: Report, engine, lang: str, date_given: bool = False) -> dict[str, Any]:
    """The timeliness verdict shown whatever the findings: the deadline that applied (with the T rules'
    own options, province overlay and holiday extension) and whether the publication date met it."""
    from ..checks import timeliness as tm
    from ..engine.types import RuleContext

    meta = report.meta
    if meta.year is None:
        return {"status": "no-year"}
    rule = next((r for r in engine.rules if r.meta.id == "T101"), None)
    meta_t101 = engine.catalogue.resolve("T101")
    options = rule.options if rule is not None else dict(getattr(meta_t101, "options", {}) or {})
    try:
        found = tm.deadline_for(report, RuleContext(options=options, settings=engine.config, lang=lang, rule="T101"))
    except ReportLintError:
        found = None
    if found is None:
        return {"status": "no-year"}
    effective, statutory, kind, province = found
    kinds = tm.KIND_EN if lang == "en" else tm.KIND_ZH
    out = {"deadline": statutory.isoformat(), "effective": effective.isoformat(), "province": province,
           "kind_label": kinds.get(kind, ""), "kind_unknown": kind not in kinds}
    if meta.published_on is None:
        return {**out, "status": "no-date"}
    prov = meta.provenance.get("published_on")
    sources = tm.SOURCE_EN if lang == "en" else tm.SOURCE_ZH
    source = (t(lang)["source_page"] if date_given
              else sources.get(prov.kind if prov else "", "") or t(lang)["unknown"])
    out.update(published=meta.published_on.isoformat(), source=source)
    if meta.published_on <= effective:
        return {**out, "status": "on-time"}
    return {**out, "status": "late", "late_days": (meta.published_on - statutory).days}


def _pair_problem(now: Report, prev: Report, lang: str) -> str | None:
    """Why the year-over-year rules cannot pair the two reports, or None when they can."""
    from ..engine.runner import organ_year_key

    tx = t(lang)
    if now.meta.year is None or prev.meta.year is None:
        return tx["compare_unknown_year"]
    if now.meta.year == prev.meta.year:
        return tx["compare_same_year"]
    if now.meta.year - prev.meta.year != 1:
        return tx["compare_gap"]
    a, b = organ_year_key(now), organ_year_key(prev)
    if a is not None and b is not None and a[0] != b[0]:
        return f"{now.meta.organ} / {prev.meta.organ}"
    return None


def _stem(name: str) -> str:
    return PurePath(name).stem or "report"


def run(payload: dict) -> dict:
    lang = "en" if payload.get("lang") == "en" else "zh"
    tx = t(lang)
    try:
        engine = _engine(payload)
        files = [(safe_name(n, tx["pasted_name"]), d) for n, d in payload["files"]]
        reports = [_parse(n, d, engine) for n, d in files]
    except ReportLintError as e:
        return {"ok": False, "code": e.code, "message": e.message(lang)}
    except Exception as e:  # noqa: BLE001 - a reader bug: the same one line the CLI gives, never a traceback
        detail = " ".join(f"{type(e).__name__}: {e}".split())[:300]
        what = f"解析时出错：{detail}（report-lint 内部错误）" if lang == "zh" else \
            f"the parser crashed: {detail} (report-lint internal error)"
        return {"ok": False, "code": "internal-error", "message": what}
    pairs = list(zip((n for n, _ in files), reports, strict=True))
    notes: list[str] = []
    if len(pairs) == 2 and pairs[0][1].meta.year and pairs[1][1].meta.year \
            and pairs[1][1].meta.year > pairs[0][1].meta.year:  # dropped in the other order
        pairs.reverse()
        notes.append(tx["swapped"].format(now=pairs[0][0], prev=pairs[1][0]))
    (name, report), (prev_name, prev_report) = pairs[0], (pairs[1] if len(pairs) == 2 else (None, None))
    filled, given = _fill_meta(report, payload, lang)  # what the page says is about this year's report
    notes += filled
    why_not = _pair_problem(report, prev_report, lang) if prev_report is not None else None
    fr = engine.run_report(report, path=name, previous=prev_report if why_not is None else None)
    run_result = engine.result([fr])
    output = payload.get("output", "page")
    tool = f"report-lint {__version__}"
    downloads = {}
    if output in ("page", "html"):
        from ..reporters import html as html_reporter

        downloads["html"] = (f"{_stem(name)}-{'检查结果' if lang == 'zh' else 'report-lint'}.html", "text/html",
                             html_reporter.render(run_result, lang=lang,
                                                  options={"rules": [r.meta for r in engine.rules]}))
    if output in ("page", "json"):
        from ..reporters import json as json_reporter

        downloads["json"] = (f"{_stem(name)}-{'检查结果' if lang == 'zh' else 'results'}.json", "application/json",
                             json_reporter.render(run_result, lang=lang))
    if output in ("page", "checklist"):
        from .view import checklist_text

        downloads["checklist"] = (f"{_stem(name)}-{'待更正清单' if lang == 'zh' else 'checklist'}.txt", "text/plain",
                                  checklist_text(fr, report, lang, tool))
    if output != "page":
        filename, media, body = downloads[output]
        return {"ok": True, "title": name, "body": body, "filename": filename, "media_type": media}
    from .view import result_html

    prev_fr = engine.run_report(prev_report, path=prev_name) if prev_report is not None else None
    body = result_html(fr, name=name, lang=lang, verdict=verdict(report, engine, lang, "published_on" in given),
                       downloads=downloads,
                       notes=notes, user_given=given, previous=prev_fr, previous_name=prev_name or "",
                       why_not_pair=why_not)
    return {"ok": True, "title": report.meta.title or name, "body": body, "filename": "", "media_type": "text/html"}
