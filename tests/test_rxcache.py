"""Compiled patterns kept across runs (rxcache.py): the pattern from the file is the very pattern re.compile
builds (Pattern equality compares the engine code), a new run compiles nothing it has seen, and a missing,
damaged or foreign file only costs the compiling."""
from __future__ import annotations

import json
import re

import pytest

from report_lint import rxcache

PATTERNS = [
    (r"[\u4e00-\u9fff]{2,12}+\s*(?P<open>[（(])", 0),
    (r"(?<![\u4e00-\u9fff])(发布日期|来源)\s*[：:]\s*(.*?)$", re.M),
    (r"^\s*<(?:html|body)[\s>/]", re.I),
    (r"(?:(?P<y>(?:19|20)\d{2})年)?(\d+)(?:件|项)", 0),
    (r"[^\x00-\x7f]+|\w", 0),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORT_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(rxcache, "_table", None)
    monkeypatch.setattr(rxcache, "_new", {})
    return tmp_path / "cache"


def _new_process(monkeypatch):
    monkeypatch.setattr(rxcache, "_table", None)
    monkeypatch.setattr(rxcache, "_new", {})


def test_compiled_afresh_and_from_the_file_it_is_the_pattern_re_builds(cache, monkeypatch):
    fresh = [rxcache.compile(p, f) for p, f in PATTERNS]
    rxcache.save()
    assert list(cache.glob("regex-*.json"))
    _new_process(monkeypatch)

    def no_compiling(*a):
        raise AssertionError("compiled although the file holds the pattern")

    monkeypatch.setattr(rxcache, "_code", no_compiling)
    kept = [rxcache.compile(p, f) for p, f in PATTERNS]
    for (p, f), a, b in zip(PATTERNS, fresh, kept, strict=True):
        want = re.compile(p, f)
        assert a == want and b == want  # same pattern, flags and engine code
        assert b.groupindex == want.groupindex and b.groups == want.groups
    text = "发布日期：2020年3件 某某局（2021）"
    assert kept[1].findall(text) == re.findall(PATTERNS[1][0], text, PATTERNS[1][1])
    assert kept[3].search(text).groupdict() == re.search(PATTERNS[3][0], text).groupdict()


def test_a_damaged_or_foreign_file_is_compiled_around(cache, monkeypatch):
    rxcache.compile(PATTERNS[0][0])
    rxcache.save()
    path = next(cache.glob("regex-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    key = next(iter(data["patterns"]))
    data["patterns"][key][1] = [1, 2, 3]  # code the engine refuses
    path.write_text(json.dumps(data), encoding="utf-8")
    _new_process(monkeypatch)
    assert rxcache.compile(PATTERNS[0][0]) == re.compile(PATTERNS[0][0])

    data["python"] = "another Python"
    path.write_text(json.dumps(data), encoding="utf-8")
    _new_process(monkeypatch)
    assert rxcache._read(path) == {}
    assert rxcache.compile(PATTERNS[0][0]) == re.compile(PATTERNS[0][0])

    path.write_text("{not json", encoding="utf-8")
    _new_process(monkeypatch)
    assert rxcache.compile(PATTERNS[2][0], PATTERNS[2][1]) == re.compile(PATTERNS[2][0], PATTERNS[2][1])
    rxcache.save()  # replaces the damaged file
    assert json.loads(path.read_text(encoding="utf-8"))["python"] == rxcache.PYTHON


def test_switched_off_and_bad_patterns(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORT_LINT_CACHE_DIR", "")
    _new_process(monkeypatch)
    assert rxcache.compile(PATTERNS[0][0]) == re.compile(PATTERNS[0][0])
    rxcache.save()  # nowhere to write: nothing happens
    with pytest.raises(re.error):
        rxcache.compile("[unclosed")


def test_workers_add_to_the_file_instead_of_replacing_it(cache, monkeypatch):
    rxcache.compile(PATTERNS[0][0])
    rxcache.save()
    _new_process(monkeypatch)  # another worker, started before the first one saved
    monkeypatch.setattr(rxcache, "_table", {})
    rxcache.compile(PATTERNS[3][0])
    rxcache.save()
    held = rxcache._read(next(cache.glob("regex-*.json")))
    assert {f"0:{PATTERNS[0][0]}", f"0:{PATTERNS[3][0]}"} <= set(held)
