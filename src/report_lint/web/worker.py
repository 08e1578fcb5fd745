"""A worker process of the web page: `python -m report_lint.web.worker MODULE:FUNCTION`.

Reads jobs from stdin and writes answers to stdout (length-prefixed pickles, see pool.py), one at a time,
until the server closes the pipe.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

from .pool import receive, send


def _resolve(spec: str) -> Callable[[Any], Any]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def worker_main(job_spec: str) -> None:
    """A worker's loop: one job at a time until the server closes the pipe."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library that prints must not corrupt the answers: stray output goes to stderr
    requests = sys.stdin.buffer
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(5)  # the server stays responsive while a report is checked
    job = _resolve(job_spec)
    while True:
        try:
            payload = receive(requests)
        except EOFError:
            return
        try:
            answer = ("ok", job(payload))
        except Exception as e:  # noqa: BLE001 - a crash is answered, never left for the server to guess
            answer = ("crash", " ".join(f"{type(e).__name__}: {e}".split())[:300])
        send(answers, answer)


if __name__ == "__main__":
    worker_main(sys.argv[1])
