"""Metadata: title, issuing organ and its kind, report year, publication date — each with where it
came from (page metadata beats the signature date; SPEC §6: the report's own date line is not reliable)."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from ..document import Document, Paragraph, Table
from ..model import Location, Meta, Provenance

TITLE_RX = re.compile(
    r"(?P<organ>[^\s。，,；;：:“”《》#]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*"
    r"(?P<organ2>[^\s。，,；;：:“”《》#\d]{2,30}?)?\s*"
    r"(?:的)?\s*(?:政府|政务)信息公开(?:工作)?\s*(?:的)?\s*年度?\s*报告")


def _clean_title(t: str) -> str:
    """Titles are compared and shown without layout spaces ("鸡东县 2020 年…" → "鸡东县2020年…")."""
    return re.sub(r"\s+", "", t.strip().lstrip("#").strip())
PERIOD_RX = re.compile(r"(?:统计期限|统计时限|统计周期|时间范围|统计时间|统计区间)[^0-9]{0,12}((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
DATE_RX = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "О": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_DATE_RX = re.compile(r"([〇○零О一二三四五六七八九O]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")

_GOV_END = ("人民政府", "政府", "管委会", "管理委员会", "行政公署")
_DEPT_END = ("局", "委", "委员会", "办公室", "办公厅", "办", "厅", "中心", "院", "署", "部", "所", "队", "站", "馆",
             "处", "会", "社", "集团", "公司", "法院", "检察院")
_AREA_END = ("省", "市", "县", "区", "旗", "州", "盟", "自治区", "自治州", "自治县", "新区", "实验区", "开发区", "高新区")


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_DIGITS.get(s[1], 0)
    if s.endswith("十"):
        return CN_DIGITS.get(s[0], 0) * 10
    if "十" in s:
        a, b = s.split("十")
        return CN_DIGITS.get(a, 0) * 10 + CN_DIGITS.get(b, 0)
    return CN_DIGITS.get(s, 0)


def parse_date(text: str) -> Optional[date]:
    m = DATE_RX.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = CN_DATE_RX.search(text)
    if m:
        try:
            y = int("".join(str(CN_DIGITS.get(c, 0)) for c in m.group(1)))
            return date(y, _cn_number(m.group(2)), _cn_number(m.group(3)))
        except ValueError:
            return None
    return None


def organ_kind(organ: Optional[str]) -> str:
    if not organ:
        return "unknown"
    o = re.sub(r"[（(].*?[)）]", "", organ).strip()
    if re.search(r"(乡|镇|街道|苏木)(人民政府|政府|办事处)?$", o) or o.endswith("街道办事处"):
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


def build_meta(doc: Document, full_text: str) -> Meta:
    meta = Meta()
    prov = meta.provenance
    title_val = doc.meta.get("title")
    if title_val and TITLE_RX.search(title_val[0].replace(" ", "")):
        meta.title = _clean_title(title_val[0])
        prov["title"] = Provenance(kind=title_val[1], text=title_val[2])
    else:
        first = _first_texts(doc)
        for i in range(len(first)):
            # a title may be broken over two or three lines ("2024 年上海市科委政府信息公开工作" / "年度报告")
            for k in (1, 2, 3):
                joined = "".join(t for t, _ in first[i:i + k])
                m = TITLE_RX.search(joined[:200].replace(" ", ""))
                # a joined title must start with a real title line, not a stray "正文"
                if m and (k == 1 or (len(joined) <= 60 and len(first[i][0].strip()) >= 6)):
                    meta.title = _clean_title(m.group(0) if len(joined) > 80 else joined)
                    prov["title"] = Provenance(kind="body", text=joined[:120], location=first[i][1])
                    break
            if meta.title:
                break
        if meta.title is None and title_val:
            meta.title = title_val[0].strip()
            prov["title"] = Provenance(kind=title_val[1], text=title_val[2])
    if meta.title:
        m = TITLE_RX.search(meta.title.replace(" ", ""))
        if m:
            organ = (m.group("organ") or "").strip() or (m.group("organ2") or "").strip()
            meta.year = int(m.group("year"))
            prov["year"] = Provenance(kind="title", text=meta.title)
            if organ:
                meta.organ = organ
                prov["organ"] = Provenance(kind="title", text=meta.title)
    if meta.organ is None and doc.meta.get("organ"):
        o = doc.meta["organ"]
        meta.organ = o[0]
        prov["organ"] = Provenance(kind=o[1], text=o[2])
    if meta.year is None:
        m = PERIOD_RX.search(full_text)
        if m:
            meta.year = int(m.group(1))
            prov["year"] = Provenance(kind="statistics-period", text=m.group(0))
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
    if meta.published_on is None:
        d, raw, loc = _signature_date(doc)
        if d:
            meta.published_on = d
            prov["published_on"] = Provenance(kind="signature", text=raw, location=loc)
    return meta


def _iso(s: str) -> Optional[date]:
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _signature_date(doc: Document) -> tuple[Optional[date], str, Optional[Location]]:
    """The date under the signature: the last date in the last few lines of the report."""
    tail: list[tuple[str, Location]] = []
    for b in reversed(doc.blocks):
        if isinstance(b, Paragraph) and b.text.strip():
            tail.append((b.text.strip(), b.location))
        if len(tail) >= 4:
            break
    for txt, loc in tail:
        window = txt[-60:]
        found = list(DATE_RX.finditer(window)) or list(CN_DATE_RX.finditer(window))
        if found:
            d = parse_date(found[-1].group(0))
            if d:
                return d, found[-1].group(0), loc
    return None, "", None
