"""SARIF output: valid against the SARIF 2.1.0 schema and shaped the way GitHub code scanning needs."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from report_lint.engine import places
from report_lint.engine.types import FileError, FileResult, Finding, FindingLocation, RunResult
from report_lint.reporters import sarif
from report_lint.testing import valid_report

SCHEMA_PATH = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"  # copy of shared/spec's


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def f(rule, severity, loc, family="zero-sum", name="x.y", zh="中文消息", en="English message") -> Finding:
    return Finding(rule=rule, name=name, family=family, severity=severity, message=zh, message_zh=zh, message_en=en,
                   location=FindingLocation(**loc))


def make_run(root: Path, line_shift: int = 0) -> RunResult:
    rep = valid_report("2021")
    path = str(root / "年报" / "示例县 2023.txt")
    rep.source.path = path
    findings = [
        f("Z102", "error", dict(section=3, table="applications", row="total", column="natural_person", line=57 + line_shift)),
        f("Z102", "error", dict(section=3, table="applications", row="total", column="commercial", line=57 + line_shift)),
        f("C101", "error", dict(section=6), family="completeness", name="parts.missing"),
        f("F201", "warning", dict(line=1 + line_shift), family="format"),
        f("F201", "warning", dict(line=9 + line_shift), family="format"),
        f("T101", "info", dict(page=4), family="timeliness"),
    ]
    rep.sections = [s for s in rep.sections if s.number != 6]
    for x in findings:  # the engine resolves every finding's place (engine/places.py)
        x.place = places.place(rep, x.location, x.data)
    files = [
        FileResult(path=path, template="2021", year=2023, score=70.0, grade="C", findings=findings, report=rep,
                   categories={"completeness": 75.0}, sha256=rep.source.sha256),
        FileResult(path=str(root / "坏.pdf"), error=FileError(code="empty-file", message="坏.pdf 是空文件")),
        FileResult(path=str(root / "ok.txt"), template="2021", year=2023, score=100.0, grade="A",
                   report=valid_report("2021")),
    ]
    return RunResult(tool={"name": "report-lint", "version": "0.1.0"}, files=files)


CATALOGUE = [
    {"id": "Z102", "name": "applications.total-sum", "family": "zero-sum", "severity": "error", "evidence": "A",
     "basis": "国办公开办函〔2021〕30号", "spec": "T3-2", "message_zh": "表三…", "message_en": "Table 3…",
     "doc": {"what": "检查表三（七）总计是否等于各项办理结果之和。其余说明。", "why": "表格注释要求。", "fix": "改正总计。"}},
    {"id": "C101", "name": "parts.missing", "family": "completeness", "severity": "error", "evidence": "B",
     "message_zh": "缺少第{part}部分", "message_en": "part {part} missing"},
    {"id": "Y101", "name": "unused.rule", "family": "year-over-year", "severity": "info", "evidence": "M",
     "message_zh": "未用", "message_en": "unused"},
]


def to_doc(run, root, **opts):
    return json.loads(sarif.render(run, options={"srcroot": str(root), "rules": CATALOGUE, **opts}))


def test_validates_against_schema(tmp_path, validator):
    doc = to_doc(make_run(tmp_path), tmp_path)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")


def test_without_catalogue_still_valid(tmp_path, validator):
    doc = json.loads(sarif.render(make_run(tmp_path), lang="en", options={"srcroot": str(tmp_path), "rules": []}))
    validator.validate(doc)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["C101", "F201", "T101", "Z102"]  # described from the findings


def test_builtin_catalogue_descriptors_validate(tmp_path, validator):
    from report_lint.reporters._common import load_catalogue

    metas = load_catalogue()
    assert metas, "the built-in rule catalogue must load"
    doc = json.loads(sarif.render(make_run(tmp_path), options={"srcroot": str(tmp_path)}))
    validator.validate(doc)
    ids = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    assert {m.id for m in metas} <= set(ids)


def test_driver_and_rules(tmp_path):
    run_ = to_doc(make_run(tmp_path), tmp_path, help_base_uri="https://example.org/rules/")["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "report-lint" and driver["version"] == "0.1.0"
    rules = {r["id"]: r for r in driver["rules"]}
    z = rules["Z102"]
    assert z["name"] == "applications.total-sum"
    assert z["shortDescription"]["text"] == "检查表三（七）总计是否等于各项办理结果之和。"
    assert "国办公开办函〔2021〕30号" in z["fullDescription"]["text"]
    assert "**如何修改**" in z["help"]["markdown"] and "改正总计" in z["help"]["text"]
    assert z["helpUri"] == "https://example.org/rules/Z102"
    assert z["defaultConfiguration"]["level"] == "error"
    assert z["properties"]["family"] == "zero-sum" and "zero-sum" in z["properties"]["tags"]
    assert z["properties"]["precision"] == "very-high"
    assert rules["Y101"]["defaultConfiguration"]["level"] == "note"  # catalogue rules without findings are listed
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_every_result_has_a_physical_and_logical_location(tmp_path):
    run_ = to_doc(make_run(tmp_path), tmp_path)["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert len(results) == 6
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note") and r["message"]["text"]
        (loc,) = r["locations"]
        art = loc["physicalLocation"]["artifactLocation"]
        assert art["uriBaseId"] == "%SRCROOT%" and art["index"] == 0
        assert art["uri"] == "%E5%B9%B4%E6%8A%A5/%E7%A4%BA%E4%BE%8B%E5%8E%BF%202023.txt"  # relative, percent-encoded
        assert loc["physicalLocation"]["region"]["startLine"] >= 1
        assert loc["logicalLocations"][0]["name"]
    by_rule = {}
    for r in results:
        by_rule.setdefault(r["ruleId"], []).append(r)
    assert by_rule["Z102"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 57
    assert by_rule["Z102"][0]["locations"][0]["logicalLocations"][0] == {
        "name": "表三“（七）总计”行“自然人”列", "fullyQualifiedName": "section3/applications/total/natural_person",
        "kind": "element"}
    # a missing part 六 points where it belongs: the end of part 五 (its heading at line 50; no end recorded)
    assert by_rule["C101"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 50
    page = by_rule["T101"][0]
    assert page["locations"][0]["physicalLocation"]["region"]["properties"] == {"page": 4}
    assert "第4页" in page["message"]["text"]
    assert by_rule["T101"][0]["level"] == "note"


def test_fingerprints_ignore_lines_but_separate_cells(tmp_path):
    a = to_doc(make_run(tmp_path), tmp_path)["runs"][0]["results"]
    b = to_doc(make_run(tmp_path, line_shift=5), tmp_path)["runs"][0]["results"]
    fa = [r["partialFingerprints"]["reportLint/v1"] for r in a]
    fb = [r["partialFingerprints"]["reportLint/v1"] for r in b]
    assert fa == fb
    assert len(set(fa)) == len(fa)  # two cells of one rule, two hits of one rule on different lines


def test_fingerprints_survive_value_corrections_and_use_engine_fingerprint_for_text(tmp_path):
    run = make_run(tmp_path)
    def fps():
        return [r["partialFingerprints"]["reportLint/v1"] for r in to_doc(run, tmp_path)["runs"][0]["results"]]
    before = fps()
    cell, text = run.files[0].findings[0], run.files[0].findings[3]
    cell.fingerprint, cell.message_zh = "args-changed", "应为 26，实为 21"  # same cell, new numbers
    assert fps()[0] == before[0]
    text.fingerprint = "quoted-sentence"  # text findings are told apart by the engine's fingerprint
    after = fps()
    assert after[3] != before[3] and after[3] != after[4]


def test_unreadable_file_is_a_notification_and_artifacts_carry_scores(tmp_path):
    run_ = to_doc(make_run(tmp_path), tmp_path)["runs"][0]
    (inv,) = run_["invocations"]
    assert inv["executionSuccessful"] is True
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"]["id"] == "empty-file"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%E5%9D%8F.pdf"
    arts = run_["artifacts"]
    assert len(arts) == 3
    assert arts[0]["properties"]["score"] == 70.0 and arts[0]["hashes"]["sha-256"] == "0" * 64
    assert "score" not in arts[1].get("properties", {})


def test_file_outside_srcroot_gets_absolute_uri(tmp_path, validator):
    root = tmp_path / "repo"
    root.mkdir()
    doc = to_doc(make_run(tmp_path), root)
    validator.validate(doc)
    art = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art["uri"].startswith("file:///") and "uriBaseId" not in art


def test_sarif_rules_accepts_objects():
    class Meta:
        id = "Z101"
        name = "applications.column-identity"
        family = "zero-sum"
        severity = "warning"
        evidence = "C"
        basis = None
        doc = None
        message_zh = "表三列不平"
        message_en = "Table 3 column does not balance"

    (d,) = sarif.sarif_rules([Meta()], lang="en")
    assert d["id"] == "Z101" and d["shortDescription"]["text"] == "Table 3 column does not balance"
    assert d["defaultConfiguration"]["level"] == "warning" and d["properties"]["precision"] == "medium"
    from report_lint.engine.catalogue import help_uri

    assert d.get("helpUri") == help_uri("Z101")  # only a declared documentation URL, never an invented link


def test_kebab_case_options_from_config(tmp_path):
    doc = json.loads(sarif.render(make_run(tmp_path), options={"srcroot": str(tmp_path), "rules": CATALOGUE,
                                                               "help-base-uri": "https://example.org/r"}))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["C101"]["helpUri"] == "https://example.org/r/C101"


def test_one_root_cause_is_one_result_with_related_locations(tmp_path, validator):
    """A wrong 表三（七）总计/总计 breaks three equations: one result at the cell, the two equations beyond
    the one its rule checks as relatedLocations (not separate results)."""
    from report_lint.engine.runner import check_report

    rep = valid_report("2021")
    rep.source.path = str(tmp_path / "草稿.txt")
    rep.tables.applications["total"]["total"].value += 1
    fr = check_report(rep)
    doc = to_doc(RunResult(tool={"name": "report-lint", "version": "0.1.0"}, files=[fr]), tmp_path)
    validator.validate(doc)
    results = [r for r in doc["runs"][0]["results"] if r["ruleId"].startswith("Z")]
    [z] = results
    assert z["ruleId"] == "Z101" and "使 3 个等式不成立" in z["message"]["text"]
    related = z["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["logicalLocations"][0]["name"] == "表三“总计”列"
    assert "（七）总计等于各项办理结果之和" in related[0]["message"]["text"]
    assert related[1]["logicalLocations"][0]["name"] == "表三“（七）总计”行"
    assert all(r["physicalLocation"]["region"]["startLine"] >= 1 for r in related)
    en = json.loads(sarif.render(RunResult(tool={"name": "report-lint", "version": "0.1.0"}, files=[fr]), lang="en",
                                 options={"srcroot": str(tmp_path), "rules": CATALOGUE}))
    [z_en] = [r for r in en["runs"][0]["results"] if r["ruleId"] == "Z101"]
    assert "sum of the result rows" in z_en["relatedLocations"][0]["message"]["text"]
