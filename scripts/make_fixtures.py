#!/usr/bin/env python3
"""Write the synthetic DOCX/PDF fixtures in tests/fixtures/generated/.

Each fixture is a report from report_lint.testing.valid_report rendered to DOCX in the official
layout (tests/synth/render_docx.py), converted to PDF with headless LibreOffice, plus
NAME.expected.json holding the model values a parser should read (and where the DOCX holds them).
The outputs are committed so CI needs neither LibreOffice nor CJK fonts; rerun this script only
when the renderer or the fixture list changes:

    apt-get install -y libreoffice-writer fonts-noto-cjk     # once, for the PDFs
    .venv/bin/python scripts/make_fixtures.py                # --no-pdf to skip the conversion
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.synth.render_docx import Layout, render_with_expected  # noqa: E402

from report_lint.testing import valid_report  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "generated"

# name -> (template, seed, organ, layout). Kept few and small: each PDF embeds a CJK font subset.
FIXTURES = {
    "docx-2021-typed": ("2021", 11, "示例县人民政府", Layout()),
    "docx-2021-wordnum-wrapped": ("2021", 12, "示例市交通运输局",
                                  Layout(heading_numbering="word", wrap_labels=True)),
    "docx-2019-blank-zeros": ("2019", 13, "示例区人民政府", Layout(blank_zeros=True)),
    "docx-2021-split-blank": ("2021", 14, "示例镇人民政府",
                              Layout(heading_numbering="word", blank_zeros=True, disclosure_split=True)),
}
MAX_FILE_BYTES = 400_000


def to_pdf(docx_path: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) is needed for the PDFs: apt-get install -y libreoffice-writer "
                 "fonts-noto-cjk, or pass --no-pdf")
    with tempfile.TemporaryDirectory(prefix="make-fixtures-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
                       check=True, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
        produced = Path(tmp, docx_path.stem + ".pdf")
        target = out_dir / produced.name
        shutil.move(str(produced), target)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-pdf", action="store_true", help="write DOCX and JSON only")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (template, seed, organ, layout) in FIXTURES.items():
        report = valid_report(template, seed=seed, organ=organ)
        data, expected = render_with_expected(report, layout)
        expected["seed"] = seed
        docx_path = args.out / f"{name}.docx"
        docx_path.write_bytes(data)
        files = [docx_path]
        if not args.no_pdf:
            files.append(to_pdf(docx_path, args.out))
        expected["files"] = [f.name for f in files]
        json_path = args.out / f"{name}.expected.json"
        json_path.write_text(json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                             encoding="utf-8")
        for f in [*files, json_path]:
            size = f.stat().st_size
            flag = "  (too large!)" if size > MAX_FILE_BYTES else ""
            print(f"{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}\t{size}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
