"""Jobs for the web page's worker pool in tests (tests/test_web.py): the real check, except for uploads whose
file name asks for a slow, crashing or dying worker. The workers import this module by name (the pool
gives them the server's sys.path)."""
from __future__ import annotations

import os
import time

from report_lint.web.job import run as real_run


def run(payload: dict) -> dict:
    name = payload["files"][0][0] if payload.get("files") else ""
    if name.startswith("slow"):
        time.sleep(60)  # far past any test's time budget: the pool must stop this worker
    if name.startswith("crash"):
        raise RuntimeError("boom in the job")
    if name.startswith("die"):
        os._exit(3)
    return real_run(payload)
