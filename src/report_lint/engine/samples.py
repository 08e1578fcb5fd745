"""The standard example reports and the rules' executable samples.

rules/examples/base-<name>.txt are complete reports of one county that check clean (score 100, no
finding) when published on the date kept here: its 2023 report in the 2021 national format ("2021"),
its 2020 report in the 2019 format ("2019"), and the reports of the year before each
("2021-previous": 2022, "2019-previous": 2019), which the year-over-year rules compare them with (the
pairs check clean too). A rule's `[rules.doc.sample]` (catalogue) names a base, a text that occurs
exactly once in it and the text that makes the rule fire (`bad`) or keeps it silent (`good`, by
default the base text itself). The rule's documentation page shows the pair with its line numbers in
the base (`report-lint rule ID`, docs/rules/), and tests/test_rule_cases.py checks both: the bad text
must give the rule's finding, the good one no finding at all. tests/rule_cases/ edits the same bases.
"""
from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ..resources import rules_dir

# Base name -> the publication date under which it checks clean (its signature date; T101/T102 judge
# the publication date, so a sample or case that does not set one uses this).
BASES: dict[str, date] = {"2021": date(2024, 1, 20), "2019": date(2021, 1, 20),
                          "2021-previous": date(2023, 1, 20), "2019-previous": date(2020, 1, 20)}


class SampleError(ValueError):
    """A sample or case edit that does not apply to its base (the text is not there exactly once)."""


def base_path(name: str) -> Path:
    if name not in BASES:
        raise SampleError(f"unknown example report {name!r} (known: {', '.join(BASES)})")
    return rules_dir() / "examples" / f"base-{name}.txt"


@cache
def base_text(name: str) -> str:
    return base_path(name).read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced by `new`; `old` must occur exactly once, so an edit never silently
    does nothing (the base changed under it) or changes more than meant."""
    n = text.count(old) if old else 0
    if n != 1:
        raise SampleError(f"the text to replace occurs {n} times (must be exactly once): {old[:60]!r}")
    return text.replace(old, new, 1)


def line_span(text: str, old: str) -> tuple[int, int]:
    """The 1-based first and last line of `old` in `text` (which must contain it)."""
    start = text.index(old)
    first = text.count("\n", 0, start) + 1
    return first, first + old.rstrip("\n").count("\n")


class RuleSample(BaseModel):
    """[rules.doc.sample]: a good/bad pair on a base report, shown in the docs and executed by a test."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    base: str = "2021"
    replace: str
    bad: str
    good: str | None = None  # default: the base text unchanged
    # default: the base's (BASES); "signature": none given, the report's signature date is all there is
    published_on: date | Literal["signature"] | None = None
    previous: str | None = None  # a base checked as last year's report (year-over-year rules)

    @field_validator("base", "previous")
    @classmethod
    def _known_base(cls, v: str | None) -> str | None:
        if v is not None and v not in BASES:
            raise ValueError(f"unknown example report {v!r} (known: {', '.join(BASES)})")
        return v

    @model_validator(mode="after")
    def _applies(self) -> RuleSample:
        try:
            n = base_text(self.base).count(self.replace) if self.replace else 0
        except OSError as e:
            raise ValueError(f"cannot read rules/examples/base-{self.base}.txt: {e}") from None
        if n != 1:
            raise ValueError(f"replace occurs {n} times in rules/examples/base-{self.base}.txt (must be exactly once)")
        return self

    @property
    def good_text(self) -> str:
        return self.replace if self.good is None else self.good

    @property
    def publication_date(self) -> date | None:
        if isinstance(self.published_on, date):
            return self.published_on
        return None if self.published_on == "signature" else BASES[self.base]

    def reports(self) -> tuple[str, str]:
        """The full (bad, good) report texts."""
        text = base_text(self.base)
        return edit(text, self.replace, self.bad), edit(text, self.replace, self.good_text)


def _block(text: str) -> list[str]:
    return ["```text", text.strip("\n"), "```", ""]


def render_sample(sample: RuleSample, lang: str = "zh") -> list[str]:
    """Markdown lines showing the pair: where in which base, what is reported and what is not."""
    zh = lang == "zh"
    rel = f"rules/examples/base-{sample.base}.txt"
    text = base_text(sample.base)
    first, last = line_span(text, sample.replace)
    lines = (("第 {} 行" if first == last else "第 {}–{} 行") if zh else
             ("line {}" if first == last else "lines {}–{}")).format(first, last)
    date_note = ""
    if sample.published_on == "signature":
        date_note = "，未另给发布日期（只有落款日期）" if zh else ", with no publication date but its signature date"
    elif isinstance(sample.published_on, date):
        date_note = (f"，发布日期为 {sample.published_on.isoformat()}" if zh
                     else f", published on {sample.published_on.isoformat()}")
    if sample.previous is not None:
        prev = f"rules/examples/base-{sample.previous}.txt"
        date_note += f"，与上一年度报告 `{prev}` 对照" if zh else f", compared with last year's report `{prev}`"
    where = (f"以示例报告 `{rel}` 为底本{date_note}" if zh else f"In the example report `{rel}`{date_note}")
    out: list[str] = []
    if sample.bad.strip():
        intro = (f"{where}，{lines}改为下面的文字会报告本规则：" if zh
                 else f"{where}, replacing {lines} with the text below is reported:")
        out += [intro, "", *_block(sample.bad)]
    else:
        at = text.index(sample.replace)
        if (at == 0 or text[at - 1] == "\n") and sample.replace.endswith("\n"):  # whole lines
            said = f"{where}，删去{lines}会报告本规则：" if zh else f"{where}, deleting {lines} is reported:"
        else:
            said = (f"{where}，删去{lines}中的下列文字会报告本规则：" if zh
                    else f"{where}, deleting this text from {lines} is reported:")
        out += [said, "", *_block(sample.replace)]
    if sample.good is None and not sample.bad.strip():
        out += ["保留这段文字则不会报告。" if zh else "Keeping it, nothing is reported.", ""]
    else:
        out += ["写成下面这样则不会报告：" if zh else "Written like this, nothing is reported:", ""]
        out += _block(sample.good_text)
    return out


__all__ = ["BASES", "RuleSample", "SampleError", "base_path", "base_text", "edit", "line_span", "render_sample"]
