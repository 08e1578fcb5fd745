"""X family: counts stated in the narrative versus the tables (SPEC T2-7, T3-6, T4-3).

Reading figures out of Chinese prose is the hard part, so it lives here and the I family reuses it:
- numbers are Arabic or Chinese numerals (十一件, 两件); approximate ones (约、余、近、多) and ranges
  (10-12件) are never compared;
- each number is bound to what it counts by the keyword before it in its clause (受理…申请 17 件),
  or after it for a few phrasings (另有 72 件…顺延到下年度);
- each statement gets a *scope* from the clause's subject: the reporting organ itself (我局, 本机关,
  the organ's own name, or no subject at all), or something else — a sub-unit or another body
  (“区政府办代表区政府受理…”, “其中XX局…”, “全区各单位…”). Only a statement about the organ itself
  that contradicts its table is a warning; another scope is at most an info finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ..engine.types import Hit, RuleContext, RuleImpl, hookimpl
from ..model import Paragraph, Report
from .helpers import (TABLE_NAMES, disclosure_first_part, fmt_num, paragraph_location, quote, resolve_table,
                      row_label, short_label, split_source)

# --------------------------------------------------------------------------- numbers in prose

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")


def cn_to_int(s: str) -> Optional[int]:
    """十一 → 11, 两百零三 → 203, 一万二千 → 12000; None when it is not a plain numeral."""
    if not s:
        return None
    if "万" in s:
        hi, _, lo = s.partition("万")
        h = cn_to_int(hi) if hi else 1
        low = cn_to_int(lo) if lo else 0
        if h is None or low is None:
            return None
        return h * 10000 + low
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGIT:
            if digit is not None and digit != 0 and _CN_DIGIT[ch] != 0:
                return None  # 二三 is not a numeral we read
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (digit if digit is not None else 1) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def normalize(text: str) -> str:
    """Full-width digits to ASCII; drop the line breaks and spaces PDF wrapping leaves between
    characters (keep one space between two digits so 10 1 does not become 101)."""
    text = text.translate(_FULLWIDTH)
    text = re.sub(r"(?<=\d)\s+(?=\d)", "\x00", text)
    text = re.sub(r"\s+", "", text)
    return text.replace("\x00", " ")


_NUM = r"(?P<num>\d+(?:,\d{3})*|[〇零一二两三四五六七八九十百千万]+)"
_UNIT = r"(?P<unit>件|起|宗|个|次|篇|条|份|项|部|期)"
TOKEN_RE = re.compile(rf"(?P<pre>约|近|超过|逾|大约|将近)?{_NUM}(?P<more>余|多)?{_UNIT}")
CLAUSE_DELIMS = "，,；;：:。！？!?"
SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
# Table text that a flattened page leaves inside a paragraph: never read it as prose.
TABLE_TEXT_RE = re.compile(r"结果维持结果纠正|本年新收政府信息公开申请数量\d|第二十条第[（(]|信息内容本年")


@dataclass
class Token:
    value: int
    start: int
    end: int
    unit: str
    approx: bool


def tokens(sentence: str) -> list[Token]:
    out = []
    for m in TOKEN_RE.finditer(sentence):
        raw = m.group("num")
        if raw.isdigit() or "," in raw:
            value = int(raw.replace(",", ""))
        else:
            if raw in ("零", "〇"):  # 零件 is "spare parts", not zero
                continue
            value = cn_to_int(raw)
            if value is None:
                continue
            # a Chinese numeral glued to a preceding character that makes a word (统一、之一、唯一…)
            before = sentence[max(0, m.start() - 1): m.start()]
            if raw in ("一", "二", "两") and before and before in "统之唯同第逐进某每单任":
                continue
        before = sentence[max(0, m.start() - 3): m.start()]
        is_range = bool(re.search(r"\d\s*[-~—－至到]$", before))
        after = sentence[m.end(): m.end() + 2]
        if re.match(r"(?:部分|方面|月|季度|工作日|百分点|环节|领域|层级|批次|部门|单位)", sentence[m.end():]):
            continue  # the classifier counts something else (3个工作日, 六个部分)
        approx = bool(m.group("pre") or m.group("more") or is_range or after.startswith("左右"))
        out.append(Token(value, m.start("num"), m.end(), m.group("unit"), approx))
    return out


# --------------------------------------------------------------------------- what a number counts

# 个 is left out where it mostly classifies other nouns (六个部分, 3个部门)
APP_UNITS = set("件宗")  # 份 counts documents (“依申请公开及不予公开431份”)
CASE_UNITS = set("件起宗次")
DOC_UNITS = set("件份部篇")
INTERP_UNITS = set("件篇条份次个期")

_ISSUE_VERB = r"(?:制发|印发|出台|制定|发布|新制定|新出台|下发)"


@dataclass(frozen=True)
class Metric:
    key: str
    units: frozenset
    pre: Optional[re.Pattern]  # keyword in the clause before the number
    post: Optional[re.Pattern] = None  # keyword right after the number (另有 72 件…顺延到下年度)
    needs: Optional[re.Pattern] = None  # the sentence must mention this
    result: bool = False  # an outcome row of 表三: a 其中 breakdown of the same scope


def _p(s: str) -> re.Pattern:
    return re.compile(s)


_APPLICATION = _p(r"申请")
# Order matters: the first metric whose keyword the clause holds wins.
METRICS: tuple[Metric, ...] = (
    Metric("interpretations", frozenset(INTERP_UNITS), _p(r"解读"), _p(r"^[^，,；;。]{0,12}解读")),
    Metric("docs_in_force", frozenset(DOC_UNITS), _p(r"现行有效的?(?:行政)?规范性文件"), None),
    Metric("normative_issued", frozenset(DOC_UNITS), _p(_ISSUE_VERB + r"[^，,；;。]{0,8}(?:行政)?规范性文件"),
           _p(r"^(?:行政)?规范性文件")),
    Metric("regulations_issued", frozenset(DOC_UNITS), _p(_ISSUE_VERB + r"[^，,；;。]{0,8}(?:政府)?规章"),
           _p(r"^(?:政府)?规章")),
    Metric("reviews_all", frozenset(CASE_UNITS), _p(r"(?:行政)?复议[和及、与或](?:行政)?诉讼|诉讼[和及、与或](?:行政)?复议")),
    Metric("review", frozenset(CASE_UNITS), _p(r"行政复议|复议(?!后)"), _p(r"^[^，,；;。]{0,6}行政复议")),
    Metric("litigation", frozenset(CASE_UNITS), _p(r"行政诉讼|(?<!复议后)起诉|诉讼"), _p(r"^[^，,；;。]{0,6}行政诉讼")),
    Metric("carried_over", frozenset(APP_UNITS), _p(r"上一?年度?结转|上年度?转入|上年度?未办结"),
           _p(r"^[^，,；;。]{0,10}(?:为|系|属)?上一?年度?结转"), _APPLICATION),
    Metric("carried_forward", frozenset(APP_UNITS),
           _p(r"结转(?:至|到)?下一?年度?|转入下一?年度?|顺延(?:至|到)下一?年度?|结转(?:至|到)?\d{4}年"),
           _p(r"^[^，,；;。]{0,16}(?:结转(?:至|到)?下一?年|转入下一?年|顺延(?:至|到)?下一?年|结转(?:至|到)?\d{4}年)"),
           _APPLICATION),
    Metric("granted_or_partial", frozenset(APP_UNITS),
           _p(r"予以公开(?:及|和|、|与|或)部分公开|全部或部分公开|全部公开(?:及|和|、|与|或)部分公开"), None, _APPLICATION, True),
    Metric("granted", frozenset(APP_UNITS), _p(r"(?<![不部分])予以公开|同意公开"), None, _APPLICATION, True),
    Metric("partially_granted", frozenset(APP_UNITS), _p(r"部分公开|部分予以公开"), None, _APPLICATION, True),
    Metric("denied", frozenset(APP_UNITS), _p(r"不予公开"), None, _APPLICATION, True),
    Metric("unavailable", frozenset(APP_UNITS), _p(r"无法提供"), None, _APPLICATION, True),
    Metric("not_processed", frozenset(APP_UNITS), _p(r"不予处理"), None, _APPLICATION, True),
    Metric("handled", frozenset(APP_UNITS),
           _p(r"办结|办理完毕|答复完毕|处理完毕|作出答复|予以答复|已答复|共答复|全部答复|办理答复|"
              r"(?<!延期)(?<!当场)(?<!逾期)(?<!延长)答复[^，,；;。\d]{0,4}$"), None, _APPLICATION),
    Metric("new_received", frozenset(APP_UNITS), _p(r"新收|收到|受理|接收|接到|共收"), None, _APPLICATION),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}

# “未收到…申请”, “未发生…行政复议、行政诉讼” state a zero without a number.
ZERO_APPLICATIONS = _p(r"(?:未|没有)(?:收到|受理|接到)[^，,；;。复诉]{0,20}?(?:政府信息公开|依申请公开|信息公开)"
                       r"[^，,；;。复诉]{0,10}?(?:申请|诉求)(?![^，,；;。]{0,4}(?:复议|诉讼))")
ZERO_CASES = _p(r"(?:未|没有)(?:发生|出现|产生|收到|涉及|被申请|被提起)[^，,；;。]{0,30}?(?P<what>行政复议|行政诉讼)"
                r"(?:[和及、与或](?:被提起)?(?P<what2>行政诉讼|行政复议))?")

_OTHER_SCOPE = _p(r"代表|各(?:单位|部门|乡镇|街道|地|级|县区|区县|市县|片区|成员单位|镇|村|直属|下属)|所属|下属|直属|系统内")
_SELF = _p(r"我(?:局|委|办|厅|区|县|市|镇|乡|街道|单位|中心|院|部|会|署|站|所|司|们)|本(?:机关|单位|局|委|办|厅|部门|区|县|市|镇|乡|街道|中心|院|署|站|所)")
_REGION = _p(r"全(?:区|县|市|镇|乡|省|州|旗)")
_ENTITY = _p(r"(?:人民政府办公室|人民政府办公厅|政府办公室|政府办公厅|政府办|办公室|办公厅|管委会|委员会|管理局|"
             r"局(?![面限势])|委(?!托|员)|办(?![理结件公法规])|中心(?!工作)|街道|片区|公司|医院|学校|"
             r"人民政府(?!信息)|政府(?!信息))")
_TIME = _p(r"\d{4}年度?|全年|本年度?|今年|年内|上半年|下半年|期间|截至[^，,]{0,10}(?:底|末)|共计|累计|合计|总计|共|依法")


@dataclass
class Statement:
    metric: str
    value: int
    scope: str  # self | other
    scope_reason: str
    sentence: str
    paragraph: Optional[Paragraph]
    paragraph_index: Optional[int]
    approx: bool = False
    zero: bool = False  # read from “未收到…” rather than a number


def organ_names(report: Report) -> list[str]:
    """The reporting organ's own names: 淮安市洪泽区人民政府 → 淮安市洪泽区政府, 洪泽区政府, 区政府…"""
    organ = report.meta.organ or ""
    names = set()
    if organ:
        names |= {organ, organ.replace("人民政府", "政府")}
        core = re.sub(r"(人民政府|政府|管委会|管理委员会)$", "", organ)
        m = re.search(r"([\u4e00-\u9fa5]{1,8}?(?:自治州|自治县|省|市|区|县|旗|州|镇|乡|街道))$", core)
        if m and core != organ:
            names.add(m.group(1) + "政府")
            names.add(m.group(1) + "人民政府")
            names.add(m.group(1)[-1] + "政府")  # 区政府 / 县政府
            names.add(m.group(1))
        elif re.search(r"(?:省|市|区|县|旗|州|镇|乡|街道)$", organ):
            # the region itself names the government (平潭综合实验区 → 实验区管委会, 区政府)
            for i in range(len(organ) - 1):
                tail = organ[i:]
                if len(tail) >= 2:
                    names |= {tail + "人民政府", tail + "政府", tail + "管委会", tail + "党工委管委会"}
            names |= {organ, organ[-1] + "政府", organ[-1] + "管委会", organ[-1] + "人民政府"}
        elif core == organ:  # a department: 沭阳县发展和改革局 → 县发展和改革局, 发展和改革局
            m = re.match(r"^.*?(?:省|市|区|县|旗|州)", organ)
            if m:
                rest = organ[m.end():]
                names.add(rest)
                names.add(organ[m.end() - 1:])
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def is_government(report: Report) -> bool:
    organ = report.meta.organ or ""
    return report.meta.organ_kind in ("government", "township") or organ.endswith(("人民政府", "管委会"))


