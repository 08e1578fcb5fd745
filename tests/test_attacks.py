"""Issue 9's attack classes, each generated here (tests/hostile.py) and small: every one ends as a normal
result or as one InputError with a one-line message in both languages, quickly. The full-size runs
through the command line, with time and memory measured, are `scripts/fuzz.py --attacks`."""
from __future__ import annotations

import json
import time

import pytest

from hostile import all_cases, docx_file, model_json, ole_file, one_page_pdf, pdf_file, stream, text_ops
from report_lint.errors import InputError
from report_lint.model import Cell, Report
from report_lint.parsing import parse_bytes
from report_lint.readers import detect_format, limits
from report_lint.readers.pdf_vet import _decoded_len, _text_bytes, raw_ref_cycle
from report_lint.testing import valid_report

CASES = all_cases()

# what each attack must end in: an InputError code, or None for a normal result
EXPECT = {
    **dict.fromkeys(["pdf-selfref-mediabox", "pdf-selfref-resources", "pdf-selfref-contents", "pdf-selfref-commented",
                     "pdf-selfref-root", "pdf-ref-cycle-two", "pdf-selfref-mediabox-item", "pdf-selfref-rotate",
                     "pdf-parent-loop", "pdf-kids-not-refs", "pdf-mediabox-name", "pdf-deep-dict", "pdf-huge-number"],
                    "corrupt-pdf"),
    **dict.fromkeys(["pdf-inflate-text", "pdf-inflate-spaces", "pdf-many-glyphs", "pdf-form-fanout",
                     "pdf-form-fanout-wide", "pdf-many-pages"], "pdf-too-large"),
    **dict.fromkeys(["pdf-kids-loop", "pdf-kids-self", "pdf-form-recursion", "pdf-deep-array", "pdf-objstm-bomb",
                     "pdf-font-size-overflow", "pdf-matrix-overflow"], None),
    **dict.fromkeys(["docx-gridbefore", "docx-gridbefore-digits", "docx-gridspan-digits", "docx-letters-2e9",
                     "docx-letters-1e12", "docx-start-digits", "docx-start-negative-digits", "docx-roman-big",
                     "docx-chinese-big", "docx-fullwidth-big", "docx-ilvl-x", "docx-ilvl-digits", "docx-ilvl-negative",
                     "docx-start-override-digits", "docx-start-override-big", "docx-sym-negative", "docx-nested-60"],
                    None),
    **dict.fromkeys(["docx-gridspan-rows", "docx-hmerge", "docx-vmerge-tall", "docx-many-cells"], "too-large-table"),
    "docx-many-paragraphs": "too-many-blocks",
    "docx-nested-250": "docx-too-deep", "docx-deep-runs": "docx-too-deep",
    "docx-old-doc-renamed": "old-binary-format", "docx-ole-other": "old-binary-format",
    "docx-encrypted": "encrypted-docx",
    **dict.fromkeys(["html-charset-undefined", "html-charset-bogus-http-equiv", "html-charset-utf7",
                     "html-rowspan-digits", "html-colspan-digits", "html-nonxml-chars",
                     "html-many-scripts"], None),
    **dict.fromkeys(["html-rows-200k", "html-rows-60k", "html-many-paragraphs", "html-wide"], "too-large-html"),
    **dict.fromkeys(["html-rowspan-wall", "html-wide-1000", "md-wide-10000"], "too-large-table"),
    "html-deep": "html-too-deep",
    **dict.fromkeys(["txt-charset-undefined", "txt-meta-gbk-declared", "txt-long-line", "txt-digit-runs"], None),
    **dict.fromkeys(["md-rows-100k", "txt-many-paragraphs", "md-many-tables"], "too-many-blocks"),
    "txt-many-lines": "too-many-lines",
    **dict.fromkeys(["json-deep-1000", "json-deep-100000", "json-deep-dict", "json-deep-in-problem-data"],
                    "json-too-deep"),
    **dict.fromkeys(["json-nan", "json-infinity", "json-minus-infinity", "json-1e400", "json-digits-5000",
                     "json-not-utf8", "json-big-year"], "bad-json"),
    **dict.fromkeys(["json-10pow400", "json-negative-count", "json-fraction-count", "json-bool-count",
                     "json-invalid-with-value"], "bad-model"),
}


def test_every_case_has_an_expectation():
    assert set(EXPECT) == set(CASES)


def _outcome(name: str, data: bytes):
    try:
        return parse_bytes(data, name)
    except InputError as e:
        return e


@pytest.mark.parametrize("case", sorted(CASES))
def test_attack_ends_in_a_result_or_one_clear_error(case):
    name, build = CASES[case]
    start = time.monotonic()
    got = _outcome(name, build())
    assert time.monotonic() - start < 15, "far slower than this attack takes on an idle machine (~4 s at most)"
    if EXPECT[case] is None:
        assert isinstance(got, Report), getattr(got, "zh", got)
    else:
        assert isinstance(got, InputError), f"expected {EXPECT[case]}, got a result"
        assert got.code == EXPECT[case], got.zh
        for msg in (got.zh, got.en):
            assert msg and "\n" not in msg and len(msg) < 400, msg
            assert name in msg  # the user learns which file


