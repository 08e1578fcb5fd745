"""Where a finding is, resolved once by the engine so that every output format only formats.

For each Finding the engine fills `Finding.place` (engine/types.py `Place`): the physical position a
reader can go to (line ≥ 1 and PDF page — the cell's own, else its row's, its table's, its part's
heading or where a missing part belongs, else the title line), the part it belongs to, its names in
Chinese and English (part title; 表三“（七）总计”行“自然人”列 / Table 3, row “(7) Total”, column
“Individuals”) and the table row(s) it is about with their cells, so a reporter can show the numbers next
to the message without the parsed report.

The display names of tables, rows, columns and parts (from the templates, English from the tables below)
also serve the `parse` view.
"""
from __future__ import annotations

from typing import Any

from ..model import Cell, Location, Report
from .types import CellContext, FindingLocation, Labels, Place, RowContext

NUMERALS = "一二三四五六七八九十"
DEFAULT_TEMPLATE = "2021"  # labels for unknown/hybrid reports: the current national format
TABLE_SECTION = {"disclosure": 2, "applications": 3, "reviews": 4}  # fallback when no template loads

TABLE_SHORT = {
    "zh": {"disclosure": "表二", "applications": "表三", "reviews": "表四"},
    "en": {"disclosure": "Table 2", "applications": "Table 3", "reviews": "Table 4"},
}
TABLE_TITLE_EN = {
    "disclosure": "Table 2 — proactive disclosure",
    "applications": "Table 3 — applications received and handled",
    "reviews": "Table 4 — administrative review and litigation",
}
PART_TITLE_EN = {
    1: "1. Overview",
    2: "2. Proactive disclosure",
    3: "3. Applications received and handled",
    4: "4. Administrative review and litigation",
    5: "5. Main problems and improvements",
    6: "6. Other matters",
}
WHOLE_DOCUMENT = {"zh": "全文/表格外", "en": "Whole document / outside the tables"}

# English labels for the interchange keys (the templates carry the Chinese ones).
ROW_EN: dict[str, dict[str, str]] = {
    "applications": {
        "new_received": "1. New applications this year",
        "carried_over": "2. Carried over from last year",
        "granted": "(1) Disclosed",
        "partially_granted": "(2) Partially disclosed",
        "denied_state_secret": "(3)1 Withheld: state secret",
        "denied_prohibited_by_law": "(3)2 Withheld: barred by other laws",
        "denied_three_securities": "(3)3 Withheld: 'three securities, one stability'",
        "denied_third_party": "(3)4 Withheld: third-party rights",
        "denied_internal_affairs": "(3)5 Withheld: internal affairs",
        "denied_process_info": "(3)6 Withheld: process information",
        "denied_enforcement_file": "(3)7 Withheld: enforcement case file",
        "denied_admin_inquiry": "(3)8 Withheld: administrative inquiry",
        "unavailable_not_held": "(4)1 Unavailable: not held",
        "unavailable_needs_creation": "(4)2 Unavailable: would have to be created",
        "unavailable_unclear": "(4)3 Unavailable: still unclear after correction",
        "not_processed_petition": "(5)1 Not processed: petition or complaint",
        "not_processed_repeated": "(5)2 Not processed: repeated application",
        "not_processed_publication": "(5)3 Not processed: publication requested",
        "not_processed_excessive": "(5)4 Not processed: excessive repeated applications",
        "not_processed_confirmation": "(5)5 Not processed: confirmation or reissue",
        "other_handling": "(6) Other handling",
        "other_no_correction": "(6)1 No correction in time",
        "other_unpaid_fee": "(6)2 Fee not paid in time",
        "other_misc": "(6)3 Other",
        "total": "(7) Total",
        "carried_forward": "4. Carried forward to next year",
    },
    "reviews": {
        "review": "Administrative review",
        "litigation_direct": "Litigation without prior review",
        "litigation_after_review": "Litigation after review",
    },
    "disclosure": {
        "regulations": "Rules (规章)",
        "normative_documents": "Normative documents",
        "licensing": "Administrative licensing",
        "other_services": "Other external services",
        "punishment": "Administrative penalties",
        "coercion": "Administrative coercion",
        "fees": "Administrative fees",
        "procurement": "Centralised procurement",
    },
}
COLUMN_EN: dict[str, dict[str, str]] = {
    "applications": {
        "natural_person": "Individuals",
        "commercial": "Businesses",
        "research": "Research orgs",
        "social_welfare": "Non-profits",
        "legal_service": "Legal services",
        "other_org": "Other",
        "total": "Total",
    },
    "reviews": {
        "upheld": "Upheld",
        "corrected": "Corrected",
        "other": "Other result",
        "pending": "Pending",
        "total": "Total",
    },
    "disclosure": {
        "issued": "Issued this year",
        "repealed": "Repealed this year",
        "in_force": "In force",
        "made": "Made this year",
        "published": "Published this year",
        "total_public": "Total public",
        "prev_items": "Items last year",
        "change": "Change this year",
        "decisions": "Decisions",
        "projects": "Procurement projects",
        "amount": "Amount",
    },
}


