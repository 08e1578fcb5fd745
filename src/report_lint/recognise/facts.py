"""Narrative facts: everything the prose states that a rule compares with something — the statistics
period, documents issued / repealed / in force, interpretations (counts, 全部/均, stated rates),
applications and their outcomes, 行政复议 / 行政诉讼, fees, 考核 / 评议 / 追究 statements, stated time
limits, dates, placeholders left from the template — read once, into `Report.facts`.

How:
- the paragraphs of a part are joined into runs; a line that does not end a sentence continues on the
  next (PDF and Markdown wrap inside sentences: "统计期限为 2025\\n年 1 月 1 日");
- runs are normalised (report_lint.text.fold_map) keeping each character's source offset, so a fact
  quotes the report exactly;
- a figure is an Arabic or Chinese numeral with a unit (十一件, 两件); approximate ones (约、余、近、多)
  and ranges (10-12件) are kept, flagged `approx`;
- what it counts comes from the words before it in its clause (受理…申请 17 件) or right after it
  (3件同步发布了政策解读), per rules/phrasing/counts.toml;
- whose figure it is (scope) from the clause's subject, per rules/phrasing/scope.toml.
All wording is data in rules/phrasing/; this module holds only the procedure.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..model import Fact, Location, Report
from ..phrasing import alternation, phrasing, rx
from ..text import cn_to_int, cn_year, fold_map

MAX_FACTS = 5000  # a report states a few dozen; a hostile file gets no more than this
MAX_SENTENCE = 1500  # a longer "sentence" is a flattened table or a page without punctuation
CLAUSE_DELIMS = ",;:。!?"
_CN_NUM = "〇零一二两三四五六七八九十百千万"

# (text as written, part, location, length of the part's heading the text starts with)
Source = tuple[str, int | None, Location | None, int]


# --------------------------------------------------------------------------- phrasing, compiled once

@dataclass(frozen=True)
class CountKind:
    key: str
    label: str
    label_en: str
    units: frozenset
    before: re.Pattern | None
    after: re.Pattern | None
    verb: re.Pattern | None
    needs: re.Pattern | None
    not_before: re.Pattern | None
    outcome: bool
    keep_part: bool
    any_year: bool


def _opt(pattern: str | None) -> re.Pattern | None:
    return rx(pattern) if pattern else None


@lru_cache(maxsize=1)
def count_kinds() -> tuple[CountKind, ...]:
    return tuple(CountKind(
        key=k["kind"], label=k["label"], label_en=k["label_en"], units=frozenset(k["units"]),
        before=_opt(k.get("before")), after=_opt(k.get("after")), verb=_opt(k.get("verb")),
        needs=_opt(k.get("needs")), not_before=_opt(k.get("not_before")), outcome=k.get("outcome", False),
        keep_part=k.get("keep_part", False), any_year=k.get("any_year", False))
        for k in phrasing()["counts"]["count"])


@lru_cache(maxsize=1)
def _kind_by_key() -> dict[str, CountKind]:
    return {k.key: k for k in count_kinds()}


def label_of(kind: str) -> tuple[str, str]:
    """(label, label_en) of a count kind."""
    k = _kind_by_key().get(kind)
    return (k.label, k.label_en) if k else (kind, kind)


@lru_cache(maxsize=1)
def _token_rx() -> re.Pattern:
    n = phrasing()["numbers"]
    return rx(rf"(?P<pre>{alternation(n['approx_before'])})?(?P<num>\d+(?:,\d{{3}})*|[{_CN_NUM}]+)"
              rf"(?P<more>{alternation(n['approx_after'])})?(?P<unit>{alternation(n['count_units'])})")


@lru_cache(maxsize=1)
def _figure_rx() -> re.Pattern:
    """What every match of _token_rx holds: a numeral's last character, 余/多, a unit. Opening with a
    character set, it is found by re's quick scan; _token_rx, opening with an optional group, is tried at
    every position — most sentences hold no figure, and need not be."""
    n = phrasing()["numbers"]
    return rx(rf"[\d{_CN_NUM}](?:{alternation(n['approx_after'])})?(?:{alternation(n['count_units'])})")


@lru_cache(maxsize=1)
def _range_rx() -> re.Pattern:
    return rx(rf"(\d+|[{_CN_NUM}]+)(?:{alternation(phrasing()['numbers']['range_joiners'])})$")


@lru_cache(maxsize=1)
def _not_counted_rx() -> re.Pattern:
    n = phrasing()["numbers"]
    return rx(rf"^(?:{alternation(n['not_counted_after'])})")


@lru_cache(maxsize=1)
def _following_rx() -> re.Pattern:
    return rx(rf"^(?:{alternation(phrasing()['numbers']['approx_following'])})")


def _scope_rx(name: str) -> re.Pattern:
    return rx(phrasing()["scope"][name])


def _st(section: str) -> dict:
    return phrasing()["statements"][section]


# Dates: 2024年3月1日, 2024-03-01, 二〇二四年三月一日 (the second date of a range may leave out its year).
_YMD = r"(?P<y{n}>(?:19|20)\d{{2}})年(?P<m{n}>\d{{1,2}})月(?P<d{n}>\d{{1,2}})日"
_ISO = r"(?P<iy{n}>(?:19|20)\d{{2}})[-./](?P<im{n}>\d{{1,2}})[-./](?P<id{n}>\d{{1,2}})"
_CN = (r"(?P<cy{n}>[〇○零一二三四五六七八九O]{{4}})年"
       r"(?P<cm{n}>[一二三四五六七八九十]{{1,3}})月(?P<cd{n}>[一二三四五六七八九十]{{1,3}})日")
_MD = r"(?:(?P<y{n}>(?:19|20)\d{{2}})年)?(?P<m{n}>\d{{1,2}})月(?P<d{n}>\d{{1,2}})日"
_CN_MD = (r"(?:(?P<cy{n}>[〇○零一二三四五六七八九O]{{4}})年)?"
          r"(?P<cm{n}>[一二三四五六七八九十]{{1,3}})月(?P<cd{n}>[一二三四五六七八九十]{{1,3}})日")


@lru_cache(maxsize=1)
def _period_rx() -> re.Pattern:
    first = "(?:" + "|".join(p.format(n=1) for p in (_YMD, _ISO, _CN)) + ")"
    second = "(?:" + "|".join(p.format(n=2) for p in (_MD, _ISO, _CN_MD)) + ")"
    return rx(first + rf"(?:{_st('period')['joiner']})+(?:今年|本年|当年)?" + second + "(?:止)?")


@lru_cache(maxsize=1)
def _period_year_rx() -> re.Pattern:
    return rx(rf"(?:{_st('period')['anchor']})(?:为|是|:)?(?:自|从)?(?P<y>(?:19|20)\d{{2}})年度?(?!\d{{1,2}}月)")


def _date_of(m: re.Match, n: int, default_year: int | None = None) -> date | None:
    g = m.groupdict()
    try:
        if g.get(f"m{n}"):
            y = int(g[f"y{n}"]) if g.get(f"y{n}") else default_year
            return date(y, int(g[f"m{n}"]), int(g[f"d{n}"])) if y else None
        if g.get(f"im{n}"):
            return date(int(g[f"iy{n}"]), int(g[f"im{n}"]), int(g[f"id{n}"]))
        if g.get(f"cm{n}"):
            y = cn_year(g[f"cy{n}"]) if g.get(f"cy{n}") else default_year
            mo, d = cn_to_int(g[f"cm{n}"]), cn_to_int(g[f"cd{n}"])
            return date(y, mo, d) if y and mo and d else None
    except (ValueError, TypeError):
        return None  # 2月30日: not a date
    return None


@lru_cache(maxsize=1)
def _reply_dates_rx() -> re.Pattern:
    # built once: assembling the pattern for every sentence cost more than searching with it
    st = _st("reply_dates")
    d = st["date"]
    return rx(d + rf"[^。;]{{0,12}}?(?:{st['received']})[^。;]{{0,60}}?" + d + rf"[^。;]{{0,12}}?(?:{st['replied']})")


@lru_cache(maxsize=1)
def _any_topic_rx() -> re.Pattern | None:
    """Any topic's words: a sentence none of them is in names no topic. None when a topic's words hold a
    group (joined, their names or numbers could clash)."""
    words = [t["words"] for t in _st("topic")]
    if any(rx(w).groups for w in words):
        return None
    return rx("|".join(f"(?:{w})" for w in words))


# --------------------------------------------------------------------------- runs of narrative

@lru_cache(maxsize=1)
def _heading_rx() -> re.Pattern:
    return rx(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、](?!\d)|#)")


def _separator(prev: str, nxt: str) -> str:
    """What joins two lines: nothing when a sentence wraps, a break when the first ends a sentence or
    either is a heading, a space between two digits (10\\n1 are two numbers)."""
    if prev[-1] in "。!?;:" or _heading_rx().match(nxt) or _heading_rx().match(prev):
        return "\n"
    if prev[-1].isdigit() and nxt[0].isdigit():
        return " "
    return ""


class Run:
    """The narrative of one part as one normalised string; character k came from offset `at[k]` of the
    text of source `src[k]`, or is a separator added between lines (both -1). Two lists of ints rather
    than a pair per character: building them is a large share of reading the facts."""

    def __init__(self, sources: list[Source], members: list[int]):
        self.sources = sources
        pieces: list[str] = []
        src: list[int] = []
        at: list[int] = []
        prev = ""
        for i in members:
            text, head = sources[i][0], sources[i][3]
            # the heading a flattened page runs into its first sentence stands on its own line
            lines = ([text[:head]] if head else []) + text[head:].split("\n")
            off = 0
            for line in lines:
                t, idx = fold_map(line)
                if t:
                    if prev:
                        sep = _separator(prev, t)
                        if sep:
                            pieces.append(sep)
                            src.append(-1)
                            at.append(-1)
                    pieces.append(t)
                    src.extend([i] * len(t))
                    at.extend(map(off.__add__, idx) if off else idx)
                    prev = t
                off += len(line) + (0 if head and off == 0 else 1)
        self.text = "".join(pieces)
        self.src, self.at = src, at

    def raw(self, a: int, b: int) -> str:
        """The source text of run[a:b], as written, without the line breaks of wrapped lines."""
        pieces: list[str] = []
        cur, lo, hi = -1, 0, 0
        for k in range(max(0, a), min(b, len(self.src))):
            i = self.src[k]
            if i < 0:
                continue
            if i != cur:
                if cur >= 0:
                    pieces.append(self.sources[cur][0][lo:hi + 1])
                cur, lo = i, self.at[k]
            hi = self.at[k]
        if cur >= 0:
            pieces.append(self.sources[cur][0][lo:hi + 1])
        return rx(r"[ \t\u3000]*[\r\n]+[ \t\u3000]*").sub("", "".join(pieces)).strip()

    def where(self, a: int) -> tuple[int | None, Location | None]:
        for k in range(max(0, a), len(self.src)):
            if self.src[k] >= 0:
                _, section, loc, _ = self.sources[self.src[k]]
                return section, loc
        return None, None


def _head(text: str, title: str | None) -> int:
    """Length of the part heading `text` starts with (0 when it does not)."""
    if not title:
        return 0
    body = text.lstrip()
    return len(text) - len(body) + len(title) if body.startswith(title) else 0


def sources_of(report: Report) -> list[Source]:
    titles: dict[int | None, str | None] = {s.number: s.title for s in report.sections if s.present}
    if report.paragraphs:
        return [(p.text, p.section, p.location if p.location is not None else Location(paragraph=i),
                 _head(p.text, titles.get(p.section))) for i, p in enumerate(report.paragraphs)]
    return [(s.text, s.number, s.start, 0) for s in report.sections if s.present and s.text]


def runs_of(sources: list[Source]) -> list[Run]:
    """Consecutive sources of the same part form one run."""
    runs: list[Run] = []
    members: list[int] = []
    part: object = object()
    for i, (_, section, _, _) in enumerate(sources):
        if members and section != part:
            runs.append(Run(sources, members))
            members = []
        members.append(i)
        part = section
    if members:
        runs.append(Run(sources, members))
    return runs


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in rx(r"[。!?;\n]").finditer(text):
        if m.end() - start > 1:
            yield start, text[start:m.end()]
        start = m.end()
    if len(text) - start > 0:
        yield start, text[start:]


def _clause_span(s: str, a: int, b: int, cap: int = 16) -> tuple[int, int]:
    """The clause around s[a:b], at most `cap` characters either side: a quote that reads."""
    return max(_clause_start(s, a), a - cap), min(_clause_end(s, b), b + cap)


def mask_titles(sentence: str) -> str:
    """The sentence with the inside of 《…》 blanked (same length): a document's title (《…信息处理费管理
    办法》, 《…2023年…》) states nothing about this report."""
    if "《" not in sentence and "〈" not in sentence:
        return sentence
    out, depth, pos = [], 0, 0
    for m in rx("[《〈》〉]").finditer(sentence):  # bracket by bracket: the text between keeps its depth
        k = m.start()
        out.append("〓" * (k - pos) if depth else sentence[pos:k])
        ch = sentence[k]
        if ch in "》〉" and depth:
            depth -= 1
        out.append("〓" if depth else ch)
        if ch in "《〈":
            depth += 1
        pos = k + 1
    out.append("〓" * (len(sentence) - pos) if depth else sentence[pos:])
    return "".join(out)


def _clause_start(s: str, pos: int) -> int:
    i = pos
    while i > 0 and s[i - 1] not in CLAUSE_DELIMS:
        i -= 1
    return i


def _clause_end(s: str, pos: int) -> int:
    i = pos
    while i < len(s) and s[i] not in CLAUSE_DELIMS:
        i += 1
    return i


# --------------------------------------------------------------------------- figures

@dataclass
class Token:
    value: int
    start: int  # of the numeral
    end: int  # after the unit
    unit: str
    approx: bool
    low: int | None = None  # a range's lower bound


def _slogan_spans(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx(phrasing()["numbers"]["slogan"]).finditer(sentence)]


def tokens(sentence: str) -> list[Token]:
    """The counted figures of a sentence (normalised text)."""
    if _figure_rx().search(sentence) is None:
        return []
    glued = phrasing()["numbers"]["word_before_numeral"]
    slogans: list[tuple[int, int]] | None = None  # looked for once a figure is there (most sentences hold none)
    out = []
    for m in _token_rx().finditer(sentence):
        raw, a = m.group("num"), m.start("num")
        if slogans is None:
            slogans = _slogan_spans(sentence)
        if any(x <= a < y for x, y in slogans):
            continue
        before = sentence[a - 1] if a > 0 else ""
        if before == "第" or (before.isdigit()):
            continue  # an ordinal, or the tail of a longer number
        value: int | None
        if raw[0].isdigit():
            value = int(raw.replace(",", ""))
        else:
            if raw in ("零", "〇"):  # 零件 is "spare parts", not zero
                continue
            value = cn_to_int(raw)
            if value is None or (raw[0] in "一二两" and before and before in glued):
                continue  # 统一件, 之一: a word, not a figure
        if _not_counted_rx().match(sentence[m.end():]):
            continue  # the classifier counts something else (3个工作日, 六个部分)
        r = _range_rx().search(sentence[max(0, m.start() - 8):m.start()]) if not m.group("pre") else None
        low = None
        if r:
            lo = r.group(1)
            low = int(lo) if lo.isdigit() else cn_to_int(lo)
        approx = bool(m.group("pre") or m.group("more") or low is not None
                      or _following_rx().match(sentence[m.end():]))
        out.append(Token(value, a, m.end(), m.group("unit"), approx, low))
    return out


def classify(sentence: str, tok: Token, prev_end: int, context: str = "") -> tuple[CountKind, int, int] | None:
    """What a figure counts: (kind, start of the phrase, end of the phrase) or None. `context`: the
    sentence before, for the words a kind needs (受理申请21件。其中予以公开8件…)."""
    cstart = max(_clause_start(sentence, tok.start), prev_end)
    pre = sentence[cstart:tok.start]
    post = re.split(r"[(\d]", sentence[tok.end:_clause_end(sentence, tok.end)], maxsplit=1)[0]
    for k in count_kinds():
        if tok.unit not in k.units or (k.needs and not k.needs.search(context + sentence)):
            continue
        m = k.before.search(pre) if k.before else None
        if m and not (k.not_before and k.not_before.search(pre[m.start():])):
            return k, cstart + m.start(), tok.end
    for k in count_kinds():
        if tok.unit not in k.units or not k.after or (k.needs and not k.needs.search(context + sentence)):
            continue
        m = k.after.search(post)
        if m and not (k.verb and not k.verb.search(pre)):  # 制发了 11 件规范性文件: the verb before
            return k, tok.start, tok.end + m.end()
    return None


# --------------------------------------------------------------------------- scope

def organ_names(organ: str | None) -> list[str]:
    """The reporting organ's own names: 淮安市洪泽区人民政府 → 淮安市洪泽区政府, 洪泽区政府, 区政府…"""
    organ = organ or ""
    names = set()
    if organ:
        names |= {organ, organ.replace("人民政府", "政府")}
        core = rx(r"(人民政府|政府|管委会|管理委员会)$").sub("", organ)
        m = rx(r"([\u4e00-\u9fa5]{1,8}?(?:自治州|自治县|省|市|区|县|旗|州|镇|乡|街道))$").search(core)
        if m and core != organ:
            names |= {m.group(1) + "政府", m.group(1) + "人民政府", m.group(1)[-1] + "政府", m.group(1)}
        elif rx(r"(?:省|市|区|县|旗|州|镇|乡|街道)$").search(organ):
            # the region itself names the government (平潭综合实验区 → 实验区管委会, 区政府)
            for i in range(len(organ) - 1):
                tail = organ[i:]
                names |= {tail + "人民政府", tail + "政府", tail + "管委会", tail + "党工委管委会"}
            names |= {organ, organ[-1] + "政府", organ[-1] + "管委会", organ[-1] + "人民政府"}
        elif core == organ:  # a department: 沭阳县发展和改革局 → 县发展和改革局, 发展和改革局
            m = re.match(r"^.*?(?:省|市|区|县|旗|州)", organ)
            if m:
                names |= {organ[m.end():], organ[m.end() - 1:]}
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


