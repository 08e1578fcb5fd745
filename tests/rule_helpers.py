"""Helpers shared by the rule-family tests (tests/test_checks_*.py).

Every family's tests read their catalogue (rules/catalogue/<name>.toml) as {rule id: entry}, run one
check function as the engine would (the rule's catalogue option defaults, plus a test's overrides),
render a hit's message through the catalogue's templates, check that the catalogue and the family's
RuleImpls agree, and parse a report from the shared material (skipping where it is absent). Those
steps are the same for each family, so they are written once here.
"""
from __future__ import annotations

import string
import tomllib
from pathlib import Path

from report_lint.engine.types import RuleContext
from shared_paths import REPO, require

CATALOGUE_DIR = REPO / "rules" / "catalogue"


def load_catalogue(name: str) -> dict[str, dict]:
    """rules/catalogue/<name>.toml as {rule id: its catalogue entry}."""
    text = (CATALOGUE_DIR / f"{name}.toml").read_text("utf-8")
    return {r["id"]: r for r in tomllib.loads(text)["rules"]}


def run_check(rules: dict, check, report, rule: str, /, settings=None, **options) -> list:
    """The hits of one check function for `rule`, with the rule's catalogue option defaults updated by
    `options`; every hit must carry that rule's id. (Positional-only, so no option name can clash.)"""
    opts = dict(rules[rule].get("options", {}))
    opts.update(options)
    hits = list(check(report, RuleContext(options=opts, settings=settings, rule=rule)))
    assert all(h.rule == rule for h in hits)
    return hits


def message(rules: dict, hit, lang: str = "zh") -> str:
    """A hit's message in one language, through its rule's catalogue template."""
    return rules[hit.rule][f"message_{lang}"].format_map(hit.args)


def messages(rules: dict, hit) -> tuple[str, str]:
    """A hit's (Chinese, English) messages."""
    return message(rules, hit, "zh"), message(rules, hit, "en")


def assert_catalogue_matches(rules: dict, impls, letter: str, family: str) -> None:
    """The catalogue and the family's RuleImpls name the same ids; each entry has the family's letter
    and name, is never an error when it rests on grade-M evidence (SPEC), documents what/why/example/fix,
    and has well-formed message templates in both languages."""
    assert {i.id for i in impls} == set(rules), "every RuleImpl has a catalogue entry and vice versa"
    for rid, meta in rules.items():
        assert rid[0] == letter and meta["family"] == family
        assert not (meta["evidence"] == "M" and meta["severity"] == "error"), rid
        assert {"what", "why", "example", "fix"} <= set(meta["doc"]), rid
        for key in ("message_zh", "message_en"):
            list(string.Formatter().parse(meta[key]))  # raises on a malformed template


def assert_catalogue_loads_in_engine(name: str, rules: dict) -> None:
    """The engine's own catalogue loader reads rules/catalogue/<name>.toml without notices, to the same ids."""
    from report_lint.engine import catalogue
    loaded, notices = catalogue.parse_file(CATALOGUE_DIR / f"{name}.toml")
    assert not notices
    assert {r.id for r in loaded} == set(rules)


def parse_or_skip(path: Path, **kw):
    """report_lint.parse(path, **kw) of a file in the shared material: a visible skip where the material is
    absent on a user's clone, a failure in CI (shared_paths.require). A file that cannot be parsed fails."""
    import report_lint

    return report_lint.parse(require(path), **kw)


def set_text(report, number: int, text: str) -> None:
    """Replace a part's text (the section and its paragraphs), as the builder would have read it, and
    read the narrative facts again as recognition would."""
    from report_lint.testing import with_facts

    report.section(number).text = text
    for p in report.paragraphs:
        if p.section == number:
            p.text = text
    with_facts(report)
