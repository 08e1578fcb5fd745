"""Where the shared reference material lives: CI lays a copy of shared/ beside the repository;
a user's clone has none, and tests that need it skip."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REPORT_LINT_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed" / "jidong-2020.txt"
SPEC = SHARED / "spec"
