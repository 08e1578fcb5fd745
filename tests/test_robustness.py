"""Damaged input never escapes as a traceback: every mutation of a real file gives a model or an InputError.

(A seeded, bounded sweep over the committed fixtures; a wider run found the zlib case that this keeps.)"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from report_lint.errors import ReportLintError
from report_lint.parsing import parse_bytes

GENERATED = Path(__file__).parent / "fixtures" / "generated"
SAMPLES = sorted(GENERATED.glob("*-typed.*")) + sorted(GENERATED.glob("*blank-zeros.docx"))


def mutations(data: bytes, seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        d = bytearray(data)
        op = rng.choice(["trunc", "flip", "chunk", "dup"])
        if op == "trunc":
            d = d[:rng.randint(1, len(d))]
        elif op == "flip":
            for _ in range(rng.randint(1, 50)):
                d[rng.randrange(len(d))] = rng.randrange(256)
        elif op == "chunk":
            i = rng.randrange(len(d))
            del d[i:i + rng.randint(1, 5000)]
        else:
            i = rng.randrange(len(d))
            d[i:i] = d[i:i + rng.randint(1, 3000)]
        yield op, bytes(d)


@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix in (".docx", ".pdf")], ids=lambda p: p.name)
def test_damaged_files_give_a_model_or_a_clear_error(path):
    for op, data in mutations(path.read_bytes(), seed=11, count=12):
        try:
            parse_bytes(data, path.name)
        except ReportLintError as e:
            assert e.zh and e.en and "\n" not in e.zh, (op, e.zh)  # noqa: PT017 - an error is one allowed outcome, not the expected one
