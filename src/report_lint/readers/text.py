"""Plain text: text copied or extracted from PDFs and web pages.

Each line is a paragraph with its line number; the table recognition happens in the builder, which
reads tab/space-separated rows, wrapped rows and flattened one-line pages alike. A crawler header
(标题 / 发布时间 / 原文链接 … ===== 正文 =====) becomes page metadata.
"""
from __future__ import annotations

import re

from .. import rxcache
from ..document import Block, Document, Paragraph
from ..errors import InputError
from ..model import Location
from . import limits
from .encoding import decode

MAX_LINES = 200_000  # a text report has a few thousand lines

_HEADER_KEY = rxcache.compile(r"^\s*(标题|发布时间|发布日期|公开日期|发文日期|文号|发布机构"
                              r"|信息来源|栏目|原文链接|本地目录|来源)\s*[:：]\s*(.*)$")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")
# A line that is only a page number: "-3-", "— 5 —", "第 3 页", "3 / 12"
_FOOTER_LINE = rxcache.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]"
                               r"|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                               r"|\d{1,3}\s*/\s*\d{1,3})\s*$")


class TextReader:
    name = "txt"
    extensions = (".txt", ".text")

    def sniff(self, head: bytes) -> bool:
        return b"\x00" not in head[:4096]

    def read(self, data: bytes, path: str) -> Document:
        with limits.guarded(path):
            text, _enc = decode(data)
            return lines_to_document(text, path, fmt=self.name)


def lines_to_document(text: str, path: str, fmt: str) -> Document:
    if "\x00" in text or text.count("\ufffd", 0, 4000) > 40:  # counted in C, not per character
        raise InputError("binary-file", f"{path} 不是可读的文本文件", f"{path} is not a readable text file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    n_lines = text.count("\n") + 1
    if n_lines > MAX_LINES:  # counted before splitting: millions of short lines would fill memory first
        raise InputError("too-many-lines", f"{path} 有 {n_lines:,} 行，超过上限 {MAX_LINES:,} 行，不像是一份年度报告",
                         f"{path} has {n_lines:,} lines, over the limit of {MAX_LINES:,}: not an annual report")
    lines = text.split("\n")
    meta: dict[str, tuple[str, str, str]] = {}
    start = _crawler_header(lines, meta)
    blocks: list[Block] = []
    for n, line in enumerate(lines[start:], start=start + 1):
        limits.check_time()
        if not line.strip() or _FOOTER_LINE.match(line):
            continue
        limits.add_block(len(line))
        blocks.append(Paragraph(text=line.rstrip(), location=Location(line=n)))
    if not blocks:
        raise InputError("no-text", f"{path} 中没有文字内容", f"{path} contains no text")
    return Document(blocks=blocks, format=fmt, meta=meta)


def _crawler_header(lines: list[str], meta: dict) -> int:
    """Read a `key: value` header ended by a ===== 正文 ===== line; return the first body line index."""
    for i, line in enumerate(lines[:40]):
        if _BODY_MARK.match(line):
            for h in lines[:i]:
                m = _HEADER_KEY.match(h)
                if not m or not m.group(2).strip():
                    continue
                key, val = m.group(1), m.group(2).strip()
                if key == "标题":
                    meta["title"] = (val, "crawler-header", h.strip())
                elif key in ("发布时间", "发布日期", "公开日期"):
                    meta["published_on"] = (val, "crawler-header", h.strip())
                elif key in ("发布机构", "信息来源"):
                    meta["organ"] = (val, "crawler-header", h.strip())
            return i + 1
    return 0


READER = TextReader()
