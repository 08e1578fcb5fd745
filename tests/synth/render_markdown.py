"""Render a Report as Markdown with pipe tables, as PDF-to-Markdown converters write it.

    from tests.synth.render_markdown import MarkdownLayout, render_markdown
    text = render_markdown(report, MarkdownLayout(merged="repeat", broken=True))

Tables are the official grids (render_html.grids) flattened to pipe rows: a merged cell's other slots
are left empty or repeat its text (labels only: a repeated value would be a value too many). The "broken conversion" variant splits every header row into two
rows where each header text too long for its column(s) is cut in two (“商业 | 科研 …” / “企业 | 机构 …”,
“结果 | 结果 …” / “维持 | 纠正 …”), and cuts 表三 at a page break (a `— 5 —` footer line between two pipe tables), as converters do with multi-line headers
and tables that run over a page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from report_lint.model import Report

from .render_html import GridRows, grids
from .render_text import Val, blocks


@dataclass(frozen=True)
class MarkdownLayout:
    merged: Literal["empty", "repeat"] = "empty"
    broken: bool = False
    page_break_at: int = 9  # 表三 data row index before which the broken variant cuts the table
    headings: Literal["plain", "atx", "bold"] = "plain"
    disclosure_split: bool = False
    reviews_header: Literal["three", "two"] = "three"  # see render_html.HtmlLayout


def expand(grid: GridRows, repeat: bool) -> list[list[tuple[str, bool, int]]]:
    """Rectangular rows of (text, is_header, width in columns of the cell it comes from); merged
    slots empty or repeated."""
    slots: dict[tuple[int, int], tuple[str, bool, int]] = {}
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in slots:
                c += 1
            text = cell.content.text if isinstance(cell.content, Val) else cell.content
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    origin = dr == 0 and dc == 0
                    # a converter may repeat a merged label, but a repeated value would be an extra value
                    keep = origin or (repeat and not isinstance(cell.content, Val))
                    slots[(r + dr, c + dc)] = (text if keep else "", cell.header, cell.colspan)
            c += cell.colspan
            width = max(width, c)
    return [[slots.get((r, c), ("", False, 1)) for c in range(width)] for r in range(len(grid))]


COLUMN_CHARS = 3  # how many characters one narrow header column holds before the text wraps


def _halves(text: str, colspan: int) -> tuple[str, str]:
    """A header text that wraps in its column, cut where the line breaks; short texts stay whole."""
    if len(text) <= COLUMN_CHARS * colspan:
        return text, ""
    k = (len(text) + 1) // 2
    return text[:k], text[k:]


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def table_markdown(grid: GridRows, layout: MarkdownLayout, page: int, cut_at: int | None = None) -> list[str]:
    rows = expand(grid, layout.merged == "repeat")
    width = len(rows[0]) if rows else 0
    out: list[str] = []
    header_done = False
    data_index = 0
    for row in rows:
        is_header = all(h or not t for t, h, _ in row) and any(h for _, h, _ in row)
        cells = [t for t, _, _ in row]
        if is_header and layout.broken:
            top, bottom = zip(*(_halves(t, span) for t, _, span in row), strict=True)
            lines = [list(top), list(bottom)] if any(bottom) else [list(top)]
        else:
            lines = [cells]
        if not is_header:
            if cut_at is not None and data_index == cut_at:
                out += ["", f"— {page} —", ""]
                header_done = False
            data_index += 1
        for line in lines:
            out.append(_pipe(line))
            if not header_done:
                out.append(_pipe(["---"] * width))
                header_done = True
    return out


def render_markdown(report: Report, layout: MarkdownLayout | None = None) -> str:
    layout = layout or MarkdownLayout()
    out: list[str] = []
    page = 3
    for kind, text in blocks(report):
        if kind == "title":
            out += [f"# {text}", ""]
        elif kind == "heading":
            out += [{"plain": text, "atx": f"## {text}", "bold": f"**{text}**"}[layout.headings], ""]
        elif kind == "subheading" or kind == "para":
            out += [text, ""]
        else:
            for grid in grids(report, text, layout.disclosure_split, layout.reviews_header):
                cut = layout.page_break_at if layout.broken and text == "applications" else None
                out += table_markdown(grid, layout, page, cut)
                out.append("")
                page += 1
    return "\n".join(out) + "\n"


__all__ = ["MarkdownLayout", "expand", "render_markdown", "table_markdown"]