def _clause_start(sentence: str, pos: int) -> int:
    i = pos
    while i > 0 and sentence[i - 1] not in CLAUSE_DELIMS:
        i -= 1
    return i


def _clause_end(sentence: str, pos: int) -> int:
    i = pos
    while i < len(sentence) and sentence[i] not in CLAUSE_DELIMS:
        i += 1
    return i


def _clause_scope(report: Report, subject: str) -> Optional[tuple[str, str]]:
    """The scope a clause's subject names, or None when it names none."""
    m = _OTHER_SCOPE.search(subject)
    if m:
        return "other", (_TIME.sub("", subject) or m.group(0)).strip("，,、：:（）()")
    stripped = _TIME.sub("", re.sub(r"（[^（）]*）|\([^()]*\)", "", subject))
    for n in organ_names(report):
        if n in stripped:
            stripped = stripped.replace(n, "")
            if not _ENTITY.search(stripped):
                return "self", n
    m = _SELF.search(stripped)
    if m:
        return "self", m.group(0)
    m = _ENTITY.search(stripped)
    if m:
        return "other", stripped[max(0, m.start() - 6): m.end()]
    r = _REGION.search(stripped)
    if r:
        return ("self", r.group(0)) if is_government(report) else ("other", r.group(0))
    return None


def _subject_part(clause: str) -> str:
    """The part of a clause before its first keyword or number: where its subject sits."""
    cut = len(clause)
    m = re.search(r"\d|[一二两三四五六七八九十]+[件起宗个次篇条份项部期]", clause)
    if m:
        cut = m.start()
    for metric in METRICS:
        k = metric.pre.search(clause) if metric.pre else None
        if k and k.start() < cut:
            cut = k.start()
    return clause[:cut]


