#!/usr/bin/env python3
"""report-lint's speed, in one run: synthetic reports per format, the real corpus, the floor, start-up.

usage: python benchmarks/run.py [--n 50] [--repeat 3] [--corpus ../shared/corpus] [--formats txt,html,md,docx]

- N synthetic reports per format: `report_lint.testing.valid_report` (2019 and 2021 formats, seeds 0..N-1)
  written by the renderers of tests/synth in layouts drawn from a seeded generator (tab, space and
  run-together text, wrapped labels, page footers, crawler pages; Word-style HTML spans; Markdown with
  broken tables; Word drafts), plus every report of the corpus (PDF included, partial openings excluded);
- N flattened run-together pages, and the same pages with one 表三 row of 40 random digits (the cost of a
  row no cut makes add up, against the same report without it);
- per report, CPU time (time.process_time, so other processes on the machine do not count) of parse
  (read + recognise) and rules (every built-in rule), and the bare `lxml.html.parse` of the same HTML file
  as the floor; reported as p50 / p99 / max over the reports, with reports per CPU second;
- each repetition is a fresh worker process that reads, parses and checks every file once, so nothing a
  repetition computed can serve another; the figure per report is its median over the repetitions;
- peak RSS of a worker, and start-up: `report-lint --version` and a one-file check as whole processes
  (their CPU time, median of 7), beside the floor under the latter: a process that imports pydantic and
  builds one model, one that imports report-lint's model, one that only reads the example into it.

Generating the files is not measured. No timing is asserted anywhere in the tests; docs/benchmark.md
keeps the figures of a run with the command that made them.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("txt", "html", "md", "docx")


# ----------------------------------------------------------------------------- synthetic reports

def synthetic(fmt: str, n: int, out: Path) -> list[Path]:
    """N reports of one format, written to `out`; layouts vary with the seed."""
    sys.path.insert(0, str(REPO / "tests"))
    from report_lint.testing import valid_report

    paths = []
    for i in range(n):
        rng = random.Random(f"{fmt}-{i}")
        report = valid_report("2019" if i % 3 == 0 else "2021", seed=i)
        path = out / f"synthetic-{fmt}-{i:04d}.{fmt}"
        path.write_bytes(_render(fmt, report, rng))
        paths.append(path)
    return paths


def _render(fmt: str, report, rng: random.Random) -> bytes:
    if fmt == "txt":
        from synth.render_text import TextLayout, render_text

        layout = TextLayout(sep=rng.choice(("tab", "spaces", "run")), wrap=rng.choice((0, 0, 8, 11)),
                            numbers_on=rng.choice(("first", "second")), footer_every=rng.choice((0, 0, 5)),
                            flatten=rng.random() < 0.3, crawler_header=rng.random() < 0.3)
        return render_text(report, layout).encode("utf-8")
    if fmt == "html":
        from synth.render_html import HtmlLayout, render_html

        return render_html(report, HtmlLayout(spans=rng.choice((0, 0, 3)), portal=rng.random() < 0.5,
                                              headings=rng.choice(("p", "h"))))
    if fmt == "md":
        from synth.render_markdown import MarkdownLayout, render_markdown

        return render_markdown(report, MarkdownLayout(merged=rng.choice(("empty", "repeat")),
                                                      broken=rng.random() < 0.3)).encode("utf-8")
    if fmt == "docx":
        from synth.render_docx import Layout, render_docx

        return render_docx(report, Layout(wrap_labels=rng.random() < 0.5, blank_zeros=rng.random() < 0.3))
    raise ValueError(fmt)


def run_together(n: int, out: Path, junk: bool) -> list[Path]:
    """N flattened crawler pages whose table digits run together (`21710000218`); with `junk`, the 表三
    row 一、本年新收… holds 40 random digits instead, which no cut makes add up."""
    sys.path.insert(0, str(REPO / "tests"))
    import re

    from report_lint.testing import valid_report
    from synth.render_text import TextLayout, render_text

    paths = []
    for i in range(n):
        rng = random.Random(f"run-{i}")
        text = render_text(valid_report("2021", seed=i), TextLayout(sep="run", flatten=True))
        if junk:
            digits = "".join(rng.choice("0123456789") for _ in range(40))
            text = re.sub(r"(一、本年新收政府信息公开申请数量 ?)\d+", lambda m, d=digits: m.group(1) + d, text, count=1)
        path = out / f"run-together-{'junk-' if junk else ''}{i:04d}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def corpus(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [p for p in sorted(root.rglob("*")) if p.suffix in (".txt", ".md", ".html", ".pdf", ".docx")
            and p.name != "README.md" and "partial" not in p.relative_to(root).parts]


# ----------------------------------------------------------------------------- one repetition

def worker(listing: Path, out: Path) -> None:
    """Parse and check every listed file once; write {path: [parse_ms, rules_ms, floor_ms]} and peak RSS."""
    import report_lint
    from report_lint.engine.runner import build_engine

    files = json.loads(listing.read_text("utf-8"))
    engine = build_engine()
    seen_formats = set()
    for path in files:  # load what each reader imports lazily, outside the measurement
        fmt = Path(path).suffix
        if fmt not in seen_formats:
            seen_formats.add(fmt)
            engine.run_report(report_lint.parse(path), path)
    results = {}
    for path in files:
        t0 = time.process_time()
        report = report_lint.parse(path)
        t1 = time.process_time()
        engine.run_report(report, path)
        t2 = time.process_time()
        floor = None
        if path.endswith(".html"):
            import lxml.html

            t3 = time.process_time()
            lxml.html.parse(path)
            floor = (time.process_time() - t3) * 1000
        results[path] = [(t1 - t0) * 1000, (t2 - t1) * 1000, floor]
    peak_kb = _own_peak_kb()
    out.write_text(json.dumps({"results": results, "peak_rss_mb": peak_kb / 1024}), "utf-8")


def _own_peak_kb() -> float:
    """This process's peak RSS. Linux's ru_maxrss carries the parent's peak across fork and exec (the
    parent that generated the synthetic files reached more than the worker ever does), so VmHWM of the
    worker's own address space is read where there is one."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# ----------------------------------------------------------------------------- whole processes

