"""A page's characters and ruling paths read with PDFium (pypdfium2), in the shape pdfplumber gives them.

pdfminer interprets content streams in pure Python (its tokeniser was ~90 % of reading a report); PDFium
does the same in C. The reader still opens and vets every file with pdfminer first (pdf_vet.py), so what
reaches PDFium has bounded streams, forms and text; this module only replaces the content-stream
interpretation, and the reader falls back to pdfminer's where PDFium cannot open the file or counts
its pages differently.

The geometry is pdfminer's, so the reader sees the same numbers whichever library ran:
- a character's box runs from its origin over its advance width, and vertically from the font's descent
  for one font size, through the glyph matrix (pdfminer's LTChar; the descent comes from the font's
  descriptor as pdfminer reads it, `font_descents`, not from PDFium's own font metrics, which fall back
  to the glyph outlines); vertical-writing fonts as pdfminer's vertical LTChar;
- the advance is PDFium's loose box where the glyph outline lies inside it (the loose box is the union
  of the advance box and the outline), else the font's width for the character;
- paths become pdfminer's line / rect / curve objects by the same rules (one per subpath; a closed
  four-point axis-aligned path is a rect, two points a line);
- colours are PDFium's RGB (0-1); pdfminer kept the raw colour space, which only `_is_white` looks at.
PDFium works in single precision, so coordinates differ from pdfminer's in the fifth decimal or so;
matrix entries are snapped back to the short decimals the file wrote (0.05, not 0.0500000007).
A page where PDFium cannot decode a glyph or cannot lay out a text object (a damaged font or ToUnicode,
a size that overflows) is left to pdfminer (PdfiumUnavailable). Where the two differ otherwise, PDFium
reads better: it keeps one copy of a text object drawn twice at (nearly) the same place (fake bold, which
pdfminer read as doubled characters) and decodes a CID that has no ToUnicode entry through the font's
character collection (Adobe-GB1 and the like, where pdfminer gave `(cid:N)`).
"""
from __future__ import annotations

import ctypes
import math
import re
import struct
import threading
from typing import Any

# PDFium is not thread-safe: one document at a time in this process
_LOCK = threading.Lock()


class PdfiumUnavailable(Exception):
    """PDFium could not open the file or disagrees about its pages: use pdfminer's interpretation."""


def _raw():
    import pypdfium2.raw as raw  # imported only when a PDF is read (it loads the PDFium library)

    return raw


_SNAP: dict[float, float] = {}
_SUBSET = re.compile(rb"^[A-Z]{6}\+")


def _snap(v: float) -> float:
    """The shortest decimal that single precision rounds to `v` (0.05000000074505806 → 0.05)."""
    got = _SNAP.get(v)
    if got is None:
        got = v
        packed = struct.pack("<f", v) if abs(v) < 3e38 else None
        if packed is not None:
            for digits in range(1, 10):
                cand = float(f"{v:.{digits}g}")
                if struct.pack("<f", cand) == packed:
                    got = cand
                    break
        if len(_SNAP) < 4096:
            _SNAP[v] = got
    return got


class Document:
    """A PDFium document over `data`; use as a context manager (it holds the library lock)."""

    def __init__(self, data: bytes):
        self.data = data
        self.raw = _raw()
        self._buf: Any = None
        self.handle: Any = None

    def __enter__(self) -> Document:
        _LOCK.acquire()
        try:
            raw = self.raw
            self._buf = ctypes.create_string_buffer(self.data, len(self.data))
            self.handle = raw.FPDF_LoadMemDocument64(self._buf, len(self.data), None)
            if not self.handle:
                raise PdfiumUnavailable(raw.FPDF_GetLastError())
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        try:
            if self.handle:
                self.raw.FPDF_CloseDocument(self.handle)
        finally:
            self.handle = None
            self._buf = None
            _LOCK.release()

    def page_count(self) -> int:
        return int(self.raw.FPDF_GetPageCount(self.handle))

    def page(self, index: int, font_descents: dict[bytes, float], geo: tuple) -> dict:
        """pdfplumber's view of page `index` (0-based): chars, objects (line/rect/curve), width, height;
        `geo` from geometry()."""
        raw = self.raw
        page = raw.FPDF_LoadPage(self.handle, index)
        if not page:
            raise PdfiumUnavailable(f"page {index + 1}")
        try:
            return _page(raw, page, font_descents, geo)
        finally:
            raw.FPDF_ClosePage(page)