_MULTI_YEAR = _p(r"历年|累计|以来|截至|近[一二三四五六七八九十\d]+年|多年|上一?年度?(?![度结])")
_FRAME = _p(r"^(?:根据|按照|依据|对照|结合|遵照|依照|围绕|在)")


def scope_of(report: Report, sentence: str, subject_end: int, result: bool) -> tuple[str, str]:
    """Whose figure this is: ('self', why) or ('other', why). The subject is the clause's text
    before the keyword; a clause without one inherits the nearest earlier clause's subject
    (“区财政局受理申请 5 件，办结 5 件”). A 其中 makes a non-outcome figure a part of another."""
    start = _clause_start(sentence, subject_end)
    subject = sentence[start:subject_end]
    prev_start = _clause_start(sentence, max(0, start - 1))
    if not result and ("其中" in subject or sentence[prev_start:max(0, start - 1)] == "其中"):
        return "other", "其中"
    found = _clause_scope(report, subject)
    if found:
        return found
    pos = start - 1
    while pos > 0:
        pstart = _clause_start(sentence, pos)
        clause = sentence[pstart:pos]
        if clause and not _FRAME.search(clause):  # “根据市政府办公室部署，…” frames, it is no subject
            found = _clause_scope(report, _subject_part(clause))
            if found:
                return found
        pos = pstart - 1
    return "self", ""


