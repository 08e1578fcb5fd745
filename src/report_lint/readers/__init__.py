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
OLD_BINARY = {".doc": "Word 97-2003 (.doc)", ".wps": "WPS (.wps)", ".et": "WPS", ".xls": "Excel"}
MAX_INPUT_BYTES = 64 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Office 97-2003 (Compound File) container
_TEXT_EXTENSIONS = ("", ".txt", ".text", ".log")  # plain text unless the content says otherwise
# Each reader's `extensions` and a byte string its `sniff` needs to see, known without importing it, so
# a text file never imports the PDF, Word and HTML readers (~18 ms of start-up); tests keep them in step.
EXTENSIONS = {"pdf": (".pdf",), "docx": (".docx",), "html": (".html", ".htm", ".shtml", ".xhtml"),
              "md": (".md", ".markdown"), "txt": (".txt", ".text")}
SNIFF_NEEDS = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "html": b"<"}


def reader(name: str):
    return importlib.import_module(_MODULES[name]).READER


def detect_format(path: str, data: bytes) -> str:
    """Decide the format from content first (a .txt that is really HTML is read as HTML), then the
    extension, asking each reader's own `sniff` and `extensions`. `data` is the file (or its first
    8 KB; an Office 97-2003 container is told apart only with the whole file). Raises InputError for
    formats we cannot read."""
    ext = Path(path).suffix.lower()
    head = data[:8192]
    if head.startswith(_OLE_MAGIC) or ext in OLD_BINARY:
        _refuse_office_binary(path, ext, data)
    for name in ("pdf", "docx"):  # binary signatures
        if SNIFF_NEEDS[name] in head and reader(name).sniff(head):
            return name
    if head.startswith(b"PK\x03\x04"):
        if ext in EXTENSIONS["docx"] or not ext:
            return "docx"  # a zip named .docx: the reader says what is wrong with it
        raise InputError("unknown-format", f"不支持的压缩文件格式：{path}", f"unsupported zip-based format: {path}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] == b"{" and ext in (".json", ""):
        return "json"
    if b"<" in head and (reader("html").sniff(head) or (ext in EXTENSIONS["html"] and b"<" in stripped[:2048])):
        return "html"
    if ext in _TEXT_EXTENSIONS and reader("md").sniff(head):
        return "md"  # text that is really a Markdown conversion (pipe tables): read its tables as tables
    for name in _MODULES:
        if ext in EXTENSIONS[name]:
            return name
    if ext == ".json":
        return "json"
    if ext in _TEXT_EXTENSIONS:
        return "txt"
    raise InputError("unknown-format",
                     f"无法识别的文件类型“{ext}”：{path}（支持 HTML、PDF、DOCX、Markdown、TXT、JSON）",
                     f"unknown file type '{ext}': {path} (supported: HTML, PDF, DOCX, Markdown, TXT, JSON)")


def _ole_has_stream(data: bytes, name: str) -> bool:
    """Does the Office 97-2003 container hold a stream called `name`? Directory entries are 128-byte
    records (UTF-16LE name, then its byte length at offset 64) inside sectors after the 512-byte
    header, so a hit must sit on a 128-byte boundary and carry its own length."""
    raw = name.encode("utf-16-le") + b"\x00\x00"
    pos = data.find(raw, 512)
    while pos != -1:
        if pos % 128 == 0 and data[pos + 64:pos + 66] == len(raw).to_bytes(2, "little"):
            return True
        pos = data.find(raw, pos + 1)
    return False


def _refuse_office_binary(path: str, ext: str, data: bytes) -> None:
    """Office 97-2003 containers: a password-protected .docx (Office keeps it in that container as an
    "EncryptedPackage" stream), an old .doc renamed, or another old binary file."""
    if ext in (".docx", ".xlsx", ".pptx") and _ole_has_stream(data, "EncryptedPackage"):
        raise InputError("encrypted-docx",
                         f"{path} 设置了打开密码（已加密），无法读取：请在 Word/WPS 中取消密码后另存为 .docx",
                         f"{path} is password-protected (encrypted): remove the password in Word/WPS and save as .docx")
    if ext not in OLD_BINARY and _ole_has_stream(data, "WordDocument"):
        kind_zh, kind_en = f"Word 97-2003 文档（.doc），只是扩展名为“{ext}”" if ext else "Word 97-2003 文档（.doc）", \
            f"a Word 97-2003 document (.doc) named '{ext}'" if ext else "a Word 97-2003 document (.doc)"
    else:
        kind = OLD_BINARY.get(ext, "Office 97-2003 二进制文档")
        kind_zh, kind_en = kind, OLD_BINARY.get(ext, "Office 97-2003 binary document")
    raise InputError(
        "old-binary-format",
        f"{path} 是旧版二进制格式（{kind_zh}），无法直接读取：请在 Word/WPS 中“另存为” .docx 后再检查，"
        f"或使用 --convert（需要本机安装 LibreOffice）。",
        f"{path} is an old binary format ({kind_en}): save it as .docx in Word/WPS first, "
        f"or use --convert (needs LibreOffice installed).")


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


__all__ = ["MAX_INPUT_BYTES", "Document", "detect_format", "read_document", "reader"]
