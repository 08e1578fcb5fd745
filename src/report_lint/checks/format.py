"""F family — format and wording: 文号 brackets (GB/T 9704), half-width punctuation in Chinese text,
non-standard title wording (SPEC.md §10.1)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .. import rxcache
from ..engine.types import Hit, RuleContext, RuleImpl, hookimpl
from ..model import Location, Report
from ..phrasing import alternation, phrasing, rx
from .helpers import (
    TITLE_PHRASE,
    clean_title,
    excerpt,
    narrative_blocks,
    normalize,
    to_finding_location,
    where_en,
    where_zh,
)

# ---------------------------------------------------------------------------------------------------
# 文号: issuer abbreviation + 〔year〕 + number + 号. The year must sit in 六角括号 〔〕 (GB/T 9704—2012
# 7.2.4). Flags round, square and lenticular brackets and a missing closing bracket ("〔202130号").
# Court case numbers ("(2020)京01行初17号") have letters after the year and do not match.

@lru_cache(maxsize=1)
def _docno() -> re.Pattern:
    # The issuer is taken possessively ({2,12}+): what follows it is never a Chinese character, so giving
    # characters back could never help, and trying to made this pattern most of F101's time.
    return rxcache.compile(
        r"(?P<issuer>[\u4e00-\u9fff]{2,12}+)\s*"
        r"(?:(?P<open>[（(\[【［〔{｛])\s*(?P<year>(?:19|20)\d{2})\s*(?P<close>[）)\]】］〕}｝])"
        r"|〔(?P<year2>(?:19|20)\d{2})(?=\d{1,4}\s*号))"
        r"\s*(?P<num>\d{1,4})\s*号")


@lru_cache(maxsize=1)
def _wrong_tail() -> re.Pattern:
    # What follows the issuer in every 文号 F101 reports (another bracket than 〔〕 around the year, or no
    # closing one): a text without it has nothing to report, and finding that out takes a tenth of the
    # time _docno takes (which tries its issuer at every Chinese character). The opening bracket comes
    # first, one character class the engine skips to; the lookbehinds say which one it was.
    return rxcache.compile(
        r"[（(\[【［{｛〔](?:(?<=[（(\[【［{｛])\s*(?:19|20)\d{2}\s*[）)\]】］〕}｝]"
        r"|(?<=〔)\s*(?:19|20)\d{2}\s*[）)\]】］}｝]|(?<=〔)(?:19|20)\d{2}(?=\d{1,4}\s*号))\s*\d{1,4}\s*号")


_LEAD_VERB = r"^.*?(?:根据|依据|按照|依照|遵照|参照|落实|贯彻|执行|印发|转发|关于|见)"


def _joined_blocks(report: Report):
    """Narrative text joined with newlines (a 文号 is often broken across lines or pages, as in the
    seed's 黑政办发 / (2020) 17号) and, per block, where it starts."""
    parts, starts, pos = [], [], 0
    for text, section, loc in narrative_blocks(report):
        starts.append((pos, section, loc))
        parts.append(text)
        pos += len(text) + 1
    return "\n".join(parts), starts


def _block_at(starts, offset: int):
    found = starts[0]
    for s in starts:
        if s[0] > offset:
            break
        found = s
    return found


def check_docno_brackets(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    text, starts = _joined_blocks(report)
    if _wrong_tail().search(text) is None:
        return
    for m in _docno().finditer(text):
        if m.group("year2") is None and m.group("open") == "〔" and m.group("close") == "〕":
            continue
        year = m.group("year") or m.group("year2")
        # The abbreviation only: drop a leading verb ("根据黑政办发…") and keep at most 8 characters.
        issuer = re.sub(_LEAD_VERB, "", m.group("issuer"))[-8:] or m.group("issuer")[-8:]
        found = issuer + re.sub(r"\s+", "", text[m.end("issuer"):m.end()])
        corrected = f"{issuer}〔{year}〕{m.group('num')}号"
        _base, section, loc = _block_at(starts, m.start("num"))
        yield Hit("F101", args={"found": found, "corrected": corrected,
                                "where": where_zh(report, section, loc), "where_en": where_en(report, section, loc)},
                  location=to_finding_location(loc, section), expected=corrected, actual=found)


# ---------------------------------------------------------------------------------------------------
# Half-width , ; : ? ! between Chinese characters. Numbers (1,000), times (9:30), URLs and English
# are left alone: the character before must be Chinese, the one after Chinese or a digit. Contact
# lines (电话:0591-…；传真:0591-…) are written that way on purpose and left alone too.

_HALF = r"(?<=[\u4e00-\u9fff”）》」])\s*([,;:?!])\s*(?=[\u4e00-\u9fff“（《「\d])"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_MARK = r"[,;:?!]"  # most paragraphs have none: _HALF (a lookbehind tried everywhere) is not run there


@lru_cache(maxsize=1)
def _contact() -> tuple[re.Pattern, re.Pattern]:
    """(a contact label ending right before the mark, a phone/fax/postcode number right after it)."""
    words = phrasing()["format"]
    return (rx(rf"(?:{alternation(words['contact_labels'])})\s*$"),
            rx(rf"^\s*(?:{words['contact_number']})"))


def _contact_mark(text: str, start: int, end: int) -> bool:
    label, number = _contact()
    return bool(label.search(text[max(0, start - 8):start]) or number.match(text[end:end + 24]))


def check_half_width(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    limit = max(1, int(ctx.options.get("max_locations", 5)))
    found: list[tuple[str, int, int, str, int | None, Location | None]] = []
    half, mark = rx(_HALF), rx(_MARK)
    for text, section, loc in narrative_blocks(report):
        if mark.search(text) is None:
            continue
        for m in half.finditer(text):
            if m.group(1) == ":" and text[m.end(1):m.end(1) + 2] == "//":
                continue
            if _contact_mark(text, m.start(1), m.end(1)):
                continue
            found.append((m.group(1), m.start(1), m.end(1), text, section, loc))
    for i, (ch, start, end, text, section, loc) in enumerate(found[:limit]):
        last = i == min(limit, len(found)) - 1 and len(found) > limit
        yield Hit("F102", args={"char": ch, "full": _FULL[ch], "excerpt": excerpt(text, start, end, 10),
                                "where": where_zh(report, section, loc), "where_en": where_en(report, section, loc),
                                "more": f"（全文共{len(found)}处半角标点，仅列出前{limit}处）" if last else "",
                                "more_en": f" ({len(found)} in all, only the first {limit} listed)" if last else ""},
                  location=to_finding_location(loc, section), expected=_FULL[ch], actual=ch,
                  data={"total": len(found)})


# ---------------------------------------------------------------------------------------------------
# Title wording: "政府信息公开年度报告" (no 工作), "…工作的年度报告", "政务信息公开…" (SPEC §10.1).

_TITLE_VARIANT = r"(?:政府|政务)(?:信息)?公开(?:工作)?(?:的)?年度报告"


def check_title_wording(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    title = clean_title(report.meta.title)
    if not title or TITLE_PHRASE in normalize(title):
        return
    m = re.search(_TITLE_VARIANT, title)
    if m is None:
        return  # not recognisably a report title: C108's business
    suggested = title[:m.start()] + TITLE_PHRASE + title[m.end():]
    prov = report.meta.provenance.get("title")
    yield Hit("F103", args={"title": title, "variant": m.group(0), "suggested": suggested},
              location=to_finding_location(prov.location if prov else None), expected=suggested, actual=title)


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("F101", check_docno_brackets),
        RuleImpl("F102", check_half_width),
        RuleImpl("F103", check_title_wording),
    ]