def geometry(mediabox, rotate: int, plumber_box, width: float, height: float) -> tuple:
    """pdfminer's device space for a page, as pdfplumber then reports it: (matrix from user space to
    pdfplumber's x and page-height-minus-top, page width, page height). `mediabox` and `rotate` are
    pdfminer's PDFPage values, `plumber_box`, `width` and `height` pdfplumber's Page values."""
    x0, y0, x1, y1 = (float(v) for v in mediabox)
    if rotate == 90:
        dev = (0.0, -1.0, 1.0, 0.0, -y0, x1)
    elif rotate == 180:
        dev = (-1.0, 0.0, 0.0, -1.0, x1, y1)
    elif rotate == 270:
        dev = (0.0, 1.0, -1.0, 0.0, y1, -x0)
    else:
        dev = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    # pdfplumber shifts back by its MediaBox corner: x + box x0, top = height - y + box top
    a, b, c, d, e, f = dev
    return (a, b, c, d, e + float(plumber_box[0]), f - float(plumber_box[1])), float(width), float(height)


def _page(raw, page, font_descents: dict[bytes, float], geo: tuple) -> dict:
    dev, width, height = geo
    objects: dict[str, list[dict]] = {"line": [], "rect": [], "curve": []}
    order: dict[int, int] = {}
    text_objects: dict[int, Any] = {}
    _paths(raw, page, None, dev, height, objects, order, text_objects, 0)
    chars = _chars(raw, page, font_descents, dev, height, order, text_objects)
    return {"chars": chars, "objects": objects, "width": width, "height": height}


def _mul(m1: tuple, m2: tuple) -> tuple:
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _font_name(raw, font) -> bytes:
    n = raw.FPDFFont_GetBaseFontName(font, None, 0)
    if n <= 0 or n > 4096:
        return b""
    buf = ctypes.create_string_buffer(n)
    raw.FPDFFont_GetBaseFontName(font, buf, n)
    return _SUBSET.sub(b"", buf.value)