def sentences(report: Report) -> Iterator[tuple[Optional[Paragraph], Optional[int], str]]:
    if report.paragraphs:
        for i, p in enumerate(report.paragraphs):
            for m in SENTENCE_RE.finditer(normalize(p.text)):
                yield p, i, m.group(0)
    else:  # a model built without paragraphs: read the sections' text
        for s in report.sections:
            if s.text:
                p = Paragraph(text=s.text, section=s.number, location=s.start)
                for m in SENTENCE_RE.finditer(normalize(s.text)):
                    yield p, None, m.group(0)


def classify(sentence: str, tok: Token, prev_end: int) -> Optional[Metric]:
    cstart = max(_clause_start(sentence, tok.start), prev_end)
    pre = sentence[cstart: tok.start]
    post = re.split(r"[（(\d]", sentence[tok.end: _clause_end(sentence, tok.end)], maxsplit=1)[0]
    for m in METRICS:
        if tok.unit not in m.units:
            continue
        if m.needs and not m.needs.search(sentence):
            continue
        if m.pre and m.pre.search(pre):
            if m.key == "normative_issued" and "解读" in pre:
                continue
            return m
    for m in METRICS:
        if tok.unit not in m.units or not m.post:
            continue
        if m.needs and not m.needs.search(sentence):
            continue
        if m.post.search(post):
            # “制发了 11 件规范性文件”: the verb before, the noun after
            if m.key in ("normative_issued", "regulations_issued") and not re.search(_ISSUE_VERB, pre):
                continue
            return m
    return None


