#!/usr/bin/env python3
"""Measure report-lint's speed (a script, not a timed test): start-up, parse and check per format.

usage: python scripts/benchmark.py [--corpus DIR] [--repeat N]
Prints a Markdown table; docs/benchmark.md records the figures of a run.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def files(corpus: Path) -> list[Path]:
    out = [p for p in sorted(corpus.rglob("*")) if p.suffix in (".txt", ".md", ".html", ".pdf", ".docx")
           and p.name != "README.md" and "partial" not in p.parts]
    gen = REPO / "tests" / "fixtures" / "generated"
    if gen.is_dir():
        out += sorted(gen.glob("*.docx"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import report_lint.cli"], check=True)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.perf_counter() - t0

    import report_lint
    from report_lint.engine.runner import check_report

    parse_t: dict[str, list[float]] = defaultdict(list)
    check_t: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, int] = defaultdict(int)
    paths = files(Path(a.corpus))
    for p in paths:  # warm lazy imports once
        report_lint.parse(p)
        break
    for p in paths:
        fmt = p.suffix.lstrip(".")
        sizes[fmt] += p.stat().st_size
        best_parse = best_check = float("inf")
        for _ in range(a.repeat):
            t = time.perf_counter()
            rep = report_lint.parse(p)
            best_parse = min(best_parse, time.perf_counter() - t)
            t = time.perf_counter()
            check_report(rep)
            best_check = min(best_check, time.perf_counter() - t)
        parse_t[fmt].append(best_parse)
        check_t[fmt].append(best_check)
    print(f"start-up (python -c 'import report_lint.cli') {cold * 1000:.0f} ms; bare interpreter {bare * 1000:.0f} ms\n")
    print("| format | files | KiB | parse ms (median / max) | rules ms (median / max) |")
    print("|---|---|---|---|---|")
    for fmt in sorted(parse_t):
        pt, ct = parse_t[fmt], check_t[fmt]
        print(f"| {fmt} | {len(pt)} | {sizes[fmt] // 1024} | {statistics.median(pt) * 1000:.1f} / {max(pt) * 1000:.1f} "
              f"| {statistics.median(ct) * 1000:.1f} / {max(ct) * 1000:.1f} |")
    total = sum(sum(v) for v in parse_t.values()) + sum(sum(v) for v in check_t.values())
    n = sum(len(v) for v in parse_t.values())
    print(f"\n{n} reports parsed and checked in {total:.2f} s ({total / max(n, 1) * 1000:.0f} ms per report, best of {a.repeat})")


if __name__ == "__main__":
    main()
