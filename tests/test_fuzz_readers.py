"""Hypothesis-driven fuzzing of every reader, on a fixed small budget: a small valid input of each format,
damaged by a few generated edits, gives a model or one InputError — never another exception. (Long runs
through the command line are scripts/fuzz.py.)"""
from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import docx_file, one_page_pdf, text_ops
from report_lint.errors import ReportLintError
from report_lint.model import Report
from report_lint.parsing import parse_bytes
from report_lint.testing import valid_report

BUDGET = settings(max_examples=80, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_TABLE_PDF = b"\n".join([
    text_ops("二〇二三年政府信息公开工作年度报告", 100, 780, 16),
    text_ops("三、收到和处理政府信息公开申请情况", 80, 740),
    b"0.8 w 60 720 m 540 720 l S 60 700 m 540 700 l S 60 720 m 60 700 l S 300 720 m 300 700 l S",
    text_ops("本年新收政府信息公开申请数量", 64, 704, 10), b"BT /F1 10 Tf 400 704 Td (12) Tj ET",
])
SEEDS = {
    "x.pdf": one_page_pdf(_TABLE_PDF),
    "x.docx": docx_file(
        '<w:p><w:r><w:t>二〇二三年政府信息公开工作年度报告</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>本年新收</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>总体情况</w:t></w:r></w:p>',
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'),
    "x.html": ('<html><head><meta charset="utf-8"><title>年度报告</title></head><body><h1>2023年度报告</h1>'
               '<p>一、总体情况</p><table><tr><td rowspan="2">本年新收</td><td colspan="2">12</td></tr>'
               '<tr><td>3</td><td>4</td></tr></table></body></html>').encode(),
    "x.md": "# 2023年度报告\n\n一、总体情况\n\n| 项目 | 数量 |\n|---|---|\n| 本年新收 | 12 |\n| 结转 | 3 |\n".encode(),
    "x.txt": "2023年政府信息公开工作年度报告\n一、总体情况\n本年新收政府信息公开申请数量 12\n- 3 -\n".encode(),
    "x.json": valid_report("2021").to_json().encode(),
}
TOKENS = [b"<", b">", b"|", b"(", b")", b"[", b"]", b"{", b"}", b'"', b"\\", b"\x00", b"\xff", b"9" * 40,
          b"-1", b"NaN", b"7 0 R", b" obj ", b"endobj", b"stream\n", b"<td rowspan=99999>", b'w:val="999999999"',
          b"\r\n", "本年新收".encode(), b"\xe3\x80"]


@st.composite
def damaged(draw, data: bytes) -> bytes:
    d = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(d)))
        op = draw(st.sampled_from(["insert", "token", "delete", "replace", "truncate", "repeat"]))
        if op == "insert":
            d[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "token":
            d[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del d[pos:pos + draw(st.integers(1, 64))]
        elif op == "replace":
            d[pos:pos + 1] = bytes([draw(st.integers(0, 255))])
        elif op == "truncate":
            del d[max(pos, 1):]
        else:
            piece = bytes(d[pos:pos + draw(st.integers(1, 200))])
            d[pos:pos] = piece * draw(st.integers(2, 300))
    return bytes(d)


def _docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _rezip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def _check(data: bytes, name: str) -> None:
    try:
        assert isinstance(parse_bytes(data, name), Report)
    except ReportLintError as e:
        assert e.zh and e.en and "\n" not in e.zh and "\n" not in e.en, e.zh  # noqa: PT017 - an error is one allowed outcome, not the expected one


@pytest.mark.parametrize("name", ["x.pdf", "x.html", "x.md", "x.txt", "x.json"])
def test_damaged_input_gives_a_model_or_an_input_error(name):
    @BUDGET
    @given(damaged(SEEDS[name]))
    def run(data):
        _check(data, name)

    run()


def test_damaged_word_xml_gives_a_model_or_an_input_error():
    parts = _docx_parts(SEEDS["x.docx"])

    @BUDGET
    @given(st.sampled_from(["word/document.xml", "word/numbering.xml"]), st.data())
    def run(part, data):
        changed = dict(parts)
        changed[part] = data.draw(damaged(parts[part]))
        _check(_rezip(changed), "x.docx")

    run()


def test_damaged_word_package_gives_a_model_or_an_input_error():
    @BUDGET
    @given(damaged(SEEDS["x.docx"]))
    def run(data):
        _check(data, "x.docx")

    run()


def test_seeds_are_read():
    for name, data in SEEDS.items():
        assert isinstance(parse_bytes(data, name), Report), name
