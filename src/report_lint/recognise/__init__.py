"""Document → Report: sections, tables recognised against every known template, metadata."""
from __future__ import annotations

import re
from dataclasses import replace

from ..document import Document
from ..errors import InputError
from ..model import Location, ParseProblem, Report, Source, Tables
from ..problems import make_problem
from ..templates import TABLE_KEYS, Template, templates
from .facts import extract_facts
from .labels import label_pattern
from .meta import build_meta, complete_meta
from .sections import build_paragraphs, build_sections, choose_headings, find_headings
from .stream import Stream, build_stream, footer_mask
from .tables import Scan, TableReader, TableResult, find_anchors, settles


def _first(s: Stream, phrases, a: int = 0, b: int | None = None) -> int | None:
    best = None
    for p in phrases:
        m = label_pattern(p).search(s.text, a, len(s.text) if b is None else b)
        if m and (best is None or m.start() < best):
            best = m.start()
    return best


MAX_REGION = 30_000  # a table spans a few thousand characters even when flattened; more is not one table


def _regions(s: Stream, tpl: Template) -> dict[str, tuple[int, int]]:
    """Where each table sits in the stream (start, end); absent tables are left out."""
    n = len(s.text)
    regions = _raw_regions(s, tpl, n)
    return {k: (a, min(b, a + MAX_REGION)) for k, (a, b) in regions.items()}


def _raw_regions(s: Stream, tpl: Template, n: int) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    apps = tpl.tables.applications
    first_row = find_anchors(s.text, list(apps.rows[:1]), 0, n)
    a_start = None
    if first_row:
        row0 = first_row[0].start
        head = _first(s, apps.start, max(0, row0 - 600), row0)
        a_start = head if head is not None else row0
    rev = tpl.tables.reviews
    r_start = None
    search_from = a_start or 0
    for m in label_pattern(rev.start[0]).finditer(s.text, search_from):
        pos = m.start()
        # the header words come before the first value, however long a conversion made the header
        window = s.text[pos:pos + 600]
        digit = re.search(r"\d", window)
        window = window[:digit.start()] if digit else window
        if any(w in window for w in rev.start_near):
            r_start = pos
            break
    if a_start is not None:
        out["applications"] = (a_start, r_start if r_start is not None and r_start > a_start else n)
    if r_start is not None:
        # 表四 ends where a later part's heading phrase appears (the template's own part titles)
        later = [m for sec in tpl.sections if sec.number > rev.section for m in sec.match]
        out["reviews"] = (r_start, _first(s, later, r_start) or n)
    dis = tpl.tables.disclosure
    d_start = None
    for phrase in dis.start:  # the most specific start phrase that is there ("第二十条第（一）项", then "第二十条")
        d_start = _first(s, [phrase])
        if d_start is not None:
            break
    if d_start is not None:
        ends = [x for x in (a_start, r_start) if x is not None and x > d_start]
        out["disclosure"] = (d_start, min(ends) if ends else min(n, d_start + 4000))
    return out


def _read_table(key: str, tpl: Template, scan: Scan, region: tuple[int, int]) -> TableResult:
    reader = TableReader(key, tpl.table(key), tpl, scan)
    return reader.read_wide(*region) if tpl.table(key).layout == "wide" else reader.read_rows(*region)


def _evidence(chosen: dict[str, TableResult], tpls: tuple[Template, ...],
              found: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """Per table, the template it follows and the labels that show it, e.g. "2021（本年制发件数、…）".
    `found`: _mixed_labels of 表二 when it was read (recognise_report works them out once, for both)."""
    out = {}
    for key, res in chosen.items():
        tid = res.template
        others = [t for t in tpls if t.id != tid]
        own = next(t for t in tpls if t.id == tid)
        if key == "disclosure" and res.region is not None:
            shown = found[key].get(tid, [])
        else:
            other_rows = {r.key for t in others for r, _ in t.table(key).row_columns()}
            shown = [r.label for r, _ in own.table(key).row_columns() if r.key in res.data and r.key not in other_rows]
        out[key] = f"{tid}（{'、'.join(shown[:3])}）" if shown else f"{tid}（各格式相同，随其他表格）"
    return out


def _mixed_labels(s: Stream, key: str, tpls: tuple[Template, ...], region: tuple[int, int]) -> dict[str, list[str]]:
    """Column labels that belong to one template only, found in the table's region, per template.
    A label inside a longer label of another template (处理决定数量 in 本年处理决定数量) does not count."""
    labels: dict[str, set[str]] = {}
    for t in tpls:
        labels[t.id] = {c.label for _, cols in t.table(key).row_columns() for c in cols}
    hits = []
    for tid, labs in labels.items():
        others = set().union(*(v for k, v in labels.items() if k != tid))
        for lab in labs - others:
            for m in label_pattern(lab).finditer(s.text, region[0], region[1]):
                hits.append((m.start(), m.end(), tid, lab))
    kept = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
                                       for o in hits)]
    out: dict[str, list[str]] = {}
    for _, _, tid, lab in sorted(kept):
        if lab not in out.setdefault(tid, []):
            out[tid].append(lab)
    return out


