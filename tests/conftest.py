from pathlib import Path

import pytest

from shared_paths import CORPUS, SEED, require


@pytest.fixture
def corpus_dir():
    return require(CORPUS)


@pytest.fixture
def seed_path():
    return require(SEED)


@pytest.fixture
def cli_isolation(tmp_path, monkeypatch):
    """A command run in an empty directory (no config file above it), the fixture plugins importable, no
    debug tracebacks, and its data cache in the test's own directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report-lint.toml").write_text("", encoding="utf-8")  # stop discovery from reaching the repo
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "fixtures"))
    monkeypatch.delenv("REPORT_LINT_DEBUG", raising=False)
    monkeypatch.setenv("REPORT_LINT_CACHE_DIR", str(tmp_path / "cache"))