class Scoper:
    """Whose figure a clause states, for one report."""

    def __init__(self, organ: str | None):
        self.names = organ_names(organ)

    def clause_scope(self, subject: str) -> tuple[str, str] | None:
        m = _scope_rx("other").search(subject)
        if m:
            return "other", (_scope_rx("time").sub("", subject) or m.group(0)).strip(",、:()")
        # a name inside brackets or a title (《平潭综合实验区…手册》) is no subject
        stripped = _scope_rx("time").sub("", re.sub(r"\([^()]*\)|《[^《》]*》", "", subject))
        for n in self.names:
            if n in stripped:
                stripped = stripped.replace(n, "")
                if not _scope_rx("entity").search(stripped):
                    return "self", n
        m = _scope_rx("self").search(stripped)
        if m:
            return "self", m.group(0)
        m = _scope_rx("entity").search(stripped)
        if m:
            return "other", stripped[max(0, m.start() - 6):m.end()]
        r = _scope_rx("region").search(stripped)
        if r:
            return "region", r.group(0)
        return None

    @staticmethod
    def subject_part(clause: str) -> str:
        """The part of a clause before its first keyword or figure: where its subject sits."""
        cut = len(clause)
        m = rx(r"\d|[一二两三四五六七八九十]+[件起宗个次篇条份项部期]").search(clause)
        if m:
            cut = m.start()
        for k in count_kinds():
            hit = k.before.search(clause) if k.before else None
            if hit and hit.start() < cut:
                cut = hit.start()
        return clause[:cut]

    def scope(self, sentence: str, subject_end: int, kind: CountKind | None = None) -> tuple[str, str]:
        """(scope, the words that show it). The subject is the clause's text before the keyword; a
        clause without one inherits the nearest earlier clause's subject (“区财政局受理申请 5 件，办结
        5 件”). A 其中 makes a figure a part of another (unless it is an outcome, or an interpretation
        count: 其中3件同步解读 is the organ's own)."""
        prefix = sentence[:subject_end]
        for name in ("plan", "example"):
            m = _scope_rx(name).search(prefix)
            if m:
                return name, m.group(0)
        start = _clause_start(sentence, subject_end)
        subject = sentence[start:subject_end]
        prev_start = _clause_start(sentence, max(0, start - 1))
        part = _scope_rx("part_of")
        if (kind is None or not (kind.outcome or kind.keep_part)) and (
                part.search(subject) or part.fullmatch(sentence[prev_start:max(0, start - 1)])):
            return "other", "其中"
        found = self.clause_scope(subject)
        if found:
            return found
        pos = start - 1
        while pos > 0:
            pstart = _clause_start(sentence, pos)
            clause = sentence[pstart:pos]
            if clause and not _scope_rx("frame").search(clause):  # “根据市政府办公室部署，…” frames
                found = self.clause_scope(self.subject_part(clause))
                if found:
                    return found
            pos = pstart - 1
        return "self", ""


