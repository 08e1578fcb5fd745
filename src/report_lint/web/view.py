"""The result page's body: score, timeliness, the six parts, the three tables drawn as in the official form
with every cell a finding points at marked, the facts stated in the text, the findings by part, the
downloads, and the comparison with last year. Every piece of report text is escaped.

Runs in a worker process (see job.py); only formats what the engine found.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..engine import places as P
from ..engine.catalogue import display
from ..engine.types import SEVERITY_ORDER, FileResult, Finding
from ..model import Report
from ..reporters import _common as c
from ..templates import TableSpec, Template
from .text import t

TOP_ROW = re.compile(r"^[一二三四五六七八九十]+、")
SUB_ROW = re.compile(r"^（[一二三四五六七八九十]+）")
CAPTION = re.compile(r"第二十条第（([一二三四五六七八九十]+)）项")
NUMERALS = "一二三四五六七八九十"
REVIEW_GROUP_EN = {"行政复议": "Administrative review", "行政诉讼": "Administrative litigation"}
REVIEW_SUB_EN = {"litigation_direct": "Without prior review", "litigation_after_review": "After review"}


def h(value: Any) -> str:
    return escape(c.xml_safe(str(value)), quote=True)


def sev_label(sev: str, lang: str) -> str:
    return t(lang)["severity"].get(sev, sev)


# ---------------------------------------------------------------------------------------------
# which findings point where


@dataclass
class Marks:
    """Findings by the place they point at, each with its anchor number on the page."""

    number: dict[int, int] = field(default_factory=dict)  # id(finding) -> n (anchor finding-n)
    cell: dict[tuple[str, str, str], list[Finding]] = field(default_factory=dict)
    row: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    column: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    table: dict[str, list[Finding]] = field(default_factory=dict)
    drawn: set[str] = field(default_factory=set)  # anchors of the cells/rows actually drawn

    @classmethod
    def of(cls, ordered: list[Finding]) -> Marks:
        m = cls()
        for n, f in enumerate(ordered, 1):
            m.number[id(f)] = n
            loc = f.location
            if not loc.table:
                continue
            if loc.row and loc.column:
                m.cell.setdefault((loc.table, loc.row, loc.column), []).append(f)
            elif loc.row:
                m.row.setdefault((loc.table, loc.row), []).append(f)
            elif loc.column:
                m.column.setdefault((loc.table, loc.column), []).append(f)
            else:
                m.table.setdefault(loc.table, []).append(f)
        return m

    def anchor(self, f: Finding) -> str:
        loc = f.location
        if loc.table and loc.row and loc.column:
            return cell_id(loc.table, loc.row, loc.column)
        if loc.table and loc.row:
            return f"row-{loc.table}-{loc.row}"
        if loc.table and loc.column:
            return f"col-{loc.table}-{loc.column}"
        if loc.table:
            return f"table-{loc.table}"
        return ""


def cell_id(table: str, row: str, column: str) -> str:
    return f"cell-{table}-{row}-{column}"


def correctable(f: Finding) -> bool:
    """A finding that names the value to write: at a table cell, or a piece of text to replace (a document
    number, a punctuation mark). A date past a deadline or a similarity ratio is not a value to correct."""
    if f.expected is None or f.family == "timeliness":
        return False
    loc = f.location
    return bool(loc.table and loc.row and loc.column) or isinstance(f.expected, str)


def _worst(findings: list[Finding]) -> str:
    return max((f.severity for f in findings), key=lambda s: SEVERITY_ORDER.get(s, 0))


def _note(note_id: str, findings: list[Finding], lang: str, lead: str = "") -> str:
    items = "".join(f'<li><span class="sev {h(f.severity)}">[{h(sev_label(f.severity, lang))}]</span> '
                    f'<code>{h(f.rule)}</code> {h(c.message(f, lang))}</li>' for f in findings)
    lead_html = f"<strong>{h(lead)}</strong>" if lead else ""
    return f'<span class="note" role="tooltip" id="{note_id}">{lead_html}<ul>{items}</ul></span>'


def _expected_values(findings: list[Finding], lang: str) -> list[str]:
    out: list[str] = []
    for f in findings:
        if f.expected is not None:
            v = display(f.expected, lang)
            if v not in out:
                out.append(v)
    return out


def _marked(anchor: str, content: str, findings: list[Finding], marks: Marks, lang: str, lead: str) -> str:
    """A focusable link to the first finding, described by a note listing every finding at this place."""
    first = marks.number.get(id(findings[0]), 0)
    note_id = f"{anchor}-note"
    return (f'<a class="hitbox" href="#finding-{first}" aria-describedby="{note_id}">'
            f'<span class="mark" aria-hidden="true">⚠</span>{content}</a>'
            f"{_note(note_id, findings, lang, lead)}")


def _td(report_table: dict | None, table: str, row: str, column: str, marks: Marks, lang: str,
        extra: str = "") -> str:
    cell = (report_table or {}).get(row, {}).get(column) if report_table else None
    text, kind = c.cell_text(cell, lang)
    cid = cell_id(table, row, column)
    findings = marks.cell.get((table, row, column))
    if not findings:
        return f'<td id="{cid}" class="v {kind}"{extra}>{h(text)}</td>'
    marks.drawn.add(cid)
    tx = t(lang)
    expected = _expected_values(findings, lang)
    body = f'<span class="written"><span class="sr">{h(tx["written"])} </span>{h(text)}</span>'
    if expected:
        body += (f'<span class="expected"><span class="lbl">{h(tx["expected"])}</span> '
                 f'{h(" / ".join(expected))}</span>')
    return (f'<td id="{cid}" class="v hit {_worst(findings)}"{extra}>'
            f"{_marked(cid, body, findings, marks, lang, '')}</td>")


def _row_th(table: str, row: str, label: str, marks: Marks, lang: str, extra: str = "") -> str:
    # a row header carries its id even when unmarked, so a link to the row works either way
    return _header_th("row", f"row-{table}-{row}", label, marks.row.get((table, row)), marks, lang, "row_note",
                      extra, always_id=True)


def _col_th(table: str, column: str, label: str, marks: Marks, lang: str, extra: str = "") -> str:
    return _header_th("col", f"col-{table}-{column}", label, marks.column.get((table, column)), marks, lang,
                      "col_note", extra, always_id=False)


def _header_th(scope: str, anchor: str, label: str, findings: list | None, marks: Marks, lang: str, note: str,
               extra: str, *, always_id: bool) -> str:
    if not findings:
        id_attr = f' id="{anchor}"' if always_id else ""
        return f'<th scope="{scope}"{id_attr}{extra}>{h(label)}</th>'
    marks.drawn.add(anchor)
    return (f'<th scope="{scope}" id="{anchor}" class="hit {_worst(findings)}"{extra}>'
            f'{_marked(anchor, h(label), findings, marks, lang, t(lang)[note])}</th>')


def _span(n: int, attr: str) -> str:
    return f' {attr}="{n}"' if n > 1 else ""


# ---------------------------------------------------------------------------------------------
# the three tables


def _table_template(report: Report, table: str) -> Template:
    return P.template(report.table_templates.get(table) or report.meta.template)


def _caption_en(caption: str) -> str:
    m = CAPTION.search(caption)
    return f"Article 20, item ({NUMERALS.index(m.group(1)) + 1})" if m else caption


def _extra_rows(spec: TableSpec, data: dict | None) -> list[str]:
    known = {r.key for r, _ in spec.row_columns()}
    return [k for k in (data or {}) if k not in known]


def _disclosure(report: Report, tpl: Template, marks: Marks, lang: str) -> str:
    spec, data, tx = tpl.tables.disclosure, report.tables.disclosure, t(lang)
    parts = spec.parts or ()
    width = max((len(p.columns) for p in parts), default=len(spec.columns)) or 1
    out = []
    for part in parts:
        cap = _caption_en(part.caption) if lang == "en" else part.caption
        out.append(f'<tr class="caption"><th colspan="{width + 1}" scope="colgroup">{h(cap)}</th></tr>')
        n = len(part.columns)
        heads = [f'<th scope="col">{h(tx["info_content"])}</th>']
        for i, col in enumerate(part.columns):
            span = width - n + 1 if i == n - 1 else 1
            label = P.column_label("disclosure", col.key, lang, tpl, part.rows[0].key if part.rows else None)
            heads.append(_col_th("disclosure", col.key, label, marks, lang, _span(span, "colspan")))
        out.append(f"<tr>{''.join(heads)}</tr>")
        for row in part.rows:
            tds = [_td(data, "disclosure", row.key, col.key, marks, lang,
                       _span(width - n + 1 if i == n - 1 else 1, "colspan")) for i, col in enumerate(part.columns)]
            th = _row_th("disclosure", row.key, P.row_label("disclosure", row.key, lang, tpl), marks, lang)
            out.append(f"<tr>{th}{''.join(tds)}</tr>")
    out += _extra_rows_html(report, spec, "disclosure", data, marks, lang, width)
    return "".join(out)


def _extra_rows_html(report: Report, spec: TableSpec, table: str, data: dict | None, marks: Marks, lang: str,
                     width: int, label_span: int = 1) -> list[str]:
    """Rows the report has that its template lacks (a hybrid of two formats), so no finding is lost."""
    extra = _extra_rows(spec, data)
    if not extra or data is None:
        return []
    out = [(f'<tr class="caption"><th colspan="{width + label_span}" scope="colgroup">'
           f'{h(t(lang)["extra_rows"])}</th></tr>')]
    for row in extra:
        cols = list(data[row])
        tds = "".join(_td(data, table, row, col, marks, lang) for col in cols[:width])
        label = f"{P.row_label(table, row, lang)}（{'、'.join(P.column_label(table, k, lang) for k in cols[:width])}）"
        out.append(f"<tr>{_row_th(table, row, label, marks, lang, _span(label_span, 'colspan'))}{tds}</tr>")
    return out


def _applications(report: Report, tpl: Template, marks: Marks, lang: str) -> str:
    spec, data, tx = tpl.tables.applications, report.tables.applications, t(lang)
    cols = list(spec.columns)
    labels = [P.column_label("applications", col.key, lang, tpl) for col in cols]
    eq = next((e for e in spec.equations if e.kind == "per_column"), None)
    note = tx["note"].format(text=(eq.description_en if lang == "en" else eq.description)) if eq else ""
    out = []
    official = len(cols) >= 3 and cols[0].key == "natural_person" and cols[-1].key == "total"
    if official:
        out.append(f'<tr><th rowspan="3" colspan="3" class="note-head">{h(note)}</th>'
                   f'<th colspan="{len(cols)}" scope="colgroup">{h(tx["applicants"])}</th></tr>')
        tall = ' rowspan="2"'
        out.append(f"<tr>{_col_th('applications', cols[0].key, labels[0], marks, lang, tall)}"
                   f'<th colspan="{len(cols) - 2}" scope="colgroup">{h(tx["legal_persons"])}</th>'
                   f"{_col_th('applications', cols[-1].key, labels[-1], marks, lang, tall)}</tr>")
        out.append("<tr>" + "".join(_col_th("applications", col.key, lab, marks, lang)
                                    for col, lab in zip(cols[1:-1], labels[1:-1], strict=True)) + "</tr>")
    else:
        out.append(f'<tr><th colspan="3" class="note-head">{h(note)}</th>'
                   + "".join(_col_th("applications", col.key, lab, marks, lang)
                             for col, lab in zip(cols, labels, strict=True))
                   + "</tr>")
    rows = list(spec.rows)
    sub = [i for i, r in enumerate(rows) if SUB_ROW.match(r.label)]
    first_sub, last_sub = (sub[0], sub[-1]) if sub else (-1, -1)
    groups: dict[str, int] = {}
    for r in rows:
        m = SUB_ROW.match(r.label)
        if m and r.index:
            groups[m.group(0)] = groups.get(m.group(0), 0) + 1
    seen_groups: set[str] = set()
    for i, r in enumerate(rows):
        label = P.row_label("applications", r.key, lang, tpl)
        heads = []
        m = SUB_ROW.match(r.label)
        if m and first_sub <= i <= last_sub:
            if i == first_sub:
                heads.append(f'<th rowspan="{last_sub - first_sub + 1}" scope="rowgroup" class="group">'
                             f'{h(tx["results"])}</th>')
            prefix = m.group(0)
            if r.index and prefix in groups:
                if prefix not in seen_groups:
                    seen_groups.add(prefix)
                    heads.append(f'<th{_span(groups[prefix], "rowspan")} scope="rowgroup" class="group">'
                                 f'{h(tx["groups"].get(prefix, prefix))}</th>')
                short = label[len(prefix):] if lang != "en" else re.sub(r"^\(\d+\)", "", label)
                heads.append(_row_th("applications", r.key, short, marks, lang))
            else:
                heads.append(_row_th("applications", r.key, label, marks, lang, ' colspan="2"'))
        else:
            heads.append(_row_th("applications", r.key, label, marks, lang, ' colspan="3"'))
        tds = "".join(_td(data, "applications", r.key, col.key, marks, lang) for col in cols)
        out.append(f"<tr>{''.join(heads)}{tds}</tr>")
    out += _extra_rows_html(report, spec, "applications", data, marks, lang, len(cols), 3)
    return "".join(out)


def _reviews(report: Report, tpl: Template, marks: Marks, lang: str) -> str:
    spec, data = tpl.tables.reviews, report.tables.reviews
    cols = list(spec.columns)
    groups: list[tuple[str, list]] = []
    for r in spec.rows:
        name = r.label.split("·", 1)[0]
        if groups and groups[-1][0] == name:
            groups[-1][1].append(r)
        else:
            groups.append((name, [r]))
    n = len(cols)
    top, mid, low, values = [], [], [], []
    for name, rows in groups:
        label = REVIEW_GROUP_EN.get(name, name) if lang == "en" else name
        findings = marks.row.get(("reviews", rows[0].key)) if len(rows) == 1 else None
        if findings:  # a one-row group: its caption is the row's label
            anchor = f"row-reviews-{rows[0].key}"
            marks.drawn.add(anchor)
            top.append(f'<th colspan="{n}" scope="colgroup" id="{anchor}" class="hit {_worst(findings)}">'
                       f'{_marked(anchor, h(label), findings, marks, lang, t(lang)["row_note"])}</th>')
        else:
            top.append(f'<th colspan="{n * len(rows)}" scope="colgroup">{h(label)}</th>')
        if len(rows) == 1:
            for col in cols:
                mid.append(_col_th("reviews", col.key, P.column_label("reviews", col.key, lang, tpl), marks, lang,
                                   ' rowspan="2"'))
        else:
            for r in rows:
                sub = REVIEW_SUB_EN.get(r.key, r.key) if lang == "en" else r.label.split("·", 1)[-1]
                anchor = f"row-reviews-{r.key}"
                findings = marks.row.get(("reviews", r.key))
                if findings:
                    marks.drawn.add(anchor)
                    mid.append(f'<th colspan="{n}" scope="colgroup" id="{anchor}" class="hit {_worst(findings)}">'
                               f'{_marked(anchor, h(sub), findings, marks, lang, t(lang)["row_note"])}</th>')
                else:
                    mid.append(f'<th colspan="{n}" scope="colgroup" id="{anchor}">{h(sub)}</th>')
                low += [f'<th scope="col">{h(P.column_label("reviews", col.key, lang, tpl))}</th>' for col in cols]
        for r in rows:
            values += [_td(data, "reviews", r.key, col.key, marks, lang) for col in cols]
    out = [f"<tr>{''.join(top)}</tr>", f"<tr>{''.join(mid)}</tr>"]
    if low:
        out.append(f"<tr>{''.join(low)}</tr>")
    out.append(f"<tr>{''.join(values)}</tr>")
    for row in _extra_rows(spec, data):  # rows outside the template, one line each
        cells = list((data or {})[row])[: n * 3]
        out.append("<tr>" + "".join(_td(data, "reviews", row, k, marks, lang) for k in cells) + "</tr>")
    return "".join(out)


DRAW = {"disclosure": _disclosure, "applications": _applications, "reviews": _reviews}


def tables_html(report: Report, marks: Marks, lang: str) -> str:
    tx = t(lang)
    out = [f'<p class="legend">{h(tx["legend"])}</p>']
    for key, draw in DRAW.items():
        tpl = _table_template(report, key)
        title = P.table_title(key, lang, tpl)
        present = getattr(report.tables, key) is not None
        table_findings = marks.table.get(key, [])
        notes = ""
        if table_findings:
            marks.drawn.add(f"table-{key}")
            items = "".join(
                f'<li class="{h(f.severity)}"><span class="sev">[{h(sev_label(f.severity, lang))}]</span> '
                f'<a href="#finding-{marks.number.get(id(f), 0)}"><code>{h(f.rule)}</code></a> '
                f'{h(c.message(f, lang))}</li>'
                for f in table_findings)
            notes = (f'<div class="table-notes" role="note"><span class="mark" aria-hidden="true">⚠</span>'
                     f'{h(tx["table_notes"])}<ul>{items}</ul></div>')
        missing = "" if present else f'<p class="table-missing">{h(tx["table_missing"])}</p>'
        out.append(f'<figure class="form-table" id="table-{key}"><figcaption>{h(title)}</figcaption>{missing}{notes}'
                   f'<div class="form-wrap"><table class="official {key}" aria-label="{h(title)}">'
                   f'{draw(report, tpl, marks, lang)}</table></div></figure>')
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# the other pieces


def summary_html(fr: FileResult, report: Report, lang: str, name: str, user_given: set[str]) -> str:
    tx = t(lang)
    n = c.counts(fr.findings)
    if fr.score is None:
        plain = tx["plain_unscored"]
    elif not fr.findings:
        plain = tx["plain_clean"].format(score=c.fmt_score(fr.score), grade=fr.grade)
    else:
        plain = tx["plain"].format(score=c.fmt_score(fr.score), grade=fr.grade, e=n["error"], w=n["warning"],
                                   i=n["info"])
    band = "good" if (fr.score or 0) >= 90 else ("fair" if (fr.score or 0) >= 60 else "poor")
    meta = report.meta
    kind_label = tx.get(f"kind_{meta.organ_kind}") if meta.organ_kind != "unknown" else None

    def given(key: str) -> str:
        return tx["user_given"] if key in user_given else ""

    facts = [(tx["file_label"], name), (tx["organ"], meta.organ), (tx["year_label"], f"{meta.year}{given('year')}"
             if meta.year else None), (tx["kind"], f"{kind_label}{given('organ_kind')}" if kind_label else None),
             (tx["template"], meta.template if meta.template != "unknown" else None),
             (tx["published"],
              f"{meta.published_on.isoformat()}{given('published_on')}" if meta.published_on else None)]
    dl = "".join(f"<dt>{h(k)}</dt><dd>{h(v if v not in (None, '') else tx['unknown'])}</dd>" for k, v in facts)
    cats = "".join(
        f'<li><span class="cat">{h(c.category_label(k, lang))}</span>'
        f'<meter min="0" max="100" low="60" high="90" optimum="100" value="{float(v):.1f}" '
        f'aria-label="{h(c.category_label(k, lang))}">{h(c.fmt_score(v))}</meter>'
        f'<span class="num">{h(c.fmt_score(v))}</span></li>'
        for k, v in fr.categories.items())
    counts_html = "".join(f'<li class="{s}"><span class="badge {s}">{h(sev_label(s, lang))}</span> {n[s]}</li>'
                          for s in c.SEVERITIES)
    return (f'<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h">{h(meta.title or name)}</h2>'
            f'<div class="summary-grid"><div class="scorebox {band}" role="group" aria-label="{h(tx["score"])}">'
            f'<span class="score" id="score">{h(c.fmt_score(fr.score))}</span>'
            f'<span class="grade">{h(tx["grade"])} <strong id="grade">{h(fr.grade or "—")}</strong></span></div>'
            f'<div><p class="plain" id="plain">{h(plain)}</p><ul class="counts">{counts_html}</ul>'
            f'<dl class="meta">{dl}</dl></div></div>'
            f'<h3>{h(tx["categories"])}</h3><ul class="cats">{cats}</ul></section>')


def timeliness_html(verdict: dict, lang: str) -> str:
    tx = t(lang)
    status = verdict.get("status")
    notes = []
    if verdict.get("province"):
        notes.append(tx["verdict_province"].format(province=verdict["province"]))
    if verdict.get("kind_unknown"):
        notes.append(tx["kind_any"])
    if verdict.get("effective") and verdict.get("effective") != verdict.get("deadline"):
        notes.append(tx["verdict_extended"].format(effective=verdict["effective"]))
    kind = verdict.get("kind_label", "")
    if notes:
        kind = f"{kind}；{'；'.join(notes)}" if lang != "en" else f"{kind}; {'; '.join(notes)}"
    args = dict(published=verdict.get("published", ""), source=verdict.get("source", ""),
                deadline=verdict.get("deadline", ""), kind=kind, late=verdict.get("late_days", ""))
    if status == "on-time":
        cls, mark, text = "ok", "✓", tx["verdict_on_time"].format(**args)
    elif status == "late":
        cls, mark, text = "bad", "✗", tx["verdict_late"].format(**args)
    elif status == "no-date":
        cls, mark, text = "neutral", "ⓘ", tx["verdict_no_date"].format(**args)
    else:
        cls, mark, text = "neutral", "ⓘ", tx["verdict_no_year"]
    return (f'<section id="timeliness" aria-labelledby="timeliness-h"><h2 id="timeliness-h">{h(tx["timeliness"])}</h2>'
            f'<p class="verdict {cls}"><span class="mark" aria-hidden="true">{mark}</span> {h(text)}</p></section>')


def parts_html(report: Report, tpl: Template, lang: str) -> str:
    tx = t(lang)
    by_number = {s.number: s for s in report.sections}
    last_order = -1
    items = []
    for spec in tpl.sections:
        s = by_number.get(spec.number)
        title = P.part_title(spec.number, lang, tpl)
        if s is None or not s.present:
            cls, mark, status = "missing", "✗", tx["missing"]
        else:
            problems = []
            if s.numbered_as is not None and s.numbered_as != s.number:
                problems.append(tx["misnumbered"].format(n=P.numeral(s.numbered_as)))
            if s.order is not None:
                if s.order < last_order:
                    problems.append(tx["misordered"])
                last_order = max(last_order, s.order)
            cls, mark, status = ("warn", "⚠", "；".join(problems)) if problems else ("ok", "✓", tx["present"])
        written = f' <span class="as-written">“{h(s.title)}”</span>' if s is not None and s.title and lang != "en" \
            and s.title != spec.title else ""
        items.append(f'<li class="part {cls}"><span class="mark" aria-hidden="true">{mark}</span> '
                     f'<span class="title">{h(title)}</span>{written} — <span class="status">{h(status)}</span></li>')
    return (f'<section id="parts" aria-labelledby="parts-h"><h2 id="parts-h">{h(tx["parts"])}</h2>'
            f'<ol class="parts">{"".join(items)}</ol></section>')


def _fact_value(fact: Any, lang: str) -> str:
    value, unit = getattr(fact, "value", None), getattr(fact, "unit", None) or ""
    if value is None:
        text = "—"
    elif unit == "%" and isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        text = f"{display(round(value * 100, 2), lang)}%"
        unit = ""
    else:
        text = display(value, lang)
    approx = t(lang)["approx"] if getattr(fact, "approx", False) else ""
    return f"{approx}{text}{'' if text.endswith(unit) else unit}"


def facts_html(report: Report, lang: str, tpl: Template | None = None) -> str:
    """The narrative facts (report.facts, when the parser provides them); an empty or absent list is fine."""
    tx = t(lang)
    tpl = tpl or P.template(None)
    facts = list(getattr(report, "facts", None) or [])
    head = f'<section id="facts" aria-labelledby="facts-h"><h2 id="facts-h">{h(tx["facts"])}</h2>'
    if not facts:
        return f'{head}<p class="muted">{h(tx["facts_none"])}</p></section>'
    rows = []
    for f in facts:
        label = getattr(f, "label_en", None) if lang == "en" else getattr(f, "label", None)
        label = label or getattr(f, "label", None) or getattr(f, "kind", "")
        scope = getattr(f, "scope", "") or ""
        section = getattr(f, "section", None)
        loc = getattr(f, "location", None)
        where = [P.part_title(section, lang, tpl) if section else ""]
        if loc is not None and hasattr(loc, "describe"):
            where.append(loc.describe(lang))
        rows.append(f"<tr><th scope=\"row\">{h(label)}</th><td class=\"num\">{h(_fact_value(f, lang))}</td>"
                    f"<td>{h(tx['scope'].get(scope, scope))}</td><td class=\"quote\">“{h(getattr(f, 'text', ''))}”</td>"
                    f"<td>{h(' · '.join(w for w in where if w))}</td></tr>")
    heads = "".join(f'<th scope="col">{h(tx[k])}</th>' for k in ("fact_kind", "fact_value", "fact_scope",
                                                                  "fact_text", "fact_where"))
    return f'{head}<table class="facts"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>'


def findings_html(groups: list[tuple[int | None, list[Finding]]], marks: Marks, tpl: Template, lang: str,
                  heading_id: str = "findings-h", title: str | None = None, id_prefix: str = "finding-") -> str:
    """The findings by part. Only the main list links to the drawn cells (the comparison tab's copy has
    its own anchors and no jumps into the other tab)."""
    tx = t(lang)
    head = f'<h2 id="{heading_id}">{h(title or tx["findings"])}</h2>'
    if not groups:
        return (f'<section class="findings" aria-labelledby="{heading_id}">{head}'
                f'<p class="clean">✓ {h(tx["no_findings"])}</p></section>')
    out = [f'<section class="findings" aria-labelledby="{heading_id}">{head}']
    for part, findings in groups:
        out.append(f'<h3>{h(P.part_title(part, lang, tpl))} <span class="n">({len(findings)})</span></h3>'
                   '<ol class="findings">')
        for f in findings:
            n = marks.number.get(id(f), 0)
            where = c.where(f, lang)
            anchor = marks.anchor(f)
            jump = (f' <a class="jump" href="#{anchor}">{h(tx["in_table"])}</a>'
                    if id_prefix == "finding-" and anchor in marks.drawn else "")
            values = ""
            if correctable(f):
                colon = "：" if lang != "en" else ": "
                values = (f'<div class="values"><span class="written">{h(tx["written"])}{colon}'
                          f'{h(display(f.actual, lang))}</span> '
                          f'<span class="expected">{h(tx["expected"])}{colon}'
                          f'{h(display(f.expected, lang))}</span></div>')
            out.append(
                f'<li class="finding {h(f.severity)}" id="{id_prefix}{n}"><span class="badge {h(f.severity)}">'
                f'{h(sev_label(f.severity, lang))}</span> '
                f'<a class="rule" href="/rules/{h(f.rule)}?lang={lang}" target="_blank" rel="noopener" '
                f'aria-label="{h(tx["rule_link"].format(id=f.rule))}"><code>{h(f.rule)}</code></a> '
                f'<span class="msg">{h(c.message(f, lang))}</span>'
                + (f'<div class="where">{h(tx["where"])}{"：" if lang != "en" else ": "}{h(where)}{jump}</div>'
                   if where or jump else "") + values + "</li>")
        out.append("</ol>")
    out.append("</section>")
    return "".join(out)


def _data_uri(mime: str, text: str) -> str:
    return f"data:{mime};charset=utf-8;base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"


def downloads_html(downloads: dict[str, tuple[str, str, str]], lang: str) -> str:
    tx = t(lang)
    items = "".join(
        f'<li><a class="download" id="download-{key}" download="{h(fn)}" href="{_data_uri(mime, body)}">'
        f'{h(tx["dl_" + key])}</a> <span class="muted">{h(fn)}</span></li>'
        for key, (fn, mime, body) in downloads.items())
    return (f'<section id="downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">{h(tx["downloads"])}</h2>'
            f'<ul class="downloads">{items}</ul></section>')


def checklist_text(fr: FileResult, report: Report, lang: str, tool: str) -> str:
    """Every finding that names the value to write, as a tick list a clerk prints or keeps open in Word."""
    tx = t(lang)
    title = f"{report.meta.title or fr.path} — {tx['checklist_title']}"
    lines = [tx["checklist_head"].format(title=title, tool=tool)]
    n = 0
    for _, _, findings in c.group_by_part(fr.findings, lang):
        for f in findings:
            if not correctable(f):
                continue
            n += 1
            where = c.where(f, lang) or c.part_title(f, lang)
            lines.append(tx["checklist_line"].format(n=n, where=where, actual=display(f.actual, lang),
                                                     expected=display(f.expected, lang), rule=f.rule,
                                                     message=c.message(f, lang)))
    if n == 0:
        lines.append(tx["checklist_none"])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# last year


KEY_FIGURES = (("applications", "new_received", "total"), ("applications", "total", "total"),
               ("applications", "carried_forward", "total"), ("reviews", "review", "total"),
               ("reviews", "litigation_direct", "total"), ("reviews", "litigation_after_review", "total"))


def _describe(report: Report, name: str) -> str:
    parts = [p for p in (report.meta.organ, f"{report.meta.year}" if report.meta.year else None) if p]
    return f"{' '.join(parts)}（{name}）" if parts else name


def compare_html(now: FileResult, prev: FileResult, names: tuple[str, str], marks: Marks, lang: str,
                 why_not: str | None) -> str:
    tx = t(lang)
    rn, rp = now.report, prev.report
    assert rn is not None and rp is not None  # the page compares two reports it has read
    tpl = P.template_of(now.report)
    lead = tx["compare_lead"].format(now=_describe(rn, names[0]), prev=_describe(rp, names[1]))
    out = [f'<p class="lead">{h(lead)}</p>']
    if why_not:
        out.append(f'<p class="verdict neutral"><span class="mark" aria-hidden="true">ⓘ</span> '
                   f'{h(tx["compare_not_pair"].format(why=why_not))}</p>')
    yoy = [f for f in now.findings if f.family == "year-over-year"]
    if yoy:
        out.append(findings_html([(p, fs) for p, _, fs in c.group_by_part(yoy, lang)], marks, tpl, lang,
                                 heading_id="compare-findings-h",
                                 title=tx["findings"], id_prefix="compare-finding-"))
    elif not why_not:
        out.append(f'<p class="verdict ok"><span class="mark" aria-hidden="true">✓</span> {h(tx["compare_clean"])}</p>')
    # 表三 carry-over, column by column
    now_t, prev_t = rn.tables.applications or {}, rp.tables.applications or {}
    spec = _table_template(rn, "applications").tables.applications
    rows = []
    for col in spec.columns:
        a = prev_t.get("carried_forward", {}).get(col.key)
        b = now_t.get("carried_over", {}).get(col.key)
        ta, _ = c.cell_text(a, lang)
        tb, _ = c.cell_text(b, lang)
        same = a is not None and b is not None and a.value == b.value and a.kind == b.kind
        mark = (f'<span class="ok">✓ {h(tx["match"])}</span>' if same
                else f'<span class="bad">✗ {h(tx["mismatch"])}</span>')
        rows.append(f'<tr><th scope="row">{h(P.column_label("applications", col.key, lang, tpl))}</th>'
                    f'<td class="num">{h(ta)}</td><td class="num">{h(tb)}</td><td>{mark}</td></tr>')
    out.append(f'<h3>{h(tx["carry_title"])}</h3><table class="compare"><thead><tr>'
               f'<th scope="col">{h(tx["column"])}</th><th scope="col">{h(tx["carry_prev"])}</th>'
               f'<th scope="col">{h(tx["carry_now"])}</th><th scope="col"></th>'
               f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    figs = []
    for table, row, column in KEY_FIGURES:
        pa = c.cell_text(((getattr(rp.tables, table) or {}).get(row) or {}).get(column), lang)[0]
        na = c.cell_text(((getattr(rn.tables, table) or {}).get(row) or {}).get(column), lang)[0]
        label = (f"{P.table_short(table, lang)} {P.row_label(table, row, lang, tpl)} · "
                 f"{P.column_label(table, column, lang, tpl)}")
        figs.append(f'<tr><th scope="row">{h(label)}</th><td class="num">{h(pa)}</td><td class="num">{h(na)}</td></tr>')
    figs.append(f'<tr><th scope="row">{h(tx["score"])}</th><td class="num">{h(c.fmt_score(prev.score))}</td>'
                f'<td class="num">{h(c.fmt_score(now.score))}</td></tr>')
    out.append(f'<h3>{h(tx["key_figures"])}</h3><table class="compare"><thead><tr><th scope="col">{h(tx["item"])}</th>'
               f'<th scope="col">{h(tx["prev_year"])}</th><th scope="col">{h(tx["this_year"])}</th></tr></thead>'
               f'<tbody>{"".join(figs)}</tbody></table>')
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# the whole body


def result_html(fr: FileResult, *, name: str, lang: str, verdict: dict, downloads: dict[str, tuple[str, str, str]],
                notes: list[str], user_given: set[str], previous: FileResult | None = None,
                previous_name: str = "", why_not_pair: str | None = None) -> str:
    tx = t(lang)
    report = fr.report
    assert report is not None  # a checked report's result keeps it (Engine.run_report)
    tpl = P.template_of(fr.report)
    groups = [(p, fs) for p, _, fs in c.group_by_part(fr.findings, lang)]
    marks = Marks.of([f for _, fs in groups for f in fs])
    # Draw the tables first: the findings list links only to cells that were drawn.
    tables = tables_html(report, marks, lang)
    this_year = "".join([
        timeliness_html(verdict, lang),
        parts_html(report, tpl, lang),
        f'<section id="tables" aria-labelledby="tables-h"><h2 id="tables-h">{h(tx["tables"])}</h2>{tables}</section>',
        facts_html(report, lang, tpl),
        findings_html(groups, marks, tpl, lang),
    ])
    notes_html = "".join(f'<p class="notice" role="note">ⓘ {h(n)}</p>' for n in notes)
    internal = "".join(f'<p class="error-box" role="alert">{h(p.message)}</p>' for p in fr.internal_errors)
    head = summary_html(fr, report, lang, name, user_given) + notes_html + internal + downloads_html(downloads, lang)
    if previous is None:
        return head + f'<div class="panel">{this_year}</div>'
    compare = compare_html(fr, previous, (name, previous_name), marks, lang, why_not_pair)
    return head + (
        f'<div class="tabs" data-tabs><div role="tablist" aria-label="{h(tx["tabs"])}">'
        f'<button type="button" role="tab" id="tab-this" aria-controls="panel-this" aria-selected="true">'
        f'{h(tx["tab_this"])}</button>'
        f'<button type="button" role="tab" id="tab-compare" aria-controls="panel-compare" aria-selected="false" '
        f'tabindex="-1">{h(tx["tab_compare"])}</button></div>'
        f'<section class="panel" role="tabpanel" id="panel-this" aria-labelledby="tab-this" tabindex="0">'
        f'{this_year}</section>'
        f'<section class="panel" role="tabpanel" id="panel-compare" aria-labelledby="tab-compare" tabindex="0">'
        f'{compare}</section></div>')
