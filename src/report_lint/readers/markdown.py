"""Markdown, including broken conversions from PDF: pipe tables become table blocks (one per run of
table lines; separator rows dropped), everything else is a paragraph per line."""
from __future__ import annotations

import re

from ..document import Block, Document, Paragraph, check_table_size, expand_grid
from ..model import Location
from . import limits
from .encoding import decode
from .text import lines_to_document

_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _is_table_line(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    # "\|" is an escaped pipe inside a cell
    parts = re.split(r"(?<!\\)\|", s)
    return [p.replace("\\|", "|").strip() for p in parts]


class MarkdownReader:
    name = "md"
    extensions = (".md", ".markdown")

    def sniff(self, head: bytes) -> bool:
        """Three or more pipe-table lines: a Markdown conversion, whatever the file is called."""
        return sum(1 for ln in head.split(b"\n") if ln.strip().startswith(b"|") and ln.count(b"|") >= 3) >= 3

    def read(self, data: bytes, path: str) -> Document:
        with limits.guarded(path):
            return self._read(data, path)

    def _read(self, data: bytes, path: str) -> Document:
        text, _ = decode(data)
        base = lines_to_document(text, path, fmt=self.name)  # validates and reads a crawler header
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        blocks: list[Block] = []
        table_rows: list[list[tuple[str, int, int, Location]]] = []
        table_no = 0
        kept_lines = {b.location.line for b in base.blocks}

        def flush():
            nonlocal table_rows, table_no
            if table_rows:
                loc = Location(table=table_no, line=table_rows[0][0][3].line)
                blocks.append(expand_grid(table_rows, loc))
                table_no += 1
            table_rows = []

        for n, line in enumerate(lines, start=1):
            limits.check_time()
            if _is_table_line(line):
                if _SEP.match(line):
                    continue
                r = len(table_rows)
                cells = _cells(line)
                check_table_size(r + 1, len(cells), Location(table=table_no, line=n))
                table_rows.append([(c, 1, 1, Location(table=table_no, row=r, column=k, line=n))
                                   for k, c in enumerate(cells)])
                continue
            flush()
            if n in kept_lines:
                t = re.sub(r"^\s{0,3}#{1,6}\s*", "", line).rstrip()
                t = re.sub(r"\*\*(.+?)\*\*", r"\1", t)
                if t.strip():
                    blocks.append(Paragraph(text=t, location=Location(line=n)))
        flush()
        return Document(blocks=blocks, format=self.name, meta=base.meta)


READER = MarkdownReader()
