"""Batch runs (engine/batch.py): the per-file guard, year-over-year pairing through the phases, stable
results whatever the number of jobs, the walk (symlink loops, own output, odd file names), the result
cache, baselines and the library's check_bytes / Dask bag pattern."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from report_lint.config import Config
from report_lint.engine.batch import Batch, Limits, display_path, expand_paths, looks_like_own_output
from report_lint.engine.runner import build_engine, check, check_report, organ_year_key, run_paths
from report_lint.model import Report
from report_lint.testing import num, valid_report
from shared_paths import CORPUS, require

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def fixture_plugins(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.setenv("REPORT_LINT_CACHE_DIR", str(tmp_path / "cache"))


def write(path: Path, report: Report) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def pair_of_years(folder: Path) -> tuple[Path, Path]:
    """Two years of one organ, the later year first in walk order (so pairing needs the whole batch)."""
    prev = valid_report(year=2022, seed=1, organ="甲县人民政府")
    now = valid_report(year=2023, seed=2, organ="甲县人民政府")
    now.tables.applications["carried_over"]["natural_person"] = num(77)  # not last year's carried-forward
    return write(folder / "a-2023.json", now), write(folder / "b-2022.json", prev)


def dump(results) -> list[dict]:
    return [json.loads(fr.model_dump_json()) for fr in results]


# --- pairing and stable results ------------------------------------------------------------

def test_pairing_finds_a_predecessor_later_in_the_walk(tmp_path):
    now, prev = pair_of_years(tmp_path / "d")
    run = check(tmp_path / "d", config=Config())
    by = {Path(fr.path).name: fr for fr in run.files}
    expected = check_report(Report.model_validate_json(now.read_text("utf-8")),
                            previous=Report.model_validate_json(prev.read_text("utf-8")))
    assert any(f.rule == "Y101" for f in by["a-2023.json"].findings)
    assert [f.rule for f in by["a-2023.json"].findings] == [f.rule for f in expected.findings]
    assert not [f for f in by["b-2022.json"].findings if f.rule.startswith("Y")]


def test_results_identical_whatever_the_number_of_jobs(tmp_path):
    pair_of_years(tmp_path / "d")
    for i, organ in enumerate(["乙局", "丙局", "丁局"]):
        write(tmp_path / "d" / f"c{i}.json", valid_report(organ=organ, seed=i))
    (tmp_path / "d" / "empty.txt").write_bytes(b"")
    engine = build_engine(Config())
    runs = [dump(run_paths(engine, [tmp_path / "d"], jobs=jobs).files) for jobs in (None, 1, 2, 3)]
    assert runs[0] == runs[1] == runs[2] == runs[3]
    assert [Path(f["path"]).name for f in runs[0]] == ["a-2023.json", "b-2022.json", "c0.json", "c1.json",
                                                       "c2.json", "empty.txt"]


def test_a_plugin_rule_reading_the_previous_report_gets_all_of_it(tmp_path):
    """The Y rules' reports are kept between the phases as their year view; a plugin's rule that reads the
    previous report gets the whole report, in worker processes as in this one."""
    _, prev = pair_of_years(tmp_path / "d")
    engine = build_engine(Config(), plugin_modules=["plugin_pkg.previous_rule"])
    runs = [run_paths(engine, [tmp_path / "d"], jobs=jobs).files for jobs in (None, 2)]
    assert dump(runs[0]) == dump(runs[1])
    [f] = [f for f in runs[1][0].findings if f.rule == "F994"]
    whole = Report.model_validate_json(prev.read_text("utf-8"))
    assert f.message == f"上一年度报告有 {len(whole.paragraphs)} 段、表四 {len(whole.tables.reviews or {})} 行"
    assert whole.tables.reviews and any(f.rule == "Y101" for f in runs[1][0].findings)


def test_corpus_pairing_same_as_parsing_everything_first():
    """The phases give what parsing the whole batch and pairing by (organ, year) gave before."""
    require(CORPUS / "pingtan")
    files = [str(p) for p in sorted((CORPUS / "pingtan").glob("*.txt"))]
    engine = build_engine(None, start=files[0])
    parsed = [engine.parse_or_fail(f) for f in files]
    by_key: dict = {}
    for r in parsed:
        if isinstance(r, Report) and organ_year_key(r):
            by_key.setdefault(organ_year_key(r), r)
    reference = []
    for f, r in zip(files, parsed, strict=True):
        if not isinstance(r, Report):
            reference.append(r)
            continue
        k = organ_year_key(r)
        reference.append(engine.run_report(r, f, by_key.get((k[0], k[1] - 1)) if k else None))
    got = run_paths(engine, files, jobs=2).files
    strip = lambda frs: [{**json.loads(fr.model_dump_json()), "sha256": None} for fr in frs]  # noqa: E731
    assert strip(got) == strip(reference)
    assert sum(f.rule.startswith("Y") for fr in got for f in fr.findings) > 0


def test_sort_by_score_puts_the_worst_first(tmp_path):
    write(tmp_path / "a.json", valid_report(organ="甲局"))
    bad = valid_report(organ="乙局")
    bad.sections = [s for s in bad.sections if s.number != 6]
    write(tmp_path / "b.json", bad)
    batch = Batch(build_engine(Config()), sort="score")
    names = [Path(fr.path).name for fr in batch.run([tmp_path])]
    assert names == ["b.json", "a.json"]


# --- the guard ---------------------------------------------------------------------------

def hostile_folder(tmp_path: Path) -> Path:
    d = tmp_path / "g"
    for i, organ in enumerate(["甲局", "慢局", "乙局", "胖局", "崩局", "丙局"]):
        write(d / f"r{i}.json", valid_report(organ=organ))
    return d


def test_each_file_has_its_own_time_and_memory_budget(tmp_path):
    engine = build_engine(Config(), plugin_modules=["plugin_pkg.hostile_rule"])
    batch = Batch(engine, jobs=2, limits=Limits(timeout=3, memory_mb=300))
    results = {Path(fr.path).name: fr for fr in batch.run([hostile_folder(tmp_path)])}
    assert results["r1.json"].error.code == "timeout" and "处理超时" in results["r1.json"].error.message
    assert results["r3.json"].error.code == "too-much-memory" and "超出内存上限" in results["r3.json"].error.message
    assert results["r4.json"].error.code == "worker-died"
    for good in ("r0.json", "r2.json", "r5.json"):
        assert results[good].status == "checked" and results[good].score == 100.0
    assert batch.exit_code() == 2


def test_one_file_in_this_process_is_guarded_too(tmp_path):
    engine = build_engine(Config(), plugin_modules=["plugin_pkg.hostile_rule"])
    d = hostile_folder(tmp_path)
    for name, code in (("r1.json", "timeout"), ("r3.json", "too-much-memory")):
        batch = Batch(engine, guard=True, limits=Limits(timeout=2, memory_mb=300))
        [fr] = list(batch.run([d / name]))
        assert fr.error.code == code
    # and the process is usable afterwards (timer and memory limit restored)
    [fr] = list(Batch(engine, guard=True).run([d / "r0.json"]))
    assert fr.score == 100.0 and bytearray(400 * 1024 * 1024) is not None


# --- the walk and file names ---------------------------------------------------------------

def test_symlink_loops_do_not_stop_the_walk(tmp_path):
    d = tmp_path / "d"
    write(d / "a" / "r.json", valid_report())
    (d / "a" / "up").symlink_to(d, target_is_directory=True)  # a → d → a …
    (d / "b").mkdir()
    (d / "b" / "to-a").symlink_to(d / "a", target_is_directory=True)
    (d / "self.txt").symlink_to(d / "self.txt")  # a file linking to itself
    files = expand_paths([d])
    assert sum(f.endswith("r.json") for f in files) >= 1 and any(f.endswith("self.txt") for f in files)
    run = check(d, config=Config())
    loop = next(fr for fr in run.files if fr.path.endswith("self.txt"))
    assert loop.error.code == "symlink-loop"


def test_walk_skips_report_lint_output_and_the_output_target(tmp_path):
    write(tmp_path / "r.json", valid_report())
    from report_lint.reporters import json as json_out
    from report_lint.reporters import markdown

    run = check(tmp_path / "r.json", config=Config())
    (tmp_path / "out.json").write_text(json_out.render(run), encoding="utf-8")
    (tmp_path / "out.md").write_text(markdown.render(run), encoding="utf-8")
    (tmp_path / "other.txt").write_text("x", encoding="utf-8")
    names = [Path(p).name for p in expand_paths([tmp_path], exclude=[tmp_path / "other.txt"])]
    assert names == ["r.json"]
    assert looks_like_own_output(b'{\n  "schema_version": 1,\n  "tool": {\n    "name": "report-lint"')
    from report_lint.reporters import console, github
    from report_lint.reporters import csv as csv_out

    for text in (console.render(run), console.render(run, options={"quiet": True}), csv_out.render(run),
                 github.render(run, options={"step_summary": False})):
        assert looks_like_own_output(text.encode()), text[:80]
    assert not looks_like_own_output("2023年政府信息公开工作年度报告".encode())


def test_display_path_is_valid_utf8_without_control_characters():
    gbk = os.fsdecode("报告".encode("gbk") + b".txt")
    shown = display_path(gbk)
    shown.encode("utf-8")  # no lone surrogates
    assert shown.endswith(".txt") and "\\x" in shown
    assert display_path("a\nb\x1b[31m.txt") == "a\\nb\\x1b[31m.txt"
    assert display_path("年报.txt") == "年报.txt"


# --- cache and baseline ----------------------------------------------------------------------

def test_cache_reuses_results_and_keys_on_content_and_configuration(tmp_path, monkeypatch):
    import report_lint.parsing as parsing

    d = tmp_path / "d"
    pair_of_years(d)
    engine = build_engine(Config())
    first = dump(Batch(engine, cache=True).run([d]))
    calls = []
    real = parsing.parse_bytes
    monkeypatch.setattr(parsing, "parse_bytes", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    again = dump(Batch(engine, cache=True).run([d]))
    assert again == first
    assert calls == []  # nothing parsed: every result (and the pairing) came from the cache
    other = build_engine(Config(ignore=["Y"]))  # another configuration: another key
    dump(Batch(other, cache=True).run([d]))
    assert len(calls) == 2
    (d / "b-2022.json").write_text(valid_report(year=2022, seed=5, organ="甲县人民政府").to_json(), encoding="utf-8")
    calls.clear()
    changed = dump(Batch(engine, cache=True).run([d]))
    assert changed != first and sorted(Path(c).name for c in calls) == ["a-2023.json", "b-2022.json"]  # paired again
    from report_lint.engine.cache import cache_dir, clear

    files, size = clear()
    assert cache_dir() == tmp_path / "cache" and files > 0 and size > 0 and clear() == (0, 0)


def test_baseline_hides_accepted_findings_and_reports_stale_ones(tmp_path):
    bad = valid_report(organ="甲局")
    bad.sections = [s for s in bad.sections if s.number != 6]
    r = write(tmp_path / "r.json", bad)
    base = tmp_path / "baseline.json"
    engine = build_engine(Config())
    b1 = Batch(engine, baseline=base)
    [fr] = list(b1.run([r]))
    assert base.exists() and fr.findings == [] and fr.baselined > 0 and b1.exit_code() == 0
    data = json.loads(base.read_text("utf-8"))
    assert data["kind"] == "report-lint-baseline" and "r.json" in data["files"]
    b2 = Batch(engine, baseline=base)
    [fr] = list(b2.run([r]))
    assert fr.findings == [] and b2.exit_code() == 0
    # a new problem shows; the old ones stay hidden
    bad.tables.applications["total"]["natural_person"] = num(9999)
    write(r, bad)
    b3 = Batch(engine, baseline=base)
    [fr] = list(b3.run([r]))
    assert fr.findings and all(f.rule.startswith("Z") for f in fr.findings) and b3.exit_code() == 1
    # fixed: the entries are stale
    write(r, valid_report(organ="甲局"))
    b4 = Batch(engine, baseline=base)
    list(b4.run([r]))
    assert b4.summary()["baseline"]["stale"] > 0 and "--write-baseline" in b4._baseline.message()


# --- the library -----------------------------------------------------------------------------

def test_check_bytes_is_a_pure_function_of_bytes_and_config(tmp_path):
    import report_lint

    data = valid_report(organ="甲局").to_json().encode()
    a = report_lint.check_bytes(data, "x/r.json")
    b = report_lint.check_bytes(data, "x/r.json")
    assert a.model_dump() == b.model_dump() and a.score == 100.0 and a.path == "x/r.json"
    bad = report_lint.check_bytes(b"", "x/empty.txt")
    assert bad.error.code == "empty-file"
    en = report_lint.check_bytes(data, "r.json", config={"lang": "en", "select": ["C"]})
    assert en.score is not None


def test_dask_bag_over_a_folder(tmp_path):
    """The documented pattern (docs/cli.md "Beyond one machine"): a bag of paths mapped through
    check_bytes. Dask is a test dependency only."""
    import dask.bag as db  # in the test extra (a plain install of report-lint does not need it)

    import report_lint

    for i, organ in enumerate(["甲局", "乙局", "丙局"]):
        write(tmp_path / f"r{i}.json", valid_report(organ=organ, seed=i))
    paths = sorted(str(p) for p in tmp_path.glob("*.json"))
    bag = db.from_sequence(paths, npartitions=2).map(lambda p: report_lint.check_bytes(Path(p).read_bytes(), p))
    results = bag.compute(scheduler="processes", num_workers=2)
    assert [fr.path for fr in results] == paths and all(fr.score == 100.0 for fr in results)
    assert [fr.model_dump() for fr in results] == [report_lint.check_bytes(Path(p).read_bytes(), p).model_dump()
                                                   for p in paths]


def test_check_accepts_reports_and_has_real_signatures():
    import inspect

    import report_lint

    run = report_lint.check(valid_report(organ="甲局"), valid_report(organ="乙局"))
    assert [fr.organ for fr in run.files] == ["甲局", "乙局"] and run.summary["files_checked"] == 2
    assert "config" in inspect.signature(report_lint.check).parameters
    assert "fmt" in inspect.signature(report_lint.parse).parameters
    assert report_lint.check_report(valid_report()).score == 100.0
    assert (Path(report_lint.__file__).parent / "py.typed").exists()


def test_not_a_report_is_skipped_without_a_cascade(tmp_path):
    (tmp_path / "minutes.txt").write_text("会议纪要\n\n今天开会讨论了办公室搬迁的事项，决定下周执行。\n" * 5,
                                          encoding="utf-8")
    write(tmp_path / "r.json", valid_report())
    run = check(tmp_path, config=Config())
    skipped = next(fr for fr in run.files if fr.path.endswith("minutes.txt"))
    assert skipped.status == "skipped" and skipped.skipped.code == "not-a-report" and skipped.skipped.rule == "P109"
    assert skipped.findings == [] and skipped.score is None and "不是年度报告，已跳过" in skipped.skipped.message
    s = run.summary
    assert s["files_skipped"] == 1 and s["files_checked"] == 1 and s["score"] == 100.0 and s["exit_code"] == 0
    # ignoring P109 checks the file anyway (then the cascade is the user's choice)
    forced = check(tmp_path / "minutes.txt", config=Config(), ignore=["P109"])
    assert forced.files[0].status == "checked" and forced.files[0].findings


def test_a_page_with_only_the_report_title_is_listed_with_score_zero(tmp_path):
    # P110 is fatal with fatal_outcome "zero": nothing else runs, but the file is a (failed) report,
    # not a skipped non-report — a supervisor must see it among the results and in the mean score
    (tmp_path / "empty.txt").write_text("标题: 示例县人民政府2023年政府信息公开工作年度报告\n"
                                        "==================== 正文 ====================\n"
                                        "示例县人民政府2023年政府信息公开工作年度报告\n", encoding="utf-8")
    write(tmp_path / "r.json", valid_report())
    run = check(tmp_path, config=Config())
    empty = next(fr for fr in run.files if fr.path.endswith("empty.txt"))
    assert empty.status == "checked" and empty.skipped is None and empty.score == 0.0
    assert [f.rule for f in empty.findings] == ["P110"]
    # only the fatal rules ran: no category but the filled share and parse quality claims a score
    assert set(empty.categories) == {"coverage", "parse"} and empty.categories["coverage"] == 0.0
    assert "示例县人民政府2023年政府信息公开工作年度报告" in empty.findings[0].message
    s = run.summary
    assert s["files_checked"] == 2 and s["files_skipped"] == 0 and s["score"] == 50.0 and s["exit_code"] == 1
