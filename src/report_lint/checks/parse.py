"""P family: what the parser could not read cleanly (report.problems), one rule per problem code.

The rule named "parse.<code>" words the problem: its catalogue template is filled from the problem's
structured data and the template's labels (report_lint.problems), exactly as the recogniser filled
Report.problems[].message. A problem whose code has no rule, or whose data cannot fill its rule's
template (a problem made by hand or by an older version), goes to the generic rule P199 with the
parser's own words and severity, so a parser diagnostic is never silently dropped.
"""
from __future__ import annotations

import string
from collections.abc import Iterable
from functools import lru_cache

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import ParseProblem, Report
from ..problems import codes, problem_args, wording
from ..templates import Template, get_template, templates

GENERIC_RULE = "P199"
_SECTION_OF = {"disclosure": 2, "applications": 3, "reviews": 4}


def _template(report: Report, p: ParseProblem) -> Template | None:
    """The template the problem's table was read with (else the report's, else the latest)."""
    tid = report.table_templates.get(p.table or "") or report.meta.template
    return get_template(tid) or templates()[-1]


@lru_cache(maxsize=512)  # the catalogue's few templates, parsed for every problem of every report
def _fields(template: str) -> tuple[str, ...] | None:
    try:
        return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)
    except ValueError:
        return None  # malformed: _fills parses as it goes, as before


def _fills(template: str, args: dict) -> bool:
    names = _fields(template)
    if names is None:
        return all(name in args for _, name, _, _ in string.Formatter().parse(template) if name)
    return all(name in args for name in names)


def _location(p: ParseProblem) -> FindingLocation:
    loc = p.location
    section = _SECTION_OF.get(p.table or "")
    if loc is None:
        return FindingLocation(section=section, table=p.table, row=p.row, column=p.column)
    return FindingLocation(section=section, table=p.table, row=p.row, column=p.column,
                           line=loc.line, page=loc.page, grid_table=loc.table, grid_row=loc.row,
                           grid_column=loc.column, paragraph=loc.paragraph)


def _hits(report: Report) -> dict[str, list[Hit]]:
    """Every problem's hit, under the rule that words it."""
    rules = codes()
    out: dict[str, list[Hit]] = {}
    for p in report.problems:
        args = problem_args(p, _template(report, p))
        words = wording(p.code)
        own = rules.get(p.code) if words and all(_fills(w, args) for w in words) else None
        rule = own or GENERIC_RULE
        out.setdefault(rule, []).append(Hit(
            rule, args=args, location=_location(p), data={"code": p.code, **p.data},
            # only the catch-all follows the parser's own judgement; known codes have catalogue severities
            severity=p.severity if own is None else None,
        ))
    return out


def _rule(rule: str):
    def check(report: Report, ctx: RuleContext) -> Iterable[Hit]:
        # which rule words a problem is known only once its words are filled: worked out once per run for
        # every P rule (RuleContext.memo), not once per rule
        memo = ctx.memo if ctx.memo is not None else {}
        if __name__ not in memo:
            memo[__name__] = _hits(report)
        return list(memo[__name__].get(rule, ()))
    check.__name__ = f"check_{rule.lower()}"
    return check


@hookimpl
def report_lint_rules():
    return [RuleImpl(rule, _rule(rule)) for rule in sorted({*codes().values(), GENERIC_RULE})]
