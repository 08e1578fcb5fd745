"""Y — year over year: this report against the same organ's report for the year before.

The runner supplies the previous report (`ctx.previous`) when the batch holds it or the user names it
with --previous; with no previous report these rules are silent. The continuity equations are SPEC
T3-5 (结转), T2-5 (2019 format 上一年项目数量) and T2-4 (2021 format 现行有效件数); the copy check is
SPEC P5-2 / §8 BOILERPLATE (法治蓝皮书: "与去年的重复率竟达90%").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import Cell, Report
from ..templates import get_template
from .helpers import AmbiguousSplit, ambiguous_splits

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org",
                     "total")


def _num(cell: Cell | None) -> float | None:
    return cell.value if cell is not None and cell.kind == "number" else None


def _labels(report: Report, table: str) -> tuple[dict[str, str], dict[str, str]]:
    tpl = get_template(report.table_templates.get(table) or report.meta.template) or get_template("2021")
    assert tpl is not None  # the built-in 2021 template is always there
    spec = tpl.table(table)
    rows = {r.key: r.label for r, _ in spec.row_columns()}
    cols = {c.key: c.label for _, cs in spec.row_columns() for c in cs}
    return rows, cols


def _pair(report: Report, ctx: RuleContext) -> Report | None:
    prev = ctx.previous
    if prev is None or report.meta.year is None or prev.meta.year is None:
        return None
    return prev if prev.meta.year == report.meta.year - 1 else None


def _disclosure_pair(report: Report, ctx: RuleContext, template: str) -> Report | None:
    """Last year's report when both years' 表二 follow `template` (the columns being compared exist)."""
    prev = _pair(report, ctx)
    if prev is None or not report.tables.disclosure or not prev.tables.disclosure:
        return None
    def base(r: Report) -> str:
        t = get_template(r.table_templates.get("disclosure", r.meta.template))
        return t.base_id if t else ""
    return prev if base(report) == template and base(prev) == template else None


# --------------------------------------------------------------------------- readings of a row
# A row whose digits were run together and could be cut several ways has several readings (the parser
# records them); the other year's figures can settle which one is right. A finding that still rests on
# such a guess says so, and stays a warning at most.

Reading = dict  # column -> value (None: blank)


@dataclass
class _Row:
    readings: list[Reading]  # readings[0]: what the model holds
    split: AmbiguousSplit | None

    @property
    def guessed(self) -> bool:
        return self.split is not None


def _row(report: Report, table: str, row: str, splits: list[AmbiguousSplit] | None = None) -> _Row:
    """`splits`: the table's ambiguous_splits, when the caller reads several rows of it."""
    cells = (getattr(report.tables, table) or {}).get(row) or {}
    held = {c: _num(cell) for c, cell in cells.items()}
    for split in ambiguous_splits(report, table) if splits is None else splits:
        if any(r == row for r, _ in split.cells):
            readings = [{**held, **{c: v for (r, c), v in reading.items() if r == row}}
                        for reading in split.readings]
            return _Row(readings, split)
    return _Row([held], None)


def _settle(now: _Row, then: _Row, holds) -> tuple[str, list[tuple[Reading, Reading]]]:
    """("held" | "unknown" | "resolved" | "broken", the pairs of other readings that fit when resolved).
    `holds(n, t)` says whether this year's reading n agrees with last year's t (None: a figure missing)."""
    verdict = holds(now.readings[0], then.readings[0])
    if verdict is None:
        return "unknown", []
    if verdict:
        return "held", []
    fits = [(n, t) for i, n in enumerate(now.readings) for j, t in enumerate(then.readings)
            if (i or j) and holds(n, t)]
    return ("resolved", fits) if fits else ("broken", [])


def _reading_text(row: _Row, reading: Reading) -> str:
    keys = [c for r, c in row.split.readings[0]] if row.split else list(reading)
    return " | ".join("" if reading.get(k) is None else _fmt(reading[k]) for k in keys)