# --------------------------------------------------------------------------------- what the messages say

def _error(case: str) -> InputError:
    name, build = CASES[case]
    got = _outcome(name, build())
    assert isinstance(got, InputError)
    return got


def test_old_doc_renamed_is_not_called_encrypted():
    e = _error("docx-old-doc-renamed")
    assert "Word 97-2003" in e.zh and "密码" not in e.zh and "password" not in e.en
    assert "密码" in _error("docx-encrypted").zh
    assert "Office 97-2003" in _error("docx-ole-other").zh
    # a real .doc keeps its own wording; the container is found by its directory, not by the magic alone
    with pytest.raises(InputError) as exc:
        detect_format("old.doc", ole_file(["WordDocument"]))
    assert exc.value.code == "old-binary-format" and "Word 97-2003 (.doc)" in exc.value.zh


def test_deep_word_tables_are_called_too_deeply_nested():
    e = _error("docx-nested-250")
    assert "嵌套过深" in e.zh and "too deeply nested" in e.en and "损坏" not in e.zh


def test_reference_cycle_and_limits_are_named():
    assert "循环引用" in _error("pdf-selfref-mediabox").zh
    assert "循环引用" in _error("pdf-selfref-commented").zh  # found by the guarded getobj, not the byte scan
    assert "32 MB" in _error("pdf-inflate-spaces").zh
    assert "第 1 页" in _error("pdf-many-glyphs").zh


def test_list_counters_stay_short():
    from report_lint.readers.docx import READER, format_number

    # a start past Word's own ceiling (32767) is that ceiling; letters that long are shown in digits
    blocks = READER.read(CASES["docx-letters-2e9"][1](), "x.docx").blocks
    assert [b.numbering for b in blocks] == ["32767.", "32768.", "32769."]
    assert format_number(28, "upperLetter") == "BB" and format_number(781, "upperLetter") == "781"
    blocks = READER.read(CASES["docx-start-digits"][1](), "x.docx").blocks
    assert blocks[0].numbering == "32767."
    blocks = READER.read(CASES["docx-ilvl-x"][1](), "x.docx").blocks
    assert all(b.numbering == "" for b in blocks)  # no such level: no number


def test_huge_spans_are_clamped_not_parsed():
    from report_lint.readers.html import READER

    [table] = [b for b in READER.read(CASES["html-rowspan-digits"][1](), "x.html").blocks if hasattr(b, "rows")]
    assert len(table.rows) == 2  # the rowspan ends with the table, as in a browser
    assert limits.small_int("9" * 5000, 1, 1, 500) == 500
    assert limits.small_int("-" + "9" * 5000, 1, 0, 500) == 0
    assert limits.small_int("3px", 1, 1, 500, prefix=True) == 3
    assert limits.small_int("x", 7, 1, 500) == 7
    assert limits.small_int("0007", 1, 0, 9) == 7


def test_meta_charset_is_only_honoured_in_html():
    from report_lint.readers.encoding import decode

    gbk = '<meta charset="undefined"><p>政府信息</p>'.encode("gbk")
    assert decode(gbk, html=True)[0].endswith("政府信息</p>")
    text, enc = decode('<meta charset="big5">\n报告'.encode("gbk"))
    assert enc == "gb18030" and "报告" in text  # a text file's "meta tag" is just text


# --------------------------------------------------------------------------------- the PDF vetting

def test_text_bytes_bound_glyphs_and_stop_early():
    assert _text_bytes(b"BT (abc) Tj <4e004e01> Tj [(x) 5 (yz)] TJ ET", 1000) == 3 + 4 + 1 + 2
    assert _text_bytes(b"(a\\)b(c)d)", 1000) == 8  # escaped and nested parentheses
    assert _text_bytes(b"(" * 1_000_000, 100) == 101  # an unclosed string already too long: stop
    assert _text_bytes(b"<< /Type /X >> 1 0 0 1 0 0 cm", 100) == 0


def test_raw_reference_cycles():
    assert raw_ref_cycle(b"1 0 obj 2 0 R endobj 2 0 obj 1 0 R endobj")
    assert not raw_ref_cycle(b"1 0 obj 2 0 R endobj 2 0 obj 3 0 R endobj 3 0 obj [1] endobj")
    chain = b"".join(b"%d 0 obj %d 0 R endobj " % (i, i + 1) for i in range(1, 50_000))
    start = time.monotonic()
    assert not raw_ref_cycle(chain) and time.monotonic() - start < 2  # linear, however long the chain