def _reading_order(tpls: tuple[Template, ...], year: int | None) -> list[Template]:
    """The report year's national format first (the newest when the year is unknown), then the others."""
    first = next((t for t in reversed(tpls) if t.variant_of is None and year is not None and t.applies_to(year)),
                 tpls[-1])
    return [first] + [t for t in tpls if t is not first]


def _read_tables(scan: Scan, tpls: tuple[Template, ...], order: list[Template],
                 regions: dict[str, dict[str, tuple[int, int]]]) -> tuple[dict[str, list[TableResult]], dict[str, str]]:
    """Each table read against the templates, in `order`, until one settles it.

    A template whose table spec and region are the same as one already read shares that reading (表四 is
    the same in 2019 and 2021). Once a reading settles the table (`settles`: rows or columns only its
    template has were read, nothing only another has is written there) the other templates are not read;
    otherwise every template reads it and the best fit wins. Returns the readings per table, in the
    templates' own order, and the tables settled by one template."""
    results: dict[str, list[TableResult]] = {k: [] for k in TABLE_KEYS}
    settled: dict[str, str] = {}
    for key in TABLE_KEYS:
        done: list[tuple[Template, TableResult]] = []
        for tpl in order:
            region = regions[tpl.id].get(key)
            if region is None:
                continue
            # region first, and `is` before ==: comparing two table specs field by field is the dear part
            same = next((r for t, r in done if r.region == region and
                         (t.table(key) is tpl.table(key) or t.table(key) == tpl.table(key))), None)
            if same is not None:
                done.append((tpl, replace(same, template=tpl.id)))
                continue
            if done and done[0][1].data and settles(done[0][1], done[0][0].table(key), tpl.table(key), scan.stream):
                settled[key] = done[0][0].id
                continue
            done.append((tpl, _read_table(key, tpl, scan, region)))
        rank = {t.id: i for i, t in enumerate(tpls)}
        results[key] = [r for t, r in sorted(done, key=lambda x: rank[x[0].id]) if r.data]
    return results, settled


def _choose_template(results: dict[str, list[TableResult]], settled: dict[str, str],
                     tpls: tuple[Template, ...]) -> str:
    """The report's template: the one every table that tells templates apart fits best.

    A table tells them apart when its first reading settled it or some template read it worse; it then
    fits the templates whose readings scored best. No such table: `unknown`; tables that fit no common
    template: `hybrid`. A province's variant and its national base can fit the same tables (a variant
    that only adds equations reads exactly like its base): the variant is taken, since installing it says
    the reports are that province's — unless several variants of the base fit, which cannot be told apart."""
    common: set[str] | None = None
    for key, lst in results.items():
        if not lst:
            continue
        best = max(r.score for r in lst)
        fits = {r.template for r in lst if abs(r.score - best) < 1e-9}
        if key in settled or len(fits) < len(lst):
            common = fits if common is None else common & fits
    if common is None:
        return "unknown"
    if not common:
        return "hybrid"
    by_id = {t.id: t for t in tpls}
    families = {by_id[t].base_id for t in common}
    if len(families) > 1:
        return "unknown"
    variants = [t for t in common if by_id[t].variant_of is not None]
    return variants[0] if len(variants) == 1 else families.pop()


MAX_CHARS = 3_000_000  # a 年报 is ~10⁴–10⁵ characters; far beyond that is not a report


