"""What every output format shares: labels (zh/en), grouping findings by part, describing where a finding
is, and the offending table row. Reporters only *format* a RunResult; nothing here computes findings.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..engine import places
from ..engine.places import TABLE_SECTION, lang_key, numeral
from ..engine.types import SEVERITY_ORDER, FileResult, Finding, FindingLocation, RunResult
from ..model import Cell

SEVERITIES = ("error", "warning", "info")

SEVERITY_LABEL = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}

CATEGORY_LABEL = {
    "zh": {
        "completeness": "完整性", "consistency": "数据一致性", "arithmetic": "数据一致性",
        "zero-sum": "数据一致性", "conformity": "规范性", "template": "规范性", "format": "规范性",
        "wording": "表述", "timeliness": "时效", "interpretation": "解读", "text-vs-table": "文表一致",
        "year-over-year": "跨年一致", "parse": "解析",
    },
    "en": {
        "completeness": "Completeness", "consistency": "Consistency", "arithmetic": "Consistency",
        "zero-sum": "Consistency", "conformity": "Conformity", "template": "Template", "format": "Format",
        "wording": "Wording", "timeliness": "Timeliness", "interpretation": "Interpretation",
        "text-vs-table": "Text vs tables", "year-over-year": "Year over year", "parse": "Parsing",
    },
}
CELL_KIND_LABEL = {
    "zh": {"blank": "（空）", "not_applicable": "不适用", "invalid": "无效"},
    "en": {"blank": "(blank)", "not_applicable": "n/a", "invalid": "invalid"},
}


def options_of(options: dict | None) -> dict:
    """The format's options; kebab-case keys from a TOML config (help-base-uri) read as snake_case."""
    return {(k.replace("-", "_") if isinstance(k, str) else k): v for k, v in (options or {}).items()}


def severity_label(severity: str, lang: str) -> str:
    return SEVERITY_LABEL[lang_key(lang)].get(severity, severity)


def message(f: Finding, lang: str) -> str:
    if lang_key(lang) == "en":
        return f.message_en or f.message or f.message_zh
    return f.message_zh or f.message or f.message_en


def category_label(key: str, lang: str, labels: dict | None = None) -> str:
    """A scoring category's name: from the run's summary (`category_labels`, set by the engine from the
    scoring module), else the table above."""
    found = (labels or {}).get(key)
    if isinstance(found, dict) and found.get(lang_key(lang)):
        return found[lang_key(lang)]
    return CATEGORY_LABEL[lang_key(lang)].get(key, key)


def fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"


# --- findings ------------------------------------------------------------------------------
# Where a finding is and what its table row holds were resolved by the engine (Finding.place); a
# finding built by hand without a place falls back to its bare location.

def part_of(f: Finding) -> int | None:
    """The part (1..6) a finding belongs to, None outside the parts."""
    if f.place is not None:
        return f.place.part
    loc = f.location
    return loc.section if loc.section is not None else TABLE_SECTION.get(loc.table or "")


def part_title(f: Finding, lang: str) -> str:
    if f.place is not None and f.place.part_title.zh:
        return f.place.part_title.get(lang_key(lang))
    part = part_of(f)
    return places.part_title(part, lang)  # the generic title (一、 / "3. Applications …")


def sort_key(f: Finding) -> tuple:
    loc = f.location
    return (-SEVERITY_ORDER.get(f.severity, 0), loc.page or 0, loc.line or 0, f.rule)


