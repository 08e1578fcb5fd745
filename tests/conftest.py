import pytest

from shared_paths import CORPUS, SEED


@pytest.fixture
def corpus_dir():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture
def seed_path():
    if not SEED.is_file():
        pytest.skip("../shared/seed is not present")
    return SEED