def _resolution(now: _Row, then: _Row, fits: list[tuple[Reading, Reading]], year: int | None,
                prev_year: int | None) -> tuple[str, str]:
    """Which run-together figures the other year settles and how they read — or, when several cuts
    fit, that they do (one of them shown): the years agree, but the digits are still not settled."""
    zh, en = [], []
    for side, row, y in ((1, then, prev_year), (0, now, year)):
        if row.split is None:
            continue
        held = _reading_text(row, row.readings[0])
        fitting = list(dict.fromkeys(_reading_text(row, f[side]) for f in fits))
        if held in fitting:
            continue  # the years agree as this side was read: the other side's cut is what differs
        other = fitting
        if len(other) == 1:
            zh.append(f"{y}年度报告原文连写的“{row.split.raw}”应读作 {other[0]}（解析时暂按 {held}）")
            en.append(f"the {y} report's run-together '{row.split.raw}' reads {other[0]} (parsed as {held})")
        else:
            zh.append(f"{y}年度报告原文连写的“{row.split.raw}”另有 {len(other)} 种拆分可使两年衔接（如 {other[0]}；"
                      f"解析时暂按 {held}），具体读法仍需对照原件")
            en.append(f"the {y} report's run-together '{row.split.raw}' has {len(other)} other cuts under which the "
                      f"years agree (e.g. {other[0]}; parsed as {held}) — which one is right needs the original")
    if not zh:  # either year's cut can be the one that differs
        for row, y in ((then, prev_year), (now, year)):
            if row.split is not None:
                held = _reading_text(row, row.readings[0])
                zh.append(f"{y}年度报告原文连写的“{row.split.raw}”换一种拆分（解析时暂按 {held}）")
                en.append(f"the {y} report's run-together '{row.split.raw}' cut another way (parsed as {held})")
    return "，".join(zh), "; ".join(en)


def _guess_note(now: _Row, then: _Row, year: int | None, prev_year: int | None) -> tuple[str, str]:
    raws = [(y, r.split.raw) for r, y in ((then, prev_year), (now, year)) if r.split is not None]
    if not raws:
        return "", ""
    shown = "、".join(f"{y}年“{raw}”" for y, raw in raws)
    shown_en = ", ".join(f"{y}: '{raw}'" for y, raw in raws)
    return ((f"；相关数字原文连写（{shown}）且有多种拆分方式，没有一种能使两年衔接，"
             "但此结论仍建立在解析时猜测的拆分上，请对照原件核实"),
            (f"; the figures involved were run together ({shown_en}) and could be cut several ways — none makes "
            f"the years agree, but this still rests on a guessed split: check against the original"))


