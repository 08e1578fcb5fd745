"""Every rule's cases (tests/rule_cases/<RULE>.toml) and every catalogue sample, run through the engine.

SQLFluff keeps per-rule YAML cases with pass_str/fail_str; pylint runs each message's documented
bad/good example. Here a case is a small edit of a standard example report (rules/examples/base-*.txt)
or a whole text, with the findings it must give (expect = "fail") and must not give (expect = "pass"):
the case's own rule, and exactly the other rules listed in `also` — so a case also pins down that one
root cause gives one finding. The case format is described in tests/rule_cases/README.md.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

import report_lint
from report_lint.engine.catalogue import cached_catalogue
from report_lint.engine.runner import build_engine
from report_lint.engine.samples import BASES, base_path, base_text, edit, line_span
from report_lint.engine.types import hookimpl
from report_lint.model import Report
from report_lint.parsing import parse_bytes
from report_lint.resources import rules_dir

CASES_DIR = Path(__file__).parent / "rule_cases"

# Rules whose catalogue entry has no [rules.doc.sample] (one edit of an example report), and why.
# The test below keeps this list exact; each of these rules still has its case file.
WITHOUT_SAMPLE = {
    "P107": "a reader's warning comes from the file's form (an image in a web page), not from report text",
    "P109": "the defect is a file that is not a report at all; no edit of a report shows it",
    "P110": "the defect is a page with nothing but the report's title; no single edit of a report shows it",
    "P199": "no reader produces an unknown problem code; only a report model (JSON) can carry one",
    "C106": "a reader fills a short row with blank cells, so a column is absent only from a report model",
    "C107": "a reader fills a short row with blank cells, so a cell is absent only from a report model",
    "C114": "plain text cannot show an empty cell at the end of a line; the case writes a Markdown table",
    "I103": "the example report mentions 政策解读 in parts 一 and 五; its absence takes more than one edit",
    "T101": "the publication date comes from the web page or --published-on, not from the report's text",
    "T108": "the deadline year must lie beyond the installed holiday calendar: a far-future report year, which "
            "the example report states in six places — more than one edit (its case file makes them)",
    "V103": "no recognisable table means removing all three tables, which is the whole report",
    "Z190": "fires only on an equation a plugin's template adds; the built-in formats have none",
}


# --------------------------------------------------------------------------------------------- format

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportText(_Strict):
    """How a report's text is built: a base (or a whole `text`) with `replace` edits applied."""

    base: str = "2021"  # a standard example report (engine/samples.py BASES)
    text: str | None = None
    replace: tuple[tuple[str, str], ...] = ()
    # txt/md: the text as a file of that kind; html: a web page with each line of the text as a
    # paragraph (tags written in the edits stay tags), or a whole `text` as written; json: the base's
    # report-model export (what `report-lint parse --format json` writes), the edits applying to it.
    format: Literal["txt", "md", "html", "json"] = "txt"
    # json only: edits of the model itself, for what no reader produces from text (a cell absent from
    # a table, a problem code no parser emits): dotted paths removed, and items added to lists.
    drop: tuple[str, ...] = ()
    add: dict[str, list[Any]] = {}
    # The publication date (as --published-on); "signature": none given, the report's own signature
    # date is all there is. Default: the base's date (a whole `text`: none).
    published_on: date | Literal["signature"] | None = None

    @model_validator(mode="after")
    def _source(self) -> ReportText:
        if self.base not in BASES:
            raise ValueError(f"unknown base {self.base!r} (known: {', '.join(BASES)})")
        if self.format == "json" and self.text is not None:
            raise ValueError("a json case edits the base's model export; it takes no `text`")
        if self.format != "json" and (self.drop or self.add):
            raise ValueError("`drop` and `add` edit a report model: they need format = \"json\"")
        return self

    def source(self) -> str:
        if self.text is not None:
            out = self.text
        elif self.format == "json":
            out = _model_export(self.base)
        else:
            out = base_text(self.base)
        for old, new in self.replace:
            out = edit(out, old, new)
        if self.format == "html" and self.text is None:
            out = _as_page(out)
        if self.drop or self.add:
            out = _edit_model(out, self.drop, self.add)
        return out

    @property
    def publication_date(self) -> date | None:
        if self.published_on == "signature":
            return None
        if self.published_on is not None or self.text is not None:
            return self.published_on
        return BASES[self.base]


class TemplateFile(_Strict):
    """A plugin's template: a built-in template file (rules/templates/<base>.toml) edited."""

    base: str = "2021"
    replace: tuple[tuple[str, str], ...] = ()
    append: str = ""

    def source(self) -> str:
        out = (rules_dir() / "templates" / f"{self.base}.toml").read_text(encoding="utf-8")
        for old, new in self.replace:
            out = edit(out, old, new)
        return out + self.append


