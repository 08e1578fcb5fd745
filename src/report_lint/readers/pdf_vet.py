"""Vet a PDF before pdfminer lays out its pages: what would hang it or exhaust memory becomes one
InputError instead.

pdfminer has no limits of its own. It follows a reference to a reference for ever (a 207-byte file
whose /MediaBox is an object pointing to itself), inflates a stream whole however large it becomes,
and keeps every glyph of a page in memory. So, before `pdf.pages` is touched:

- the document's `getobj` refuses reference cycles (`guard_references`), which covers every place
  pdfminer resolves an object;
- every object stream, and every stream a page draws or uses (contents, forms, fonts), is inflated
  once with a cap on its size (`MAX_STREAM_BYTES` each, `MAX_DECODED_BYTES` in all);
- the page tree is walked with a visited set and the pages counted against the page limit;
- each page's drawing work is bounded: the bytes of content it runs (a form drawn twice counts twice,
  so a chain of forms that doubles at each level is caught) and the bytes of text it shows, an upper
  bound on its glyphs.
Stream data decoded here stays with pdfminer's objects, so the later layout does not decode it again.
"""
from __future__ import annotations

import re
import zlib

from ..errors import InputError
from . import limits

MAX_OBJECTS = 500_000  # a long report has a few thousand
MAX_STREAM_BYTES = 32 * 1024 * 1024  # one decoded stream (a full embedded CJK font is ~15 MB)
MAX_DECODED_BYTES = 128 * 1024 * 1024  # all streams vetted, decoded
MAX_PAGE_CONTENT = 4 * 1024 * 1024  # content bytes one page runs (real pages: under 100 KB)
MAX_DOC_CONTENT = 32 * 1024 * 1024  # over the whole document
MAX_PAGE_TEXT_BYTES = 100_000  # bytes of text one page shows (≥ its glyphs; a dense page shows ~6 000)
MAX_FORM_DEPTH = 16  # forms drawing forms
MAX_REF_CHAIN = 64  # an object that is a reference to a reference to …
MAX_SLOW_FILTER_BYTES = 4 * 1024 * 1024  # LZW and RunLength: pdfminer decodes those in pure Python

_NAME_CHARS = rb"[^\s/\[\]()<>{}%]"
_DO = re.compile(rb"/(" + _NAME_CHARS + rb"+)\s*Do(?!" + _NAME_CHARS + rb")")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# what delimits text strings in a content stream: an escape, a parenthesis, a hex string
_STRING_TOKENS = re.compile(rb"\\.|[()]|<[0-9A-Fa-f\s]*>", re.S)


# "12 0 obj 13 0 R endobj": an object that is only a reference to another
_REF_ONLY = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d{1,5}\s+obj\s*(\d{1,10})\s+\d{1,5}\s+R\s*endobj")


def raw_ref_cycle(data: bytes) -> bool:
    """Does the file hold objects that are only references to each other in a cycle? Checked on the
    bytes, before pdfminer opens the file (it resolves the catalog while opening, where no guard on the
    document can reach yet)."""
    target = {int(a): int(b) for a, b in _REF_ONLY.findall(data)}
    done: set[int] = set()  # objects known to end outside a cycle
    for start in target:
        path: set[int] = set()
        x = start
        while x in target and x not in done:
            if x in path:
                return True
            path.add(x)
            x = target[x]
        done |= path
    return False


class RefCycle(Exception):
    """An object that resolves to itself (raised inside pdfminer by the guarded getobj)."""


def guard_references(doc) -> None:
    """Give this document a getobj that follows a chain of references itself and refuses a cycle.
    pdfminer resolves with `while isinstance(x, PDFObjRef): x = x.resolve()`, and every resolve goes
    through `doc.getobj`; an instance attribute is enough, nothing global changes."""
    from pdfminer.pdftypes import PDFObjRef

    plain = doc.getobj

    def getobj(objid):
        obj = plain(objid)
        if not isinstance(obj, PDFObjRef):
            return obj
        seen = {objid}
        while isinstance(obj, PDFObjRef):
            if obj.objid in seen or len(seen) > MAX_REF_CHAIN:
                raise RefCycle(objid)
            seen.add(obj.objid)
            obj = plain(obj.objid)
        return obj

    doc.getobj = getobj