def recognise_report(doc: Document, source: Source, extra_templates: tuple[str, ...] = ()) -> Report:
    size = sum(len(getattr(b, "text", "")) for b in doc.blocks) + \
        sum(len(c.text) for b in doc.blocks for row in getattr(b, "rows", ()) for c in row if c.origin)
    if size > MAX_CHARS:
        raise InputError("too-much-text", f"{source.path} 含 {size // 10000} 万字，远超一份年度报告的篇幅，已拒绝处理",
                         f"{source.path} holds {size:,} characters, far more than an annual report; refused")
    s = build_stream(doc)
    scan = Scan(s, footer_mask(s))
    tpls = templates(extra_templates)
    problems: list[ParseProblem] = [
        ParseProblem(code="reader-warning", message=zh, message_en=en, severity="warning", data={"reader_code": code})
        for code, zh, en in doc.warnings]

    meta = build_meta(doc)
    regions = {t.id: _regions(s, t) for t in tpls}
    results, settled = _read_tables(scan, tpls, _reading_order(tpls, meta.year), regions)
    template_id = _choose_template(results, settled, tpls)
    chosen: dict[str, TableResult] = {}
    for key, lst in results.items():
        if lst:  # the report's template's reading where it fits best, else the table's best fit
            best = max(r.score for r in lst)
            top = [r for r in lst if abs(r.score - best) < 1e-9]
            chosen[key] = next((r for r in top if r.template == template_id), top[0])
    mixed: dict[str, dict[str, list[str]]] = {}
    labels_found: dict[str, dict[str, list[str]]] = {}  # read once, for `mixed` and for the evidence
    for key, res in chosen.items():
        if res.region is not None and key == "disclosure":
            found = labels_found[key] = _mixed_labels(s, key, tpls, res.region)
            if len(found) > 1:
                mixed[key] = found
    if mixed:
        template_id = "hybrid"

    tables = Tables()
    table_locations: dict[str, Location] = {}
    table_templates: dict[str, str] = {}
    data_spans = []
    for key, res in chosen.items():
        setattr(tables, key, res.data)
        problems.extend(res.problems)
        if res.location is not None:
            table_locations[key] = res.location
        table_templates[key] = res.template
        if res.span is not None:
            data_spans.append(res.span)

    section_tpl = next((t for t in tpls if t.id == template_id), tpls[-1])
    headings = choose_headings(find_headings(s, section_tpl, data_spans))
    sections = build_sections(s, headings, section_tpl)
    paragraphs = build_paragraphs(s, headings, data_spans)
    meta.template = template_id
    meta.template_evidence = _evidence(chosen, tpls, labels_found)

    for key in TABLE_KEYS:
        # A table whose heading is there but whose cells could not be read is the parser's failure (P108);
        # a table that is not there at all is the report's (C104), and needs no parse problem.
        starts = [r[key][0] for t in tpls if key in (r := regions[t.id])
                  and any(label_pattern(h).match(s.text, r[key][0]) for h in t.table(key).start)]
        if getattr(tables, key) is None and starts:
            problems.append(make_problem("table-not-found", section_tpl, table=key, location=s.location(min(starts)),
                                         header_found=True))
    def mostly_read(key: str) -> bool:
        spec = section_tpl.table(key)
        return len(getattr(tables, key) or {}) * 2 >= len(spec.row_columns() if spec.layout == "rows" else spec.rows)

    # No part heading and only scraps of tables (a README quoting labels, a notice citing rows): not a report.
    # A file titled as the report with nothing of it inside (a crawled page whose body is an image or an
    # attachment) is a report that cannot be assessed, not "no report": it is listed, scored 0.
    if not headings and not any(mostly_read(k) for k in chosen):
        if meta.title and meta.title.endswith(("年度报告", "年报")):
            where = meta.provenance["title"].location if "title" in meta.provenance else None
            problems.append(make_problem("empty-report", section_tpl, report_title=meta.title, location=where))
        else:
            problems.append(make_problem("no-report", section_tpl))
    report = Report(source=source, meta=meta, sections=sections, tables=tables, paragraphs=paragraphs,
                    problems=problems, table_locations=table_locations, table_templates=table_templates,
                    mixed_labels=mixed)
    # What the narrative states, read once now that the parts are known; the year and the signature
    # date fill the metadata's gaps.
    report.facts = extract_facts(report)
    complete_meta(report.meta, report.facts)
    return report


__all__ = ["recognise_report"]