def check_carry_over(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y101: 二、上年结转 (this year) = 四、结转下年度继续办理 (last year), column by column."""
    prev = _pair(report, ctx)
    if prev is None or not report.tables.applications or not prev.tables.applications:
        return
    now = _row(report, "applications", "carried_over")
    then = _row(prev, "applications", "carried_forward")
    _, cols = _labels(report, "applications")
    year, prev_year = report.meta.year, prev.meta.year

    def holds(n: Reading, t: Reading) -> bool | None:
        pairs = [(n.get(c), t.get(c)) for c in APPLICANT_COLUMNS if n.get(c) is not None and t.get(c) is not None]
        return all(a == b for a, b in pairs) if pairs else None

    verdict, fits = _settle(now, then, holds)
    if verdict == "resolved":
        zh, en = _resolution(now, then, fits, year, prev_year)
        yield Hit("Y101", args={"year": year, "prev_year": prev_year, "resolution": zh, "resolution_en": en},
                  location=FindingLocation(section=3, table="applications", row="carried_over"),
                  severity="info", variant="resolved",
                  data={"previous": prev.source.path, "resolved_split": True})
        return
    if verdict != "broken":
        return
    note_zh, note_en = _guess_note(now, then, year, prev_year)
    for col in APPLICANT_COLUMNS:
        a, b = now.readings[0].get(col), then.readings[0].get(col)
        if a is None or b is None or a == b:
            continue
        yield Hit("Y101", args={"column": cols.get(col, col), "year": year, "prev_year": prev_year,
                                "actual": _fmt(a), "expected": _fmt(b), "note": note_zh, "note_en": note_en},
                  location=FindingLocation(section=3, table="applications", row="carried_over", column=col),
                  expected=b, actual=a,
                  data={"previous": prev.source.path, "guessed_split": now.guessed or then.guessed})


def check_item_counts(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y102 (2019 format): 上一年项目数量 (Y) = 上一年项目数量 (Y-1) + 本年增/减 (Y-1)."""
    prev = _disclosure_pair(report, ctx, "2019")
    if prev is None:
        return
    rows, _ = _labels(report, "disclosure")
    year, prev_year = report.meta.year, prev.meta.year

    def holds(n: Reading, t: Reading) -> bool | None:
        a, b, c = n.get("prev_items"), t.get("prev_items"), t.get("change")
        return None if a is None or b is None or c is None else a == b + c

    rows_now, rows_then = report.tables.disclosure or {}, prev.tables.disclosure or {}
    splits_now, splits_then = ambiguous_splits(report, "disclosure"), ambiguous_splits(prev, "disclosure")
    for row in rows_now:
        if row not in rows_then:
            continue
        now, then = _row(report, "disclosure", row, splits_now), _row(prev, "disclosure", row, splits_then)
        verdict, fits = _settle(now, then, holds)
        where = FindingLocation(section=2, table="disclosure", row=row, column="prev_items")
        if verdict == "resolved":
            zh, en = _resolution(now, then, fits, year, prev_year)
            n, t = fits[0]
            yield Hit("Y102", args={"row": rows.get(row, row), "year": year, "prev_year": prev_year,
                                    "resolution": zh, "resolution_en": en, "actual": _fmt(n["prev_items"]),
                                    "then_prev": _fmt(t["prev_items"]), "then_change": _fmt(t["change"])},
                      location=where, severity="info", variant="resolved",
                      data={"previous": prev.source.path, "resolved_split": True})
        elif verdict == "broken":
            n, t = now.readings[0], then.readings[0]
            expected = t["prev_items"] + t["change"]
            note_zh, note_en = _guess_note(now, then, year, prev_year)
            yield Hit("Y102", args={"row": rows.get(row, row), "year": year, "prev_year": prev_year,
                                    "actual": _fmt(n["prev_items"]), "expected": _fmt(expected),
                                    "then_prev": _fmt(t["prev_items"]), "then_change": _fmt(t["change"]),
                                    "note": note_zh, "note_en": note_en},
                      location=where, expected=expected, actual=n["prev_items"],
                      data={"previous": prev.source.path, "guessed_split": now.guessed or then.guessed})


def check_documents_in_force(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y103 (2021 format, info): 现行有效件数 (Y) ≈ 现行有效件数 (Y-1) + 本年制发件数 − 本年废止件数."""
    prev = _disclosure_pair(report, ctx, "2021")
    if prev is None:
        return
    rows, _ = _labels(report, "disclosure")
    year, prev_year = report.meta.year, prev.meta.year

    def holds(n: Reading, t: Reading) -> bool | None:
        in_force, issued, repealed = n.get("in_force"), n.get("issued"), n.get("repealed")
        before = t.get("in_force")
        if in_force is None or issued is None or repealed is None or before is None:
            return None
        return in_force == before + issued - repealed

    rows_now, rows_then = report.tables.disclosure or {}, prev.tables.disclosure or {}
    splits_now, splits_then = ambiguous_splits(report, "disclosure"), ambiguous_splits(prev, "disclosure")
    for row in ("regulations", "normative_documents"):
        if row not in rows_now or row not in rows_then:
            continue
        now, then = _row(report, "disclosure", row, splits_now), _row(prev, "disclosure", row, splits_then)
        verdict, fits = _settle(now, then, holds)
        where = FindingLocation(section=2, table="disclosure", row=row, column="in_force")
        if verdict == "resolved":
            zh, en = _resolution(now, then, fits, year, prev_year)
            yield Hit("Y103", args={"row": rows.get(row, row), "year": year, "prev_year": prev_year,
                                    "resolution": zh, "resolution_en": en},
                      location=where, severity="info", variant="resolved",
                      data={"previous": prev.source.path, "resolved_split": True})
        elif verdict == "broken":
            n, t = now.readings[0], then.readings[0]
            expected = t["in_force"] + n["issued"] - n["repealed"]
            note_zh, note_en = _guess_note(now, then, year, prev_year)
            yield Hit("Y103", args={"row": rows.get(row, row), "year": year, "prev_year": prev_year,
                                    "actual": _fmt(n["in_force"]), "expected": _fmt(expected),
                                    "then": _fmt(t["in_force"]), "issued": _fmt(n["issued"]),
                                    "repealed": _fmt(n["repealed"]), "note": note_zh, "note_en": note_en},
                      location=where, expected=expected, actual=n["in_force"],
                      data={"previous": prev.source.path, "guessed_split": now.guessed or then.guessed})


_NOISE = r"[\s\d０-９〇一二三四五六七八九十年月日，。、；：“”（）()《》,.;:%％-]"  # compiled on first use


def _grams(t: str, n: int) -> set[str]:
    return {t[i:i + n] for i in range(max(0, len(t) - n + 1))}


def _wording(text: str) -> str:
    # Years and figures change every year even in a copied text; compare the wording only.
    return re.sub(_NOISE, "", text)


def _shingles(text: str, n: int) -> set[str]:
    return _grams(_wording(text), n)


def _jaccard(sa: set[str] | set[int], sb: set[str] | set[int]) -> float:
    if not sa or not sb:
        return 0.0
    common = len(sa & sb)
    return common / (len(sa) + len(sb) - common)  # = len(sa & sb) / len(sa | sb), without building the union


def _packed_grams(t: str) -> set[int] | None:
    """_grams(t, 4) as integers: with every character in the Basic Multilingual Plane each is one UTF-16
    unit, so four of them are one 64-bit number, one for one — the same set sizes and intersections,
    built in C (the slices of each of the four phases read as an array). None outside the BMP."""
    if len(t) < 4:
        return set()
    b = t.encode("utf-16-le", "surrogatepass")
    if len(b) != 2 * len(t):  # a character outside the BMP took two units
        return None
    out: set[int] = set()
    for k in (0, 2, 4, 6):
        out.update(memoryview(b[k:k + (len(b) - k) // 8 * 8]).cast("Q"))
    return out


def _similarity_from(this: str, last: str, threshold: float) -> float | None:
    """similarity() of two texts from their wordings (the texts without _NOISE); None when it is surely
    below `threshold`."""
    longer, shorter = (this, last) if len(this) >= len(last) else (last, this)
    grams_longer = _packed_grams(longer)
    # The similarity is at most the shorter text's 4-gram count (≤ its length - 3) over the longer's: when
    # that is below the threshold (with room for the division's rounding), the shorter text is not cut.
    if grams_longer and max(0, len(shorter) - 3) / len(grams_longer) < threshold - 1e-9:
        return None
    grams_shorter = _packed_grams(shorter)
    if grams_longer is None or grams_shorter is None:
        return _jaccard(_grams(this, 4), _grams(last, 4))
    return _jaccard(grams_longer, grams_shorter)  # the same: both sets packed one for one


def similarity(a: str, b: str, n: int = 4) -> float:
    """Jaccard similarity of character n-grams (linear in the text length)."""
    return _jaccard(_shingles(a, n), _shingles(b, n))


def check_copied_text(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y104: a part (or the whole narrative) nearly identical to last year's report."""
    prev = _pair(report, ctx)
    if prev is None:
        return
    threshold = float(ctx.options.get("threshold", 0.8))
    min_chars = int(ctx.options.get("min_chars", 80))
    numerals = "一二三四五六"
    for number in ctx.options.get("parts", [1, 5]):
        now, before = report.section(number), prev.section(number)
        if not now or not before or not now.present or not before.present:
            continue
        this = _wording(now.text)
        if len(this) < min_chars:
            continue
        sim = _similarity_from(this, _wording(before.text), threshold)
        if sim is not None and sim >= threshold:
            yield Hit("Y104", args={"part": numerals[number - 1], "title": now.title or "", "percent": f"{sim:.0%}",
                                    "year": report.meta.year, "prev_year": prev.meta.year},
                      location=FindingLocation(section=number, line=now.start.line if now.start else None,
                                               page=now.start.page if now.start else None),
                      actual=round(sim, 3), expected=threshold, data={"previous": prev.source.path})


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# --------------------------------------------------------------------------- the year view
# A batch keeps each report a Y rule may pair between its two phases (engine/batch.py). These rules, and
# the places of their findings (engine/places.py), read only part of a report, so the batch keeps only
# that part: a tenth of the cells to store and read back. Whoever makes a Y rule read more of a report
# (another table, row or parse problem) adds it here — tests/test_batch.py checks the view gives the
# same findings as the whole report.

VIEW_ROWS = {"applications": ("carried_over", "carried_forward")}  # 表三: Y101's two rows; 表二 whole


def year_view(report: Report) -> Report:
    """The report as the Y rules and the places of their findings see it: meta, source, the parts, 表二,
    表三's carried-over rows (its other rows keyed but empty, so the template it fits stays the same),
    the table positions and templates, and the ambiguous-split notes. No 表四, facts or paragraphs."""
    t = report.tables
    apps = t.applications
    if apps:
        keep = VIEW_ROWS["applications"]
        apps = {row: (cells if row in keep else {}) for row, cells in apps.items()}
    tables = type(t).model_construct(disclosure=t.disclosure, applications=apps, reviews=None)
    # every field given: a field left to its default_factory costs model_construct an inspect.signature
    return type(report).model_construct(
        schema_version=report.schema_version, source=report.source, meta=report.meta, sections=report.sections,
        tables=tables, paragraphs=[], problems=[p for p in report.problems if p.code == "ambiguous-split"],
        table_locations=report.table_locations, table_templates=report.table_templates, mixed_labels={},
        facts=[])


@hookimpl
def report_lint_rules():
    return [RuleImpl("Y101", check_carry_over, year_view), RuleImpl("Y102", check_item_counts, year_view),
            RuleImpl("Y103", check_documents_in_force, year_view), RuleImpl("Y104", check_copied_text, year_view)]
