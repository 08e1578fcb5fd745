import pytest

from shared_paths import CORPUS, SEED, require


@pytest.fixture
def corpus_dir():
    return require(CORPUS)


@pytest.fixture
def seed_path():
    return require(SEED)