class Case(ReportText):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    expect: Literal["fail", "pass"]
    options: dict[str, Any] = {}  # the rule's options ([tool.report-lint.rule-options.<RULE>])
    config: dict[str, Any] = {}  # other configuration keys, as in [tool.report-lint]
    previous: ReportText | None = None  # last year's report (year-over-year rules)
    template_files: tuple[TemplateFile, ...] = ()
    also: tuple[str, ...] = ()  # the other rules that fire too (and no others)
    # Assertions on the rule's findings (fail cases; the first finding in report order):
    count: int | None = None
    location: dict[str, Any] = {}
    message: str | None = None
    message_en: str | None = None
    expected: Any = None
    actual: Any = None

    @model_validator(mode="after")
    def _assertions(self) -> Case:
        asserted = {"count", "location", "message", "message_en", "expected", "actual"} & self.model_fields_set
        if self.expect == "pass" and asserted:
            raise ValueError(f"a pass case asserts no finding; drop {sorted(asserted)}")
        return self


class CaseFile(_Strict):
    rule: str
    case: tuple[Case, ...]


def _load(path: Path) -> CaseFile:
    with open(path, "rb") as f:
        return CaseFile.model_validate(tomllib.load(f))


CASE_FILES = {p.stem: _load(p) for p in sorted(CASES_DIR.glob("*.toml"))}
CASES = [pytest.param(cf.rule, case, id=f"{cf.rule}-{case.name}")
         for cf in CASE_FILES.values() for case in cf.case]


# --------------------------------------------------------------------------------------------- running

def _as_page(text: str) -> str:
    lines = text.splitlines()
    body = "\n".join(f"<p>{line}</p>" for line in lines)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{lines[0]}</title></head>\n'
            f"<body>\n{body}\n</body></html>\n")


def _edit_model(text: str, drop: tuple[str, ...], add: dict[str, list[Any]]) -> str:
    model = json.loads(text)

    def parent(path: str) -> tuple[dict, str]:
        *keys, last = path.split(".")
        node = model
        for k in keys:
            node = node[k]
        return node, last

    for path in drop:
        node, last = parent(path)
        assert last in node, f"drop: {path} is not in the model"
        del node[last]
    for path, items in add.items():
        node, last = parent(path)
        node[last].extend(items)
    return json.dumps(model, ensure_ascii=False)


@cache
def _model_export(base: str) -> str:
    return report_lint.parse(base_path(base), published_on=BASES[base]).to_json()


@cache
def _parsed(text: str, fmt: str, published_on: date | None, templates: tuple[str, ...]) -> Report:
    """Each distinct text is parsed once per session; runs get a copy (a check must not see another's edits)."""
    return parse_bytes(text.encode("utf-8"), f"case.{fmt}", published_on=published_on, templates=templates)


def _report(src: ReportText, templates: tuple[str, ...]) -> Report:
    return _parsed(src.source(), src.format, src.publication_date, templates).model_copy(deep=True)


class _TemplatePack:
    """An in-process plugin contributing template files, as a province's package would."""

    def __init__(self, paths: list[Path]):
        self.paths = paths

    @hookimpl
    def report_lint_template_paths(self):
        return self.paths


def _template_paths(case: Case, directory: Path) -> list[Path]:
    out = []
    for t in case.template_files:
        text = t.source()
        path = directory / f"template-{hashlib.sha256(text.encode()).hexdigest()[:16]}.toml"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("case-templates")


def run_case(rule: str, case: Case, template_dir: Path):
    config = dict(case.config)
    if case.options:
        config["rule-options"] = {rule: dict(case.options)}
    paths = _template_paths(case, template_dir)
    engine = build_engine(config, plugins=[_TemplatePack(paths)] if paths else ())
    assert not engine.notices, [n.en for n in engine.notices]
    report = _report(case, engine.template_paths)
    previous = _report(case.previous, engine.template_paths) if case.previous else None
    result = engine.run_report(report, path=f"{rule}-{case.name}.{case.format}", previous=previous)
    assert not result.internal_errors, [p.message for p in result.internal_errors]
    return result


def _show(findings) -> str:
    return "\n".join(f"  {f.rule} {f.location.model_dump(exclude_none=True)} {f.message_zh}" for f in findings)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_rule_case(rule: str, case: Case, template_dir: Path):
    result = run_case(rule, case, template_dir)
    if result.skipped is not None:  # a fatal rule (P109) skips the file: its reason is the one finding
        if case.expect == "pass":  # another rule skipped it (a notice is not an empty report: P109, not P110)
            assert result.skipped.rule != rule and [result.skipped.rule] == list(case.also), result.skipped.message
            return
        assert (rule, case.expect) == (result.skipped.rule, "fail"), result.skipped.message
        assert not result.findings and not case.also and case.count in (None, 1)
        assert case.message is None or case.message in result.skipped.message, result.skipped.message
        return
    mine = [f for f in result.findings if f.rule == rule]
    others = sorted({f.rule for f in result.findings} - {rule})
    assert others == sorted(set(case.also)), f"other rules' findings:\n{_show(result.findings)}"
    if case.expect == "pass":
        assert not mine, f"{rule} must not fire:\n{_show(mine)}"
        return
    assert mine, f"{rule} must fire; findings:\n{_show(result.findings)}"
    if case.count is not None:
        assert len(mine) == case.count, _show(mine)
    first = mine[0]
    loc = first.location.model_dump()
    assert {k: loc.get(k) for k in case.location} == case.location, _show(mine)
    if case.message is not None:
        assert case.message in first.message_zh
    if case.message_en is not None:
        assert case.message_en in first.message_en
    if "expected" in case.model_fields_set:
        assert first.expected == case.expected
    if "actual" in case.model_fields_set:
        assert first.actual == case.actual
    for f in mine:  # a message says everything it means: no template placeholder left unfilled
        assert "{" not in f.message_zh and "{" not in f.message_en, f.message_zh