def _keyword_start(sentence: str, tok: Token, prev_end: int, metric: Metric) -> int:
    cstart = max(_clause_start(sentence, tok.start), prev_end)
    k = metric.pre.search(sentence[cstart: tok.start]) if metric.pre else None
    return cstart + k.start() if k else tok.start


def extract_statements(report: Report) -> list[Statement]:
    out: list[Statement] = []
    for para, idx, sent in sentences(report):
        if TABLE_TEXT_RE.search(sent):
            continue
        prev_end = 0
        for tok in tokens(sent):
            metric = classify(sent, tok, prev_end)
            if metric and metric.key != "docs_in_force" and _MULTI_YEAR.search(
                    sent[_clause_start(sent, tok.start): tok.start]):
                metric = None  # 历年/累计/以来: not this year's figure
            if metric:
                kstart = _keyword_start(sent, tok, prev_end, metric)
                scope, why = scope_of(report, sent, kstart, metric.result)
                out.append(Statement(metric.key, tok.value, scope, why, sent, para, idx, tok.approx))
            prev_end = tok.end
        m = ZERO_APPLICATIONS.search(sent)
        if m:
            scope, why = scope_of(report, sent, m.start(), False)
            out.append(Statement("new_received", 0, scope, why, sent, para, idx, zero=True))
        for m in ZERO_CASES.finditer(sent):
            if re.match(r"(?:纠错|纠正|败诉|被纠|撤销|确认违法|被确认)", sent[m.end():]):
                continue  # “未发生…被行政复议纠错” denies an outcome, not the cases
            whats = {m.group("what"), m.group("what2")} - {None}
            scope, why = scope_of(report, sent, m.start(), False)
            for w in whats:
                out.append(Statement("review" if w == "行政复议" else "litigation", 0, scope, why, sent, para, idx,
                                     zero=True))
    return out


RATE_RE = re.compile(r"解读率(?:为|达到?|是|均为|达)?(?P<a>\d+(?:\.\d+)?)%|解读率(?:为|达到?|是)?(?P<b>百分之百)|"
                     r"(?P<c>\d+(?:\.\d+)?)%(?:同步)?(?:政策)?解读")


def stated_rates(report: Report) -> list[tuple[float, str, Optional[Paragraph], Optional[int]]]:
    out = []
    for para, idx, sent in sentences(report):
        for m in RATE_RE.finditer(sent):
            v = m.group("a") or m.group("c")
            rate = 1.0 if m.group("b") else float(v) / 100
            out.append((rate, sent, para, idx))
    return out


# --------------------------------------------------------------------------- table values

def _num(cell) -> Optional[float]:
    if cell is None or cell.kind != "number" or cell.value is None:
        return None
    return cell.value


def _row_total(report: Report, table: str, row: str) -> Optional[float]:
    data = getattr(report.tables, table) or {}
    cells = data.get(row)
    if not cells:
        return None
    t = _num(cells.get("total"))
    if t is not None:
        return t
    vals = [_num(c) for k, c in cells.items() if k != "total"]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _group_total(report: Report, prefix: str) -> Optional[float]:
    """Sum of the 表三 outcome rows whose template label starts with （三）, （四）…"""
    resolved = resolve_table(report, "applications")
    if not resolved:
        return None
    _, spec = resolved
    rows = [r.key for r in spec.rows if r.label.startswith(prefix)]
    vals = [_row_total(report, "applications", r) for r in rows]
    if not rows or any(v is None for v in vals):
        return None
    return sum(vals)




