"""The fast paths read exactly what the plain definitions read.

Normalisation works run by run through str.translate (text.py, recognise/stream.py), a row label with
an optional index is matched as an alternation (recognise/normalize.py), and the check families that
share work keep it in the run's memo (RuleContext.memo). Each is compared here with the definition it
replaces, character by character or run by run, so a speed-up can never change a result.
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from report_lint.checks import parse as P
from report_lint.checks import zero_sum as Z
from report_lint.engine.runner import build_engine
from report_lint.problems import make_problem
from report_lint.recognise.normalize import BLANK_MARK, label_regex
from report_lint.recognise.stream import CELL, NONE, ROW, SPACE, Stream
from report_lint.templates import get_template
from report_lint.testing import valid_report
from report_lint.text import (
    _FOLD_ONE,
    NEWLINES,
    NORM_ONE,
    WHITESPACE,
    _changed_rx,
    _fold_char,
    _is_space,
    fold_map,
    norm_char,
    normalize,
    translate_one,
)

# Characters whose normal form is not themselves, or not one character, or that are layout space:
# full-width digits and punctuation, quotes (dropped), list markers (kept by fold_map), ½ (three
# characters), traditional forms (simplified), every kind of space and line break, the stand-in for
# an irregular character itself.
TRICKY = list("0123456789１２３，。、：；（）()“”\"'‘’《》①⑴❶½Ａａab年件个規範條") + \
    list(" \t\n\r\u3000\xa0\u2002\u200b\ufeff\u2028\x0b\x0c\x1c\x85") + ["\U0010ffff", "—", "-"]
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=40)


def fold_map_by_character(text: str, keep_newlines: bool = False) -> tuple[str, list[int]]:
    """fold_map's definition, one character at a time."""
    out: list[str] = []
    idx: list[int] = []
    gap = -1
    for k, ch in enumerate(text):
        n = _fold_char(ch)
        if n is None:
            if keep_newlines and ch in NEWLINES:
                out.append("\n")
                idx.append(k)
                gap = -1
            elif gap < 0:
                gap = k
            continue
        if not n:
            continue
        if gap >= 0 and out and out[-1].isdigit() and n[0].isdigit():
            out.append(" ")
            idx.append(gap)
        gap = -1
        for c in n:
            out.append(c)
            idx.append(k)
    return "".join(out), idx


def unit_by_character(raw: str, boundary: int, blank_mark: bool) -> tuple[list[str], list[int], list[int]]:
    """Stream.add_unit's definition: characters, the boundary before each, and its offset in `raw`."""
    chars: list[str] = []
    brk: list[int] = []
    off: list[int] = []
    pending = boundary
    for k, ch in enumerate(raw):
        if ch in NEWLINES:
            pending = max(pending, ROW)
        elif ch == "\t":
            pending = max(pending, CELL)
        elif ch in WHITESPACE or ch.isspace():
            pending = max(pending, SPACE)
        else:
            for c in norm_char(ch):
                chars.append(c)
                brk.append(pending)
                off.append(k)
                pending = NONE
    if not chars and blank_mark:
        chars, brk, off = [BLANK_MARK], [pending], [0]
    return chars, brk, off


@settings(max_examples=400)
@given(texts, st.booleans())
def test_fold_map_reads_as_character_by_character(text, keep_newlines):
    assert fold_map(text, keep_newlines) == fold_map_by_character(text, keep_newlines)


# Text long enough for translate_one's shortcut (LONG_TEXT), mostly characters the tables leave alone,
# as a report's prose is, with the tricky ones mixed in.
long_texts = st.text(alphabet=st.sampled_from(TRICKY + list("中国政府信息公开申请ABC12,.")), min_size=64,
                     max_size=200)


@settings(max_examples=300)
@given(long_texts, st.booleans())
def test_fold_map_of_long_text_reads_as_character_by_character(text, keep_newlines):
    assert fold_map(text, keep_newlines) == fold_map_by_character(text, keep_newlines)


@settings(max_examples=300)
@given(long_texts, st.sampled_from([0, 3]), st.booleans())
def test_stream_unit_of_long_text_reads_as_character_by_character(raw, boundary, blank_mark):
    s = Stream()
    s.add_unit(raw, None, boundary, is_cell=blank_mark, blank_mark=blank_mark)
    assert (s.chars, s.brk, s.off) == unit_by_character(raw, boundary, blank_mark)


@settings(max_examples=300)
@given(long_texts)
def test_translate_one_is_str_translate(text):
    for table in (NORM_ONE, _FOLD_ONE):
        assert translate_one(text, table) == text.translate(table)