def _chars(raw, page, font_descents: dict[bytes, float], dev: tuple, height: float, order: dict[int, int],
           text_objects: dict[int, Any]) -> list[dict]:
    """The page's characters in the order the content stream shows them (PDFium's text page sorts them
    into lines; the order matters for which character an explicit space stood before)."""
    tp = raw.FPDFText_LoadPage(page)
    if not tp:
        raise PdfiumUnavailable("text page")
    out: list[dict] = []
    keys: list[tuple[int, int]] = []
    try:
        n = raw.FPDFText_CountChars(tp)
        m = raw.FS_MATRIX()
        loose = raw.FS_RECTF()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        ox, oy = ctypes.c_double(), ctypes.c_double()
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        width = ctypes.c_float()
        descent_f = ctypes.c_float()
        objs: dict[int, tuple] = {}  # text object → (font, descent per unit of size, colour)
        fonts: dict[int, float] = {}
        is_generated, get_unicode, map_error = raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode, \
            raw.FPDFText_HasUnicodeMapError
        get_matrix, get_size, get_loose, get_box = raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize, \
            raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharBox
        get_obj, get_origin = raw.FPDFText_GetTextObject, raw.FPDFText_GetCharOrigin
        addr = ctypes.addressof
        last: tuple | None = None  # (text object, origin) of the previous character
        halves = False  # a UTF-16 surrogate was seen
        for i in range(n):
            if is_generated(tp, i):
                continue  # a space or line break PDFium inferred; pdfminer only has the file's own characters
            u = get_unicode(tp, i)
            obj = get_obj(tp, i)
            if not obj:
                continue
            key = addr(obj.contents)
            info = objs.get(key)
            if info is None:
                font = raw.FPDFTextObj_GetFont(obj)
                fkey = addr(font.contents) if font else 0
                desc = fonts.get(fkey)
                if desc is None:
                    desc = font_descents.get(_font_name(raw, font)) if font else None
                    if desc is None:  # not among the page's fonts as pdfminer read them: PDFium's metrics
                        desc = descent_f.value / 1000 if font and raw.FPDFFont_GetDescent(font, 1000.0, descent_f) \
                            else 0.0
                    fonts[fkey] = desc
                raw.FPDFPageObj_GetFillColor(obj, r, g, b, a)
                info = objs[key] = (font, desc, (r.value / 255, g.value / 255, b.value / 255))
            font, desc, colour = info
            if map_error(tp, i) or u == 0:
                # a glyph PDFium cannot decode (no usable ToUnicode): pdfminer reads the page, as before;
                # it may still decode it (it tolerates a damaged ToUnicode that PDFium refuses)
                raise PdfiumUnavailable("a glyph PDFium cannot decode")
            text = chr(u) if u < 0x110000 else "\ufffd"
            halves = halves or 0xD800 <= u <= 0xDFFF
            get_origin(tp, i, ox, oy)  # the pen position (the matrix's e, f are the text object's)
            here = (key, ox.value, oy.value)
            if here == last and out:
                # one glyph that maps to several characters (a ligature "fl", a character outside the BMP
                # given as two UTF-16 halves): PDFium lists each at the glyph's place, pdfminer one glyph
                prev = out[-1]
                prev["text"] = _utf16_join(prev["text"] + text)
                continue
            last = here
            size = get_size(tp, i)
            get_matrix(tp, i, m)
            ma, mb, mc, md = _snap(m.a), _snap(m.b), _snap(m.c), _snap(m.d)
            mat = _mul((ma, mb, mc, md, ox.value, oy.value), dev)
            adv = None
            if font and raw.FPDFFont_GetGlyphWidth(font, u, size, width):
                adv = width.value
            if adv is not None and adv < 0:  # vertical writing: PDFium's origin is the box's lower-left
                fs = size * ma
                bx0, by0 = ox.value, oy.value
                bx1, by1 = bx0 + fs, by0 - adv * md
                p0 = _apply(dev, bx0, by0)
                p1 = _apply(dev, bx1, by1)
                cx0, cx1 = min(p0[0], p1[0]), max(p0[0], p1[0])
                cy0, cy1 = min(p0[1], p1[1]), max(p0[1], p1[1])
                keys.append((order.get(key, -1), i))
                out.append({"text": text, "x0": cx0, "x1": cx1, "top": height - cy1, "bottom": height - cy0,
                            "size": cx1 - cx0, "upright": mat[0] * mat[3] > 0 and mat[1] * mat[2] <= 0,
                            "non_stroking_color": colour})
                continue
            if mb == 0 and mc == 0 and ma > 0:
                # the loose box is the advance box united with the glyph's outline: where the outline
                # stays inside it, its right edge is the advance
                get_loose(tp, i, loose)
                get_box(tp, i, left, right, bottom, top)
                if right.value < loose.right - 1e-3 or adv is None or ox.value + ma * adv > loose.right + 1e-3:
                    adv = (loose.right - ox.value) / ma
            if adv is None:
                adv = 0.0
            # pdfminer's LTChar: the box (0, descent) - (advance, descent + size) through the glyph matrix
            lo = desc * size
            hi = lo + size
            ax, ay = mat[2] * lo + mat[4], mat[3] * lo + mat[5]
            bx, by = mat[0] * adv + mat[2] * hi + mat[4], mat[1] * adv + mat[3] * hi + mat[5]
            if mat[1] or mat[2]:  # rotated or skewed: the bounds of all four corners
                xs = (ax, bx, mat[0] * adv + ax, mat[2] * (hi - lo) + ax)
                ys = (ay, by, mat[1] * adv + ay, mat[3] * (hi - lo) + ay)
                cx0, cx1, cy0, cy1 = min(xs), max(xs), min(ys), max(ys)
            else:
                cx0, cx1 = min(ax, bx), max(ax, bx)
                cy0, cy1 = min(ay, by), max(ay, by)
            keys.append((order.get(key, -1), i))
            out.append({"text": text, "x0": cx0, "x1": cx1, "top": height - cy1, "bottom": height - cy0,
                        "size": cy1 - cy0, "upright": mat[0] * mat[3] > 0 and mat[1] * mat[2] <= 0,
                        "non_stroking_color": colour})
    finally:
        raw.FPDFText_ClosePage(tp)
    for c in out if halves else ():
        # half of a UTF-16 pair whose other half is missing: not a character
        c["text"] = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in c["text"])
    # a text object PDFium placed no character of: drawn again at the same place (fake bold; PDFium keeps
    # the first copy), or one PDFium could not lay out at all (no extent: a font it cannot load, a size
    # that overflows). For the latter pdfminer reads the page: its glyphs may be readable there (a damaged
    # font program does not stop pdfminer's ToUnicode), and where they are not (an overflowing size) it
    # still counts them as text on the page, so the page does not read as a scan.
    seen = {k for k, _ in keys}
    box = [ctypes.c_float() for _ in range(4)]
    for key, obj in text_objects.items():
        if order[key] not in seen and raw.FPDFTextObj_GetFont(obj):
            if not raw.FPDFPageObj_GetBounds(obj, *box) or not (box[0].value < box[2].value
                                                                  or box[1].value < box[3].value):
                raise PdfiumUnavailable("a text object PDFium could not lay out")
            keys.append((order[key], -1))
            out.append({"text": "\ufffd", "x0": math.inf, "x1": math.inf, "top": math.inf, "bottom": math.inf,
                        "size": 0.0, "upright": True, "non_stroking_color": (0.0, 0.0, 0.0)})
    return [c for _, c in sorted(zip(keys, out, strict=True), key=lambda kc: kc[0])]