class _Vetter:
    def __init__(self, doc, path: str, max_pages: int):
        self.doc = doc
        self.path = path
        self.max_pages = max_pages
        self.decoded_total = 0
        self.content_total = 0
        self.vetted: set[int] = set()  # ids of stream objects already sized
        self.form_cost: dict[int, tuple[int, int]] = {}  # form id → (content bytes, text bytes) it runs

    # -- errors

    def too_large(self, zh: str, en: str) -> InputError:
        return InputError("pdf-too-large", f"{self.path} {zh}，不像是一份年度报告，已拒绝处理",
                          f"{self.path}: {en}; not an annual report, refused")

    # -- objects

    def resolve(self, x):
        from pdfminer.pdftypes import PDFObjRef

        try:
            return self.doc.getobj(x.objid) if isinstance(x, PDFObjRef) else x
        except RefCycle:
            raise
        except Exception:  # noqa: BLE001 - a dangling or unparsable reference: pdfminer treats it as absent too
            return None

    def resolve_id(self, objid: int):
        try:
            return self.doc.getobj(objid)
        except RefCycle:
            raise
        except Exception:  # noqa: BLE001 - as in resolve(): an unreadable object counts as absent
            return None

    def dict_of(self, x) -> dict:
        from pdfminer.pdftypes import PDFStream

        x = self.resolve(x)
        if isinstance(x, PDFStream):
            return x.attrs
        return x if isinstance(x, dict) else {}

    def streams_of(self, x) -> list:
        from pdfminer.pdftypes import PDFStream

        x = self.resolve(x)
        items = x if isinstance(x, list) else [x]
        return [s for s in (self.resolve(i) for i in items) if isinstance(s, PDFStream)]

    # -- stream sizes

    def vet_stream(self, stream) -> None:
        """Inflate `stream` once, capped; refuse it past the limits."""
        key = id(stream)
        if key in self.vetted:
            return
        self.vetted.add(key)
        size = len(stream.data) if stream.data is not None else _decoded_len(stream, MAX_STREAM_BYTES)
        if size > MAX_STREAM_BYTES:
            raise self.too_large(f"含有解压后超过 {MAX_STREAM_BYTES >> 20} MB 的数据流（对象 {stream.objid}）",
                                 f"a stream (object {stream.objid}) inflates past {MAX_STREAM_BYTES >> 20} MB")
        self.decoded_total += size
        if self.decoded_total > MAX_DECODED_BYTES:
            raise self.too_large(f"解压后的数据超过 {MAX_DECODED_BYTES >> 20} MB",
                                 f"its streams inflate past {MAX_DECODED_BYTES >> 20} MB")

    def object_ids(self) -> tuple[list[int], set[int]]:
        """Ids of the objects the cross-reference tables list, and of the object streams that hold some."""
        ids: list[int] = []
        strmids: set[int] = set()
        for xref in self.doc.xrefs:
            for objid in xref.get_objids():
                ids.append(objid)
                if len(ids) > MAX_OBJECTS:
                    raise self.too_large(f"有 {MAX_OBJECTS:,} 个以上对象", f"more than {MAX_OBJECTS:,} objects")
                try:
                    strmid = xref.get_pos(objid)[0]
                except Exception:  # noqa: BLE001 - an xref entry that points nowhere: pdfminer skips it too
                    continue
                if strmid is not None:
                    strmids.add(strmid)
        return ids, strmids

    def vet_object_streams(self, strmids: set[int]) -> None:
        for strmid in strmids:
            limits.check_time()
            for s in self.streams_of_id(strmid):
                self.vet_stream(s)

    def repair_the_rest(self, ids: list[int]) -> None:
        """Streams no page was seen to use may still be decoded by pdfminer by a way this vetting does not
        follow: repair the damaged ones (without counting them against the limits)."""
        from pdfminer.pdftypes import PDFStream
        from pdfminer.psparser import LIT

        for objid in ids:
            limits.check_time()
            try:
                obj = self.doc.getobj(objid)
            except Exception:  # noqa: BLE001 - RefCycle included: pdfminer reaching it gets the same error
                continue
            if isinstance(obj, PDFStream) and id(obj) not in self.vetted and obj.get("Subtype") is not LIT("Image"):
                self.vetted.add(id(obj))
                _decoded_len(obj, MAX_STREAM_BYTES)

    def streams_of_id(self, objid: int) -> list:
        return self.streams_of(self.resolve_id(objid))

    # -- the page tree

    def pages(self) -> list[tuple[dict, dict]]:
        """(page dict, inherited attributes) in document order, counted against the page limit."""
        from pdfminer.psparser import LIT

        inheritable = ("Resources", "MediaBox", "CropBox", "Rotate")
        catalog = self.doc.catalog if isinstance(self.doc.catalog, dict) else {}
        out: list[tuple[dict, dict]] = []
        seen: set[int] = set()
        # as pdfminer does: the walk starts with the catalog's own attributes inherited, a kid may be a
        # bare object number
        stack = [(catalog.get("Pages"), {k: catalog[k] for k in inheritable if k in catalog})]
        while stack:
            limits.check_time()
            ref, inherited = stack.pop()
            node = self.resolve(ref) if not isinstance(ref, int) else self.resolve_id(ref)
            if not isinstance(node, dict) or id(node) in seen:
                continue
            seen.add(id(node))
            attrs = {**inherited, **{k: node[k] for k in inheritable if k in node}}
            kind = node.get("Type", node.get("type"))
            if kind is LIT("Pages") and "Kids" in node:
                kids = self.resolve(node["Kids"])
                if isinstance(kids, list):
                    stack.extend((kid, attrs) for kid in reversed(kids))
            elif kind is LIT("Page"):
                out.append((node, attrs))
                self.count_pages(len(out))
        return out

    def loose_pages(self, ids: list[int]) -> list[tuple[dict, dict]]:
        """Without a usable page tree pdfminer takes every object of type Page: so do we."""
        from pdfminer.psparser import LIT

        out: list[tuple[dict, dict]] = []
        for objid in ids:
            limits.check_time()
            obj = self.resolve_id(objid)
            if isinstance(obj, dict) and obj.get("Type") is LIT("Page"):
                out.append((obj, {}))
                self.count_pages(len(out))
        return out

    def count_pages(self, n: int) -> None:
        if n > self.max_pages:
            raise InputError("pdf-too-large", f"{self.path} 超过 {self.max_pages} 页，不像是一份年度报告",
                             f"{self.path} has more than {self.max_pages} pages: not an annual report")

    # -- drawing work

    def page_cost(self, page: dict, attrs: dict, number: int) -> None:
        resources = self.dict_of(attrs.get("Resources"))
        self.vet_fonts(resources)
        work, text = self.run_cost(self.streams_of(page.get("Contents")), resources, depth=0)
        where_zh, where_en = f"第 {number} 页", f"page {number}"
        if work > MAX_PAGE_CONTENT:
            raise self.too_large(f"{where_zh}的绘制内容超过 {MAX_PAGE_CONTENT >> 20} MB",
                                 f"{where_en} draws more than {MAX_PAGE_CONTENT >> 20} MB of content")
        if text > MAX_PAGE_TEXT_BYTES:
            raise self.too_large(f"{where_zh}的文字超过 {MAX_PAGE_TEXT_BYTES:,} 字节",
                                 f"{where_en} shows more than {MAX_PAGE_TEXT_BYTES:,} bytes of text")
        self.content_total += work
        if self.content_total > MAX_DOC_CONTENT:
            raise self.too_large(f"的页面绘制内容合计超过 {MAX_DOC_CONTENT >> 20} MB",
                                 f"its pages draw more than {MAX_DOC_CONTENT >> 20} MB of content")

    def run_cost(self, streams: list, resources: dict, depth: int) -> tuple[int, int]:
        """(content bytes, text bytes) that running `streams` with `resources` costs, forms included."""
        from pdfminer.psparser import LIT

        work = text = 0
        for s in streams:
            limits.check_time()
            self.vet_stream(s)
            data = s.get_data() or b""
            work += len(data)
            text += _text_bytes(data, MAX_PAGE_TEXT_BYTES)
            calls: dict[bytes, int] = {}
            for m in _DO.finditer(data):
                name = _NAME_ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), m.group(1))
                calls[name] = calls.get(name, 0) + 1
            if not calls:
                continue
            xobjects = self.dict_of(resources.get("XObject"))
            for name, count in calls.items():
                form = next(iter(self.streams_of(xobjects.get(name.decode("latin-1")))), None)
                if form is None or form.get("Subtype") is not LIT("Form"):
                    continue
                if depth >= MAX_FORM_DEPTH:
                    raise self.too_large(f"表单对象嵌套超过 {MAX_FORM_DEPTH} 层",
                                         f"forms nest deeper than {MAX_FORM_DEPTH}")
                w, t = self.form(form, resources, depth + 1)
                work += count * w
                text += count * t
                if work > MAX_PAGE_CONTENT or text > MAX_PAGE_TEXT_BYTES:
                    return work, text  # already too much: no need to add up the rest
        return work, text

    def form(self, form, page_resources: dict, depth: int) -> tuple[int, int]:
        key = id(form)
        if key in self.form_cost:
            return self.form_cost[key]
        self.form_cost[key] = (0, 0)  # a form drawing itself: pdfminer refuses the cycle, so it costs nothing
        own = form.get("Resources")
        resources = self.dict_of(own) if own else page_resources
        self.vet_fonts(resources)
        cost = self.run_cost([form], resources, depth)
        self.form_cost[key] = cost
        return cost

    def vet_fonts(self, resources: dict) -> None:
        """Font programs and character maps that pdfminer may decode."""
        for font in self.dict_of(resources.get("Font")).values():
            font = self.dict_of(font)
            parts = [font.get("ToUnicode"), font.get("Encoding")]
            descendants = self.resolve(font.get("DescendantFonts"))
            for sub in [font] + ([self.dict_of(d) for d in descendants] if isinstance(descendants, list) else []):
                desc = self.dict_of(sub.get("FontDescriptor"))
                parts += [desc.get(k) for k in ("FontFile", "FontFile2", "FontFile3")]
            for part in parts:
                for s in self.streams_of(part):
                    self.vet_stream(s)