def lang_key(lang: str | None) -> str:
    return "en" if (lang or "zh").lower().startswith("en") else "zh"


def numeral(n: int) -> str:
    return NUMERALS[n - 1] if 1 <= n <= len(NUMERALS) else str(n)


# --- templates -------------------------------------------------------------------------------

def template(template_id: str | None):
    """The template used for labels: the report's own, else the current national one."""
    from ..templates import get_template

    return get_template(template_id or DEFAULT_TEMPLATE) or get_template(DEFAULT_TEMPLATE)


def template_of(report: Report | None):
    return template(report.meta.template if report is not None else None)


def _all_templates():
    from ..templates import templates

    return templates()


def _table_spec(tpl, table: str):
    if tpl is None or table not in TABLE_SECTION:
        return None
    return tpl.table(table)


# Labels depend only on the template (and the loaded templates): worked out once per (template, table,
# row, column, language) — a report's findings ask for the same few again and again. Keyed by id, the
# template kept beside the answer so a reused id is not mistaken for it.
_KNOWN: dict[tuple, tuple[Any, Any, Any]] = {}


def _known(key: tuple, tpl, compute):
    got = _KNOWN.get(key)
    everything = _all_templates()
    if got is not None and got[0] is tpl and got[1] is everything:
        return got[2]
    if len(_KNOWN) > 4096:
        _KNOWN.clear()
    value = compute()
    _KNOWN[key] = (tpl, everything, value)
    return value


def _row_spec(tpl, table: str, row: str):
    """(RowSpec, columns) for a row key, looking in the report's template first, then in the others
    (a hybrid report carries a 2019 row inside a 2021 table)."""
    return _known(("row", id(tpl), table, row), tpl, lambda: _find_row_spec(tpl, table, row))


def _find_row_spec(tpl, table: str, row: str):
    for t in [tpl, *_all_templates()]:
        spec = _table_spec(t, table)
        if spec is None:
            continue
        for r, cols in spec.row_columns():
            if r.key == row:
                return r, cols
    return None, ()


def table_title(table: str, lang: str, tpl=None) -> str:
    if lang_key(lang) == "en":
        return TABLE_TITLE_EN.get(table, table)
    spec = _table_spec(tpl or template(None), table)
    return spec.title if spec is not None else TABLE_SHORT["zh"].get(table, table)


def table_short(table: str, lang: str) -> str:
    return TABLE_SHORT[lang_key(lang)].get(table, table)


def row_label(table: str, row: str, lang: str, tpl=None) -> str:
    if lang_key(lang) == "en":
        return ROW_EN.get(table, {}).get(row, row)
    spec, _ = _row_spec(tpl, table, row)
    return spec.label if spec is not None else row


