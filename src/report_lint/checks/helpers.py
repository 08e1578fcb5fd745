"""What the built-in rule families share: part names and numerals, where a finding is, the text of a
part, and how a table row or column is named in the template the table was read with.

A check module imports from here and from the model, never from another family's module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..engine.types import FindingLocation
from ..model import Fact, Location, Report, Section
from ..templates import (
    TableSpec,
    Template,
    get_template,
    once_per_spec,
    row_keys,
    short_label,
    template_for_year,
    templates,
)
from ..text import compact, normalize

NUMERALS = "一二三四五六七八九十"
TABLE_ZH = {"disclosure": "表二", "applications": "表三", "reviews": "表四"}

# ---------------------------------------------------------------------------------------------------
# Shared helpers


def numeral(n: int | None) -> str:
    return NUMERALS[n - 1] if n and 1 <= n <= len(NUMERALS) else str(n)


def report_template(report: Report) -> Template:
    """The template whose data describes this report: the detected one, else the one for its year,
    else the newest (section titles are the same in every format)."""
    t = get_template(report.meta.template)
    if t is None and report.meta.year:
        t = template_for_year(report.meta.year)
    return t or templates()[-1]


def part_title(report: Report, number: int) -> str:
    """The canonical title of part `number` without its numeral, e.g. 其他需要报告的事项."""
    for s in report_template(report).sections:
        if s.number == number:
            return re.sub(rf"^[{NUMERALS}]+、", "", s.title)
    return ""


def part_zh(report: Report, number: int | None) -> str:
    if not number:
        return "正文开头"
    return f"第{numeral(number)}部分“{part_title(report, number)}”"


def part_en(report: Report, number: int | None) -> str:
    if not number:
        return "the opening text"
    return f"part {numeral(number)} ({part_title(report, number)})"


def to_finding_location(loc: Location | None, section: int | None = None, **extra) -> FindingLocation:
    """A model Location (line/page/grid) as the finding's location, with the logical keys added."""
    out = FindingLocation(section=section, **extra)
    if loc is not None:
        out.line, out.page, out.paragraph = loc.line, loc.page, loc.paragraph
        out.grid_table, out.grid_row, out.grid_column = loc.table, loc.row, loc.column
    return out


def where_zh(report: Report, section: int | None, loc: Location | None) -> str:
    """'第一部分“总体情况”第12行' — the part and the line/page/paragraph, for messages."""
    desc = loc.describe("zh") if loc is not None else ""
    return part_zh(report, section) + desc


def where_en(report: Report, section: int | None, loc: Location | None) -> str:
    desc = loc.describe("en") if loc is not None else ""
    return part_en(report, section) + (f", {desc}" if desc else "")


def present_section(report: Report, number: int) -> Section | None:
    s = report.section(number)
    return s if s is not None and s.present else None


def section_text(report: Report, number: int) -> str:
    """All text of a part: its own text and the paragraphs assigned to it."""
    s = report.section(number)
    own = s.text if s is not None else ""
    paras = "\n".join(p.text for p in report.paragraphs if p.section == number)
    return own + ("\n" + paras if paras and paras not in own else "")


def narrative_blocks(report: Report) -> list[tuple[str, int | None, Location | None]]:
    """(text, part, location) for every narrative paragraph; the parts' texts when the parser gave
    no paragraphs."""
    if report.paragraphs:
        return [(p.text, p.section, p.location) for p in report.paragraphs]
    return [(s.text, s.number, s.start) for s in report.sections if s.present and s.text]


def excerpt(text: str, start: int, end: int, width: int = 12) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a > 0 else "") + re.sub(r"\s+", " ", text[a:b]).strip() + ("…" if b < len(text) else "")


@lru_cache(maxsize=1024)
def _normal_word(word: str) -> bool:
    """Every character of `word` is its own normalised form."""
    return all(normalize(c) == c for c in word)