def test_what_translate_one_passes_over_is_left_alone_by_both_tables():
    """Every character GB2312 can encode that _changed_rx does not pick out (ideographs, ASCII but
    quotes) maps to itself in NORM_ONE and _FOLD_ONE: translate_one's shortcut rests on it."""
    changed = _changed_rx()
    for o in [*range(0x20, 0x7F), *range(0x4E00, 0xA000)]:
        ch = chr(o)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if not changed.match(ch):
            assert NORM_ONE[o] == ch and _FOLD_ONE[o] == ch, ch


@settings(max_examples=400)
@given(texts)
def test_normalize_reads_as_character_by_character(text):
    assert normalize(text) == "".join(norm_char(c) for c in text if not _is_space(c))


@settings(max_examples=400)
@given(texts, st.sampled_from([0, 1, 2, 3, 4]), st.booleans())
def test_stream_unit_reads_as_character_by_character(raw, boundary, blank_mark):
    s = Stream()
    s.add_unit(raw, None, boundary, is_cell=blank_mark, blank_mark=blank_mark)
    assert (s.chars, s.brk, s.off) == unit_by_character(raw, boundary, blank_mark)


def test_the_space_pattern_is_is_space():
    """The runs are cut with a pattern; it must call space exactly what _is_space does."""
    space = re.compile(r"[\s\u200b\ufeff]")
    for o in range(0x3100):  # every code point of the scripts reports are written in
        ch = chr(o)
        assert bool(space.match(ch)) == _is_space(ch), hex(o)


LABEL_TEXT = st.text(alphabet=st.sampled_from(list("12.、其他法律行政法规禁止公开,;:() ")), max_size=30)


@settings(max_examples=300)
@given(LABEL_TEXT, st.sampled_from(["其他法律行政法规禁止公开", "其他", "(一)予以公开"]), st.sampled_from(["1", "2"]))
def test_an_optional_index_matches_as_before(text, label, index):
    """(?:index label|label) finds the same matches as (?:index)?label."""
    core = label_regex(label)
    before = re.compile(f"(?:{re.escape(index)}[.、])?{core}")
    now = re.compile(label_regex(label, index))
    assert [m.span() for m in now.finditer(text)] == [m.span() for m in before.finditer(text)]


# --------------------------------------------------------------------------- work shared within one run

def test_equations_are_worked_out_once_per_run_and_afresh_for_the_next(monkeypatch):
    engine = build_engine(None)
    r = valid_report("2021", seed=3)
    calls: list[str] = []
    read = Z.read_equations

    def counted(report, table):
        calls.append(table)
        return read(report, table)

    monkeypatch.setattr(Z, "read_equations", counted)
    assert not [f for f in engine.run_report(r).findings if f.family == "zero-sum"]
    assert sorted(calls) == ["applications", "disclosure", "reviews"]  # Z101…Z301 share one reading each
    r.tables.applications["granted"]["natural_person"].value += 1
    calls.clear()
    found = {f.rule for f in engine.run_report(r).findings}
    assert sorted(calls) == ["applications", "disclosure", "reviews"]  # a new run reads the changed table
    assert found & {"Z101", "Z102", "Z103"}  # and finds the broken equations


def test_parse_problems_are_worded_once_per_run(monkeypatch):
    engine = build_engine(None)
    r = valid_report("2021", seed=4)
    r.problems = [make_problem("split-digits", get_template("2021"), table="applications", row="granted",
                               raw="12", values=["1", "2"])]
    calls = []
    hits = P._hits

    def counted(report):
        calls.append(1)
        return hits(report)

    monkeypatch.setattr(P, "_hits", counted)
    assert "P103" in {f.rule for f in engine.run_report(r).findings}
    assert len(calls) == 1  # ten P rules, one wording of the problems


# --------------------------------------------------------------------------- reader registry

def test_reader_registry_matches_the_readers():
    """detect_format knows each reader's extensions and a byte string its sniff needs without importing
    it; both agree with the readers themselves."""
    import report_lint.readers as R

    assert set(R.EXTENSIONS) == set(R._MODULES)
    for name in R._MODULES:
        assert R.EXTENSIONS[name] == R.reader(name).extensions, name
    heads = [b"%PDF-1.7\n", b"PK\x03\x04word/[Content_Types].xml", b"<html>", "一、总体情况".encode(), b"PK\x03\x04"]
    for name, needle in R.SNIFF_NEEDS.items():
        for head in heads:
            if R.reader(name).sniff(head):
                assert needle in head, (name, head)
            assert R.reader(name).sniff(head.replace(needle, b"")) is False, (name, head)