def columns_for(table: str, row: str | None, tpl=None) -> list[tuple[str, str]]:
    """(key, Chinese label) of the columns a row carries (表二's parts each have their own)."""
    if row is not None:
        _, cols = _row_spec(tpl, table, row)
        if cols:
            return [(c.key, c.label) for c in cols]
    spec = _table_spec(tpl, table)
    if spec is None:
        return []
    if spec.columns:
        return [(c.key, c.label) for c in spec.columns]
    seen: dict[str, str] = {}
    for _, cols in spec.row_columns():
        for c in cols:
            seen.setdefault(c.key, c.label)
    return list(seen.items())


def column_label(table: str, column: str, lang: str, tpl=None, row: str | None = None) -> str:
    if lang_key(lang) == "en":
        return COLUMN_EN.get(table, {}).get(column, column)
    return _known(("column", id(tpl), table, column, row), tpl, lambda: _zh_column_label(table, column, tpl, row))


def _zh_column_label(table: str, column: str, tpl, row: str | None) -> str:
    for key, label in columns_for(table, row, tpl):
        if key == column:
            return label
    for t in _all_templates():
        for key, label in columns_for(table, None, t):
            if key == column:
                return label
    return column


def part_title(number: int | None, lang: str, tpl=None) -> str:
    if number is None:
        return WHOLE_DOCUMENT[lang_key(lang)]
    if lang_key(lang) == "en":
        return PART_TITLE_EN.get(number, f"Part {number}")
    if tpl is not None:
        for s in tpl.sections:
            if s.number == number:
                return s.title
    return f"{numeral(number)}、"


def part_of(loc: FindingLocation, tpl=None) -> int | None:
    """The part (1..6) a location belongs to: its section, else the section its table sits in."""
    if loc.section is not None:
        return loc.section
    if loc.table:
        spec = _table_spec(tpl, loc.table)
        return spec.section if spec is not None else TABLE_SECTION.get(loc.table)
    return None


def logical_where(loc: FindingLocation, lang: str, tpl=None) -> str:
    """Where in the report's structure: 表三“（七）总计”行“自然人”列 / 第三部分."""
    en = lang_key(lang) == "en"
    if loc.table:
        parts = [table_short(loc.table, lang)]
        if loc.row:
            lbl = row_label(loc.table, loc.row, lang, tpl)
            parts.append(f"row “{lbl}”" if en else f"“{lbl}”行")
        if loc.column:
            lbl = column_label(loc.table, loc.column, lang, tpl, loc.row)
            parts.append(f"column “{lbl}”" if en else f"“{lbl}”列")
        return (", " if en else "").join(parts)
    if loc.section is not None:
        return f"part {loc.section}" if en else f"第{numeral(loc.section)}部分"
    return ""


# --- the logical location → the source position --------------------------------------------

_PHYSICAL = ("line", "page", "grid_table", "grid_row", "grid_column", "paragraph")


def _fill(loc: FindingLocation, src: Location | None) -> bool:
    if src is None:
        return False
    pairs = {"line": src.line, "page": src.page, "grid_table": src.table, "grid_row": src.row,
             "grid_column": src.column, "paragraph": src.paragraph}
    if all(v is None for v in pairs.values()):
        return False
    for k, v in pairs.items():
        if getattr(loc, k) is None and v is not None:
            setattr(loc, k, v)
    return True


def part_anchor(report: Report, number: int) -> Location | None:
    """Where part `number` is — its heading — or, for a part the report lacks, where it belongs: the next
    part's heading, else the end of the part before it. None when the report has no part headings."""
    own = report.section(number)
    if own is not None and own.start is not None:
        return own.start
    found = sorted((s for s in report.sections if s.present and s.start is not None), key=lambda s: s.number)
    after = next((s for s in found if s.number > number), None)
    if after is not None:
        return after.start
    before = [s for s in found if s.number < number]
    return (before[-1].end or before[-1].start) if before else None