def test_every_rule_has_failing_and_passing_cases():
    catalogue = cached_catalogue()
    for stem, cf in CASE_FILES.items():
        assert cf.rule == stem, f"tests/rule_cases/{stem}.toml declares rule {cf.rule}"
        assert cf.rule in catalogue, f"tests/rule_cases/{stem}.toml: no rule {cf.rule} in the catalogue"
        names = [c.name for c in cf.case]
        assert len(names) == len(set(names)), f"{stem}: case names repeat"
    lacking = []
    for meta in catalogue:
        kinds = {c.expect for c in CASE_FILES[meta.id].case} if meta.id in CASE_FILES else set()
        if kinds != {"fail", "pass"}:
            lacking.append(f"{meta.id} (has {sorted(kinds) or 'no cases'})")
    assert not lacking, "rules without a failing and a passing case: " + ", ".join(lacking)


def test_an_edit_must_apply_exactly_once():
    with pytest.raises(ValueError, match="exactly once"):
        ReportText(replace=(("本报告", "该报告"),)).source()  # the base says 本报告 more than once
    with pytest.raises(ValueError, match="exactly once"):
        ReportText(replace=(("不在底本中的文字", "x"),)).source()


# --------------------------------------------------------------------------------------------- bases, samples

@pytest.mark.parametrize("base", sorted(BASES))
def test_the_example_reports_check_clean(base: str):
    previous = f"{base}-previous" if f"{base}-previous" in BASES else None
    run = report_lint.check(base_path(base), published_on=BASES[base], config={},
                            previous=base_path(previous) if previous else None)
    [fr] = run.files
    assert fr.error is None and not fr.internal_errors and not run.summary["warnings"]
    assert fr.findings == [] and fr.score == 100
    assert fr.template == base.removesuffix("-previous")
    if previous:  # the year-over-year rules did compare the two years
        assert fr.year == run.files[0].report.meta.year == report_lint.parse(base_path(previous)).meta.year + 1


SAMPLED = [m for m in cached_catalogue() if m.doc and m.doc.sample]


@pytest.mark.parametrize("meta", SAMPLED, ids=[m.id for m in SAMPLED])
def test_catalogue_sample(meta, tmp_path: Path):
    """The documented pair, as files through report_lint.check: the bad text gives the rule's finding,
    the good one no finding at all."""
    sample = meta.doc.sample
    bad, good = sample.reports()
    (tmp_path / "bad.txt").write_text(bad, encoding="utf-8")
    (tmp_path / "good.txt").write_text(good, encoding="utf-8")
    run = report_lint.check(tmp_path / "bad.txt", tmp_path / "good.txt", published_on=sample.publication_date,
                            config={}, previous=base_path(sample.previous) if sample.previous else None)
    bad_result, good_result = run.files
    assert any(f.rule == meta.id for f in bad_result.findings), _show(bad_result.findings)
    assert good_result.findings == [], _show(good_result.findings)


def test_rules_without_a_sample_are_the_documented_ones():
    missing = {m.id for m in cached_catalogue() if not (m.doc and m.doc.sample)}
    assert missing == set(WITHOUT_SAMPLE)


def test_a_sample_that_does_not_apply_to_its_base_is_rejected(tmp_path: Path):
    from report_lint.engine.catalogue import parse_file

    path = tmp_path / "catalogue.toml"
    path.write_text('''
[[rules]]
id = "F990"
name = "my-rules.sample"
family = "format"
severity = "info"
evidence = "C"
message_zh = "示例"
message_en = "sample"

[rules.doc]
what = "示例"

[rules.doc.sample]
replace = "底本中没有这句话"
bad = "x"
''', encoding="utf-8")
    rules, notices = parse_file(path)
    assert rules == [] and len(notices) == 1
    assert "must be exactly once" in notices[0].en and "F990" in notices[0].en


def test_the_rule_page_shows_the_pair():
    from report_lint.engine.catalogue import render_rule_doc

    meta = cached_catalogue().get("X103")
    zh, en = render_rule_doc(meta, "zh"), render_rule_doc(meta, "en")
    sample = meta.doc.sample
    assert "`rules/examples/base-2021.txt`" in zh and "会报告本规则" in zh and "则不会报告" in zh
    assert "is reported" in en and "nothing is reported" in en
    assert zh.index(sample.bad) < zh.index(sample.good_text, zh.index(sample.bad) + len(sample.bad))
    first, _ = line_span(base_text("2021"), sample.replace)
    assert f"第 {first} 行" in zh and f"line {first}" in en
