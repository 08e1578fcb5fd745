"""The library entry points: parse a file into a Report; check files into results.

    import report_lint
    report = report_lint.parse("report.html")
    result = report_lint.check("report.html")      # see report_lint.engine.runner
"""
from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from pathlib import Path
from typing import cast

from .errors import InputError
from .model import Report, Source, SourceFormat
from .readers import MAX_INPUT_BYTES, detect_format, limits, read_document


def _read_bytes(path: str) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError("not-found", f"文件不存在：{path}", f"file not found: {path}")
    if p.is_dir():
        raise InputError("is-directory", f"{path} 是目录，不是文件", f"{path} is a directory, not a file")
    size = p.stat().st_size
    if size == 0:
        raise InputError("empty-file", f"{path} 是空文件", f"{path} is empty")
    if size > MAX_INPUT_BYTES:
        raise InputError("too-large", f"{path} 过大（{size // 1048576} MB），超过 {MAX_INPUT_BYTES // 1048576} MB 上限",
                         f"{path} is too large ({size // 1048576} MB > {MAX_INPUT_BYTES // 1048576} MB)")
    try:
        return p.read_bytes()  # read-only: report-lint never writes to the user's input
    except OSError as e:
        raise InputError("unreadable", f"无法读取 {path}：{e.strerror}", f"cannot read {path}: {e.strerror}") from None


def parse_bytes(data: bytes, path: str, fmt: str | None = None, published_on: date | None = None,
                templates: tuple[str, ...] = ()) -> Report:
    """`templates`: extra template data files (a plugin's report_lint_template_paths)."""
    if not data.strip():
        raise InputError("empty-file", f"{path} 是空文件", f"{path} is empty")
    # one time budget for reading and recognising the file (see readers/limits.py)
    with limits.guarded(path):
        try:
            report = _parse(data, path, fmt, tuple(templates))
        except MemoryError:
            raise InputError("too-large", f"{path} 读取时内存不足：文件过大或结构异常，已停止",
                             f"ran out of memory reading {path}: the file is too large or malformed") from None
    if published_on is not None:
        from .model import Provenance

        report.meta.published_on = published_on
        report.meta.provenance["published_on"] = Provenance(kind="command-line", text=published_on.isoformat())
    return report


def _parse(data: bytes, path: str, fmt: str | None, templates: tuple[str, ...]) -> Report:
    fmt = fmt or detect_format(path, data)
    # a caller's --format is any string: pydantic checks it against SourceFormat here, as it always did
    source = Source(path=path, format=cast(SourceFormat, fmt), sha256=hashlib.sha256(data).hexdigest())
    if fmt == "json":
        return _load_model(data, path, templates)
    from .recognise import recognise_report

    doc = read_document(path, data, fmt)
    return recognise_report(doc, source, extra_templates=templates)


def parse(path: str | Path, *, fmt: str | None = None, published_on: date | None = None,
          templates: tuple[str, ...] = ()) -> Report:
    """Read one report file into the typed model. Raises InputError for unreadable input."""
    path = str(path)
    return parse_bytes(_read_bytes(path), path, fmt=fmt, published_on=published_on, templates=templates)


MAX_JSON_DEPTH = 50  # a model export nests about 7 levels


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"数值 {text[:20]} 超出范围|the number {text[:20]} is out of range")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} 不是 JSON 允许的数值|{name} is not a number JSON allows")


def _too_deep(obj: object) -> bool:
    stack = [(obj, 1)]
    while stack:
        x, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(x, dict):
            stack.extend((v, depth + 1) for v in x.values())
        elif isinstance(x, list):
            stack.extend((v, depth + 1) for v in x)
    return False


def _load_model(data: bytes, path: str, templates: tuple[str, ...] = ()) -> Report:
    from pydantic import ValidationError

    def bad(zh: str, en: str) -> InputError:
        return InputError("bad-json", f"{path} 不是有效的 JSON：{zh}", f"{path} is not valid JSON: {en}")

    try:
        obj = json.loads(data.decode("utf-8-sig"), parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        obj = None  # nested past the decoder's own limit: reported as too deep below
    except UnicodeDecodeError as e:
        raise bad(f"不是 UTF-8 编码（{e.reason}，第 {e.start} 字节）",
                  f"not UTF-8 ({e.reason} at byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise bad(f"{e.msg}（第 {e.lineno} 行第 {e.colno} 列）",
                  f"{e.msg} (line {e.lineno}, column {e.colno})") from None
    except ValueError as e:  # our hooks above, or an integer longer than Python converts (4 300 digits)
        zh, _, en = str(e).partition("|")
        raise bad(zh if en else "数字位数过多", en or "a number has too many digits") from None
    if obj is None or _too_deep(obj):
        raise InputError("json-too-deep", f"{path} 的 JSON 嵌套超过 {MAX_JSON_DEPTH} 层，不是报告模型",
                         f"{path} nests deeper than {MAX_JSON_DEPTH} levels: not a report model")
    if not isinstance(obj, dict) or "tables" not in obj or "meta" not in obj:
        raise InputError("not-a-model", f"{path} 不是 report-lint 导出的报告模型（缺少 meta/tables）",
                         f"{path} is not a report-lint model export (no meta/tables)")
    if obj.get("schema_version", 1) != 1:
        raise InputError("schema-version", f"{path} 的 schema_version={str(obj.get('schema_version'))[:20]} 不受支持",
                         f"{path}: unsupported schema_version {str(obj.get('schema_version'))[:20]}")
    try:
        # the context asks for the template-aware checks a model file must pass (see model.Report)
        report = Report.model_validate(obj, context={"templates": templates})
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])[:200]
        msg = " ".join(str(first["msg"]).split())[:300]
        raise InputError("bad-model", f"{path} 的报告模型无效：{where}：{msg}",
                         f"{path}: invalid report model at {where}: {msg}") from None
    if "facts" not in obj:  # a model written before facts existed, or by hand: read its narrative
        from .recognise.facts import extract_facts

        report.facts = extract_facts(report)
    return report