def document_anchor(report: Report | None) -> int:
    """The line a finding about the whole report points at when it has no place of its own (a date given
    on the command line, a calendar the installation lacks): the title line, else line 1 — SARIF and
    GitHub annotations need a line."""
    prov = report.meta.provenance.get("title") if report is not None else None
    line = prov.location.line if prov is not None and prov.location is not None else None
    return line if line is not None and line >= 1 else 1


def resolve_location(report: Report, where: FindingLocation | dict | None) -> FindingLocation:
    """Fill the source position (line/page/grid cell/paragraph) from what the check named (section/table/
    row/column). The cell's own location first, then its row, then the table's start, then the part's
    heading (for a missing part, where it belongs: part_anchor). A finding with nothing to point at keeps
    no physical position (the place's line is then document_anchor's)."""
    if isinstance(where, dict):
        where = FindingLocation.model_validate(where)
    loc = where.model_copy() if where is not None else FindingLocation()
    if any(getattr(loc, k) is not None for k in _PHYSICAL):
        if loc.table and loc.section is None:
            loc.section = TABLE_SECTION.get(loc.table)
        return loc
    table = getattr(report.tables, loc.table, None) if loc.table in TABLE_SECTION else None
    done = False
    if loc.table:
        if loc.section is None:
            loc.section = TABLE_SECTION.get(loc.table)
        if table:
            if loc.row and loc.column:
                cell = (table.get(loc.row) or {}).get(loc.column)
                done = cell is not None and _fill(loc, cell.location)
            if not done and loc.row:
                for cell in (table.get(loc.row) or {}).values():
                    if _fill(loc, cell.location):
                        done = True
                        break
            if not done and loc.column and not loc.row:
                for row in table.values():
                    cell = row.get(loc.column)
                    if cell is not None and _fill(loc, cell.location):
                        done = True
                        break
        if not done:
            done = _fill(loc, report.table_locations.get(loc.table))
    if not done and loc.section is not None:
        _fill(loc, part_anchor(report, loc.section))
    return loc


def _cell_location(report: Report, loc: FindingLocation) -> Location | None:
    if not (loc.table and loc.row):
        return None
    cells = (getattr(report.tables, loc.table, None) or {}).get(loc.row) or {}
    if loc.column and cells.get(loc.column) is not None and cells[loc.column].location is not None:
        return cells[loc.column].location
    for c in cells.values():
        if c.location is not None:
            return c.location
    return None


def line_and_page(report: Report | None, loc: FindingLocation, part: int | None) -> tuple[int, int | None]:
    """(line ≥ 1, page): the location's own, else the cell's, the table's, the part's heading (or where a
    missing part belongs), else the title line — so every finding points somewhere in the file (SARIF and
    GitHub need a line)."""
    line, page = loc.line, loc.page
    if report is not None and (line is None or page is None):
        candidates = [_cell_location(report, loc)]
        if loc.table:
            candidates.append(report.table_locations.get(loc.table))
        if part is not None:
            candidates.append(part_anchor(report, part))
        for c in candidates:
            if c is None:
                continue
            if line is None and c.line is not None:
                line = c.line
            if page is None and c.page is not None:
                page = c.page
            if line is not None and page is not None:
                break
    return (line if line is not None and line >= 1 else document_anchor(report)), page


# --- the offending table row ----------------------------------------------------------------

def _cell_context(key: str, table: str, row: str, cell: Cell | None, tpl, highlight: bool,
                  own_label: str | None) -> CellContext:
    """`own_label`: the column's label among the row's own columns (column_label looks there first)."""
    label = Labels(zh=own_label if own_label is not None else column_label(table, key, "zh", tpl, row),
                   en=column_label(table, key, "en", tpl, row))
    if cell is None:
        return CellContext(key=key, label=label, text="", kind="missing", highlight=highlight)
    raw = (cell.raw or "").strip()
    if cell.kind == "number" and not raw:
        v = cell.value
        raw = str(int(v)) if isinstance(v, float) and v.is_integer() else ("" if v is None else str(v))
    return CellContext(key=key, label=label, text=raw, kind=cell.kind, highlight=highlight)


