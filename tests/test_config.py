"""Configuration: discovery, strict validation with one-line zh/en errors, extend, overrides, deadlines."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from report_lint.config import Config, discover, load_config, validate, with_overrides
from report_lint.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    c = Config()
    assert c.select is None and c.ignore == [] and c.lang == "zh" and c.fail_level == "error"
    assert (c.deadlines.department, c.deadlines.government, c.deadlines.township) == ("01-31", "03-31", "03-31")
    assert c.interpretation.target_rate == 1.0
    assert c.source is None


def test_pyproject_table_with_kebab_and_snake_keys(tmp_path):
    p = write(tmp_path / "pyproject.toml", """
[project]
name = "x"

[tool.report-lint]
select = ["Z", "C1"]
extend-select = ["T101"]
ignore = ["C105"]
severity = { Z103 = "warning" }
lang = "en"
fail_under = 80
fail-level = "warning"

[tool.report-lint.deadlines]
department = "01-25"

[tool.report-lint.deadlines.provinces."湖南"]
government = "02-28"

[tool.report-lint.rule-options.I101]
target-rate = 0.9
""")
    c = load_config(p)
    assert c.select == ["Z", "C1"] and c.extend_select == ["T101"] and c.ignore == ["C105"]
    assert c.severity == {"Z103": "warning"} and c.lang == "en" and c.fail_under == 80 and c.fail_level == "warning"
    assert c.deadlines.department == "01-25" and c.deadlines.provinces["湖南"].government == "02-28"
    assert c.rule_options == {"I101": {"target_rate": 0.9}}  # option names are spelt like the catalogue's
    assert c.source == str(p)


def test_discovery_nearest_dir_and_file_precedence(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.report-lint]\nlang = "en"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "no-table"\n')  # skipped: no [tool.report-lint]
    assert discover(deep) == tmp_path / "pyproject.toml"
    assert discover(deep / "report.html") == tmp_path / "pyproject.toml"  # a file path: start at its directory
    write(tmp_path / "a" / "report-lint.toml", 'lang = "zh"\n')
    assert discover(deep) == tmp_path / "a" / "report-lint.toml"
    write(tmp_path / "a" / "b" / "pyproject.toml", '[tool.report-lint]\nlang = "en"\n')
    write(tmp_path / "a" / "b" / "report-lint.toml", 'lang = "zh"\n')
    assert discover(deep) == deep / "report-lint.toml"  # the standalone file wins within a directory
    assert load_config(start=deep).source == str(deep / "report-lint.toml")


def test_discovery_from_cwd(tmp_path, monkeypatch):
    write(tmp_path / "report-lint.toml", 'fail-under = 70\n')
    monkeypatch.chdir(tmp_path)
    assert load_config().fail_under == 70


def test_no_config_anywhere_gives_defaults(tmp_path):
    c = load_config(start=tmp_path)
    assert c == Config() or c.source is None


@pytest.mark.parametrize(("body", "zh_part", "en_part"), [
    ('selct = ["Z"]\n', "未知选项“selct”，是否想写“select”？", "unknown option 'selct' (did you mean 'select'?)"),
    ('lang = "fr"\n', "“lang”的取值 'fr' 无效", "'lang' = 'fr' is invalid"),
    ('fail-under = 150\n', "应不大于 100", "'fail-under'"),
    ('fail-under = "high"\n', "应为数字", "'fail-under'"),
    ('select = "Z"\n', "应为列表", "'select'"),
    ('[deadlines]\ndepartment = "13-40"\n', "deadlines.department", "not a valid month-day"),
    ('[deadlines]\ndepartmnt = "01-20"\n', "是否想写“department”", "unknown option 'deadlines.departmnt'"),
    ('[deadlines.provinces."湖南"]\ngovernment = "3/31"\n', "deadlines.provinces.湖南.government", "month-day"),
    ('severity = { Z101 = "fatal" }\n', "severity.Z101", "'severity.Z101'"),
    ('[score]\ncategory-weights = { speed = 3 }\n', "score.category-weights", "unknown category 'speed'"),
])
def test_invalid_config_is_one_line_in_both_languages(tmp_path, body, zh_part, en_part):
    p = write(tmp_path / "report-lint.toml", body)
    with pytest.raises(ConfigError) as ei:
        load_config(p)
    e = ei.value
    assert zh_part in e.zh and en_part in e.en, (e.zh, e.en)
    assert str(p) in e.zh and str(p) in e.en
    assert "\n" not in e.zh and "\n" not in e.en


def test_broken_toml_and_missing_file(tmp_path):
    p = write(tmp_path / "report-lint.toml", "select = [\n")
    with pytest.raises(ConfigError) as ei:
        load_config(p)
    assert ei.value.code == "config-bad-toml"
    with pytest.raises(ConfigError) as ei:
        load_config(tmp_path / "nope.toml")
    assert ei.value.code == "config-not-found"
    p = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError) as ei:
        load_config(p)  # named explicitly but has no table: say so
    assert "[tool.report-lint]" in ei.value.zh


def test_extend_chain_and_cycle(tmp_path):
    write(tmp_path / "base.toml", 'ignore = ["C105"]\nlang = "en"\n[deadlines]\ndepartment = "01-20"\n')
    p = write(tmp_path / "sub" / "report-lint.toml",
              'extend = "../base.toml"\nlang = "zh"\n[deadlines]\ngovernment = "02-28"\n')
    c = load_config(p)
    assert c.ignore == ["C105"] and c.lang == "zh"
    assert (c.deadlines.department, c.deadlines.government) == ("01-20", "02-28")
    write(tmp_path / "a.toml", 'extend = "b.toml"\n')
    write(tmp_path / "b.toml", 'extend = "a.toml"\n')
    with pytest.raises(ConfigError) as ei:
        load_config(tmp_path / "a.toml")
    assert ei.value.code == "config-extend-cycle"


def test_overrides_replace_select_and_extend_ignore():
    base = validate({"select": ["Z"], "ignore": ["Z103"], "extend-select": ["C1"], "lang": "en"})
    c = with_overrides(base, select=["T"], ignore=["T101"], extend_select=["V"], lang=None)
    assert c.select == ["T"] and c.ignore == ["Z103", "T101"] and c.extend_select == ["C1", "V"]
    assert c.lang == "en"  # None means "not given on the command line"


def test_override_error_names_the_command_line():
    with pytest.raises(ConfigError) as ei:
        with_overrides(Config(), fail_under=150)
    assert "命令行" in ei.value.zh and "command line" in ei.value.en


def test_plugin_defaults_sit_under_the_user_config(tmp_path):
    p = write(tmp_path / "report-lint.toml", '[deadlines.provinces."湖南"]\ndepartment = "01-20"\n')
    defaults = {"deadlines": {"provinces": {"湖南": {"department": "01-10", "government": "02-15"},
                                            "湖北": {"township": "03-01"}}},
                "fail_level": "warning"}
    c = load_config(p, defaults=defaults)
    assert c.deadlines.provinces["湖南"].department == "01-20"  # the user wins
    assert c.deadlines.provinces["湖南"].government == "02-15"  # the plugin fills the rest
    assert c.deadlines.provinces["湖北"].township == "03-01" and c.fail_level == "warning"
    c2 = with_overrides(Config(ignore=["C1"]), defaults={"ignore": ["Z"], "lang": "en"})
    assert c2.ignore == ["C1"] and c2.lang == "en"


def test_deadlines_due_dates():
    c = validate({"deadlines": {"provinces": {"湖南": {"department": "01-20"}, "内蒙古": {"government": "02-15"}}}})
    d = c.deadlines
    assert d.due_date("department", 2023) == date(2024, 1, 31)
    assert d.due_date("government", 2023) == date(2024, 3, 31)
    assert d.due_date("township", 2023) == date(2024, 3, 31)
    assert d.due_date("unknown", 2023) is None
    assert d.due_date("department", 2023, organ="湖南省长沙市教育局") == date(2024, 1, 20)
    assert d.due_date("department", 2023, province="湖南") == date(2024, 1, 20)
    assert d.due_date("government", 2023, organ="湖南省人民政府") == date(2024, 3, 31)  # no override for it
    assert d.due_date("government", 2023, organ="内蒙古自治区人民政府") == date(2024, 2, 15)
    leap = validate({"deadlines": {"township": "02-29"}}).deadlines
    assert leap.due_date("township", 2023) == date(2024, 2, 29)
    assert leap.due_date("township", 2024) == date(2025, 2, 28)


def test_per_file_ignores_and_reporter_options_shape():
    c = validate({"per-file-ignores": {"legacy/*.pdf": ["P"]}, "reporter-options": {"html": {"title": "x"}}})
    assert c.per_file_ignores == {"legacy/*.pdf": ["P"]} and c.reporter_options["html"]["title"] == "x"
    with pytest.raises(ConfigError):
        validate({"per-file-ignores": {"x": "P"}})