def group_by_part(findings: Iterable[Finding], lang: str) -> list[tuple[int | None, str, list[Finding]]]:
    """(part, part title, findings) for parts 一…六 in order, then those outside any part ("全文/表格外")."""
    groups: dict[int | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(part_of(f), []).append(f)
    order = sorted(k for k in groups if k is not None) + ([None] if None in groups else [])
    return [(k, part_title(groups[k][0], lang), sorted(groups[k], key=sort_key)) for k in order]


def visible(fr: FileResult, show_parse_notes: bool) -> list[Finding]:
    """The findings to show: parse notes (catalogue tag "parse-note") only when asked for."""
    return list(fr.findings) if show_parse_notes else [f for f in fr.findings if not f.is_parse_note]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def run_stats(run: RunResult) -> dict[str, Any]:
    """Totals for a summary line: files, unreadable and skipped files, findings by severity, mean score."""
    total = dict.fromkeys(SEVERITIES, 0)
    scores = []
    for fr in run.files:
        for s, n in counts(fr.findings).items():
            total[s] = total.get(s, 0) + n
        if fr.score is not None:
            scores.append(fr.score)
    return {
        "files": len(run.files),
        "unreadable": sum(1 for fr in run.files if fr.error is not None),
        "skipped": sum(1 for fr in run.files if fr.skipped is not None),
        "findings": total,
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
    }


def organ_of(fr: FileResult) -> str | None:
    if fr.organ:
        return fr.organ
    return fr.report.meta.organ if fr.report is not None else None


def logical_where(f: Finding, lang: str) -> str:
    """Where in the report's structure: 表三“（七）总计”行“自然人”列 / 第三部分."""
    if f.place is not None:
        return f.place.where.get(lang_key(lang))
    loc = f.location
    parts = [p for p in (loc.table, loc.row, loc.column) if p]
    if parts:
        return "/".join(parts)
    if loc.section is not None:
        return f"part {loc.section}" if lang_key(lang) == "en" else f"第{numeral(loc.section)}部分"
    return ""


def physical_where(loc: FindingLocation, lang: str) -> str:
    """Where in the file: page, line, table grid cell, paragraph."""
    en = lang_key(lang) == "en"
    parts = []
    if loc.page is not None:
        parts.append(f"page {loc.page}" if en else f"第{loc.page}页")
    if loc.line is not None:
        parts.append(f"line {loc.line}" if en else f"第{loc.line}行")
    if loc.grid_table is not None:
        cell = f"table {loc.grid_table + 1}" if en else f"第{loc.grid_table + 1}个表格"
        if loc.grid_row is not None:
            cell += f" row {loc.grid_row + 1}" if en else f"第{loc.grid_row + 1}行"
        if loc.grid_column is not None:
            cell += f" column {loc.grid_column + 1}" if en else f"第{loc.grid_column + 1}列"
        parts.append(cell)
    if loc.paragraph is not None and loc.line is None:
        parts.append(f"paragraph {loc.paragraph + 1}" if en else f"第{loc.paragraph + 1}段")
    return (", " if en else "，").join(parts)


def where(f: Finding, lang: str) -> str:
    pieces = [p for p in (logical_where(f, lang), physical_where(f.location, lang)) if p]
    return " · ".join(pieces)


# --- the offending table row ----------------------------------------------------------------

@dataclass
class CellView:
    key: str
    label: str
    text: str  # what to print: the raw text, or a marker for blank/not-applicable/invalid
    kind: str
    highlight: bool = False


@dataclass
class RowView:
    table: str
    row: str
    label: str
    cells: list[CellView] = field(default_factory=list)
    highlight: bool = False  # the finding names this row


def cell_text(cell: Cell | None, lang: str) -> tuple[str, str]:
    """(text to show, kind) of a model cell (the parse view). Missing cells show as "—"."""
    if cell is None:
        return "—", "missing"
    raw = (cell.raw or "").strip()
    if cell.kind == "number":
        v = cell.value
        if raw:
            return raw, "number"
        return (str(int(v)) if isinstance(v, float) and v.is_integer() else "" if v is None else str(v)), "number"
    return _marked(raw, cell.kind, lang), cell.kind


def _marked(raw: str, kind: str, lang: str) -> str:
    markers = CELL_KIND_LABEL[lang_key(lang)]
    if kind == "missing":
        return "—"
    if kind == "blank":
        return markers["blank"]
    if kind == "not_applicable":
        return raw or markers["not_applicable"]
    if kind == "invalid":
        return f"{raw}（{markers['invalid']}）" if lang_key(lang) == "zh" else f"{raw} ({markers['invalid']})"
    return raw


def table_rows_for(f: Finding, lang: str) -> list[RowView]:
    """The table row(s) a finding is about, as the engine recorded them (Finding.place.rows)."""
    if f.place is None:
        return []
    key = lang_key(lang)
    out = []
    for rc in f.place.rows:
        rv = RowView(table=rc.table, row=rc.row, label=rc.label.get(key))
        for cc in rc.cells:
            rv.cells.append(CellView(cc.key, cc.label.get(key), _marked(cc.text, cc.kind, lang), cc.kind, cc.highlight))
        out.append(rv)
    return out


def resolve_line_page(f: Finding | None) -> tuple[int, int | None]:
    """(line ≥ 1, page) to point a SARIF result or a GitHub annotation at (resolved by the engine)."""
    if f is None:
        return 1, None
    if f.place is not None:
        return f.place.line, f.place.page
    line = f.location.line
    return (line if line is not None and line >= 1 else 1), f.location.page


def relative_path(path: str, root: str | None = None) -> tuple[str, bool]:
    """(POSIX path relative to root, True) when the file sits under root; else (absolute POSIX, False)."""
    root_p = Path(root or os.getcwd()).resolve()
    p = Path(path)
    absolute = (p if p.is_absolute() else root_p / p).resolve()
    try:
        return PurePosixPath(absolute.relative_to(root_p)).as_posix(), True
    except ValueError:
        return PurePosixPath(absolute).as_posix(), False


# --- metadata from elsewhere (optional: every format works without it) -----------------------

def family_of(rule_id: str) -> str:
    from ..engine.types import FAMILIES

    return FAMILIES.get(rule_id[:1].upper(), "other") if rule_id else "other"


def load_catalogue() -> list[Any] | None:
    """The built-in rule metadata (engine.catalogue), or None when it cannot be loaded — the output
    then describes rules from the findings alone. Plugin rules: the caller passes options["rules"]."""
    from ..engine.catalogue import cached_catalogue
    from ..errors import ReportLintError

    try:
        return list(cached_catalogue())
    except (ReportLintError, OSError):  # a broken catalogue is reported by the engine; output must still be written
        return None


def project_url() -> str | None:
    """The project's home page from the installed package metadata ([project.urls]), if declared."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        md = metadata("report-lint")
    except (PackageNotFoundError, OSError):  # not installed as a distribution, or its metadata unreadable
        return None
    urls = {}
    for entry in md.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("homepage", "repository", "source", "documentation"):
        if urls.get(label):
            return urls[label]
    return (md.get_all("Home-page") or [None])[0] or None



_XML_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"  # compiled on first use


def xml_safe(text: str) -> str:
    """Drop the control characters XML 1.0 forbids (a damaged PDF's text layer can carry them)."""
    return re.sub(_XML_ILLEGAL, "", text)


def wrap_label(text: str, chunk: int = 4) -> str:
    """Break a long Chinese column header into short lines (rich cannot wrap a run of CJK characters
    and would crop the table instead): before a bracket, then every `chunk` characters."""
    if " " in text or len(text) <= chunk + 1:
        return text
    pieces = re.split(r"(?=[（(])", text)
    lines = []
    for piece in pieces:
        lines += [piece[i:i + chunk] for i in range(0, len(piece), chunk)]
    return "\n".join(p for p in lines if p)