def row_context(report: Report, table: str, row: str, tpl=None,
                highlight_column: str | None = None) -> RowContext | None:
    data = getattr(report.tables, table, None) if table in TABLE_SECTION else None
    if not data or row not in data:
        return None
    cells = data[row]
    columns = columns_for(table, row, tpl)
    own: dict[str, str] = {}
    for k, label in columns:
        own.setdefault(k, label)
    keys = [k for k, _ in columns]
    keys += [k for k in cells if k not in keys]  # columns the template lacks still show
    return RowContext(table=table, row=row,
                      label=Labels(zh=row_label(table, row, "zh", tpl), en=row_label(table, row, "en", tpl)),
                      cells=[_cell_context(k, table, row, cells.get(k), tpl, k == highlight_column, own.get(k))
                             for k in keys])


def _equation_rows(tpl, table: str, eq_id: Any) -> list[str]:
    spec = _table_spec(tpl, table)
    if spec is None or not isinstance(eq_id, str):
        return []
    for eq in spec.equations:
        if eq.id == eq_id and eq.kind == "per_column":
            rows = list(eq.left) + list(eq.right)
            return rows if len(rows) <= 6 else list(eq.left)
    return []


def rows_for(report: Report, loc: FindingLocation, data: dict, tpl=None) -> list[RowContext]:
    """The table row(s) a finding is about: a row finding its row with the cell highlighted; a column
    finding (e.g. 表三 column identity) the rows of its equation (data["rows"], else the equation's)."""
    if not loc.table:
        return []
    if loc.row:
        rv = row_context(report, loc.table, loc.row, tpl, loc.column)
        return [rv] if rv else []
    if not loc.column:
        return []
    rows = data.get("rows")
    if not (isinstance(rows, list) and all(isinstance(r, str) for r in rows)):
        rows = _equation_rows(tpl, loc.table, data.get("equation"))
    out = []
    for r in rows[:8]:
        rv = row_context(report, loc.table, r, tpl, loc.column)
        if rv:
            out.append(rv)
    return out


def place(report: Report | None, loc: FindingLocation, data: dict | None = None, tpl=None) -> Place:
    """Everything a reporter prints about where a finding is (see the module docstring)."""
    tpl = tpl if tpl is not None else template_of(report)
    part = part_of(loc, tpl)
    line, page = line_and_page(report, loc, part)
    return Place(
        line=line, page=page, part=part,
        part_title=Labels(zh=part_title(part, "zh", tpl), en=part_title(part, "en", tpl)),
        where=Labels(zh=logical_where(loc, "zh", tpl), en=logical_where(loc, "en", tpl)),
        rows=rows_for(report, loc, data or {}, tpl) if report is not None else [],
    )


def related_place(report: Report | None, item: dict, tpl=None) -> dict:
    """Line, page and names of a related location (Finding.data["related"]: the further equations one
    wrong cell breaks), so reporters show them without resolving anything."""
    loc = FindingLocation(**{k: item.get(k) for k in ("section", "table", "row", "column", "line", "page")})
    if report is not None:
        loc = resolve_location(report, loc)
    line, page = line_and_page(report, loc, part_of(loc, tpl))
    return {"line": line, "page": page, "where_zh": logical_where(loc, "zh", tpl),
            "where_en": logical_where(loc, "en", tpl)}


__all__ = [
    "COLUMN_EN", "PART_TITLE_EN", "ROW_EN", "TABLE_SECTION", "TABLE_SHORT", "TABLE_TITLE_EN", "WHOLE_DOCUMENT",
    "column_label", "columns_for", "document_anchor", "lang_key", "line_and_page", "logical_where", "numeral",
    "part_anchor", "part_of", "part_title", "place", "related_place", "resolve_location", "row_context", "row_label",
    "rows_for", "table_short", "table_title", "template", "template_of",
]
