"""Metadata: title, issuing organ and its kind, report year, publication date — each with where it
came from (page metadata beats the signature date; SPEC §6: the report's own date line is not reliable).

`build_meta` reads what the document and its title say; `complete_meta` fills the gaps from the
narrative facts (the statistics period's year, the signature date) once those are read."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from .. import rxcache
from ..document import Document, Paragraph, Table
from ..model import Fact, Location, Meta, OrganKind, Provenance
from ..phrasing import alternation, phrasing, rx
from ..text import cn_to_int, cn_year


@lru_cache(maxsize=1)
def _title_rx() -> re.Pattern:
    return rxcache.compile(
        r"(?P<organ>[^\s。，,；;：:“”《》#]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*"
        r"(?P<organ2>[^\s。，,；;：:“”《》#\d]{2,30}?)?\s*"
        r"(?:的)?\s*(?:政府|政务)(?:信息)?公开(?:工作)?\s*(?:的)?\s*年度?\s*报告")


@lru_cache(maxsize=1)
def _yearless_title_rx() -> re.Pattern:
    """A title line that names no year ("示例县人民政府政府信息公开工作年度报告"): the whole line, short, so a
    sentence that mentions the report is not taken for its title."""
    return rxcache.compile(r"(?P<organ>[^\s。，,；;：:“”《》#\d]{2,40}?)(?:的)?"
                           r"(?:政府|政务)(?:信息)?公开(?:工作)?(?:的)?年度?报告")


def _clean_title(t: str) -> str:
    """Titles are compared and shown without layout spaces ("鸡东县 2020 年…" → "鸡东县2020年…")."""
    return re.sub(r"\s+", "", t.strip().lstrip("#").strip())


@lru_cache(maxsize=1)
def _date_rxs() -> tuple[re.Pattern, re.Pattern]:
    return (rxcache.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"),
            rxcache.compile(r"([〇○零О一二三四五六七八九O]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"))


_GOV_END = ("人民政府", "政府", "管委会", "管理委员会", "行政公署")
_DEPT_END = ("局", "委", "委员会", "办公室", "办公厅", "办", "厅", "中心", "院", "署", "部", "所", "队", "站", "馆",
             "处", "会", "社", "集团", "公司", "法院", "检察院")
_AREA_END = ("省", "市", "县", "区", "旗", "州", "盟", "自治区", "自治州", "自治县", "新区", "实验区", "开发区",
             "高新区")


def date_matches(text: str) -> list[re.Match]:
    """Every date written in `text` (2024年1月20日, 2024-01-20, 二〇二四年一月二十日), Arabic first."""
    arabic, chinese = _date_rxs()
    return list(arabic.finditer(text)) or list(chinese.finditer(text))


def parse_date(text: str) -> date | None:
    arabic, chinese = _date_rxs()
    m = arabic.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = chinese.search(text)
    if m:
        try:
            return date(cn_year(m.group(1)) or 0, cn_to_int(m.group(2)) or 0, cn_to_int(m.group(3)) or 0)
        except ValueError:
            return None
    return None


def organ_kind(organ: str | None) -> OrganKind:
    if not organ:
        return "unknown"
    o = re.sub(r"[（(].*?[)）]", "", organ).strip()
    if rx(r"(乡|镇|街道|苏木)(人民政府|政府|办事处)?$").search(o) or o.endswith("街道办事处"):
        return "township"
    if o.endswith(("人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅")):
        return "department"
    if o.endswith(_GOV_END):
        return "government"
    if o.endswith(_DEPT_END):
        return "department"
    if o.endswith(_AREA_END):
        return "government"
    return "unknown"


def _first_texts(doc: Document, limit: int = 12) -> list[tuple[str, Location]]:
    out = []
    for b in doc.blocks:
        if isinstance(b, Paragraph) and (b.numbering + b.text).strip():
            out.append(((b.numbering + b.text).strip(), b.location))
        elif isinstance(b, Table):
            continue
        if len(out) >= limit:
            break
    return out


def clean_organ(organ: str) -> str | None:
    """The organ's name out of the words around it in a title or a sentence: 平潭综合实验区苏平片区管理局
    关于报送… → 平潭综合实验区苏平片区管理局, 现公布周至县人民政府办公室 → 周至县人民政府办公室; None when
    what is left is no name (编制我单位). The wording is data (rules/phrasing/organ.toml)."""
    words = phrasing()["organ"]
    o = organ.strip()
    cut = rx(alternation(words["cut_before"])).search(o)
    if cut and cut.start() >= 2:
        o = o[:cut.start()]
    lead = re.match(rf"^.*?(?:{alternation(words['cut_after'])})", o)
    if lead and len(o) - lead.end() >= 2:
        o = o[lead.end():]
    o = o.strip("的之、，,")
    if len(o) < 2 or any(w in o for w in words["not_a_name"]):
        return None
    return o


def build_meta(doc: Document) -> Meta:
    meta = Meta()
    prov = meta.provenance
    title_val = doc.meta.get("title")
    if title_val and _title_rx().search(title_val[0].replace(" ", "")):
        meta.title = _clean_title(title_val[0])
        prov["title"] = Provenance(kind=title_val[1], text=title_val[2])
    else:
        first = _first_texts(doc)
        for i in range(len(first)):
            # a title may be broken over two or three lines ("2024 年上海市科委政府信息公开工作" / "年度报告")
            for k in (1, 2, 3):
                joined = "".join(t for t, _ in first[i:i + k])
                head = joined[:200].replace(" ", "")
                m = _title_rx().search(head)
                if m and head[:m.start()].endswith(("《", "<", "〈")):
                    m = None  # a document the sentence cites (《…办公室关于…年度报告编制工作的通知》)
                # a joined title must start with a real title line, not a stray "正文" or "索引号：…"
                if m and (k == 1 or (len(joined) <= 60 and len(first[i][0].strip()) >= 6 and m.start() == 0)):
                    meta.title = _clean_title(m.group(0) if len(joined) > 80 else joined)
                    prov["title"] = Provenance(kind="body", text=joined[:120], location=first[i][1])
                    break
            if meta.title:
                break
        if meta.title is None:
            line = next(((t, loc) for t, loc in first if _yearless_title_rx().fullmatch(t.replace(" ", ""))), None)
            if line is not None:
                meta.title = _clean_title(line[0])
                prov["title"] = Provenance(kind="body", text=line[0][:120], location=line[1])
        if meta.title is None and title_val:
            meta.title = title_val[0].strip()
            prov["title"] = Provenance(kind=title_val[1], text=title_val[2])
    recorded = doc.meta.get("organ")  # the page's own record (发布机构, a meta tag)
    if meta.title and not _title_rx().search(meta.title.replace(" ", "")):
        m = _yearless_title_rx().fullmatch(meta.title.replace(" ", ""))
        organ = clean_organ(m.group("organ")) if m else None
        if organ:
            meta.organ = organ
            prov["organ"] = Provenance(kind="title", text=meta.title)
    elif meta.title:
        m = _title_rx().search(meta.title.replace(" ", ""))
        if m:
            meta.year = int(m.group("year"))
            prov["year"] = Provenance(kind="title", text=meta.title)
            found = (m.group("organ") or "").strip() or (m.group("organ2") or "").strip()
            organ = clean_organ(found) if found else None
            if organ and recorded and organ_kind(organ) == "unknown" and organ_kind(recorded[0]) != "unknown" \
                    and recorded[0] in found:
                organ = None  # the title wraps the name in more words than it can cut: the record names it
            if organ:
                meta.organ = organ
                prov["organ"] = Provenance(kind="title", text=meta.title)
    if meta.organ is None and recorded:
        meta.organ = recorded[0]
        prov["organ"] = Provenance(kind=recorded[1], text=recorded[2])
    meta.organ_kind = organ_kind(meta.organ)
    pub = doc.meta.get("published_on")
    if pub:
        d = parse_date(pub[0]) or _iso(pub[0])
        if d:
            meta.published_on = d
            prov["published_on"] = Provenance(kind=pub[1], text=pub[2])
    if meta.published_on is None and doc.meta.get("signed_on"):
        # the reader saw a signature date (PDF closing lines, a portal's 成文日期): the signature fallback
        val, _kind, raw = doc.meta["signed_on"]
        d = parse_date(val) or _iso(val)
        if d:
            meta.published_on = d
            prov["published_on"] = Provenance(kind="signature", text=raw)
    return meta


def complete_meta(meta: Meta, facts: list[Fact]) -> None:
    """What the title and the page did not give, from the narrative: the report year from the
    statistics period, the publication date from the signature (the weakest source, SPEC §6)."""
    if meta.year is None:
        period = next((f for f in facts if f.kind == "statistics_period" and f.scope == "self"), None)
        if period is not None:
            meta.year = int(period.data["years"][0])
            meta.provenance["year"] = Provenance(kind="statistics-period", text=period.text,
                                                 location=period.location)
    if meta.published_on is None:
        signed = next((f for f in facts if f.kind == "signature_date"), None)
        if signed is not None:
            meta.published_on = date.fromisoformat(str(signed.value))
            meta.provenance["published_on"] = Provenance(kind="signature", text=signed.text,
                                                         location=signed.location)


def _iso(s: str) -> date | None:
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None