def vet(doc, path: str, max_pages: int) -> None:
    """Raise InputError when the document would take pdfminer past the limits; else leave it ready."""
    v = _Vetter(doc, path, max_pages)
    ids, strmids = v.object_ids()
    v.vet_object_streams(strmids)
    for number, (page, attrs) in enumerate(v.pages() or v.loose_pages(ids), start=1):
        v.page_cost(page, attrs, number)
    v.repair_the_rest(ids)


# --------------------------------------------------------------------------- capped decoding

def _decoded_len(stream, cap: int) -> int:
    """Length of the stream's data after its filters, or cap + 1 when it would exceed `cap`. Never holds
    much more than `cap` bytes; follows pdfminer's own decoding (decryption, then each filter).

    A damaged deflate stream is also repaired here: pdfminer re-inflates one that zlib refuses a byte at
    a time, concatenating as it goes (quadratic: half a minute for a 400 KB font), so its data is
    replaced by a clean deflate of exactly what pdfminer would have made of it."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import (
        LITERALS_ASCII85_DECODE,
        LITERALS_ASCIIHEX_DECODE,
        LITERALS_FLATE_DECODE,
        LITERALS_LZW_DECODE,
        LITERALS_RUNLENGTH_DECODE,
    )

    data = stream.rawdata or b""
    try:
        if stream.decipher:
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        filters = stream.get_filters()
    except RefCycle:
        raise
    except Exception:  # noqa: BLE001 - undecipherable or unreadable filters: pdfminer will not get far either
        return len(data)
    for k, (f, _params) in enumerate(filters):
        if f in LITERALS_FLATE_DECODE:
            raw = data
            data, failed_at, complete = _inflate(raw, cap)
            if len(data) <= cap and (failed_at is not None or not complete):
                # pdfminer keeps what inflated before the damage only when it sits in the last bytes
                # (a bad checksum); anything earlier leaves it nothing
                if failed_at is not None and failed_at < len(raw) - 3:
                    data = b""
                if k == 0 and not stream.decipher:
                    stream.rawdata = zlib.compress(data, 1)
        elif f in LITERALS_LZW_DECODE:
            data = _lzw(data, min(cap, MAX_SLOW_FILTER_BYTES))
        elif f in LITERALS_RUNLENGTH_DECODE:
            data = _run_length(data, min(cap, MAX_SLOW_FILTER_BYTES))
        elif f in LITERALS_ASCII85_DECODE or f in LITERALS_ASCIIHEX_DECODE:
            try:  # these only shrink
                data = ascii85decode(data) if f in LITERALS_ASCII85_DECODE else asciihexdecode(data)
            except Exception:  # noqa: BLE001 - malformed data: the size so far is the estimate
                return len(data)
        else:  # image codecs and the like: pdfminer leaves those bytes as they are
            break
        if len(data) > cap:
            return cap + 1
    return len(data)


def _inflate(data: bytes, cap: int) -> tuple[bytes, int | None, bool]:
    """(output up to a little past `cap`, index of the input byte zlib refused or None, whether the
    deflate stream reached its end)."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    size = 0
    step = 16 * 1024  # one step inflates at most ~16 MB
    for pos in range(0, len(data), step):
        chunk = data[pos:pos + step]
        before = d.copy()
        try:
            piece = d.decompress(chunk)
        except zlib.error:
            d = before  # find the refused byte, one at a time from the state before this step
            for j in range(len(chunk)):
                try:
                    out.append(d.decompress(chunk[j:j + 1]))
                except zlib.error:
                    return b"".join(out), pos + j, False
            return b"".join(out), None, d.eof
        out.append(piece)
        size += len(piece)
        if size > cap or d.eof:
            break
    return b"".join(out), None, d.eof


