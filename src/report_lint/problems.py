"""Parse problems in words.

The recogniser records what it could not read cleanly as a code, a place (table, row, column) and
structured data; the words are the P rules' message templates in rules/catalogue/parse.toml (the rule
named "parse.<code>"), like every other rule's. Report.problems keep the rendered text (interchange.md
fixes `message`/`message_en`) and the P checks hand the same arguments to the engine, so a problem
and its finding always read the same.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .messages import render_message
from .model import Location, ParseProblem
from .resources import rules_dir
from .templates import TABLE_KEYS, Template, short_label

CATALOGUE_FILE = "parse.toml"


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict[str, Any]]:
    """code -> the P rule's catalogue entry (plain TOML; the engine validates the same file strictly)."""
    from .datacache import read_toml

    rules = read_toml(rules_dir() / "catalogue" / CATALOGUE_FILE).get("rules", [])
    return {r["name"].removeprefix("parse."): r for r in rules if r.get("family") == "parse"}


def rule_for(code: str) -> str | None:
    """The P rule id that words this problem code (None: no rule of its own)."""
    entry = _entries().get(code)
    return entry["id"] if entry else None


def codes() -> dict[str, str]:
    """Every problem code with a rule of its own: {code: rule id}."""
    return {code: e["id"] for code, e in _entries().items()}


def place(template: Template | None, table: str | None, row: str | None = None,
          column: str | None = None) -> tuple[str, str]:
    """“表三“（七）总计”行” / “表三 row “（七）总计””, in the template's own labels."""
    if not table:
        return "", ""
    spec = template.table(table) if template is not None and table in TABLE_KEYS else None
    name = spec.title.split()[0] if spec is not None else table
    zh = en = name
    if row:
        label = next((r.label for r, _ in spec.row_columns() if r.key == row), row) if spec else row
        if spec is not None and spec.layout == "wide":
            zh += f"“{label}”"
            en += f" “{label}”"
        else:
            zh += f"“{short_label(label)}”行"
            en += f" row “{short_label(label)}”"
    if column:
        label = next((c.label for r, cols in spec.row_columns() for c in cols
                      if c.key == column and (row is None or r.key == row)), column) if spec else column
        zh += f"“{label}”列"
        en += f", column “{label}”"
    return zh, en


def _cut(raw: str, values: list[str]) -> str:
    return f"{raw}→{'|'.join(values)}"


SHOWN_ROWS = 3  # split rows quoted in one note; the count says how many there were


def problem_args(p: ParseProblem, template: Template | None) -> dict[str, Any]:
    """The message arguments of a problem: its data, where it is, and what the templates show."""
    args: dict[str, Any] = dict(p.data)
    where, where_en = place(template, p.table, p.row, p.column)
    table_name, _ = place(template, p.table)
    args.update(where=where, where_en=where_en, table_name=table_name, code=p.code,
                detail=p.message, detail_en=p.message_en,
                at=f"{where}：" if where else "", at_en=f"{where_en}: " if where_en else "")
    if p.table and template is not None and p.table in TABLE_KEYS:
        args["title"] = template.table(p.table).title
    data = p.data
    if p.code == "split-digits":
        rows = data.get("rows")
        if isinstance(rows, dict):
            shown = [f"“{short_label(_row_label(template, p.table, key))}”{_cut(r['raw'], r['values'])}"
                     for key, r in list(rows.items())[:SHOWN_ROWS]]
            args.update(count=len(rows), shown=shown + (["…"] if len(rows) > SHOWN_ROWS else []))
        elif "raw" in data and "values" in data:
            args.update(count=1, shown=[_cut(data["raw"], data["values"])])
    elif p.code == "ambiguous-split" and "values" in data:
        alts = data.get("alternatives")
        args.update(read_as=" | ".join(data["values"]),
                    count=len(alts) if isinstance(alts, (list, tuple)) else alts)
    elif p.code == "extra-values":  # a row of 表二/表三 is named; 表四 has one data row
        args["where_row"] = where if p.row else f"{where}数据行"
    elif p.code == "unplaced-values" and "raw" in data:
        args["excerpt"] = data["raw"][:60]
    return args


def _row_label(template: Template | None, table: str | None, row: str) -> str:
    if template is None or not table or table not in TABLE_KEYS:
        return row
    return next((r.label for r, _ in template.table(table).row_columns() if r.key == row), row)


def wording(code: str) -> tuple[str, str] | None:
    """The (zh, en) message templates of a problem code, None when it has no rule of its own."""
    entry = _entries().get(code)
    return (entry["message_zh"], entry["message_en"]) if entry else None


def make_problem(code: str, template: Template | None, *, table: str | None = None,
                 row: str | None = None, column: str | None = None, location: Location | None = None,
                 **data: Any) -> ParseProblem:
    """A parse problem with its words and severity from the catalogue (the code must have a P rule)."""
    entry = _entries()[code]
    p = ParseProblem(code=code, message="", message_en="", table=table, row=row, column=column,
                     location=location, severity=entry["severity"], data=data)
    args = problem_args(p, template)
    p.message = render_message(entry["message_zh"], args, "zh")
    p.message_en = render_message(entry["message_en"], args, "en")
    return p


__all__ = ["codes", "make_problem", "place", "problem_args", "rule_for", "wording"]