def test_text_file_does_not_import_the_binary_and_html_readers():
    import subprocess
    import sys

    code = ("import sys; from report_lint.readers import detect_format\n"
            "assert detect_format('a.txt', '一、总体情况'.encode()) == 'txt'\n"
            "assert detect_format('a.md', b'# x') == 'md'\n"
            "print(sorted(m for m in sys.modules\n"
            "             if m in ('report_lint.readers.pdf', 'report_lint.readers.docx', 'report_lint.readers.html')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- message templates

def _vformat(template, args, lang):
    from report_lint.messages import _SafeFormatter

    try:
        return _SafeFormatter(lang).vformat(template, (), dict(args))
    except (ValueError, IndexError, KeyError, AttributeError):
        return template
    except Exception as e:  # noqa: BLE001 - the same error either way
        return type(e)


def _render(template, args, lang):
    from report_lint.messages import render_message

    try:
        return render_message(template, args, lang)
    except Exception as e:  # noqa: BLE001
        return type(e)


def test_message_plan_renders_as_vformat():
    """render_message's pre-cut templates give what string.Formatter.vformat gives, for every catalogue
    message and for the odd shapes a plugin may write."""
    engine = build_engine()
    templates = {t for r in engine.rules for m in [r.meta, *r.meta.variants.values()]
                 for t in (m.message_zh, m.message_en)}
    templates |= {"{a:已去掉|未去掉}", "{a:.1f}件", "{a!r}", "{0}", "{}", "{a.b}", "{a[0]}", "{{a}} {a}", "{a:{b}}",
                  "{", "}", "a}b", "{a:>5}", "{missing:x}", "{名称}", "", "{a:%}"}
    values = [None, True, False, 0, 20.0, 1.5, -3, "文本", ["甲", "乙"], {"b", "a"}, (1, 2.0), float("nan")]
    names = ["a", "b", "名称"]
    for t in templates:
        for i, v in enumerate(values):
            args = {n: values[(i + k) % len(values)] for k, n in enumerate(names)} | {"a": v}
            for lang in ("zh", "en"):
                assert _render(t, args, lang) == _vformat(t, args, lang), (t, args, lang)
        for lang in ("zh", "en"):
            assert _render(t, {}, lang) == _vformat(t, {}, lang), t


CELL_EDIT = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000),
                      st.sampled_from(["+1", "-1", "x10", "blank", "na", "invalid", "drop", "drop-row", "0.5"]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["2019", "2021"]), st.integers(0, 50), st.lists(CELL_EDIT, max_size=4),
       st.sampled_from(["applications", "reviews", "disclosure"]))
def test_the_all_hold_shortcut_agrees_with_the_full_equations(template, seed, edits, table):
    """read_equations skips the instances only when the full path would impute no total and find every
    equation holding."""
    from report_lint.model import Cell

    r = valid_report(template, seed=seed)
    data = getattr(r.tables, table)
    for i, j, how in edits:
        rows = list(data)
        if not rows:
            break
        row = rows[i % len(rows)]
        if how == "drop-row":
            del data[row]
            continue
        cols = list(data[row])
        if not cols:
            continue
        col = cols[j % len(cols)]
        cell = data[row][col]
        if how == "drop":
            del data[row][col]
        elif how in ("blank", "na", "invalid"):
            kind = {"blank": "blank", "na": "not_applicable", "invalid": "invalid"}[how]
            data[row][col] = Cell(raw="-", kind=kind)
        elif cell.value is not None:
            v = {"+1": cell.value + 1, "-1": cell.value - 1, "x10": cell.value * 10, "0.5": cell.value + 0.5}[how]
            data[row][col] = Cell(value=v, raw=str(v), kind="number")
    spec, instances = Z.build_instances(r, table)
    missing = Z.impute_missing_totals(instances)
    values = {t.ref: t.value for i in instances for t in i.terms}
    violated, _ = Z.minimal_solutions(instances, values)
    quiet = not missing and not violated
    got = Z.read_equations(r, table)
    assert got[0] is spec
    assert (not got[1]) == (quiet or not instances)
    if not quiet:
        assert len(got[1]) == len(instances) and len(got[2]) == len(missing)


# 文号-like pieces (an issuer, any bracket or none around a year, a number, 号) among loose characters:
# drawn character by character, the text never held a whole 文号 and the property was never put to the test.
_BRACKETS = ["", " ", *"（(〔〕)）[]【】［］{}｛｝"]
_DOCNO = st.tuples(st.sampled_from(["黑政办发", "政发", "文"]), st.sampled_from(_BRACKETS),
                   st.sampled_from(["2019", "2003", "1999", "20"]), st.sampled_from(_BRACKETS),
                   st.sampled_from(["3", "17", "2003", ""]), st.sampled_from(["号", " 号", ""])).map("".join)