def _lzw(data: bytes, cap: int) -> bytes:
    import io

    from pdfminer.lzw import LZWDecoder

    out: list[bytes] = []
    size = 0
    try:
        for piece in LZWDecoder(io.BytesIO(data)).run():
            out.append(piece)
            size += len(piece)
            if size > cap:
                break
    except Exception:  # noqa: BLE001 - a broken LZW stream: what decoded before the break is the estimate
        pass
    return b"".join(out)


def _run_length(data: bytes, cap: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data) and len(out) <= cap:
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1:i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1:i + 2] * (257 - n)
            i += 2
    return bytes(out)


def _text_bytes(data: bytes, cap: int) -> int:
    """Bytes inside the text strings of a content stream (literal and hex): an upper bound on the glyphs
    it shows. Stops counting past `cap`."""
    total = depth = start = 0
    for m in _STRING_TOKENS.finditer(data):
        tok = m.group()
        if depth:
            if tok == b"(":
                depth += 1
            elif tok == b")":
                depth -= 1
                if not depth:
                    total += m.start() - start
            if depth and total + m.end() - start > cap:
                return cap + 1  # a string still open that is already too long
        elif tok == b"(":
            depth, start = 1, m.end()
        elif tok[:1] == b"<":
            total += (len(tok) - 1) // 2  # two hex digits a byte, brackets aside
        if total > cap:
            return total
    if depth:
        total += len(data) - start
    return total


__all__ = ["MAX_DECODED_BYTES", "MAX_DOC_CONTENT", "MAX_PAGE_CONTENT", "MAX_PAGE_TEXT_BYTES", "MAX_STREAM_BYTES",
           "RefCycle", "guard_references", "raw_ref_cycle", "vet"]
