"""The engine: catalogue validation, selection, message rendering, locations, crash isolation, the runner
over files and directories, and the generated rule docs."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from report_lint.config import Config
from report_lint.engine import places
from report_lint.engine.batch import expand_paths
from report_lint.engine.catalogue import (
    CatalogueError,
    RuleMeta,
    load_catalogue,
    parse_file,
    render_message,
    render_rule_doc,
)
from report_lint.engine.runner import (
    build_engine,
    check,
    check_report,
    exit_code,
    fingerprint,
    is_selected,
    normalise_selectors,
    resolve_location,
)
from report_lint.engine.types import FindingLocation, Hit, RuleImpl, hookimpl
from report_lint.model import Location, ParseProblem, Provenance
from report_lint.testing import valid_report

ROOT = Path(__file__).resolve().parents[1]

RULE = """
[[rules]]
id = "{id}"
name = "{name}"
family = "{family}"
severity = "{severity}"
evidence = "{evidence}"
message_zh = "{zh}"
message_en = "{en}"
{extra}
"""


def entry(id="F990", name=None, family="format", severity="warning", evidence="C", zh="问题 {x}", en="problem {x}",
          extra=""):
    return RULE.format(id=id, name=name or f"test.rule-{id.lower()}", family=family, severity=severity,
                       evidence=evidence, zh=zh, en=en, extra=extra)


def write_catalogue(tmp_path: Path, *entries: str, name="test.toml") -> Path:
    p = tmp_path / name
    p.write_text("\n".join(entries), encoding="utf-8")
    return p


class MiniPlugin:
    """An in-test plugin: a catalogue file and some checks."""

    def __init__(self, catalogue: Path, impls):
        self.catalogue = catalogue
        self.impls = impls

    @hookimpl
    def report_lint_catalogue_paths(self):
        return [self.catalogue]

    @hookimpl
    def report_lint_rules(self):
        return self.impls


def run_one(tmp_path, impls, *entries, report=None, **overrides):
    cat = write_catalogue(tmp_path, *entries)
    ids = [i.id for i in impls]
    overrides.setdefault("select", ids)
    return check_report(report or valid_report(), plugins=[MiniPlugin(cat, impls)], **overrides)


# ---------------------------------------------------------------------------------------------
# catalogue validation


def test_builtin_catalogue_is_valid_and_ids_are_well_formed():
    cat = load_catalogue()
    for r in cat:
        assert r.id[0] == {"completeness": "C", "zero-sum": "Z", "interpretation": "I", "timeliness": "T",
                           "template": "V", "text-vs-table": "X", "year-over-year": "Y", "format": "F",
                           "parse": "P"}[r.family]
        assert not (r.evidence == "M" and r.severity == "error"), r.id
        assert r.doc is not None and r.doc.what.strip(), f"{r.id} has no doc.what"


def test_builtin_rules_and_catalogue_match():
    """Every built-in check has a catalogue entry and every entry a check (mismatches named)."""
    eng = build_engine(Config(), autoload=False)
    builtin_failed = {n: r for n, r in eng.plugins.failed.items() if n.startswith("builtin-")}
    assert not builtin_failed, f"built-in plugins failed to load: {builtin_failed}"
    missing_impl = [r.id for r in eng.catalogue if r.id not in eng.impls and r.status != "deprecated"]
    assert not missing_impl, f"catalogue entries without a check: {missing_impl}"
    without_entry = [n.en for n in eng.notices if n.code == "rule-without-catalogue"]
    assert not without_entry, without_entry


@pytest.mark.parametrize(("body", "expect"), [
    (entry(extra='severty = "error"'), "unknown key 'severty'"),
    (entry(id="Z01"), "id must be a family letter"),
    (entry(id="C990", family="format"), "does not match family"),
    (entry(severity="error", evidence="M"), "evidence grade M"),
    (entry(zh="坏的 {x"), "invalid 'message_zh'"),
    (entry(zh="位置 {0}"), "plain name"),
    (entry(name="Bad Name"), "invalid 'name'"),
])
def test_catalogue_entry_rejected_with_file_and_rule(tmp_path, body, expect):
    p = write_catalogue(tmp_path, body)
    metas, problems = parse_file(p)
    assert metas == []
    assert len(problems) == 1
    text = problems[0].en
    assert expect in text
    assert str(p.name) in text and "rule " in text


def test_unknown_top_level_key_rejected(tmp_path):
    p = write_catalogue(tmp_path, "[meta]\nx = 1\n" + entry())
    metas, problems = parse_file(p)
    assert not metas and "unknown key 'meta'" in problems[0].en


def test_builtin_catalogue_problems_raise_listing_all(tmp_path):
    d = tmp_path / "catalogue"
    d.mkdir()
    (d / "a.toml").write_text(entry("F990") + entry("F991", severity="error", evidence="M"), encoding="utf-8")
    (d / "b.toml").write_text(entry("F990", name="other.name"), encoding="utf-8")
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(directory=d)
    msg = ei.value.en
    assert "F991" in msg and "evidence grade M" in msg
    assert "duplicate id" in msg and "a.toml" in msg


def test_duplicate_name_rejected(tmp_path):
    d = tmp_path / "catalogue"
    d.mkdir()
    (d / "a.toml").write_text(entry("F990", name="same.name") + entry("F991", name="same.name"), encoding="utf-8")
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(directory=d)
    assert "already used by F990" in ei.value.en and "与 F990 重复" in ei.value.zh


def test_redirects_deleted_ids_are_never_reused(tmp_path):
    d = tmp_path / "catalogue"
    d.mkdir()
    (d / "a.toml").write_text(entry("F990") + entry("F991"), encoding="utf-8")
    (d / "_redirects.toml").write_text('deleted = ["F991"]\n[redirects]\nF900 = "F990"\n', encoding="utf-8")
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(directory=d)
    assert "never reused" in ei.value.en and "F991" in ei.value.en
    (d / "a.toml").write_text(entry("F990"), encoding="utf-8")
    cat = load_catalogue(directory=d)
    assert cat.resolve("F900").id == "F990"  # old id follows the redirect
    assert cat.resolve("f990").id == "F990"
    assert cat.resolve("test.rule-f990").id == "F990"
    (d / "_redirects.toml").write_text('[redirects]\nF900 = "F999"\n', encoding="utf-8")
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(directory=d)
    assert "redirect target F999 does not exist" in ei.value.en


def test_plugin_catalogue_problem_is_a_notice_not_a_crash(tmp_path):
    bad = write_catalogue(tmp_path, entry(extra="colour = 1"))
    cat = load_catalogue([bad])
    assert "F990" not in cat
    assert any("unknown key 'colour'" in n.en for n in cat.notices)


def test_builtin_redirects_file_is_valid():
    cat = load_catalogue()
    for old, new in cat.redirects.items():
        assert new in cat and old not in cat
    assert not (cat.deleted & set(cat.rules))


# ---------------------------------------------------------------------------------------------
# messages


def test_render_message_is_safe():
    assert render_message("{a} 与 {b}", {"a": 1}) == "1 与 {b}"  # missing arg stays visible, no KeyError
    assert render_message("{v:.2f}", {"v": "x"}) == "x"  # a spec that does not fit falls back
    assert render_message("{v:.1f}", {"v": 2}) == "2.0"
    assert render_message("{v}", {"v": 20.0}) == "20"
    assert render_message("{v}", {"v": ["表二", "表三"]}, "zh") == "表二、表三"
    assert render_message("{v}", {"v": ["a", "b"]}, "en") == "a, b"
    assert render_message("{v}", {"v": None}, "zh") == "（空）"
    assert render_message("{v!r}", {}) == "{v}"


def test_finding_has_both_languages_and_chosen_one(tmp_path):
    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 7})])
    fr = run_one(tmp_path, [impl], entry(zh="数为 {x}", en="count is {x}"), lang="en")
    f = fr.findings[0]
    assert (f.message, f.message_zh, f.message_en) == ("count is 7", "数为 7", "count is 7")
    assert f.family == "format" and f.category == "conformity" and f.name == "test.rule-f990"
    fr = run_one(tmp_path, [impl], entry(zh="数为 {x}", en="count is {x}"))
    assert fr.findings[0].message == "数为 7"


# ---------------------------------------------------------------------------------------------
# locations


def test_location_from_cell_row_table_section_and_fallback():
    r = valid_report()
    r.tables.applications["total"]["natural_person"].location = Location(table=2, row=27, column=1, line=88, page=3)
    loc = resolve_location(r, FindingLocation(table="applications", row="total", column="natural_person"))
    assert (loc.section, loc.line, loc.page, loc.grid_table, loc.grid_row, loc.grid_column) == (3, 88, 3, 2, 27, 1)
    # the row named without a column: the row's first located cell
    loc = resolve_location(r, FindingLocation(table="applications", row="total"))
    assert loc.line == 88
    # only the table: where the table starts
    r.table_locations["reviews"] = Location(line=120)
    loc = resolve_location(r, FindingLocation(table="reviews", row="review", column="total"))
    assert (loc.section, loc.line) == (4, 120)
    # only a section: the section's start
    loc = resolve_location(r, FindingLocation(section=5))
    assert loc.line == r.section(5).start.line == 50
    # a missing part: where it belongs — the next part's heading, else the end of the part before it
    r.sections = [s for s in r.sections if s.number != 5]
    loc = resolve_location(r, FindingLocation(section=5))
    assert loc.line == r.section(6).start.line and loc.section == 5
    r.sections = [s for s in r.sections if s.number != 6]
    before = r.section(4)
    assert resolve_location(r, FindingLocation(section=6)).line == (before.end or before.start).line
    # nothing to point at (a date given on the command line): no invented position; the place (SARIF,
    # GitHub) points at the title line
    r.meta.provenance["title"] = Provenance(kind="body", text=r.meta.title, location=Location(line=3))
    loc = resolve_location(r, None)
    assert loc.line is None and places.place(r, loc).line == 3
    del r.meta.provenance["title"]
    assert places.place(r, loc).line == 1
    # what a check set itself is kept
    loc = resolve_location(r, FindingLocation(table="applications", row="total", column="natural_person", line=5))
    assert loc.line == 5 and loc.grid_row is None and loc.section == 3


def test_a_date_given_on_the_command_line_has_no_position_and_points_at_the_title(tmp_path):
    """T101 on a date from --published-on: nothing in the file to point at; SARIF and GitHub get the title
    line (line 3 here, after an index-number line the title is not joined with)."""
    from datetime import date

    from report_lint.engine.samples import base_text

    path = tmp_path / "r.txt"
    path.write_text("索引号：11330000-2024-00012\n\n" + base_text("2021"), encoding="utf-8")
    [f] = check(path, published_on=date(2024, 4, 10), config={}).files[0].findings
    assert f.rule == "T101" and f.location.line is None and f.place.line == 3


def test_fingerprint_ignores_physical_position():
    a = FindingLocation(table="applications", row="total", column="total", line=10)
    b = FindingLocation(table="applications", row="total", column="total", line=99, page=4)
    assert fingerprint("Z101", a, {"x": 1}) == fingerprint("Z101", b, {"x": 1})
    assert fingerprint("Z101", a, {"x": 1}) != fingerprint("Z101", a, {"x": 2})


# ---------------------------------------------------------------------------------------------
# running rules


def test_failing_rule_is_isolated(tmp_path):
    def boom(report, ctx):
        yield Hit("F990", args={"x": 1})
        raise KeyError("oops")

    ok = RuleImpl("F991", lambda r, c: [Hit("F991", args={"x": 2})])
    fr = run_one(tmp_path, [RuleImpl("F990", boom), ok], entry("F990"), entry("F991"))
    assert [p.rule for p in fr.internal_errors] == ["F990"]
    assert "KeyError" in fr.internal_errors[0].message and "内部错误" in fr.internal_errors[0].message
    assert sorted(f.rule for f in fr.findings) == ["F990", "F991"]  # hits before the crash are kept
    assert fr.score is not None


def test_check_yielding_garbage_or_unknown_ids_is_an_internal_problem(tmp_path):
    impl = RuleImpl("F990", lambda r, c: ["not a hit", Hit("F777")])
    fr = run_one(tmp_path, [impl], entry("F990"))
    msgs = " ".join(p.message for p in fr.internal_errors)
    assert "str" in msgs and "F777" in msgs
    assert fr.findings == []


def test_check_returning_none_is_no_findings(tmp_path):
    fr = run_one(tmp_path, [RuleImpl("F990", lambda r, c: None)], entry("F990"))
    assert fr.findings == [] and fr.internal_errors == []


def test_one_check_serving_two_ids_respects_selection(tmp_path):
    def both(report, ctx):
        yield Hit("F990", args={"x": 1})
        yield Hit("F991", args={"x": 2})

    impls = [RuleImpl("F990", both), RuleImpl("F991", lambda r, c: [])]
    fr = run_one(tmp_path, impls, entry("F990"), entry("F991"), select=["F990", "F991"], ignore=["F991"])
    assert [f.rule for f in fr.findings] == ["F990"]


def test_duplicate_hits_are_reported_once(tmp_path):
    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 1}), Hit("F990", args={"x": 1})])
    assert len(run_one(tmp_path, [impl], entry("F990")).findings) == 1


def test_options_defaults_then_config_and_ctx(tmp_path):
    seen = {}

    def grab(report, ctx):
        seen.update(ctx.options, rule=ctx.rule, lang=ctx.lang, province=ctx.settings.deadlines.department)
        ctx.options["limit"] = -1  # a check mutating its options must not leak into the next file
        return []

    e = entry("F990", extra="[rules.options]\nlimit = 5\nwords = [\"a\"]\n")
    run_one(tmp_path, [RuleImpl("F990", grab)], e)
    assert seen == {"limit": 5, "words": ["a"], "rule": "F990", "lang": "zh", "province": "01-31"}
    run_one(tmp_path, [RuleImpl("F990", grab)], e, rule_options={"F990": {"limit": 9}})
    assert seen["limit"] == 9 and seen["words"] == ["a"]


def test_bad_rule_options_are_config_errors(tmp_path):
    from report_lint.errors import ConfigError

    e = entry("F990", extra="[rules.options]\nlimit = 5\n")
    impl = RuleImpl("F990", lambda r, c: [])
    with pytest.raises(ConfigError) as ei:
        run_one(tmp_path, [impl], e, rule_options={"F990": {"limt": 9}})
    assert "has no option 'limt' (available: limit)" in ei.value.en and "没有选项“limt”" in ei.value.zh
    with pytest.raises(ConfigError) as ei:
        run_one(tmp_path, [impl], e, rule_options={"F990": {"limit": "nine"}})
    assert "must be a number" in ei.value.en


def test_interpretation_target_rate_reaches_i_rules_options(tmp_path):
    seen = {}
    e = entry("I990", family="interpretation", extra="[rules.options]\ntarget_rate = 1.0\n")
    grab = RuleImpl("I990", lambda r, c: seen.update(c.options))
    run_one(tmp_path, [grab], e, interpretation={"target-rate": 0.8})
    assert seen["target_rate"] == 0.8
    run_one(tmp_path, [grab], e, interpretation={"target-rate": 0.8}, rule_options={"I990": {"target_rate": 0.5}})
    assert seen["target_rate"] == 0.5


def test_severity_override_and_grade_m_clamp(tmp_path):
    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 1}, severity="error")])
    fr = run_one(tmp_path, [impl], entry("F990", evidence="M"))
    assert fr.findings[0].severity == "warning"  # grade M never becomes an error through a hit
    fr = run_one(tmp_path, [impl], entry("F990", evidence="B"))
    assert fr.findings[0].severity == "error"  # the check's own override
    fr = run_one(tmp_path, [impl], entry("F990", evidence="B"), severity={"F990": "info"})
    assert fr.findings[0].severity == "info"  # the user's override wins
    fr = run_one(tmp_path, [impl], entry("F990", evidence="M"), severity={"F": "error"})
    assert fr.findings[0].severity == "error"  # ... also a deliberate user choice on a grade-M rule


def test_findings_are_json_serialisable_whatever_the_plugin_puts_in(tmp_path):
    from datetime import date

    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 1}, expected={1, 2}, actual=date(2024, 1, 2),
                                              data={"cell": r.tables.applications["total"]["total"]})])
    fr = run_one(tmp_path, [impl], entry("F990"))
    d = json.loads(fr.model_dump_json())
    f = d["findings"][0]
    assert f["expected"] == [1, 2] and f["actual"] == "2024-01-02" and f["data"]["cell"]["kind"] == "number"


# ---------------------------------------------------------------------------------------------
# selection


def meta(id, name=None, status="stable", tags=()):
    fam = {"C": "completeness", "Z": "zero-sum", "F": "format"}[id[0]]
    return RuleMeta(id=id, name=name or f"r.{id.lower()}", family=fam, severity="warning", evidence="B",
                    message_zh="x", message_en="x", status=status, tags=tags)


@pytest.mark.parametrize(("select", "ignore", "expected"), [
    (["ALL"], [], {"C101", "Z101", "Z102", "Z201", "F101"}),
    (["Z"], [], {"Z101", "Z102", "Z201"}),
    (["Z1"], [], {"Z101", "Z102"}),
    (["Z"], ["Z1"], {"Z201"}),
    (["Z101"], ["Z"], {"Z101"}),  # the more specific selector wins
    (["Z"], ["Z"], set()),  # a tie: ignore wins
    (["zero-sum"], ["r.z102"], {"Z101", "Z201"}),  # family name and rule name
    (["consistency"], [], {"Z101", "Z102", "Z201"}),  # scoring category
    (["ALL"], ["completeness", "F"], {"Z101", "Z102", "Z201"}),
    (["tagged"], [], {"F101"}),
    (["z1"], [], {"Z101", "Z102"}),  # case-insensitive ids
])
def test_selection_precedence(select, ignore, expected):
    rules = [meta("C101"), meta("Z101"), meta("Z102"), meta("Z201"), meta("F101", tags=("tagged",))]
    assert {r.id for r in rules if is_selected(r, select, ignore)} == expected


def test_deprecated_rules_only_by_exact_id():
    r = meta("Z101", status="deprecated")
    assert not is_selected(r, ["ALL"], [])
    assert not is_selected(r, ["Z1"], [])
    assert is_selected(r, ["Z101"], [])
    assert is_selected(r, ["r.z101"], [])


def test_unknown_and_renamed_selectors_warn(tmp_path):
    d = tmp_path / "catalogue"
    d.mkdir()
    (d / "a.toml").write_text(entry("F990"), encoding="utf-8")
    (d / "_redirects.toml").write_text('deleted = ["F980"]\n[redirects]\nF900 = "F990"\n', encoding="utf-8")
    cat = load_catalogue(directory=d)
    sels, notices = normalise_selectors(["F900", "F980", "Q12", "F9", ""], cat, "select")
    assert sels == ["F990", "Q12", "F9"]
    codes = [n.code for n in notices]
    assert codes == ["rule-renamed", "rule-deleted", "unknown-selector"]
    assert "Q12" in notices[2].zh and "不匹配任何规则" in notices[2].zh


def test_unknown_selector_in_select_is_an_error_elsewhere_a_warning(tmp_path):
    """A select that matches no rule would silently run nothing: a ValueError (exit 2 on the CLI). An
    ignore that matches nothing leaves its findings visible, so it is only a warning."""
    from report_lint.engine.runner import UnknownSelector
    from report_lint.errors import ConfigError

    p = tmp_path / "r.json"
    p.write_text(valid_report().to_json(), encoding="utf-8")
    for sel in (["C", "NOPE"], ["Q"]):
        with pytest.raises(ValueError, match=r"NOPE|Q") as ei:
            check(p, config=Config(), select=sel)
        assert isinstance(ei.value, UnknownSelector) and isinstance(ei.value, ConfigError)
    with pytest.raises(UnknownSelector, match="Q9"):
        check(p, config=Config(), extend_select=["Q9"])
    run = check(p, config=Config(), select=["C"], ignore=["NOPE"])
    assert any("NOPE" in w["message"] for w in run.summary["warnings"])
    cat = load_catalogue()
    with pytest.raises(UnknownSelector):
        normalise_selectors(["Q12"], cat, "select", strict=True)


# ---------------------------------------------------------------------------------------------
# files and directories


def write_model(path: Path, report=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((report or valid_report()).to_json(), encoding="utf-8")
    return path


def test_expand_paths_walks_directories(tmp_path):
    write_model(tmp_path / "a" / "r1.json")
    (tmp_path / "a" / "notes.json").write_text('{"x": 1}', encoding="utf-8")  # not a report model
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "b" / "r2.TXT").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "b" / "r3.doc").write_bytes(b"x")
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "r4.md").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "x.png").write_bytes(b"x")
    got = [Path(p).relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path / "a"])]
    assert got == ["a/b/r2.TXT", "a/r1.json"]
    got = [Path(p).name for p in expand_paths([tmp_path / "a"], convert=True)]
    assert "r3.doc" in got
    # an explicit file is always taken, even with an odd extension
    assert expand_paths([tmp_path / "a" / "x.png"]) == [str(tmp_path / "a" / "x.png")]


def test_check_batch_continues_past_unreadable_files(tmp_path):
    good = write_model(tmp_path / "good.json")
    (tmp_path / "empty.txt").write_bytes(b"")
    run = check(tmp_path / "empty.txt", tmp_path / "missing.html", good, config=Config(), select=["C101"])
    by_name = {Path(f.path).name: f for f in run.files}
    assert by_name["empty.txt"].error.code == "empty-file" and by_name["empty.txt"].score is None
    assert by_name["missing.html"].error.code == "not-found"
    assert by_name["good.json"].error is None and by_name["good.json"].score == 100.0
    assert by_name["good.json"].template == "2021" and by_name["good.json"].year == 2023
    assert run.summary["files"] == 3 and run.summary["files_unreadable"] == 2
    # the good file is checked and reported, and the run still says "some input could not be read"
    assert run.summary["exit_code"] == 2
    assert exit_code(run) == 2


def test_all_unreadable_or_nothing_found_is_exit_2(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    run = check(tmp_path / "empty.txt", config=Config())
    assert exit_code(run) == 2
    (tmp_path / "d").mkdir()
    run = check(tmp_path / "d", config=Config())
    assert run.files == [] and exit_code(run) == 2
    assert any("没有找到" in w["message"] for w in run.summary["warnings"])


def test_exit_codes_follow_fail_level_and_fail_under(tmp_path):
    p = write_model(tmp_path / "r.json")
    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 1})])
    plugin = MiniPlugin(write_catalogue(tmp_path, entry("F990", severity="warning")), [impl])
    run = check(p, config=Config(), plugins=[plugin], select=["F990"])
    f = run.files[0]
    assert [x.severity for x in f.findings] == ["warning"]
    assert exit_code(run) == 0
    assert exit_code(run, fail_level="warning") == 1
    assert exit_code(run, fail_under=f.score) == 0  # equal is not under
    assert exit_code(run, fail_under=f.score + 0.1) == 1
    run = check(p, config=Config(), plugins=[plugin], select=["F990"], fail_level="warning")
    assert run.summary["exit_code"] == 1


def test_internal_problem_is_exit_3(tmp_path):
    p = write_model(tmp_path / "r.json")

    def boom(report, ctx):
        raise RuntimeError("x")

    plugin = MiniPlugin(write_catalogue(tmp_path, entry("F990")), [RuleImpl("F990", boom)])
    run = check(p, config=Config(), plugins=[plugin], select=["F990"])
    assert exit_code(run) == 3
    assert run.summary["internal_errors"][0]["rule"] == "F990"


def test_per_file_ignores(tmp_path):
    a = write_model(tmp_path / "keep" / "r.json")
    b = write_model(tmp_path / "legacy" / "r.json")
    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 1})])
    plugin = MiniPlugin(write_catalogue(tmp_path, entry("F990")), [impl])
    run = check(a, b, config=Config(per_file_ignores={"legacy/*": ["F9"]}), plugins=[plugin], select=["F990"])
    assert [len(f.findings) for f in run.files] == [1, 0]


def test_published_on_override_reaches_the_model(tmp_path):
    from datetime import date

    p = write_model(tmp_path / "r.json")
    seen = []
    plugin = MiniPlugin(write_catalogue(tmp_path, entry("F990")),
                        [RuleImpl("F990", lambda r, c: seen.append(r.meta.published_on))])
    check(p, config=Config(), plugins=[plugin], select=["F990"], published_on="2024-02-03")
    assert seen == [date(2024, 2, 3)]


def test_check_report_on_parse_problems_model():
    r = valid_report()
    r.problems.append(ParseProblem(code="x", message="m", message_en="m"))
    fr = check_report(r, select=["C101"])
    assert fr.error is None and fr.categories == {"coverage": 100.0, "completeness": 100.0}


def test_library_entry_point_returns_typed_result(tmp_path):
    import report_lint
    from report_lint.engine.types import RunResult

    p = write_model(tmp_path / "r.json")
    run = report_lint.check(str(p), config=Config(), select=["C1"])
    assert isinstance(run, RunResult) and run.tool["name"] == "report-lint"
    assert run.files[0].report is not None and "report" not in json.loads(run.model_dump_json())["files"][0]


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="selcet"):
        check_report(valid_report(), selcet=["Z"])


# ---------------------------------------------------------------------------------------------
# rule docs


def _gen_module():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_rule_docs_match_the_catalogue():
    diff = _gen_module().differences()
    assert not diff, "docs/rules is out of date — run `python scripts/gen_rule_docs.py`: " + ", ".join(diff[:10])


def test_gen_rule_docs_writes_and_removes(tmp_path):
    mod = _gen_module()
    (tmp_path / "Q999.md").write_text("stale", encoding="utf-8")
    mod.write(tmp_path)
    assert not (tmp_path / "Q999.md").exists()
    assert (tmp_path / "index.md").exists()
    assert mod.differences(tmp_path) == []


def test_rule_doc_page_contents():
    m = RuleMeta.model_validate({
        "id": "F990", "name": "test.rule", "family": "format", "severity": "warning", "evidence": "M",
        "message_zh": "中 {x}", "message_en": "en {x}", "basis": "条例第五十条", "options": {"limit": 3},
        "doc": {"what": "检查什么", "why": "为什么", "example": "例子", "fix": "改法"}})
    zh = render_rule_doc(m, "zh")
    for part in ("# F990 test.rule", "## 检查什么", "## 为什么", "## 示例", "## 如何修改", "条例第五十条", "`limit` = `3`",
                 "M（未经证实"):
        assert part in zh
    en = render_rule_doc(m, "en")
    assert "## What it checks" in en and "Default severity | warning" in en


def test_config_error_raised_by_a_check_stops_the_run(tmp_path):
    from report_lint.errors import ConfigError

    def needs_setting(report, ctx):
        raise ConfigError("bad-deadline", "截止日期配置无效", "invalid deadline")

    with pytest.raises(ConfigError):
        run_one(tmp_path, [RuleImpl("F990", needs_setting)], entry("F990"))


def test_run_result_json_has_the_interchange_fields(tmp_path):
    """interchange.md §2: the field names other tools rely on."""
    p = write_model(tmp_path / "r.json")
    (tmp_path / "bad.txt").write_bytes(b"")
    impl = RuleImpl("F990", lambda r, c: [Hit("F990", args={"x": 1}, expected=5, actual=4,
                                              location=FindingLocation(table="applications", row="total",
                                                                       column="natural_person"))])
    plugin = MiniPlugin(write_catalogue(tmp_path, entry("F990")), [impl])
    d = json.loads(check(p, tmp_path / "bad.txt", config=Config(), plugins=[plugin], select=["F990"])
                   .model_dump_json())
    assert d["schema_version"] == 1 and d["tool"]["name"] == "report-lint" and "summary" in d
    good, bad = d["files"]
    for key in ("path", "template", "year", "score", "grade", "categories", "error", "findings"):
        assert key in good and key in bad
    assert bad["score"] is None and set(bad["error"]) >= {"code", "message"}
    f = good["findings"][0]
    for key in ("rule", "family", "severity", "message", "location", "expected", "actual"):
        assert key in f
    assert (f["expected"], f["actual"]) == (5, 4)
    assert {"section", "table", "row", "column", "line", "page"} <= set(f["location"])
    assert f["location"]["section"] == 3 and f["location"]["line"] is not None


def test_directory_walk_skips_readme_files(tmp_path):
    from report_lint.engine.batch import expand_paths

    (tmp_path / "README.md").write_text("# 说明", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert [p.endswith("a.txt") for p in expand_paths([tmp_path])] == [True]
    assert expand_paths([tmp_path / "README.md"]) == [str(tmp_path / "README.md")]  # named: checked


def test_rule_options_copy_is_a_deep_copy():
    """Each check gets its own copy of its options (it may change it): a quick copy for plain trees, deepcopy
    when a container sits in two places (the copy keeps that) or a value is not plain data."""
    import copy

    from report_lint.engine.runner import _Rule

    shared = [1, 2]
    for options, plain in (({"a": [1, {"b": "x"}], "c": 0.5, "d": None}, True), ({"a": shared, "b": shared}, False),
                           ({"when": (1, 2)}, False), ({}, True)):
        rule = _Rule(meta=None, impl=None, severity=None, options=options)  # type: ignore[arg-type]
        assert rule.plain is plain
        got = rule.options_copy()
        assert got == copy.deepcopy(options)
        if "a" in got:
            assert got["a"] is not options["a"]
            if not plain and isinstance(got.get("b"), list):
                assert got["a"] is got["b"]
