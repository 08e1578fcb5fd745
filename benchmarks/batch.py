#!/usr/bin/env python3
"""report-lint's batch run as a supervising office uses it: N copies of the corpus's text, HTML and
Markdown reports in one folder, `report-lint check DIR --format json -o OUT -q --no-cache --jobs J`.

usage: python benchmarks/batch.py [--sizes 100 1000 5000] [--jobs 1 2] [--corpus ../shared/corpus]
                                  [--extra "--ignore Y"]

The copies repeat every organ and year, so most reports have their previous year in the folder and go
through the year-over-year second phase; `--extra "--ignore Y"` measures a folder without that phase
(one year's reports of many bodies, what a supervising office usually checks, pairs nothing).

Per (N, J): wall time, CPU time of the whole process tree (user + system of the command and its
workers), reports per CPU second, and peak RSS of the largest process (`/usr/bin/time -f %M`, so the
parent or one worker, whichever is larger). The outputs of every J for one N are compared byte for
byte (they must be identical). The copies are made once per N and not measured; the result cache is
off, so every run does the whole work. Wall time means something only on an idle machine.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def sources(root: Path) -> list[Path]:
    """The corpus's complete text/HTML/Markdown reports (run.py's corpus without PDF and Word)."""
    from run import corpus  # benchmarks/run.py, beside this script

    return [p for p in corpus(root) if p.suffix in (".txt", ".html", ".md")]


def fill(folder: Path, files: list[Path], n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        src = files[i % len(files)]
        shutil.copyfile(src, folder / f"{i:05d}-{src.name}")


def run(folder: Path, jobs: int, out: Path, extra: list[str]) -> dict[str, float]:
    exe = Path(sys.executable).parent / "report-lint"
    cmd = ["/usr/bin/time", "-f", "%e %U %S %M", str(exe), "check", str(folder), "--format", "json",
           "-o", str(out), "-q", "--no-cache", "--jobs", str(jobs), *extra]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"report-lint exited {proc.returncode}: {proc.stderr[-2000:]}")
    _, user, system, rss_kb = proc.stderr.strip().splitlines()[-1].split()
    return {"wall": wall, "cpu": float(user) + float(system), "rss_mb": int(rss_kb) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--extra", default="", help='more arguments for report-lint check, e.g. "--ignore Y"')
    ap.add_argument("--corpus", default=os.environ.get("REPORT_LINT_CORPUS", str(REPO.parent / "shared" / "corpus")))
    args = ap.parse_args()
    files = sources(Path(args.corpus))
    if not files:
        raise SystemExit(f"no text/HTML/Markdown reports under {args.corpus}")
    print(f"{len(files)} distinct reports, copied cyclically; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print("| files | --jobs | wall | CPU (all processes) | reports per CPU s | peak RSS (largest process) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="report-lint-batch-") as tmp:
        for n in args.sizes:
            folder = Path(tmp) / f"n{n}"
            fill(folder, files, n)
            outs = []
            for j in args.jobs:
                out = Path(tmp) / f"n{n}-j{j}.json"
                m = run(folder, j, out, args.extra.split())
                outs.append(out)
                print(f"| {n} | {j} | {m['wall']:.1f} s | {m['cpu']:.1f} s | {n / m['cpu']:.0f} | "
                      f"{m['rss_mb']:.0f} MB |", flush=True)
            same = all(filecmp.cmp(outs[0], o, shallow=False) for o in outs[1:])
            print(f"|   | outputs of --jobs {' and '.join(map(str, args.jobs))}: "
                  f"{'identical' if same else 'DIFFERENT'} | | | | |", flush=True)
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