def _utf16_join(text: str) -> str:
    """Join UTF-16 surrogate halves into the character they encode; others stay as they are."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


MAX_FORM_DEPTH = 16  # as pdf_vet: forms drawing forms


def _paths(raw, page, form, outer: tuple, height: float, objects: dict[str, list[dict]], order: dict[int, int],
           text_objects: dict[int, Any], depth: int) -> None:
    """Ruling candidates (path objects) into `objects`; every object's place in drawing order into `order`;
    text objects into `text_objects`."""
    count = raw.FPDFFormObj_CountObjects(form) if form is not None else raw.FPDFPage_CountObjects(page)
    m = raw.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    for k in range(max(count, 0)):
        obj = raw.FPDFFormObj_GetObject(form, k) if form is not None else raw.FPDFPage_GetObject(page, k)
        if not obj:
            continue
        key = ctypes.addressof(obj.contents)
        order[key] = len(order)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            text_objects[key] = obj
            continue
        if kind == raw.FPDF_PAGEOBJ_FORM:
            if depth < MAX_FORM_DEPTH and raw.FPDFPageObj_GetMatrix(obj, m):
                inner = _mul((_snap(m.a), _snap(m.b), _snap(m.c), _snap(m.d), m.e, m.f), outer)
                _paths(raw, page, obj, inner, height, objects, order, text_objects, depth + 1)
            continue
        if kind != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetMatrix(obj, m):
            continue
        mat = _mul((_snap(m.a), _snap(m.b), _snap(m.c), _snap(m.d), m.e, m.f), outer)
        raw.FPDFPath_GetDrawMode(obj, fillmode, stroke)
        raw.FPDFPageObj_GetStrokeColor(obj, r, g, b, a)
        scolour = (r.value / 255, g.value / 255, b.value / 255)
        raw.FPDFPageObj_GetFillColor(obj, r, g, b, a)
        ncolour = (r.value / 255, g.value / 255, b.value / 255)
        segs = []
        for s in range(max(raw.FPDFPath_CountSegments(obj), 0)):
            seg = raw.FPDFPath_GetPathSegment(obj, s)
            if not seg or not raw.FPDFPathSegment_GetPoint(seg, fx, fy):
                continue
            px, py = _apply(mat, fx.value, fy.value)
            segs.append((raw.FPDFPathSegment_GetType(seg), px, height - py, bool(raw.FPDFPathSegment_GetClose(seg))))
        _classify(raw, segs, bool(stroke.value), fillmode.value != raw.FPDF_FILLMODE_NONE, scolour, ncolour,
                  objects)


def _classify(raw, segs: list[tuple], stroke: bool, fill: bool, scolour: tuple, ncolour: tuple,
              objects: dict[str, list[dict]]) -> None:
    """pdfminer's paint_path: each subpath (m …) on its own; `ml`/`mlh` a line, a closed axis-aligned
    four-point path a rect, anything else a curve through the end points of its segments."""
    subpaths: list[list[tuple[str, float, float]]] = []
    cur: list[tuple[str, float, float]] | None = None
    i = 0
    while i < len(segs):
        kind, x, y, close = segs[i]
        if kind == raw.FPDF_SEGMENT_MOVETO:
            cur = [("m", x, y)]
            subpaths.append(cur)
        elif cur is None:
            cur = [("?", x, y)]  # a path that does not start with a move: pdfminer ignores it
            subpaths.append(cur)
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            # a curve is three segments (two control points, the end point); pdfminer keeps the end point
            last = min(i + 2, len(segs) - 1)
            _, x, y, close = segs[last]
            cur.append(("c", x, y))
            i = last
        else:
            cur.append(("l", x, y))
        if close:
            cur.append(("h", cur[0][1], cur[0][2]))
        i += 1
    for sub in subpaths:
        if sub[0][0] != "m":
            continue
        shape = "".join(op for op, _, _ in sub)
        pts = [(x, y) for _, x, y in sub]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        item = {"x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys), "pts": pts, "stroke": stroke,
                "fill": fill, "stroking_color": scolour, "non_stroking_color": ncolour}
        if shape in ("mlh", "ml"):
            objects["line"].append(item)
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or \
                (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            objects["rect" if pts[0] == pts[4] and square else "curve"].append(item)
        else:
            objects["curve"].append(item)


# --------------------------------------------------------------------------- fonts, as pdfminer reads them

def font_descents(resources, cache: dict[int, tuple[bytes, float]], max_forms: int = 64) -> dict[bytes, float]:
    """BaseFont name → descent per unit of font size, as pdfminer's PDFFont.get_descent() gives it, for
    the fonts of a page's resources and of the forms it draws. A name that two fonts with different
    descents share is left out (PDFium's own metrics then apply to it)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    out: dict[bytes, float] = {}
    clash: set[bytes] = set()
    seen: set[int] = set()
    todo = [resources]
    while todo and len(seen) <= max_forms:
        res = _dict(resolve1(todo.pop()))
        if id(res) in seen:
            continue
        seen.add(id(res))
        for spec in _dict(res.get("Font")).values():
            spec = _dict(spec)
            got = cache.get(id(spec))
            if got is None:
                got = cache[id(spec)] = _descent(spec)
            name, desc = got
            if name in out and out[name] != desc:
                clash.add(name)
            out[name] = desc
        for xobj in _dict(res.get("XObject")).values():
            xobj = resolve1(xobj)
            if isinstance(xobj, PDFStream) and "Resources" in xobj.attrs:
                todo.append(xobj.attrs["Resources"])
    for name in clash:
        del out[name]
    return out


def _dict(x) -> dict:
    from pdfminer.pdftypes import PDFStream, resolve1

    x = resolve1(x)
    if isinstance(x, PDFStream):
        x = x.attrs
    return x if isinstance(x, dict) else {}


def _name_bytes(x) -> bytes:
    """A font's name without its subset tag (ABCDEF+), which PDFium leaves out of the names it gives."""
    from pdfminer.psparser import PSLiteral

    name = x.name if isinstance(x, PSLiteral) else x
    if not isinstance(name, bytes):
        name = str(name).encode("utf-8", "surrogateescape") if name is not None else b""
    return _SUBSET.sub(b"", name)


def _number(x) -> float:
    from pdfminer.pdftypes import resolve1

    x = resolve1(x)
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else 0.0


def _descent(spec: dict) -> tuple[bytes, float]:
    """(BaseFont, descent / 1000) of one font dictionary by pdfminer's rules (pdffont.py)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral, literal_name

    name = _name_bytes(resolve1(spec.get("BaseFont")))
    subtype = resolve1(spec.get("Subtype"))
    subtype = literal_name(subtype) if isinstance(subtype, PSLiteral) else "Type1"
    if subtype == "Type0":
        dfonts = resolve1(spec.get("DescendantFonts"))
        spec = _dict(dfonts[0]) if isinstance(dfonts, list) and dfonts else {}
        sub = resolve1(spec.get("Subtype"))
        subtype = literal_name(sub) if isinstance(sub, PSLiteral) else "Type1"
    if subtype == "Type3":
        t3 = _dict(spec["FontDescriptor"]) if "FontDescriptor" in spec else {"FontBBox": spec.get("FontBBox")}
        bbox = resolve1(t3.get("FontBBox"))
        matrix = resolve1(spec.get("FontMatrix"))
        descent = _number(bbox[1]) if isinstance(bbox, list) and len(bbox) == 4 else 0.0  # not negated there
        vscale = _number(matrix[1]) + _number(matrix[3]) if isinstance(matrix, list) and len(matrix) == 6 else 0.0
        return name, descent * vscale
    descriptor: dict | None = None
    if subtype not in ("CIDFontType0", "CIDFontType2"):
        from pdfminer.fontmetrics import FONT_METRICS

        basefont = resolve1(spec.get("BaseFont"))
        metrics = FONT_METRICS.get(literal_name(basefont)) if isinstance(basefont, PSLiteral) else None
        if metrics is not None:  # the standard 14 fonts: pdfminer uses its own metrics, whatever the file says
            descriptor = metrics[0]
    if descriptor is None:
        descriptor = _dict(spec.get("FontDescriptor"))
    descent = _number(descriptor.get("Descent", 0))
    if descent > 0:
        descent = -descent
    return name, descent * 0.001
