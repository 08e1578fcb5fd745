"""The reader's product: a document of blocks, each with its source location.

Readers (one per format) turn bytes into a `Document`; they know nothing of templates or rules.
The builder (report_lint.recognise) turns a Document into a Report model.

A table is a faithful grid: merged cells are expanded, every grid slot holds a `GridCell`, and the
copies a merge creates have `origin=False` so the builder reads each written cell exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .model import Location


@dataclass
class Paragraph:
    text: str
    location: Location
    # A heading number rendered by the word processor (Word list numbering), e.g. "一、", that is not
    # part of `text`. The builder reads it as if it were written.
    numbering: str = ""
    kind: Literal["paragraph"] = "paragraph"


@dataclass
class GridCell:
    text: str
    location: Location
    origin: bool = True  # False for the slots a rowspan/colspan copies into
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    rows: list[list[GridCell]]
    location: Location
    kind: Literal["table"] = "table"


Block = Paragraph | Table


@dataclass
class Document:
    """What a reader found. `meta` holds source-level metadata the reader saw, keyed by
    title / published_on / organ, each a (value, provenance-kind, raw text) tuple."""

    blocks: list[Block]
    format: str
    meta: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # Things the reader could not read (hidden text boxes, tracked changes, …): (code, zh, en).
    warnings: list[tuple[str, str, str]] = field(default_factory=list)

    def plain_text(self) -> str:
        out = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.numbering + b.text)
            else:
                for row in b.rows:
                    out.append("\t".join(c.text for c in row if c.origin))
        return "\n".join(out)


_TABLE_LINE = frozenset({"table", "line"})


def expand_grid(raw_rows: list[list[tuple[str, int, int, Location]]], table_location: Location) -> Table:
    """Expand rows of (text, rowspan, colspan, location) into a rectangular grid of GridCells.

    Used by every reader that meets merged cells (HTML, DOCX, Markdown), so the semantics of
    rowspan/colspan are implemented once. Copies carry the origin's text and origin=False. A rowspan
    ends with the table, as in a browser; spans, rows, columns and cells are bounded (readers/limits.py)
    and a table past a bound is an InputError.
    """
    from .readers import limits

    nrows = len(raw_rows)
    check_table_size(nrows, 0, table_location)
    budget = limits.current()
    max_rowspan, max_colspan, max_columns = limits.MAX_ROWSPAN, limits.MAX_COLSPAN, limits.MAX_TABLE_COLUMNS
    max_slots = limits.MAX_GRID_SLOTS
    # grid rows as dicts column → cell: a row's lookups need no (row, column) tuples (this runs per cell)
    grid: list[dict[int, GridCell]] = [{} for _ in range(nrows)]
    width = 0
    chars = 0
    for r, row in enumerate(raw_rows):
        limits.check_time()
        here = grid[r]
        c = 0
        for text, rowspan, colspan, loc in row:
            while c in here:
                c += 1
            if rowspan == 1 and colspan == 1:  # most cells: the general case below, without its calls
                if c >= max_columns:
                    check_table_size(nrows, c + 1, table_location)
                if budget is not None:
                    budget.slots += 1
                    if budget.slots > max_slots:
                        budget.add_slots(0)  # raises
                here[c] = GridCell(text, loc, True, 1, 1)
                chars += len(text)
                c += 1
                if c > width:
                    width = c
                continue
            rowspan = max(1, min(rowspan, max_rowspan, nrows - r))
            colspan = max(1, min(colspan, max_colspan))
            if c + colspan > max_columns:
                check_table_size(nrows, c + colspan, table_location)
            if budget is not None:
                budget.add_slots(rowspan * colspan)
            here[c] = GridCell(text, loc, True, rowspan, colspan)
            chars += len(text)
            if rowspan > 1 or colspan > 1:
                # a (table, line) location, as HTML cells have, is built anew for each copy: the same model
                # as model_copy's (fields and fields set), at a third of its cost
                plain = loc.model_fields_set == _TABLE_LINE
                for dr in range(rowspan):
                    copies = grid[r + dr]
                    for dc in range(colspan):
                        if dr or dc:
                            copies[c + dc] = GridCell(
                                text, Location(table=loc.table, line=loc.line, row=r + dr, column=c + dc) if plain
                                else loc.model_copy(update={"row": r + dr, "column": c + dc}), False)
            c += colspan
            if c > width:
                width = c
    if budget is not None:
        budget.add_slots(nrows * width - sum(len(here) for here in grid))  # the padding below
        budget.add_block(chars)
    rows: list[list[GridCell]] = []
    for r, here in enumerate(grid):
        if len(here) == width:  # rows are filled in column order except where a rowspan came first
            grid_row = [here[c] for c in range(width)]
        else:
            grid_row = []
            for c in range(width):
                cell = here.get(c)
                if cell is None:  # ragged source row: pad with empty non-origin slots
                    cell = GridCell(text="", location=table_location.model_copy(update={"row": r, "column": c}),
                                    origin=False)
                grid_row.append(cell)
        rows.append(grid_row)
    return Table(rows=rows, location=table_location)


def check_table_size(nrows: int, ncols: int, where: Location) -> None:
    """InputError for a table past the row or column limit (readers/limits.py)."""
    from .errors import InputError
    from .readers import limits

    if nrows <= limits.MAX_TABLE_ROWS and ncols <= limits.MAX_TABLE_COLUMNS:
        return
    b = limits.current()
    path_zh, path_en = (b.path, b.path) if b else ("文件", "the file")
    size_zh, size_en = (f"{nrows} 行", f"{nrows} rows") if nrows > limits.MAX_TABLE_ROWS else \
        (f"{ncols} 列以上", f"{ncols}+ columns")
    raise InputError("too-large-table",
                     f"{path_zh} 的表格过大（{where.describe('zh')}：{size_zh}），"
                     f"超过上限 {limits.MAX_TABLE_ROWS} 行 × {limits.MAX_TABLE_COLUMNS} 列，不像是年度报告的表格",
                     f"a table of {path_en} is too large ({where.describe('en')}: {size_en}; the limit is "
                     f"{limits.MAX_TABLE_ROWS} rows × {limits.MAX_TABLE_COLUMNS} columns): not an annual-report table")
