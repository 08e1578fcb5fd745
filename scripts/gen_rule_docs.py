#!/usr/bin/env python3
"""Generate docs/rules/index.md and docs/rules/<ID>.md from the rule catalogue (rules/catalogue/*.toml).

    python scripts/gen_rule_docs.py            # write the pages (and delete pages of rules that are gone)
    python scripts/gen_rule_docs.py --check    # exit 1 when the committed pages differ (CI, tests)

The pages are the same text `report-lint rule ID` prints; tests/test_engine.py fails when they drift.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from report_lint.engine.catalogue import generate_docs, load_catalogue  # noqa: E402

DOCS = ROOT / "docs" / "rules"


def expected() -> dict[str, str]:
    return generate_docs(load_catalogue(directory=ROOT / "rules" / "catalogue"))


def differences(docs: Path = DOCS) -> list[str]:
    want = expected()
    have = {p.name: p.read_text(encoding="utf-8") for p in docs.glob("*.md")} if docs.is_dir() else {}
    out = [f"missing: {n}" for n in sorted(set(want) - set(have))]
    out += [f"stale: {n}" for n in sorted(set(have) - set(want))]
    out += [f"differs: {n}" for n in sorted(set(want) & set(have)) if want[n] != have[n]]
    return out


def write(docs: Path = DOCS) -> list[str]:
    docs.mkdir(parents=True, exist_ok=True)
    want = expected()
    changed = []
    for p in docs.glob("*.md"):
        if p.name not in want:
            p.unlink()
            changed.append(f"deleted {p.name}")
    for name, text in want.items():
        p = docs / name
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
            changed.append(f"wrote {name}")
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 on differences")
    args = ap.parse_args(argv)
    if args.check:
        diff = differences()
        for d in diff:
            print(d)
        if diff:
            print("docs/rules is out of date: run python scripts/gen_rule_docs.py", file=sys.stderr)
        return 1 if diff else 0
    changed = write()
    listed = "" if not changed else ": " + ", ".join(changed[:8]) + (" …" if len(changed) > 8 else "")
    print(f"{len(changed)} change(s) in {DOCS.relative_to(ROOT)}{listed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
