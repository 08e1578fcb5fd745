"""Count the narrative facts report-lint reads from a folder of reports (by kind and scope), and
optionally list them for checking by hand.

usage: python scripts/facts_census.py [DIR ...] [--list KIND[,KIND]] [--tsv FILE]
       (default DIR: ../shared/corpus, recursively; unreadable files are counted and skipped)
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import report_lint
from report_lint.errors import InputError

SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def reports(dirs: list[Path]) -> list[Path]:
    out = []
    for d in dirs:
        out += [p for p in sorted(d.rglob("*")) if p.suffix.lower() in SUFFIXES and p.name != "README.md"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path,
                    default=[Path(__file__).resolve().parents[2] / "shared" / "corpus"])
    ap.add_argument("--list", default="", help="print every fact of these kinds (comma-separated; 'all')")
    ap.add_argument("--tsv", type=Path, help="write every fact as a tab-separated line to FILE")
    a = ap.parse_args()
    kinds = collections.Counter()
    scopes = collections.Counter()
    files = failed = 0
    wanted = set(a.list.split(",")) if a.list else set()
    rows = []
    for path in reports(a.dirs):
        try:
            report = report_lint.parse(path)
        except InputError:
            failed += 1
            continue
        files += 1
        for f in report.facts:
            kinds[f.kind] += 1
            scopes[(f.kind, f.scope)] += 1
            row = (path.name, f.kind, str(f.value), f.unit or "", f.scope, "approx" if f.approx else "",
                   f.text.replace("\t", " "), f.sentence.replace("\t", " ")[:200])
            rows.append(row)
            if "all" in wanted or f.kind in wanted:
                print("\t".join(row[:7]))
    if a.tsv:
        a.tsv.write_text("".join("\t".join(r) + "\n" for r in rows), "utf-8")
    print(f"\n{files} reports read ({failed} unreadable), {sum(kinds.values())} facts")
    for kind, n in kinds.most_common():
        by_scope = ", ".join(f"{s} {scopes[(kind, s)]}" for s in ("self", "region", "other", "example", "plan")
                             if scopes[(kind, s)])
        print(f"  {kind:<34} {n:>5}   ({by_scope})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
