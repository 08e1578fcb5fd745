"""Render a Report to DOCX in the official layout, the way a clerk fills in the Word template.

    from report_lint.testing import valid_report
    from tests.synth.render_docx import Layout, render_docx, expected_values
    report = valid_report("2021", seed=3)
    data = render_docx(report, Layout(heading_numbering="word", wrap_labels=True))

Layout follows /work/shared/spec/template-2021.docx: 表二 is one 4-column table of captioned
sub-tables, 表三 has the merged note/applicant header and merged group labels (三、本年度办理结果,
（三）不予公开 …), 表四 has two header rows and one 15-value data row. Layout variants exercise what
real Word reports do: headings numbered by Word lists (the numerals are not in the text), labels
broken over lines, blank cells instead of 0, 表二 split into one table per sub-table.

`expected_values()` gives, for every model cell, the value/raw/kind a parser should produce and the
grid location (table index, row, column) where the renderer put it.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

from report_lint.model import Report
from report_lint.templates import get_template

# 表三 group labels that the template data does not carry (it keys rows by their full label)
_GROUPS = {"（三）": "（三）不予公开", "（四）": "（四）无法提供", "（五）": "（五）不予处理", "（六）": "（六）其他处理"}
_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_SUBHEADINGS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
_NUM_ID = 901  # our own list definition, clear of anything the default template has


@dataclass(frozen=True)
class Layout:
    heading_numbering: Literal["typed", "word"] = "typed"
    wrap_labels: bool = False  # long labels broken with line breaks / narrow columns
    blank_zeros: bool = False  # 0 written as an empty cell
    disclosure_split: bool = False  # 表二 as one table per sub-table
    font: str = "宋体"


def _cn(n: int) -> str:
    return "零一二三四五六七八九十"[n]


def _cell_raw(value, money: bool, layout: Layout) -> str:
    if value is None:
        return ""
    if layout.blank_zeros and value == 0:
        return ""
    if money:
        return f"{value:.2f}"
    return str(int(value))


def _wrap(text: str, layout: Layout, width: int = 8) -> str:
    """Break a long label with explicit line breaks (rendered as w:br)."""
    if not layout.wrap_labels or len(text) <= width:
        return text
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


class _Grid:
    """Collects where each model cell was written: (table, row, column) per key."""

    def __init__(self):
        self.where: dict[str, dict[str, dict[str, dict]]] = {}

    def put(self, table_key: str, row: str, col: str, raw: str, value, t: int, r: int, c: int) -> None:
        kind = "number" if raw != "" else "blank"
        self.where.setdefault(table_key, {}).setdefault(row, {})[col] = {
            "raw": raw, "value": value if raw != "" else None, "kind": kind,
            "location": {"table": t, "row": r, "column": c}}


def _docx():
    import docx  # lazy: python-docx is heavy

    return docx


def _set_text(cell, text: str, bold: bool = False, center: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell.text = ""
    p = cell.paragraphs[0]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = text.split("\n")
    run = p.add_run(lines[0])
    run.bold = bold
    for line in lines[1:]:
        run.add_break()
        run = p.add_run(line)
        run.bold = bold


def _widths(table, twips: list[int]) -> None:
    """Fixed column widths: the grid, and each cell the sum of the columns it spans."""
    from docx.oxml.ns import qn
    from docx.shared import Twips

    table.autofit = False
    tbl = table._tbl
    for gc, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        gc.set(qn("w:w"), str(w))
    for tr in tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Twips(sum(twips[col:col + span]))
            col += span


def _merge(table, r0: int, c0: int, r1: int, c1: int):
    a = table.cell(r0, c0)
    if (r0, c0) != (r1, c1):
        a = a.merge(table.cell(r1, c1))
    return a


class _Renderer:
    def __init__(self, report: Report, layout: Layout):
        docx = _docx()
        self.report = report
        self.layout = layout
        self.tpl = get_template(report.meta.template)
        if self.tpl is None:
            raise ValueError(f"no template {report.meta.template!r}")
        self.doc = docx.Document()
        self.grid = _Grid()
        self.table_count = 0
        self._setup()

    # -- document setup ---------------------------------------------------------------------------

    def _setup(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt, Twips

        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Twips(11906), Twips(16838)
        sec.left_margin = sec.right_margin = Twips(1500)
        sec.top_margin = sec.bottom_margin = Twips(1440)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(12)
        normal.font.name = self.layout.font
        rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        rfonts.set(qn("w:eastAsia"), self.layout.font)
        # no stray metadata from python-docx's default template
        cp = self.doc.core_properties
        cp.title = ""
        cp.author = cp.last_modified_by = "report-lint tests"
        cp.comments = ""
        # fixed times so a fixture renders to the same bytes every time
        year = self.report.meta.year or 2000
        cp.created = cp.modified = datetime(year + 1, 1, 10, 9, 0, 0)
        cp.revision = 1
        if self.layout.heading_numbering == "word":
            self._add_list_definition()

    def _add_list_definition(self) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        numbering = self.doc.part.numbering_part.element
        levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:firstLine="640"/></w:pPr></w:lvl>'
            for i, text in enumerate(("%1、", "（%2）")))
        abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_NUM_ID}">'
                             f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
        first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
        if first_num is not None:  # schema order: every abstractNum before the first num
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{_NUM_ID}">'
                                   f'<w:abstractNumId w:val="{_NUM_ID}"/></w:num>'))

    # -- paragraphs ---------------------------------------------------------------------------

    def heading(self, level: int, number: int, title: str) -> None:
        """`title` without its numeral; level 0 = 一、 level 1 = （一）."""
        p = self.doc.add_paragraph()
        if self.layout.heading_numbering == "word":
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level
            num_pr.get_or_add_numId().val = _NUM_ID
            text = title
        else:
            text = (f"{_cn(number)}、" if level == 0 else f"（{_cn(number)}）") + title
        run = p.add_run(text)
        run.bold = True

    def para(self, text: str, bold: bool = False, center: bool = False) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold

    # -- tables -------------------------------------------------------------------------------

    def _new_table(self, rows: int, cols: int):
        t = self.doc.add_table(rows=rows, cols=cols)
        t.style = "Table Grid"
        index = self.table_count
        self.table_count += 1
        return t, index

    def _value(self, table_key: str, row: str, col: str, money: bool = False):
        cells = getattr(self.report.tables, table_key) or {}
        cell = (cells.get(row) or {}).get(col)
        return None if cell is None else cell.value

    def disclosure(self) -> None:
        spec = self.tpl.tables.disclosure
        parts = spec.parts
        if self.layout.disclosure_split:
            for part in parts:
                self._disclosure_parts([part])
        else:
            self._disclosure_parts(list(parts))

    def _disclosure_parts(self, parts) -> None:
        nrows = sum(2 + len(p.rows) for p in parts)
        t, ti = self._new_table(nrows, 4)
        r = 0
        for part in parts:
            _set_text(_merge(t, r, 0, r, 3), part.caption, bold=True)
            ncols = len(part.columns)
            spans = [(1 + i, 1 + i) for i in range(ncols - 1)] + [(ncols, 3)]
            _set_text(t.cell(r + 1, 0), "信息内容", bold=True)
            for col, (c0, c1) in zip(part.columns, spans, strict=True):
                _set_text(_merge(t, r + 1, c0, r + 1, c1), _wrap(col.label, self.layout, 6), bold=True)
            for i, row in enumerate(part.rows):
                rr = r + 2 + i
                _set_text(t.cell(rr, 0), _wrap(row.label, self.layout, 5))
                for col, (c0, c1) in zip(part.columns, spans, strict=True):
                    value = self._value("disclosure", row.key, col.key)
                    raw = _cell_raw(value, col.money, self.layout)
                    _set_text(_merge(t, rr, c0, rr, c1), raw)
                    self.grid.put("disclosure", row.key, col.key, raw, value, ti, rr, c0)
            r += 2 + len(part.rows)
        _widths(t, [2400, 2100, 2100, 2100])

    def applications(self) -> None:
        spec = self.tpl.tables.applications
        cols = [c.key for c in spec.columns]
        rows = list(spec.rows)
        n = 3 + len(rows)
        t, ti = self._new_table(n, 10)
        L = self.layout
        # header: note (3 label columns × 3 rows), 申请人情况, 自然人 / 法人或其他组织 / 总计
        _set_text(_merge(t, 0, 0, 2, 2), _NOTE)
        _set_text(_merge(t, 0, 3, 0, 9), "申请人情况", bold=True)
        _set_text(_merge(t, 1, 3, 2, 3), "自然人", bold=True)
        _set_text(_merge(t, 1, 4, 1, 8), "法人或其他组织", bold=True)
        _set_text(_merge(t, 1, 9, 2, 9), "总计", bold=True)
        for i, label in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
            _set_text(t.cell(2, 4 + i), _wrap(label, L, 2) if L.wrap_labels else label, bold=True)

        results_first = next(i for i, r in enumerate(rows) if r.key == "granted")
        results_last = next(i for i, r in enumerate(rows) if r.key == "total")
        group_start: dict[str, int] = {}
        for i, row in enumerate(rows):
            rr = 3 + i
            label = row.label
            group = label[:3] if label[:3] in _GROUPS and row.index else None
            if results_first <= i <= results_last:
                if group:
                    group_start.setdefault(group, rr)
                    _set_text(t.cell(rr, 2), _wrap(label[3:], L, 8), center=False)
                else:
                    _set_text(_merge(t, rr, 1, rr, 2), _wrap(label, L, 10), center=False)
            else:
                _set_text(_merge(t, rr, 0, rr, 2), _wrap(label, L, 10), center=False)
            for j, col in enumerate(cols):
                value = self._value("applications", row.key, col)
                raw = _cell_raw(value, False, L)
                _set_text(t.cell(rr, 3 + j), raw)
                self.grid.put("applications", row.key, col, raw, value, ti, rr, 3 + j)
        # merged group labels, made after the rows so each merge spans finished cells
        _set_text(_merge(t, 3 + results_first, 0, 3 + results_last, 0), _wrap("三、本年度办理结果", L, 4))
        for group, start in group_start.items():
            end = max(3 + i for i, r in enumerate(rows) if r.label.startswith(group) and r.index)
            _set_text(_merge(t, start, 1, end, 1), _wrap(_GROUPS[group], L, 4))
        label_w = [700, 900, 2600] if not L.wrap_labels else [500, 700, 1500]
        data_w = (8906 - sum(label_w)) // 7
        _widths(t, label_w + [data_w] * 7)

    def reviews(self) -> None:
        spec = self.tpl.tables.reviews
        cols = list(spec.columns)
        t, ti = self._new_table(4, 15)
        L = self.layout
        _set_text(_merge(t, 0, 0, 0, 4), "行政复议", bold=True)
        _set_text(_merge(t, 0, 5, 0, 14), "行政诉讼", bold=True)
        for j, col in enumerate(cols):
            _set_text(_merge(t, 1, j, 2, j), _wrap(col.label, L, 2), bold=True)
        _set_text(_merge(t, 1, 5, 1, 9), "未经复议直接起诉", bold=True)
        _set_text(_merge(t, 1, 10, 1, 14), "复议后起诉", bold=True)
        for g in range(2):
            for j, col in enumerate(cols):
                _set_text(t.cell(2, 5 + 5 * g + j), _wrap(col.label, L, 2), bold=True)
        for g, group in enumerate(r.key for r in spec.rows):
            for j, col in enumerate(cols):
                value = self._value("reviews", group, col.key)
                raw = _cell_raw(value, False, L)
                _set_text(t.cell(3, 5 * g + j), raw)
                self.grid.put("reviews", group, col.key, raw, value, ti, 3, 5 * g + j)
        _widths(t, [593] * 15)

    # -- the whole report ---------------------------------------------------------------------

    def render(self) -> bytes:
        rep = self.report
        self.para(rep.meta.title or "", bold=True, center=True)
        self.para("本报告依据《中华人民共和国政府信息公开条例》第五十条和《国务院办公厅政府信息与政务公开办公室关于印发"
                  "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。")
        tables = {2: self.disclosure, 3: self.applications, 4: self.reviews}
        for spec in self.tpl.sections:
            section = rep.section(spec.number)
            title = spec.title.split("、", 1)[1]
            self.heading(0, spec.number, title)
            if section is not None and section.text:
                self.para(section.text)
            if spec.number == 1:  # part 一 as real reports write it: （一）…（五）
                for i, sub in enumerate(_SUBHEADINGS, 1):
                    self.heading(1, i, sub)
                    self.para(f"本年度{sub}工作有序推进。")
            if spec.number in tables:
                tables[spec.number]()
        self.para(rep.meta.organ or "", center=False)
        if rep.meta.published_on:
            d = rep.meta.published_on
            self.para(f"{d.year}年{d.month}月{d.day}日")
        buf = io.BytesIO()
        self.doc.save(buf)
        return _repack(buf.getvalue())


def _repack(data: bytes) -> bytes:
    """Same parts, fixed zip timestamps: python-docx stamps entries with the current time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def render_docx(report: Report, layout: Layout | None = None) -> bytes:
    """The report as DOCX bytes."""
    return _Renderer(report, layout or Layout()).render()


def render_with_expected(report: Report, layout: Layout | None = None) -> tuple[bytes, dict]:
    """DOCX bytes and the values a parser should read back (see module docstring)."""
    layout = layout or Layout()
    r = _Renderer(report, layout)
    data = r.render()
    return data, {
        "template": report.meta.template,
        "year": report.meta.year,
        "title": report.meta.title,
        "organ": report.meta.organ,
        "layout": asdict(layout),
        "headings": [s.title for s in r.tpl.sections],
        "tables": r.grid.where,
    }


__all__ = ["Layout", "render_docx", "render_with_expected"]
