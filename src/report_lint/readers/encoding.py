"""Decode text of unknown encoding: BOM, declared charset, strict UTF-8, then GB18030, then
charset-normalizer (lazy: only for the rare file that is none of those)."""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# Python codecs that are not character sets a page can be written in (or that decode anything into
# something else): a page declaring them is treated as declaring nothing.
_NOT_CHARSETS = frozenset({"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7"})
_GB = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def _charset(label: str) -> str | None:
    """A declared charset label as a Python codec name, or None when it names no usable charset."""
    label = _GB.get(label.lower(), label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not info._is_text_encoding or info.name in _NOT_CHARSETS:  # rot13, base64, zlib … are not charsets
        return None
    return _GB.get(info.name, info.name)


def decode(data: bytes, declared: str | None = None, *, html: bool = False) -> tuple[str, str]:
    """Return (text, encoding used). `html`: honour a <meta charset> in the first 4 KB (only a web page
    declares its encoding that way; in a text file the tag is just text)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    # Strict UTF-8 first: GBK bytes almost never decode as UTF-8, while GB18030 decodes almost anything,
    # so a page that declares gbk but is really UTF-8 (common after re-saving) still reads right.
    labels = ["utf-8"]
    if declared:
        labels.append(declared)
    if html:
        m = _META_CHARSET.search(data[:4096])
        if m:
            labels.append(m.group(1).decode("ascii", "ignore"))
    labels.append("gb18030")
    for label in labels:
        codec = _charset(label)
        if codec is None:
            continue
        try:
            return data.decode(codec), codec
        except (UnicodeError, ValueError):  # UnicodeDecodeError, or a codec that refuses these bytes outright
            continue
    # A few damaged bytes in an otherwise UTF-8 (or GB) file: keep the file's own encoding rather than
    # let a guesser turn every character into mojibake
    for enc in ("utf-8", "gb18030"):
        text = data.decode(enc, errors="replace")
        if text.count("\ufffd") <= max(8, len(text) // 500):
            return text, enc + " (damaged bytes replaced)"
    from charset_normalizer import from_bytes  # lazy: rarely needed

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8 (lossy)"
