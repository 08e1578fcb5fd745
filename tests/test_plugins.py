"""Plugins: discovery through the `report_lint` entry-point group, isolation of broken plugins,
`-p no:NAME`, REPORT_LINT_DISABLE_PLUGIN_AUTOLOAD, check_pending, and a third-party plugin end to end
(tests/fixtures/plugin_pkg, registered through a fake entry point)."""
from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import report_lint.engine.plugins as plugins_mod
from report_lint.config import Config
from report_lint.engine.plugins import AUTOLOAD_ENV, create_plugin_manager, discover_entry_points, is_builtin
from report_lint.engine.runner import build_engine, check, check_report
from report_lint.testing import valid_report

FIXTURES = Path(__file__).parent / "fixtures"
BUILTINS = {"builtin-completeness", "builtin-zero-sum", "builtin-interpretation", "builtin-timeliness",
            "builtin-template", "builtin-text-vs-table", "builtin-format", "builtin-parse", "builtin-year-over-year", "builtin-reporters"}


@pytest.fixture
def third_party(monkeypatch):
    """Make the fixture plugins importable and visible as installed entry points."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    real = plugins_mod.entry_points
    extra = {
        "example": EntryPoint(name="example", value="plugin_pkg", group="report_lint"),
    }

    def fake(group=None, **kw):
        eps = list(real(group=group, **kw))
        return eps + [e for e in extra.values() if e.group == group]

    monkeypatch.setattr(plugins_mod, "entry_points", fake)
    monkeypatch.delenv(AUTOLOAD_ENV, raising=False)
    return extra


def add(extra, name, module):
    extra[name] = EntryPoint(name=name, value=module, group="report_lint")


def test_builtins_are_declared_as_entry_points():
    eps = {ep.name: ep for ep in discover_entry_points()}
    assert set(eps) >= BUILTINS
    for name in BUILTINS:
        assert is_builtin(eps[name]) and eps[name].value.startswith("report_lint.")
    assert list(eps)[: len(BUILTINS)] == sorted(BUILTINS)  # built-ins are registered first


def test_builtins_load_through_the_entry_point_route():
    ps = create_plugin_manager()
    names = set(ps.loaded) | set(ps.failed)
    assert names >= BUILTINS
    for name in ps.loaded:
        assert ps.pm.get_plugin(name) is not None


def test_third_party_plugin_end_to_end(third_party):
    report = valid_report(organ="示例县统计")  # ends with neither 人民政府 nor 局
    report.tables.applications["total"]["natural_person"].value = 5000
    fr = check_report(report, select=["F990", "Z990"])
    by_rule = {f.rule: f for f in fr.findings}
    assert set(by_rule) == {"F990", "Z990"}
    assert by_rule["F990"].message == "发布机关“示例县统计”应以 人民政府、局 之一结尾"
    assert by_rule["F990"].message_en == "issuing body '示例县统计' should end with one of 人民政府, 局"
    assert by_rule["F990"].location.line == 10  # section 1 starts at line 10 in valid_report
    z = by_rule["Z990"]
    assert (z.severity, z.expected, z.actual, z.location.table, z.location.section) == ("error", 1000, 5000,
                                                                                     "applications", 3)
    # options: catalogue default, then the user's config
    fr = check_report(report, select=["Z990"], rule_options={"Z990": {"max_total": 9999}})
    assert fr.findings == []


def test_plugin_contributes_config_defaults_and_reporter(third_party):
    eng = build_engine(Config())
    assert eng.config.deadlines.provinces["测试省"].department == "01-15"
    assert "count" in eng.reporters and "json" in eng.reporters
    # the user's config still wins over the plugin's default
    eng = build_engine(Config.model_validate({"deadlines": {"provinces": {"测试省": {"department": "01-05"}}}}))
    assert eng.config.deadlines.provinces["测试省"].department == "01-05"


def test_block_plugin_by_name(third_party):
    eng = build_engine(Config(), blocked_plugins=["example"])
    assert "example" in eng.plugins.blocked and "F990" not in eng.impls and "F990" not in eng.catalogue
    fr = check_report(valid_report(organ="示例县统计"), select=["F99"], blocked_plugins=[])
    assert [f.rule for f in fr.findings] == ["F990"]
    # blocked, its rules are gone: selecting only them matches no rule, a usage error rather than a silent pass
    with pytest.raises(ValueError, match="F99"):
        check_report(valid_report(organ="示例县统计"), select=["F99"], blocked_plugins=["example"])


def test_block_builtin_plugin_keeps_the_others():
    eng = build_engine(Config(), blocked_plugins=["builtin-zero-sum"])
    assert "builtin-zero-sum" in eng.plugins.blocked
    assert not any(i.startswith("Z") for i in eng.impls)
    assert any(i.startswith("C") for i in eng.impls)


def test_unknown_blocked_name_warns():
    ps = create_plugin_manager(blocked=["no-such-plugin"])
    assert [n.code for n in ps.notices if n.code == "unknown-plugin"] == ["unknown-plugin"]


def test_autoload_disabled_keeps_builtins(third_party, monkeypatch):
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    ps = create_plugin_manager()
    status = {p.name: p.status for p in ps.plugins}
    assert status["example"] == "not-autoloaded"
    assert all(status[b] in ("loaded", "failed") for b in BUILTINS)
    assert "F990" not in build_engine(Config()).impls
    # an explicitly requested plugin module still loads
    assert "F990" in build_engine(Config(), plugin_modules=["plugin_pkg"]).impls


def test_broken_plugin_is_named_and_skipped(third_party):
    add(third_party, "broken", "plugin_pkg.broken")
    ps = create_plugin_manager()
    assert "broken" in ps.failed and "report_lint_missing_dependency" in ps.failed["broken"]
    assert "example" in ps.loaded
    note = next(n for n in ps.notices if n.code == "plugin-import-failed")
    assert "broken" in note.zh and "已跳过" in note.zh and "was skipped" in note.en


def test_broken_plugin_reaches_run_summary(third_party, tmp_path):
    add(third_party, "broken", "plugin_pkg.broken")
    p = tmp_path / "r.json"
    p.write_text(valid_report().to_json(), encoding="utf-8")
    run = check(p, config=Config(), select=["F990"])
    assert "broken" in run.summary["plugins"]["failed"]
    assert any("broken" in w["message"] for w in run.summary["warnings"])
    assert run.files[0].error is None


def test_unknown_hook_caught_by_check_pending(third_party):
    add(third_party, "typo", "plugin_pkg.typo_hook")
    ps = create_plugin_manager()
    assert "typo" in ps.failed and "report_lint_rulez" in ps.failed["typo"]
    assert ps.pm.get_plugin("typo") is None and "example" in ps.loaded


def test_raising_hook_is_isolated(third_party):
    add(third_party, "raising", "plugin_pkg.raising_hook")
    eng = build_engine(Config())
    assert "F990" in eng.impls  # the other plugins' rules are there
    assert any(n.code == "plugin-hook-failed" and "raising" in n.en and "plugin bug" in n.en for n in eng.notices)


def test_crashing_plugin_rule_is_an_internal_problem(third_party):
    add(third_party, "crash", "plugin_pkg.crashing_rule")
    fr = check_report(valid_report(organ="示例县统计"), select=["F990", "F992"])
    assert [f.rule for f in fr.findings] == ["F990"]
    assert [p.rule for p in fr.internal_errors] == ["F992"]
    assert "ZeroDivisionError" in fr.internal_errors[0].message


def test_rule_without_catalogue_entry_and_entry_without_rule(tmp_path):
    from report_lint.engine.types import RuleImpl, hookimpl

    cat = tmp_path / "c.toml"
    cat.write_text('[[rules]]\nid = "F991"\nname = "x.only-data"\nfamily = "format"\nseverity = "info"\n'
                   'evidence = "C"\nmessage_zh = "x"\nmessage_en = "x"\n', encoding="utf-8")

    class P:
        @hookimpl
        def report_lint_catalogue_paths(self):
            return [cat]

        @hookimpl
        def report_lint_rules(self):
            return [RuleImpl("F993", lambda r, c: [])]

    eng = build_engine(Config(select=["F99"]), plugins=[P()])
    codes = {n.code: n for n in eng.notices}
    assert "F993" in codes["rule-without-catalogue"].en and "no catalogue entry" in codes["rule-without-catalogue"].en
    assert "F991" in codes["rule-without-check"].en and "没有已加载的检查实现" in codes["rule-without-check"].zh


def test_registered_in_process_object():
    import sys

    sys.path.insert(0, str(FIXTURES))
    try:
        import plugin_pkg
    finally:
        sys.path.remove(str(FIXTURES))
    fr = check_report(valid_report(organ="某统计"), plugins=[plugin_pkg], select=["F990"])
    assert [f.rule for f in fr.findings] == ["F990"]
