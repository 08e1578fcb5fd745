"""A province's variant of the format is a data file a plugin contributes — no engine change."""
from __future__ import annotations

from pathlib import Path

from report_lint.engine.runner import check
from report_lint.engine.types import hookimpl
from report_lint.parsing import parse_bytes
from report_lint.resources import rules_dir

HUBEI_ROW = '''
[[tables.disclosure.parts.rows]]
key = "other_documents"
label = "其他主动公开文件"
match = ["其他主动公开文件"]
'''

TEXT = """某某局2023年政府信息公开工作年度报告
一、总体情况
本年度工作有序推进。
二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t0\t0\t0
行政规范性文件\t3\t1\t40
其他主动公开文件\t12\t0\t80
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t120
"""


def province_template(tmp_path: Path) -> Path:
    base = (rules_dir() / "templates" / "2021.toml").read_text(encoding="utf-8")
    base = base.replace('id = "2021"', 'id = "2021-hubei"\nvariant_of = "2021"', 1)
    # the extra row goes at the end of the first sub-table (第二十条第（一）项)
    marker = '\n[[tables.disclosure.parts]]\ncaption = "第二十条第（五）项"'
    assert marker in base
    base = base.replace(marker, HUBEI_ROW + marker, 1)
    path = tmp_path / "2021-hubei.toml"
    path.write_text(base, encoding="utf-8")
    return path


def test_a_province_template_file_is_used_by_the_parser(tmp_path):
    path = province_template(tmp_path)
    national = parse_bytes(TEXT.encode(), "r.txt")
    assert "other_documents" not in (national.tables.disclosure or {})
    hubei = parse_bytes(TEXT.encode(), "r.txt", templates=(str(path),))
    assert hubei.table_templates["disclosure"] == "2021-hubei"
    assert [c.value for c in hubei.tables.disclosure["other_documents"].values()] == [12, 0, 80]


def test_a_plugin_contributes_the_template_through_the_hook(tmp_path):
    path = province_template(tmp_path)
    report = tmp_path / "r.txt"
    report.write_text(TEXT, encoding="utf-8")

    class HubeiPack:
        @hookimpl
        def report_lint_template_paths(self):
            return [path]

    run = check(report, plugins=[HubeiPack()])
    assert run.files[0].error is None
    assert run.files[0].report.table_templates["disclosure"] == "2021-hubei"
    # following the province's variant of the 2021 format is following the 2021 format
    assert not [f for f in run.files[0].findings if f.rule == "V101"]


EQUATION_ONLY = '''
[[tables.applications.equations]]
id = "T3-90"
kind = "per_column"
left = ["not_processed_repeated"]
right = ["unavailable_unclear"]
description = "重复申请等于补正后申请内容仍不明确"
description_en = "repeated requests equal unclear requests"
'''


def test_a_variant_that_only_adds_an_equation_is_the_reports_template(tmp_path):
    """It reads every table exactly as its base does; the tie is no reason to call the format unknown."""
    from report_lint.engine.samples import BASES, base_path

    base = (rules_dir() / "templates" / "2021.toml").read_text(encoding="utf-8")
    path = tmp_path / "2021-eq.toml"
    path.write_text(base.replace('id = "2021"', 'id = "2021-eq"\nvariant_of = "2021"', 1) + EQUATION_ONLY,
                    encoding="utf-8")
    report = parse_bytes(base_path("2021").read_bytes(), "r.txt", published_on=BASES["2021"],
                         templates=(str(path),))
    assert report.meta.template == "2021-eq"
    assert set(report.table_templates.values()) == {"2021-eq"}


def test_a_broken_plugin_template_file_is_a_notice_naming_it(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "2021-x"\n[tables\n', encoding="utf-8")
    not_a_template = tmp_path / "shapeless.toml"
    not_a_template.write_text('id = "2021-y"\n', encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text(TEXT, encoding="utf-8")

    class Pack:
        @hookimpl
        def report_lint_template_paths(self):
            return [broken, not_a_template]

    run = check(report, plugins=[Pack()], lang="en")
    assert run.files[0].error is None and run.files[0].report.meta.template == "2021"
    warnings = [w["message"] for w in run.summary["warnings"]]
    assert any(str(broken) in w and "not valid TOML" in w and "\n" not in w for w in warnings), warnings
    assert any(str(not_a_template) in w and "is invalid" in w and "\n" not in w for w in warnings), warnings