def _disclosure(report: Report, row: str, column_pred) -> Optional[tuple[float, str, str]]:
    part, first = disclosure_first_part(report)
    if not part:
        return None
    col = column_pred(part, first)
    if not col:
        return None
    v = _num(((report.tables.disclosure or {}).get(row) or {}).get(col))
    if v is None:
        return None
    label = next(c.label for c in part.columns if c.key == col)
    return v, col, label


def table_values(report: Report, metric: str) -> Optional[tuple[list[float], str, dict]]:
    """The table figure(s) a stated count may equal, a description, and the location."""
    A = "applications"
    simple = {"new_received": "new_received", "carried_over": "carried_over",
              "carried_forward": "carried_forward", "handled": "total", "granted": "granted",
              "partially_granted": "partially_granted"}
    if metric in simple:
        row = simple[metric]
        v = _row_total(report, A, row)
        if v is None:
            return None
        accept = [v]
        if metric == "new_received":  # “共受理 N 件（含上年结转）” counts 一 + 二
            c = _row_total(report, A, "carried_over")
            if c:
                accept.append(v + c)
        return accept, _row_desc(report, A, row), {"table": A, "row": row, "column": "total"}
    if metric == "granted_or_partial":
        a, b = _row_total(report, A, "granted"), _row_total(report, A, "partially_granted")
        if a is None or b is None:
            return None
        return [a + b], "表三“（一）予以公开”与“（二）部分公开”总计之和", {"table": A, "row": "granted", "column": "total"}
    groups = {"denied": ("（三）", "（三）不予公开"), "unavailable": ("（四）", "（四）无法提供"),
              "not_processed": ("（五）", "（五）不予处理")}
    if metric in groups:
        prefix, name = groups[metric]
        v = _group_total(report, prefix)
        if v is None:
            return None
        return [v], f"表三“{name}”各项之和", {"table": A, "row": None, "column": "total"}
    R = "reviews"
    if metric == "review":
        v = _row_total(report, R, "review")
        return ([v], "表四“行政复议”总计", {"table": R, "row": "review", "column": "total"}) if v is not None else None
    if metric in ("litigation", "reviews_all"):
        d = _row_total(report, R, "litigation_direct")
        a = _row_total(report, R, "litigation_after_review")
        if d is None or a is None:
            return None
        if metric == "litigation":
            return [d + a, d], "表四“行政诉讼”两组总计之和", {"table": R, "row": "litigation_direct", "column": "total"}
        r = _row_total(report, R, "review")
        if r is None:
            return None
        return [r + d + a], "表四行政复议与行政诉讼总计之和", {"table": R, "row": "review", "column": "total"}
    D = "disclosure"
    if metric in ("normative_issued", "regulations_issued"):
        row = "normative_documents" if metric == "normative_issued" else "regulations"
        got = _disclosure(report, row, lambda part, first: first)
        if not got:
            return None
        v, col, label = got
        rl = "规范性文件" if row == "normative_documents" else "规章"
        return [v], f"表二“{rl}”的“{label}”", {"table": D, "row": row, "column": col}
    if metric == "docs_in_force":
        got = _disclosure(report, "normative_documents",
                          lambda part, first: next((c.key for c in part.columns if c.key == "in_force"), None))
        if not got:
            return None
        v, col, label = got
        return [v], f"表二“行政规范性文件”的“{label}”", {"table": D, "row": "normative_documents", "column": col}
    return None


def _row_desc(report: Report, table: str, row: str) -> str:

    resolved = resolve_table(report, table)
    label = short_label(row_label(resolved[1], row)) if resolved else row
    return f"{TABLE_NAMES[table]}“{label}”总计"


# --------------------------------------------------------------------------- findings

