"""Readers: one module per input format, each turning bytes into a `Document`.

A reader module exposes a module-level `READER` object with:
    name: str                      # "html", "txt", "md", "docx", "pdf" (Source.format)
    extensions: tuple[str, ...]    # lower-case, with dot
    sniff(head: bytes) -> bool     # True when the first bytes look like this format
    read(data: bytes, path: str) -> Document   # raise InputError for unreadable input
Modules are imported lazily so a run on text files never imports lxml, python-docx or pdfplumber.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ..document import Document
from ..errors import InputError

# name -> module; order matters for sniffing (binary signatures first)
_MODULES = {
    "pdf": "report_lint.readers.pdf",
    "docx": "report_lint.readers.docx",
    "html": "report_lint.readers.html",
    "md": "report_lint.readers.markdown",
    "txt": "report_lint.readers.text",
}
_EXT = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".json": "json",
}
OLD_BINARY = {".doc": "Word 97-2003 (.doc)", ".wps": "WPS (.wps)", ".et": "WPS", ".xls": "Excel"}
MAX_INPUT_BYTES = 64 * 1024 * 1024


def reader(name: str):
    return importlib.import_module(_MODULES[name]).READER


def detect_format(path: str, head: bytes) -> str:
    """Decide the format from content first (a .txt that is really HTML is read as HTML), then the
    extension. Raises InputError for formats we cannot read."""
    ext = Path(path).suffix.lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if ext in (".docx", "") or b"word/" in head[:4096] or b"[Content_Types].xml" in head[:4096]:
            return "docx"
        raise InputError("unknown-format", f"不支持的压缩文件格式：{path}", f"unsupported zip-based format: {path}")
    if head.startswith(b"\xd0\xcf\x11\xe0") and ext in (".docx", ".xlsx", ".pptx"):
        # Office stores a password-protected .docx in the old container ("EncryptedPackage")
        raise InputError("encrypted-docx", f"{path} 设置了打开密码（已加密），无法读取：请在 Word/WPS 中取消密码后另存为 .docx",
                         f"{path} is password-protected (encrypted): remove the password in Word/WPS and save as .docx")
    if head.startswith(b"\xd0\xcf\x11\xe0") or ext in OLD_BINARY:
        kind = OLD_BINARY.get(ext, "Office 97-2003 二进制文档")
        raise InputError(
            "old-binary-format",
            f"{path} 是旧版二进制格式（{kind}），无法直接读取：请在 Word/WPS 中“另存为” .docx 后再检查，"
            f"或使用 --convert（需要本机安装 LibreOffice）。",
            f"{path} is an old binary format ({kind}): save it as .docx in Word/WPS first, "
            f"or use --convert (needs LibreOffice installed).")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{",) and ext in (".json", ""):
        return "json"
    low = stripped[:2048].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml", b"<p", b"<div", b"<span", b"<h1", b"<h2", b"<meta")) \
            or b"<body" in low or b"<table" in low \
            or (ext in (".html", ".htm", ".shtml", ".xhtml") and b"<" in low):
        return "html"
    if ext in (".txt", ".text", "") and _looks_markdown(head):
        return "md"  # text that is really a Markdown conversion (pipe tables): read its tables as tables
    if ext in _EXT:
        return _EXT[ext]
    if not ext or ext in (".log",):
        return "txt"
    raise InputError("unknown-format", f"无法识别的文件类型“{ext}”：{path}（支持 HTML、PDF、DOCX、Markdown、TXT、JSON）",
                     f"unknown file type '{ext}': {path} (supported: HTML, PDF, DOCX, Markdown, TXT, JSON)")


def _looks_markdown(head: bytes) -> bool:
    lines = head.split(b"\n")
    pipes = sum(1 for ln in lines if ln.strip().startswith(b"|") and ln.count(b"|") >= 3)
    return pipes >= 3


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        # UTF-16 text has NULs too; accept it when a BOM says so
        return not sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    return False


def read_document(path: str, data: bytes, fmt: str) -> Document:
    if fmt in ("txt", "md", "html") and looks_binary(data):
        raise InputError("binary-file", f"{path} 是二进制文件，不是文本或网页格式的年度报告",
                         f"{path} is a binary file, not a text or web-page report")
    return reader(fmt).read(data, path)


__all__ = ["Document", "MAX_INPUT_BYTES", "detect_format", "read_document", "reader"]
