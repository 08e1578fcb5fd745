"""The library entry points: parse a file into a Report; check files into results.

    import report_lint
    report = report_lint.parse("report.html")
    result = report_lint.check("report.html")      # see report_lint.engine.runner
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Optional

from .errors import InputError
from .model import Report, Source
from .readers import MAX_INPUT_BYTES, detect_format, read_document


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
        raise InputError("unreadable", f"无法读取 {path}：{e.strerror}", f"cannot read {path}: {e.strerror}")


def parse_bytes(data: bytes, path: str, fmt: Optional[str] = None, published_on: Optional[date] = None,
                templates: tuple[str, ...] = ()) -> Report:
    """`templates`: extra template data files (a plugin's report_lint_template_paths)."""
    if not data.strip():
        raise InputError("empty-file", f"{path} 是空文件", f"{path} is empty")
    fmt = fmt or detect_format(path, data[:8192])
    source = Source(path=path, format=fmt, sha256=hashlib.sha256(data).hexdigest())
    if fmt == "json":
        report = _load_model(data, path)
    else:
        from .recognise import recognise_report

        doc = read_document(path, data, fmt)
        report = recognise_report(doc, source, extra_templates=tuple(templates))
    if published_on is not None:
        from .model import Provenance

        report.meta.published_on = published_on
        report.meta.provenance["published_on"] = Provenance(kind="command-line", text=published_on.isoformat())
    return report


def parse(path: str | Path, *, fmt: Optional[str] = None, published_on: Optional[date] = None,
          templates: tuple[str, ...] = ()) -> Report:
    """Read one report file into the typed model. Raises InputError for unreadable input."""
    path = str(path)
    return parse_bytes(_read_bytes(path), path, fmt=fmt, published_on=published_on, templates=templates)


def _load_model(data: bytes, path: str) -> Report:
    from pydantic import ValidationError

    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError("bad-json", f"{path} 不是有效的 JSON：{e}", f"{path} is not valid JSON: {e}")
    if not isinstance(obj, dict) or "tables" not in obj or "meta" not in obj:
        raise InputError("not-a-model", f"{path} 不是 report-lint 导出的报告模型（缺少 meta/tables）",
                         f"{path} is not a report-lint model export (no meta/tables)")
    if obj.get("schema_version", 1) != 1:
        raise InputError("schema-version", f"{path} 的 schema_version={obj.get('schema_version')} 不受支持",
                         f"{path}: unsupported schema_version {obj.get('schema_version')}")
    try:
        report = Report.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError("bad-model", f"{path} 的报告模型无效：{where}：{first['msg']}",
                         f"{path}: invalid report model at {where}: {first['msg']}")
    if "facts" not in obj:  # a model written before facts existed, or by hand: read its narrative
        from .recognise.facts import extract_facts

        report.facts = extract_facts(report)
    return report