RULE_OF = {
    "new_received": "X101", "carried_over": "X101", "carried_forward": "X101", "handled": "X101",
    "granted": "X101", "partially_granted": "X101", "granted_or_partial": "X101", "denied": "X101", "unavailable": "X101",
    "not_processed": "X101",
    "review": "X102", "litigation": "X102", "reviews_all": "X102",
    "normative_issued": "X103", "regulations_issued": "X103", "docs_in_force": "X103",
}
OTHER_SCOPE_RULE = "X104"
METRIC_NAMES = {
    "new_received": ("收到（受理）政府信息公开申请", "applications received"),
    "carried_over": ("上年结转申请", "applications carried over"),
    "carried_forward": ("结转下年度申请", "applications carried forward"),
    "handled": ("办结（答复）申请", "applications handled"),
    "granted": ("予以公开", "granted"),
    "granted_or_partial": ("予以公开和部分公开", "granted in full or in part"),
    "partially_granted": ("部分公开", "partially granted"),
    "denied": ("不予公开", "denied"),
    "unavailable": ("无法提供", "unavailable"),
    "not_processed": ("不予处理", "not processed"),
    "review": ("行政复议", "administrative reviews"),
    "litigation": ("行政诉讼", "lawsuits"),
    "reviews_all": ("行政复议和行政诉讼", "reviews and lawsuits"),
    "normative_issued": ("制发规范性文件", "normative documents issued"),
    "regulations_issued": ("制发规章", "regulations issued"),
    "docs_in_force": ("现行有效规范性文件", "normative documents in force"),
}






def _where_text(para: Optional[Paragraph]) -> tuple[str, str]:
    if para is None or para.section is None:
        return "正文", "the text"
    numerals = "一二三四五六"
    n = para.section
    return (f"第{numerals[n - 1]}部分" if 1 <= n <= 6 else "正文"), f"part {n}"


def _hits(report: Report) -> Iterator[Hit]:
    seen: set[tuple] = set()
    for st in extract_statements(report):
        rule = RULE_OF.get(st.metric)
        if not rule or st.approx:
            continue
        got = table_values(report, st.metric)
        if not got:
            continue
        accept, desc, loc = got
        if any(abs(st.value - a) < 1e-9 for a in accept):
            continue
        key = (st.metric, st.value, st.sentence, st.scope)
        if key in seen:
            continue
        seen.add(key)
        name_zh, name_en = METRIC_NAMES[st.metric]
        where_zh, where_en = _where_text(st.paragraph)
        location = paragraph_location(st.paragraph, st.paragraph_index)
        stated = "0 件（“未收到”或“未发生”）" if st.zero else f"{st.value} 件"
        note_zh, note_en = _split_note(report, loc, st.value)
        args = {"note": note_zh, "note_en": note_en, "part": where_zh, "part_en": where_en, "quote": quote(st.sentence), "what": name_zh,
                "what_en": name_en, "stated": stated, "stated_value": st.value,
                "table_desc": desc, "table_value": fmt_num(accept[0]), "scope": st.scope_reason}
        data = {"metric": st.metric, "stated": st.value, "table": accept[0], "scope": st.scope,
                "scope_marker": st.scope_reason, "sentence": st.sentence, "table_cell": loc}
        if st.scope == "self":
            yield Hit(rule, args=args, location=location, expected=_plain(accept[0]), actual=st.value, data=data)
        elif st.scope_reason != "其中":  # a part is smaller than its whole by definition: no news
            yield Hit(OTHER_SCOPE_RULE, args=args, location=location, expected=_plain(accept[0]),
                      actual=st.value, data=data)


def _split_note(report: Report, loc: dict, stated: int) -> tuple[str, str]:
    """When the table figure was separated from run-together digits that also hold the stated
    figure, the text may be right and the separation wrong (r80628: “34” read as 3|40)."""

    if not loc.get("row") or not loc.get("column"):
        return "", ""
    cell = report.cell(loc["table"], loc["row"], loc["column"])
    if cell is None or cell.derived != "split":
        return "", ""
    raw, ambiguous = split_source(report, loc["table"], loc["row"])
    digits = re.sub(r"\D", "", raw or "")
    # only when the parser had to guess: a forced separation is no excuse for the table
    if ambiguous and digits and str(stated) in digits:
        return (f"（表格此行数字原文连写为“{raw}”，也可能是表格数字拆分有误，正文的 {stated} 或许才对）",
                f" (the table row's digits are run together as “{raw}”; the separation may be wrong and the "
                f"text's {stated} right)")
    return "", ""


def _plain(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _rule(rule: str):
    def check(report: Report, ctx: RuleContext) -> Iterable[Hit]:
        return [h for h in _hits(report) if h.rule == rule]
    check.__name__ = f"check_{rule.lower()}"
    return check


@hookimpl
def report_lint_rules():
    return [RuleImpl(r, _rule(r)) for r in ("X101", "X102", "X103", OTHER_SCOPE_RULE)]
