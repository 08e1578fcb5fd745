"""P family: what the parser could not read cleanly (report.problems), one rule per problem code.

The message is the problem's own (the parser knows best what went wrong); the catalogue adds where
it happened. A code this module does not know yet goes to the generic rule P199, which keeps the
parser's severity, so a new parser diagnostic is never silently dropped.
"""
from __future__ import annotations

from typing import Iterable

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import ParseProblem, Report
from ..templates import get_template
from .helpers import TABLE_NAMES, column_label, resolve_table, row_label, short_label

CODE_RULES = {
    "extra-values": "P101",
    "missing-values": "P102",
    "split-digits": "P103",
    "ambiguous-split": "P104",
    "unplaced-values": "P105",
    "label-variant": "P106",
    "reader-warning": "P107",
    "table-not-found": "P108",
    "no-report": "P109",
}
GENERIC_RULE = "P199"
_SECTION_OF = {"disclosure": 2, "applications": 3, "reviews": 4}


def _labels(report: Report, p: ParseProblem) -> tuple[str, str]:
    """“表三“（七）总计”行“自然人”列：” for the message, from the template labels."""
    if not p.table:
        return "", ""
    name = TABLE_NAMES.get(p.table, p.table)
    spec = None
    if getattr(report.tables, p.table, None):
        resolved = resolve_table(report, p.table)
        spec = resolved[1] if resolved else None
    if spec is None:
        tpl = get_template(report.table_templates.get(p.table) or report.meta.template)
        spec = tpl.table(p.table) if tpl and p.table in _SECTION_OF else None
    zh, en = name, name
    if p.row:
        row = short_label(row_label(spec, p.row)) if spec else p.row
        zh += f"“{row}”行" if p.table != "reviews" else f"“{row}”"
        en += f" row “{row}”"
    if p.column:
        col = column_label(spec, p.column, p.row) if spec else p.column
        zh += f"“{col}”列"
        en += f", column “{col}”"
    return zh + "：", en + ": "


def _location(p: ParseProblem) -> FindingLocation:
    loc = p.location
    section = _SECTION_OF.get(p.table or "")
    if loc is None:
        return FindingLocation(section=section, table=p.table, row=p.row, column=p.column)
    return FindingLocation(section=section, table=p.table, row=p.row, column=p.column,
                           line=loc.line, page=loc.page, grid_table=loc.table, grid_row=loc.row,
                           grid_column=loc.column, paragraph=loc.paragraph)


def _hits(report: Report, rule: str) -> Iterable[Hit]:
    for p in report.problems:
        code_rule = CODE_RULES.get(p.code, GENERIC_RULE)
        if code_rule != rule:
            continue
        where, where_en = _labels(report, p)
        if p.table and TABLE_NAMES.get(p.table, "\0") in (p.message or ""):
            where, where_en = "", ""  # the parser's message already says where
        yield Hit(
            rule,
            args={"where": where, "where_en": where_en, "detail": p.message, "detail_en": p.message_en,
                  "code": p.code},
            location=_location(p),
            data={"code": p.code, **p.data},
            # only the catch-all follows the parser's own judgement; known codes have catalogue severities
            severity=p.severity if rule == GENERIC_RULE else None,
        )


def _rule(rule: str):
    def check(report: Report, ctx: RuleContext) -> Iterable[Hit]:
        return list(_hits(report, rule))
    check.__name__ = f"check_{rule.lower()}"
    return check


@hookimpl
def report_lint_rules():
    return [RuleImpl(rule, _rule(rule)) for rule in [*CODE_RULES.values(), GENERIC_RULE]]