def keyword_groups_missing(text: str, groups: dict[str, list[str]]) -> list[str]:
    """The group names none of whose keywords occurs in `text` (compared normalised)."""
    # A keyword whose characters are their own normalised forms, found in the text without its spaces, is
    # found in the normalised text (normalize maps character by character): the whole text is normalised
    # only when some group is not settled that way (most reports name every topic).
    bare: str | None = None
    normal: str | None = None

    def found(word: str) -> bool:
        nonlocal bare, normal
        if _normal_word(word):
            if bare is None:
                bare = compact(text)
            if word in bare:
                return True
        if normal is None:
            normal = normalize(text)
        return normalize(word) in normal

    return [name for name, words in groups.items() if not any(found(w) for w in words)]


# Title, SPEC §10.1: organ + 4-digit year + 政府信息公开工作年度报告 (variants are F103's business).
TITLE_PATTERN = r"^(?P<organ>.*?)(?P<year>(?:19|20)\d{2})年(?:度)?(?P<rest>.*)$"
TITLE_PHRASE = "政府信息公开工作年度报告"


def clean_title(title: str | None) -> str:
    t = compact(title)
    return t.strip("《》〈〉<>\"“”'‘’")


# ---------------------------------------------------------------------------------------------------
# Narrative facts (report.facts, read by recognise/facts.py): the checks compare them, never re-read prose


def facts_of(report: Report, *kinds: str) -> list[Fact]:
    return [f for f in report.facts if f.kind in kinds]


def fact_number(fact: Fact) -> float:
    """The figure of a count, rate or year fact (recognise/facts.py gives these kinds a number)."""
    if isinstance(fact.value, bool) or not isinstance(fact.value, (int, float)):
        raise TypeError(f"fact {fact.kind} carries no number: {fact.value!r}")
    return fact.value


def is_government(report: Report) -> bool:
    organ = report.meta.organ or ""
    return report.meta.organ_kind in ("government", "township") or organ.endswith(("人民政府", "管委会"))


def own_scope(report: Report, fact: Fact) -> bool:
    """A figure about the reporting organ itself: its own, or its whole area in a government's report
    (a government reports for its region; a department's 全县 figure is someone else's)."""
    return fact.scope == "self" or (fact.scope == "region" and is_government(report))


def fact_location(fact: Fact) -> FindingLocation:
    return to_finding_location(fact.location, fact.section)


def fact_where(report: Report, fact: Fact) -> tuple[str, str]:
    """('第一部分“总体情况”第12行', 'part 一 (总体情况), line 12') for a fact."""
    return where_zh(report, fact.section, fact.location), where_en(report, fact.section, fact.location)


# ---------------------------------------------------------------------------------------------------
# Tables: the template a table is checked against, and its labels

TABLE_NAMES = TABLE_ZH

# --------------------------------------------------------------------------- template resolution


def resolve_table(report: Report, table: str) -> tuple[Template, TableSpec] | None:
    """The template a table is checked against: the one the table matched (hybrids!), else the
    report's, else the year's; when the data's rows fit another template better, that one."""
    data = getattr(report.tables, table)
    if not data:
        return None
    preferred: list[Template] = []
    for tid in (report.table_templates.get(table), report.meta.template):
        t = get_template(tid) if tid else None
        if t and t not in preferred:
            preferred.append(t)
    if report.meta.year:
        t = template_for_year(report.meta.year)
        if t and t not in preferred:
            preferred.append(t)
    for t in templates():
        if t not in preferred:
            preferred.append(t)
    present = set(data)

    def fit(t: Template) -> tuple[int, int]:
        keys = once_per_spec(row_keys, t.table(table))
        return (len(keys & present), -len(keys - present))

    best = preferred[0]
    for t in preferred[1:]:
        if fit(t) > fit(best):  # only a strictly better fit overrides the declared template
            best = t
    return best, best.table(table)


def row_label(spec: TableSpec, key: str) -> str:
    return spec.row_label(key) or key


def column_label(spec: TableSpec, key: str, row: str | None = None) -> str:
    return spec.column_label(key, row) or key