# --------------------------------------------------------------------------- extraction

class _Extractor:
    def __init__(self, report: Report):
        self.report = report
        self.scoper = Scoper(report.meta.organ)
        self.facts: list[Fact] = []
        self.mentioned: set[str | tuple] = set()  # (topic kind, part) once per part; the bare interpretation mention

    def add(self, run: Run, s0: int, sentence: str, kind: str, label: str, label_en: str, a: int, b: int,
            value=None, unit=None, scope="self", approx=False, **data) -> None:
        if len(self.facts) >= MAX_FACTS:
            return
        section, loc = run.where(s0 + a)
        self.facts.append(Fact(kind=kind, label=label, label_en=label_en, value=value, unit=unit, scope=scope,
                               approx=approx, text=run.raw(s0 + a, s0 + b), sentence=run.raw(s0, s0 + len(sentence)),
                               section=section, location=loc, data={k: v for k, v in data.items() if v is not None}))

    # -- per run
    def run(self, run: Run) -> None:
        skip = self.placeholders(run)
        before = ""
        for s0, sent in _sentences(run.text):
            context, before = before, sent
            if skip and any(x < s0 + len(sent) and s0 < y for x, y in skip):
                continue  # an instruction left from the template states nothing
            # Most sentences hold no digit, and a period, a time limit, the reply dates and a stale year
            # are all written with digits (a period's Chinese year with 年): those readings need not run
            digits = rx(r"\d").search(sent) is not None
            if digits or "年" in sent:
                self.periods(run, s0, sent)
            if len(sent) > MAX_SENTENCE or rx(phrasing()["numbers"]["table_text"]).search(sent):
                continue
            first = len(self.facts)
            plain = mask_titles(sent)  # offsets stay those of `sent`
            self.counts(run, s0, plain, context)
            self.zeros(run, s0, plain)
            self.interpretation(run, s0, sent, first)
            self.fees(run, s0, plain)
            self.topics(run, s0, sent)
            if digits:
                self.time_limits(run, s0, plain)
                self.reply_dates(run, s0, plain)
                self.stale_year(run, s0, sent)

    def placeholders(self, run: Run) -> list[tuple[int, int]]:
        st = _st("placeholder")
        found = sorted((m.span() for pattern in st["patterns"] for m in rx(pattern).finditer(run.text)),
                       key=lambda sp: (sp[0], -sp[1]))
        spans: list[tuple[int, int]] = []
        for a, b in found:
            if spans and a < spans[-1][1]:
                continue  # 20XX年 inside a longer placeholder
            spans.append((a, b))
            line_start = run.text.rfind("\n", 0, a) + 1
            line_end = run.text.find("\n", b)
            line = run.text[line_start:line_end if line_end >= 0 else len(run.text)]
            self.add(run, line_start, line, "placeholder", st["label"], st["label_en"], a - line_start,
                     b - line_start, value=run.raw(a, b))
        return spans

    def periods(self, run: Run, s0: int, sent: str) -> None:
        st = _st("period")
        anchor = rx(st["anchor"])
        found = False
        # every period ends its dates with 日 or holds an ISO date: without either the pattern (no quick
        # scan for its start) need not run
        maybe = "日" in sent or rx(r"\d[-./]\d{1,2}[-./]\d").search(sent) is not None
        for m in _period_rx().finditer(sent) if maybe else ():
            start = _date_of(m, 1)
            if start is None:
                continue
            end = _date_of(m, 2, default_year=start.year)
            if end is None or end < start:
                continue
            anchored = bool(anchor.search(sent))
            whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
            if not anchored and not (whole_year and rx(st["about_report"]).search(sent)):
                continue
            found = True
            self.add(run, s0, sent, "statistics_period", st["label"], st["label_en"], m.start(), m.end(),
                     value=f"{start.isoformat()}/{end.isoformat()}", start=start.isoformat(), end=end.isoformat(),
                     years=sorted({start.year, end.year}))
        if not found:
            year = _period_year_rx().search(sent)
            if year:
                y = int(year.group("y"))
                self.add(run, s0, sent, "statistics_period", st["label"], st["label_en"], year.start(), year.end(),
                         value=f"{y}-01-01/{y}-12-31", start=f"{y}-01-01", end=f"{y}-12-31", years=[y],
                         year_only=True)

    def counts(self, run: Run, s0: int, sent: str, context: str = "") -> None:
        prev_end = 0
        multi, this_year = _scope_rx("multi_year"), _scope_rx("this_year")
        for tok in tokens(sent):
            got = classify(sent, tok, prev_end, context)
            prev_end = tok.end
            if got is None:
                continue
            kind, a, b = got
            clause = sent[_clause_start(sent, tok.start):tok.start]
            if not kind.any_year and multi.search(clause) and not this_year.search(clause):
                continue  # 历年/以来/累计 (without 全年): not this year's figure
            scope, why = self.scoper.scope(sent, a, kind)
            extra = {}
            if kind.key == "interpretations":
                extra = self._interpretation_extras(sent, tok)
            self.add(run, s0, sent, kind.key, kind.label, kind.label_en, a, b, value=tok.value, unit=tok.unit,
                     scope=scope, approx=tok.approx, scope_marker=why or None,
                     part_of=True if why == "其中" else None,
                     range=[tok.low, tok.value] if tok.low is not None else None, **extra)

    def _interpretation_extras(self, sent: str, tok: Token) -> dict:
        st = _st("interpretation")
        clause = sent[_clause_start(sent, tok.start):_clause_end(sent, tok.end)]
        combined = bool(rx(r"(?:及|和|与)解读").search(clause))  # 政策及解读共2条: two things in one figure
        return {"of_documents": bool(rx(st["documents"]).search(sent)) and not combined,
                "combined": True if combined else None}

    def zeros(self, run: Run, s0: int, sent: str) -> None:
        for z in phrasing()["counts"].get("zero", []):
            for m in rx(z["pattern"]).finditer(sent):
                if z.get("not_followed_by") and rx(z["not_followed_by"]).match(sent[m.end():]):
                    continue
                named = [z["named"][g] for g in (m.groupdict().get("what"), m.groupdict().get("what2")) if g]
                kinds = list(dict.fromkeys(named)) if named else z["kinds"]
                scope, why = self.scoper.scope(sent, m.start())
                for key in kinds:
                    label, label_en = label_of(key)
                    self.add(run, s0, sent, key, label, label_en, m.start(), m.end(), value=0, unit="件",
                             scope=scope, scope_marker=why or None, zero=True)

    def interpretation(self, run: Run, s0: int, sent: str, first: int) -> None:
        """Stated rates, share words (全部/均/同步 … 解读) and, once, a plain mention of 解读. `first`:
        where this sentence's facts begin (its interpretation counts are already read)."""
        st = _st("interpretation")
        if "解读" not in sent:
            return
        docs = bool(rx(st["documents"]).search(sent))
        for pattern in st["rate"]:
            for m in rx(pattern).finditer(sent):
                g = m.groupdict()
                pct = g.get("pct") or g.get("pct2")
                if g.get("all"):
                    rate = 1.0
                elif pct is not None:
                    rate = float(pct) / 100
                else:
                    continue  # a phrasing pattern that captured neither a percentage nor "all"
                scope, why = self.scoper.scope(sent, m.start())
                self.add(run, s0, sent, "interpretation_rate", st["rate_label"], st["rate_label_en"], m.start(),
                         m.end(), value=rate, unit="%", scope=scope, scope_marker=why or None, of_documents=docs)
        if docs and not any(f.kind in ("interpretations", "interpretation_rate") for f in self.facts[first:]):
            for m in rx(st["share"]).finditer(sent):
                if _scope_rx("commitment").search(sent[:m.start()]):
                    continue  # 确保…同步…解读: a rule, not what happened
                scope, why = self.scoper.scope(sent, m.start())
                self.add(run, s0, sent, "interpretation_share", st["share_label"], st["share_label_en"],
                         m.start(), m.end(), value=1.0, scope=scope, word=m.group("word"),
                         scope_marker=why or None)
                break
        said = any(f.kind.startswith("interpretation") for f in self.facts[first:])
        if not said and "interpretation_mention" not in self.mentioned:
            self.mentioned.add("interpretation_mention")
            a = sent.index("解读")
            self.add(run, s0, sent, "interpretation_mention", st["mention_label"], st["mention_label_en"],
                     *_clause_span(sent, a, a + 2))

    def fees(self, run: Run, s0: int, sent: str) -> None:
        st = _st("fees")
        m = rx(st["word"]).search(sent)
        if not m:
            return
        # the clause, and what follows it (信息处理费收取情况：无)
        a, b = _clause_start(sent, m.start()), min(len(sent), _clause_end(sent, m.end()) + 12)
        clause = sent[a:b]
        scope, why = self.scoper.scope(sent, m.start())
        money = rx(r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>万元|元)").search(clause)
        if money:
            v = float(money.group("num").replace(",", ""))
            self.add(run, s0, sent, "fees_charged", st["label"], st["label_en"], a, b,
                     value=int(v) if v.is_integer() else v, unit=money.group("unit"), scope=scope,
                     scope_marker=why or None)
        elif rx(st["none"]).search(clause):
            self.add(run, s0, sent, "fees_charged", st["label"], st["label_en"], a, b, value=0, unit="元",
                     scope=scope, scope_marker=why or None, none=True)
        else:
            self.add(run, s0, sent, "fees_charged", st["label"], st["label_en"], a, b, scope=scope,
                     scope_marker=why or None)

    def topics(self, run: Run, s0: int, sent: str) -> None:
        gate = _any_topic_rx()
        if gate is not None and gate.search(sent) is None:
            return  # most sentences name no topic: one search instead of one per topic
        negated = rx(_st("topics")["negated"])
        section, _ = run.where(s0)
        for t in _st("topic"):
            if (t["kind"], section) in self.mentioned:
                continue
            m = rx(t["words"]).search(sent)
            if not m:
                continue
            self.mentioned.add((t["kind"], section))
            clause = sent[_clause_start(sent, m.start()):m.start()]
            self.add(run, s0, sent, t["kind"], t["label"], t["label_en"], *_clause_span(sent, m.start(), m.end()),
                     negated=True if negated.search(clause) else None)

    def time_limits(self, run: Run, s0: int, sent: str) -> None:
        st = _st("time_limit")
        if not rx(st["context"]).search(sent) or rx(st["not_a_limit"]).search(sent):
            return
        for m in rx(st["number"]).finditer(sent):
            before = sent[max(0, m.start() - 6):m.start()]
            if not (m.group("within") or m.group("ext") or rx(st["limit_word"]).search(before)):
                continue
            a = max(sent.rfind(c, 0, m.start()) for c in ",:") + 1
            ends = [i for i in (sent.find(c, m.end()) for c in ",。;") if i >= 0]
            clause = sent[a:min(ends) if ends else len(sent)]
            if "补正" in sent and "告知" in clause and "答复" not in clause:
                what = "correction"
            elif "主动公开" in sent and "申请" not in sent:
                what = "proactive"
            else:
                what = "reply"
            self.add(run, s0, sent, "time_limit", st["label"], st["label_en"], m.start(), m.end(),
                     value=int(m.group("n")), unit="个工作日", limit=what, extended=bool(m.group("ext")) or None)

    def reply_dates(self, run: Run, s0: int, sent: str) -> None:
        st = _st("reply_dates")
        if "补正" in sent or rx(_st("time_limit")["not_a_limit"]).search(sent):
            return  # the clock restarts or stops (条例第三十条、第三十三条第二款)
        for m in _reply_dates_rx().finditer(sent):
            g = m.groups()
            self.add(run, s0, sent, "reply_dates", st["label"], st["label_en"], m.start(), m.end(),
                     received={"year": int(g[0]) if g[0] else None, "month": int(g[1]), "day": int(g[2])},
                     replied={"year": int(g[3]) if g[3] else None, "month": int(g[4]), "day": int(g[5])},
                     extended=True if "延长" in sent else None)

    def stale_year(self, run: Run, s0: int, sent: str) -> None:
        st = _st("stale_year")
        m = rx(st["opening"]).match(sent)
        if not m or rx(st["comparison"]).search(sent):
            return
        b = rx(st["this_year"]).search(sent, m.end())
        if b:
            self.add(run, s0, sent, "other_year_as_current", st["label"], st["label_en"], max(0, b.start() - 16),
                     min(len(sent), b.end() + 16), value=int(m.group(1)), mention=b.group(0))

    # -- whole report
    def signature(self, sources: list[Source]) -> None:
        """The date under the signature: the last date in the last few lines."""
        st = _st("signature")
        from .meta import date_matches, parse_date

        tail = [s for s in sources if s[0].strip()][-int(st["lines"]):]
        for text, section, loc, _ in reversed(tail):
            body = text.rstrip()
            window_start = max(0, len(body) - 60)
            found = date_matches(body[window_start:])
            if found:
                m = found[-1]
                d = parse_date(m.group(0))
                if d:
                    self.facts.append(Fact(kind="signature_date", label=st["label"], label_en=st["label_en"],
                                           value=d.isoformat(), text=m.group(0), sentence=body[-60:].strip(),
                                           section=section, location=loc))
                    return

    def plans_by_year(self, year: int | None) -> None:
        """A sentence about a later year (2026年，将…) states plans."""
        if year is None:
            return
        opening = rx(r"^\W*(?:在)?(20\d{2})年")  # (截至2024年1月 is a date in a 2023 report, no plan)
        for f in self.facts:
            if f.scope == "self" and f.kind not in ("statistics_period", "signature_date", "placeholder"):
                m = opening.match(fold_map(f.sentence)[0])
                if m and int(m.group(1)) > year:
                    f.scope = "plan"
                    f.data["scope_marker"] = m.group(0)


def extract_facts(report: Report) -> list[Fact]:
    """Every fact the narrative of `report` states (its paragraphs, else its parts' text)."""
    ex = _Extractor(report)
    sources = sources_of(report)
    for run in runs_of(sources):
        ex.run(run)
    ex.signature(sources)
    year = report.meta.year or next((f.data["years"][0] for f in ex.facts if f.kind == "statistics_period"), None)
    ex.plans_by_year(year)
    return ex.facts


__all__ = ["CountKind", "Run", "Scoper", "Token", "classify", "count_kinds", "extract_facts", "label_of",
           "organ_names", "runs_of", "sources_of", "tokens"]