DOCNO_TEXT = st.lists(st.one_of(_DOCNO, st.sampled_from([*"黑政办发文号（(〔〕)）[]【】［］{}｛｝ 2019200317号", "\n"])),
                      max_size=8).map("".join)


@settings(max_examples=500)
@given(DOCNO_TEXT)
def test_a_text_without_a_wrong_docno_tail_has_no_f101(text):
    """F101 skips _docno when _wrong_tail finds nothing: every 文号 it reports contains such a tail."""
    from report_lint.checks import format as F

    reported = [m for m in F._docno().finditer(text)
                if not (m.group("year2") is None and m.group("open") == "〔" and m.group("close") == "〕")]
    if reported:
        assert F._wrong_tail().search(text) is not None


GRAM_TEXT = st.text(alphabet=st.sampled_from(list("政府信息公开工作年度报告本年共受理申请件abc\ud800\U00020000")), max_size=30)


@settings(max_examples=300)
@given(GRAM_TEXT, GRAM_TEXT)
def test_packed_grams_give_the_same_similarity(a, b):
    """Y104's 4-grams packed as integers: the same set sizes and overlaps as the strings, or None."""
    from report_lint.checks import year_over_year as Y

    pa, pb = Y._packed_grams(a), Y._packed_grams(b)
    ga, gb = Y._grams(a, 4), Y._grams(b, 4)
    if pa is None or pb is None:
        assert max(a + b) > "\uffff"
        return
    assert len(pa) == len(ga) and len(pb) == len(gb)
    assert Y._jaccard(pa, pb) == Y._jaccard(ga, gb)


def test_compact_drops_what_is_space_names():
    """compact deletes with the _SPACE pattern: the same characters as _is_space, over every code point."""
    from report_lint.text import compact

    every = "".join(map(chr, range(0x110000)))
    assert compact(every) == "".join(c for c in every if not _is_space(c))


KEYWORD_TEXT = st.text(alphabet=st.sampled_from(list("主动公开依申請请平台監监督保障 \u3000\n（）()ＡA")), max_size=30)


@settings(max_examples=300)
@given(KEYWORD_TEXT, st.lists(st.lists(KEYWORD_TEXT.filter(bool), min_size=1, max_size=3), max_size=4))
def test_keyword_groups_missing_as_when_everything_was_normalised(text, words):
    """The shortcut (a plain keyword found in the text without its spaces) changes no answer."""
    from report_lint.checks.helpers import keyword_groups_missing
    from report_lint.text import normalize

    groups = {f"g{i}": ws for i, ws in enumerate(words)}
    t = normalize(text)
    assert keyword_groups_missing(text, groups) == [
        name for name, ws in groups.items() if not any(normalize(w) in t for w in ws)]


@settings(max_examples=300)
@given(GRAM_TEXT, GRAM_TEXT, st.sampled_from([0.0, 0.3, 0.8, 1.0]))
def test_y104_similarity_as_before(a, b, threshold):
    """Y104's similarity from the two wordings: the plain similarity, or None only when that is below the
    threshold."""
    from report_lint.checks import year_over_year as Y

    want = Y.similarity(a, b)
    got = Y._similarity_from(Y._wording(a), Y._wording(b), threshold)
    if got is None:
        assert want < threshold
    else:
        assert got == want


_CELL_VALUES = st.one_of(st.integers(min_value=-10**15, max_value=10**15),
                         st.floats(allow_nan=True, allow_infinity=True, width=64))


@settings(max_examples=300)
@given(_CELL_VALUES, st.text(max_size=8), st.one_of(st.none(), st.integers(0, 500)),
       st.one_of(st.none(), st.sampled_from(["split", "sum"])))
def test_number_cells_built_directly_equal_validated_ones(value, raw, line, derived):
    """recognise/tables.py builds number cells without validation when validation could not object; the
    cell must be the one Cell(...) builds — and a value validation rejects must still be rejected."""
    import pickle

    import pydantic

    from report_lint.model import Cell, Location
    from report_lint.recognise.tables import _number_cell

    assert set(Cell.model_fields) == {"value", "raw", "kind", "location", "derived"}  # a new field: update both
    loc = Location(line=line) if line is not None else None
    try:
        want = Cell(value=value, raw=raw, kind="number", location=loc, derived=derived)
    except pydantic.ValidationError:
        try:
            _number_cell(value, raw, loc, derived)
        except pydantic.ValidationError:
            return
        raise AssertionError(f"{value!r} passed the direct path but fails validation") from None
    got = _number_cell(value, raw, loc, derived)
    assert type(got) is Cell and got == want and repr(got) == repr(want)
    assert got.model_fields_set == want.model_fields_set and got.model_dump_json() == want.model_dump_json()
    assert pickle.loads(pickle.dumps(got)) == want