def cell_where(spec: TableSpec, table: str, row: str, column: str) -> str:
    name = TABLE_NAMES.get(table, table)
    if table == "reviews":
        return f"{name}“{row_label(spec, row)}”的“{column_label(spec, column, row)}”"
    return f"{name}“{short_label(row_label(spec, row))}”行“{column_label(spec, column, row)}”列"


def cell_where_en(spec: TableSpec, table: str, row: str, column: str) -> str:
    name = TABLE_NAMES.get(table, table)
    if table == "reviews":
        return f"{name} “{row_label(spec, row)}” / “{column_label(spec, column, row)}”"
    return f"{name} row “{short_label(row_label(spec, row))}”, column “{column_label(spec, column, row)}”"


def location_for(spec: TableSpec, table: str, row: str | None = None,
                 column: str | None = None) -> FindingLocation:
    return FindingLocation(section=spec.section, table=table, row=row, column=column)


def fmt_num(v) -> str:
    if v is None:
        return "空"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def split_source(report: Report, table: str, row: str) -> tuple[str | None, bool]:
    """The run-together text a row's values were separated from, and whether the parser had to
    guess between several separations (its split-digits / ambiguous-split problems)."""
    raw, ambiguous = None, False
    for p in report.problems:
        if p.table != table:
            continue
        if p.code == "ambiguous-split" and p.row in (row, None):
            ambiguous = True
            raw = raw or p.data.get("raw")
        elif p.code == "split-digits":
            rows = p.data.get("rows") or {}
            if row in rows:
                raw = raw or rows[row].get("raw")
            elif p.row in (row, None) and not rows:
                raw = raw or p.data.get("raw")
    return raw, ambiguous


@dataclass(frozen=True)
class AmbiguousSplit:
    """Run-together digits the parser could cut several ways: the text and every reading it kept, each
    as {(row, column): value or None for a blank}; readings[0] is the one the model holds."""

    raw: str
    readings: tuple[dict[tuple[str, str], float | None], ...]
    complete: bool  # False when the parser kept only some of the cuts

    @property
    def cells(self) -> set[tuple[str, str]]:
        return set(self.readings[0])


def _cut_value(text: str) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def ambiguous_splits(report: Report, table: str) -> list[AmbiguousSplit]:
    """The table's ambiguous splits (ParseProblem code "ambiguous-split": data "values", the reading
    chosen, and "cuts", every reading kept) mapped onto the template's cells. A problem without its cuts
    (a model saved by an older version) gives only the chosen reading and is incomplete."""
    if not any(p.table == table and p.code == "ambiguous-split" for p in report.problems):
        return []  # the usual table: no template to resolve
    resolved = resolve_table(report, table)
    if not resolved:
        return []
    _, spec = resolved
    out = []
    for p in report.problems:
        if p.table != table or p.code != "ambiguous-split":
            continue
        if p.row:
            keys = [(p.row, c.key) for r, cols in spec.row_columns() if r.key == p.row for c in cols]
        else:
            keys = [(r.key, c.key) for r, cols in spec.row_columns() for c in cols]
        chosen = list(p.data.get("values") or [])
        if len(chosen) != len(keys):
            continue
        cuts = [list(c) for c in p.data.get("cuts") or () if len(c) == len(keys)]
        ordered = [chosen] + [c for c in cuts if c != chosen]
        readings = tuple({k: _cut_value(v) for k, v in zip(keys, cut, strict=True)} for cut in ordered)
        complete = len(cuts) >= int(p.data.get("alternatives") or 0) > 0
        out.append(AmbiguousSplit(str(p.data.get("raw") or ""), readings, complete))
    return out


# ---------------------------------------------------------------------------------------------------
# Quotes

def quote(sentence: str, limit: int = 90) -> str:
    s = sentence.strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def disclosure_first_part(report: Report):
    """(part spec, first column key) of 表二 第二十条第（一）项 — 本年制发件数 / 本年新制作数量."""
    resolved = resolve_table(report, "disclosure")
    if not resolved:
        return None, None
    _, spec = resolved
    for part in spec.parts:
        if "（一）" in part.caption:
            return part, part.columns[0].key
    return None, None
