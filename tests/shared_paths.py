"""Where the shared reference material lives: CI lays a copy of shared/ beside the repository;
a user's clone has none, and tests that need it skip."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REPORT_LINT_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed" / "jidong-2020.txt"
SPEC = SHARED / "spec"


def require(path: Path) -> Path:
    """`path` from the shared material. Absent: a visible skip on a user's clone, a failure in CI
    (CI=true), where shared/ is laid beside the repository and a missing file means a broken setup."""
    import pytest

    if not path.exists():
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"{path} is missing, but CI must provide the shared material (REPORT_LINT_SHARED)")
        pytest.skip(f"{path} not available (the shared material is not beside this checkout)")
    return path