def process_cpu_ms(cmd: list[str], runs: int = 7) -> float:
    """Median CPU time (user + system) of a command run as a whole process."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(times)


# ----------------------------------------------------------------------------- figures

def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q / 100 * len(v) + 0.5) - 1))]


def row(name: str, samples: dict[str, list[float]]) -> str:
    parse = [s[0] for s in samples.values()]
    rules = [s[1] for s in samples.values()]
    total = [s[0] + s[1] for s in samples.values()]
    floors = [s[2] for s in samples.values() if s[2] is not None]
    floor = f"{pct(floors, 50):.1f}" if floors else "—"
    per_s = len(total) / (sum(total) / 1000) if total else 0
    cells = [name, str(len(total)), f"{per_s:.0f}"] + [
        f"{pct(v, 50):.1f} / {pct(v, 99):.1f} / {max(v):.1f}" for v in (parse, rules, total)] + [floor]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50, help="synthetic reports per format (default 50)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions, each a fresh process (default 3)")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--worker", nargs=2, metavar=("LISTING", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(Path(a.worker[0]), Path(a.worker[1]))
        return

    with tempfile.TemporaryDirectory(prefix="report-lint-bench-") as tmp:
        tmpdir = Path(tmp)
        sets: dict[str, list[Path]] = {}
        for fmt in a.formats.split(","):
            sets[f"synthetic {fmt}"] = synthetic(fmt, a.n, tmpdir)
        sets["run-together txt"] = run_together(a.n, tmpdir, junk=False)
        sets["run-together txt, one 40-digit row"] = run_together(a.n, tmpdir, junk=True)
        for p in corpus(Path(a.corpus)):
            sets.setdefault(f"corpus {p.suffix.lstrip('.')}", []).append(p)
        files = [str(p) for ps in sets.values() for p in ps]
        listing = tmpdir / "files.json"
        listing.write_text(json.dumps(files), "utf-8")
        runs, peaks = [], []
        for r in range(a.repeat):
            out = tmpdir / f"run-{r}.json"
            subprocess.run([sys.executable, __file__, "--worker", str(listing), str(out)], check=True)
            data = json.loads(out.read_text("utf-8"))
            runs.append(data["results"])
            peaks.append(data["peak_rss_mb"])

        def median_of(path: str) -> list[float]:
            samples = [run[path] for run in runs]
            floor = [s[2] for s in samples if s[2] is not None]
            return [statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
                    statistics.median(floor) if floor else None]

        per_file = {f: median_of(f) for f in files}
        lint = str(Path(sys.executable).with_name("report-lint"))
        example = str(REPO / "examples" / "jidong-2020.txt")
        version_ms = process_cpu_ms([lint, "--version"])
        one_file_ms = process_cpu_ms([lint, "check", example, "--format", "json", "-o", os.devnull])
        console_ms = process_cpu_ms([lint, "check", example])
        bare_ms = process_cpu_ms([sys.executable, "-c", "pass"])
        # the floor under a one-file check: what any process that builds the pydantic model pays before
        # report-lint's own work (pydantic and one model; report-lint's model classes; reading the example
        # into the model with no rules, no configuration and no output)
        one_model = "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int"
        pydantic_ms = process_cpu_ms([sys.executable, "-c", one_model])
        model_ms = process_cpu_ms([sys.executable, "-c", "import report_lint.model"])
        parse_only = f"import gc, report_lint\ngc.disable()\nreport_lint.parse({example!r})"
        parse_only_ms = process_cpu_ms([sys.executable, "-c", parse_only])

    print(f"report-lint benchmark: {a.n} synthetic reports per format + corpus, {a.repeat} repetition(s) "
          f"(each a fresh process), CPU time per report in ms, median over repetitions\n")
    print("| set | reports | reports per CPU s | parse p50 / p99 / max | rules p50 / p99 / max "
          "| total p50 / p99 / max | floor: lxml.html.parse p50 |")
    print("|---|---|---|---|---|---|---|")
    for name, paths in sets.items():
        print(row(name, {str(p): per_file[str(p)] for p in paths}))
    text_html = {f: v for f, v in per_file.items() if f.endswith((".txt", ".html"))
                 and not Path(f).name.startswith("run-together")}
    print(row("all text + HTML", text_html))
    real = {str(p) for name, ps in sets.items() if name.startswith("corpus ") for p in ps}
    worst = sorted(((v[0] + v[1], f) for f, v in per_file.items() if f in real), reverse=True)[:5]
    print("\nslowest real reports (parse + rules, ms): " +
          ", ".join(f"{os.path.relpath(f, a.corpus)} {ms:.0f}" for ms, f in worst))
    plain = [per_file[str(p)][0] for p in sets["run-together txt"]]
    junk = [per_file[str(p)][0] for p in sets["run-together txt, one 40-digit row"]]
    print(f"a 40-digit run-together row: parse p50 {pct(junk, 50):.1f} ms against {pct(plain, 50):.1f} ms for the "
          f"same reports without it ({pct(junk, 50) / pct(plain, 50):.2f}×; worst pair "
          f"{max(j / p for j, p in zip(junk, plain, strict=True)):.2f}×)")
    print(f"peak RSS of a worker (every file above in one process): {max(peaks):.0f} MB")
    print(f"whole processes, CPU ms (median of 7): `report-lint --version` {version_ms:.0f}; "
          f"`report-lint check examples/jidong-2020.txt --format json` {one_file_ms:.0f}, console "
          f"{console_ms:.0f}; bare interpreter {bare_ms:.0f}")
    print(f"the floor under a one-file check, CPU ms: pydantic and one model {pydantic_ms:.0f}; "
          f"`import report_lint.model` {model_ms:.0f}; `report_lint.parse` of the example (no rules, "
          f"configuration or output) {parse_only_ms:.0f}")


if __name__ == "__main__":
    main()