def test_damaged_deflate_is_repaired_the_way_pdfminer_reads_it():
    import zlib

    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    full = zlib.compress(b"BT (x) Tj ET " * 1000)
    truncated = PDFStream({"Filter": LIT("FlateDecode")}, full[:len(full) // 2])
    n = _decoded_len(truncated, 1 << 20)
    assert 0 < n < 13_000 and len(truncated.get_data()) == n  # pdfminer keeps what inflated
    broken = PDFStream({"Filter": LIT("FlateDecode")}, full[:20] + b"\xff" * 50 + full[70:])
    assert _decoded_len(broken, 1 << 20) == 0 and broken.get_data() == b""  # damage early: nothing, as pdfminer


def test_close_error_does_not_hide_the_readers_error():
    # pdfplumber's close() enumerates the pages again and raises on this one
    e = _error("pdf-mediabox-name")
    assert e.code == "corrupt-pdf"


def test_good_pdf_passes_the_vetting():
    doc = parse_bytes(one_page_pdf(text_ops("二〇二三年政府信息公开工作年度报告")), "x.pdf")
    assert doc.source.format == "pdf"
    forms = [stream(text_ops("表单里的字"), b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                                              b"/Resources << /Font << /F1 1 0 R >> >>")]
    doc = parse_bytes(one_page_pdf(text_ops("正文") + b" /X1 Do /X1 Do", extra=forms,
                                   resources=b"<< /Font << /F1 1 0 R >> /XObject << /X1 7 0 R >> >>"), "x.pdf")
    assert doc.source.format == "pdf"
    assert pdf_file  # the writer itself is shared with scripts/fuzz.py


# --------------------------------------------------------------------------------- the time budget

def test_budget_interrupts_a_loop_that_never_checks():
    start = time.monotonic()
    def spin():
        while True:  # stands for pdfminer: no checks of its own
            pass

    with pytest.raises(InputError) as exc, limits.guarded("slow.txt", 0.3):
        spin()
    assert exc.value.code == "too-slow" and "slow.txt" in exc.value.zh
    assert time.monotonic() - start < 3
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # disarmed, handler restored
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_budget_is_shared_by_nested_readers_and_checked_cooperatively():
    with limits.budget("a.txt", 100) as outer, limits.budget("b.txt", 0.0) as inner:
        assert inner is outer
    with limits.budget("c.txt", -1), pytest.raises(InputError) as exc:
        limits.check_time()
    assert exc.value.code == "too-slow"
    limits.check_time()  # no budget: nothing to check


# --------------------------------------------------------------------------------- the model

def test_cell_values_are_finite_bounded_and_only_on_number_cells():
    from pydantic import ValidationError

    for bad in (float("nan"), float("inf"), 10**400, -(10**10), 1e300):
        with pytest.raises(ValidationError):
            Cell(value=bad, raw="x", kind="number")
    with pytest.raises(ValidationError):
        Cell(value=3, raw="3", kind="invalid")
    with pytest.raises(ValidationError):
        Cell(value=None, raw="3", kind="number")
    assert Cell(raw="约10", kind="invalid").value is None
    assert Cell(value=-2, raw="-2", kind="number").value == -2  # what a page prints is kept for the rules


def test_model_file_counts_are_whole_and_not_negative():
    r = valid_report("2019")
    assert parse_bytes(r.to_json().encode(), "ok.json").tables.applications == r.tables.applications
    obj = json.loads(r.to_json())
    obj["tables"]["disclosure"]["punishment"]["change"] = {"value": -18, "raw": "-18", "kind": "number"}
    obj["tables"]["disclosure"]["procurement"]["amount"] = {"value": 20009.5, "raw": "20009.5", "kind": "number"}
    assert parse_bytes(json.dumps(obj).encode(), "signed.json")  # 本年增/减 may be negative, money a decimal
    obj["tables"]["disclosure"]["procurement"]["amount"]["value"] = -1
    with pytest.raises(InputError) as exc:
        parse_bytes(json.dumps(obj).encode(), "money.json")
    assert "amount" in exc.value.en
    with pytest.raises(InputError) as exc:
        parse_bytes(model_json("-3"), "neg.json")
    assert "whole number ≥ 0" in exc.value.en and "\n" not in exc.value.zh


def test_recognised_values_past_the_bound_are_invalid_cells():
    from report_lint.recognise.numbers import _to_value

    assert _to_value("1234567890123", money=False) is None
    assert _to_value("999999999", money=False) == 999_999_999
    assert _to_value("12.5", money=True) == 12.5 and _to_value("12.5", money=False) is None


# --------------------------------------------------------------------------------- a batch goes on

def test_one_bad_file_among_good_ones(tmp_path, capsys):
    from report_lint.cli import main

    good = tmp_path / "good.docx"
    good.write_bytes(docx_file("<w:p><w:r><w:t>二〇二三年政府信息公开工作年度报告</w:t></w:r></w:p>"))
    bad = tmp_path / "selfref.pdf"
    bad.write_bytes(CASES["pdf-selfref-mediabox"][1]())
    gridbefore = tmp_path / "grid.docx"
    gridbefore.write_bytes(CASES["docx-gridbefore"][1]())
    code = main(["check", str(good), str(bad), str(gridbefore), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in out["files"]}
    assert by_name["selfref.pdf"]["error"]["code"] == "corrupt-pdf"
    assert by_name["good.docx"]["error"] is None and by_name["grid.docx"]["error"] is None
    assert code == 2  # every good file reported, and the unreadable one makes the run exit 2 (issue 9)
