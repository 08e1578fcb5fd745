"""Reading an upload form into memory, within limits, with the multipart parser Starlette itself uses.

Starlette's own form reader spools files larger than 1 MB to a temporary file; a clerk's draft must not
touch the disk, so the parts are collected here in memory and the request is refused as soon as a file
passes the upload limit (before the rest of the body is read).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_PARTS = 16  # two files and a handful of options; anything more is not our form
MAX_FIELD_BYTES = 64 * 1024  # an option field (the pasted text has its own, larger limit)
TEXT_FIELDS = ("text",)  # fields that may hold a whole report


class FormTooLarge(Exception):
    """A file or the pasted text is over the upload limit."""


class FormInvalid(Exception):
    """Not a multipart form we can read (no boundary, broken framing, too many parts)."""


@dataclass
class Upload:
    name: str  # the file name as the browser gave it (never used as a path)
    data: bytes


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, default).strip()

    def uploads(self, key: str) -> list[Upload]:
        return [u for u in self.files.get(key, []) if u.data or u.name]


async def read_form(content_type: str | None, body: AsyncIterator[bytes], limit: int) -> Form:
    """Parse multipart/form-data from `body` (an async iterator of chunks). Each file and the pasted text
    may hold at most `limit` bytes; FormTooLarge is raised as soon as one passes it."""
    ctype, params = parse_options_header(content_type or "")
    if ctype == b"application/x-www-form-urlencoded":  # a script posting only the pasted text
        return await _read_urlencoded(body, limit)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise FormInvalid("expected multipart/form-data")
    form = Form()
    state: dict = {}

    def begin() -> None:
        state.update(headers={}, name=None, filename=None, chunks=[], size=0)

    def header_field(data: bytes, start: int, end: int) -> None:
        state["hname"] = state.get("hname", b"") + data[start:end]

    def header_value(data: bytes, start: int, end: int) -> None:
        state["hvalue"] = state.get("hvalue", b"") + data[start:end]

    def header_end() -> None:
        state["headers"][state.pop("hname", b"").lower()] = state.pop("hvalue", b"")

    def headers_finished() -> None:
        _, opts = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if b"name" not in opts:
            raise FormInvalid("a part without a name")
        state["name"] = opts[b"name"].decode("utf-8", "replace")
        if b"filename" in opts:
            state["filename"] = opts[b"filename"].decode("utf-8", "replace")
        state["parts"] = state.get("parts", 0) + 1
        if state["parts"] > MAX_PARTS:
            raise FormInvalid("too many parts")

    def part_data(data: bytes, start: int, end: int) -> None:
        state["size"] += end - start
        is_big = state["filename"] is not None or state["name"] in TEXT_FIELDS
        if state["size"] > (limit if is_big else MAX_FIELD_BYTES):
            raise FormTooLarge(state["filename"] or state["name"])
        state["chunks"].append(data[start:end])

    def part_end() -> None:
        data = b"".join(state["chunks"])
        if state["filename"] is not None:
            form.files.setdefault(state["name"], []).append(Upload(state["filename"], data))
        else:
            form.fields[state["name"]] = data.decode("utf-8", "replace")

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": begin, "on_part_data": part_data, "on_part_end": part_end,
        "on_header_field": header_field, "on_header_value": header_value, "on_header_end": header_end,
        "on_headers_finished": headers_finished,
    })
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as e:
        raise FormInvalid(str(e)) from None
    return form


async def _read_urlencoded(body: AsyncIterator[bytes], limit: int) -> Form:
    data = bytearray()
    async for chunk in body:
        data += chunk
        if len(data) > limit * 3 + MAX_FIELD_BYTES:  # percent-encoding triples the text at most
            raise FormTooLarge("text")
    try:
        pairs = parse_qsl(data.decode("ascii"), keep_blank_values=True, max_num_fields=MAX_PARTS)
    except (UnicodeDecodeError, ValueError) as e:
        raise FormInvalid(str(e)) from None
    form = Form(fields=dict(pairs))
    for key, value in form.fields.items():
        if len(value.encode("utf-8")) > (limit if key in TEXT_FIELDS else MAX_FIELD_BYTES):
            raise FormTooLarge(key)
    return form
