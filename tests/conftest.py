"""Shared fixtures: the spaCy pipeline built once, an in-memory store, paths, ``--update-golden``."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
#: The shared evaluation sets (third-party texts, never copied into the repo).
EVAL = ROOT.parent / "shared" / "eval"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites corpus/*/expected.json from the current extraction."""
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite corpus/*/expected.json from the extractor's output (review with git diff)")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite the golden files."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def nlp():
    """The extraction pipeline, built once per test session."""
    from extractor.nlp import build_nlp

    return build_nlp()


@pytest.fixture()
def store():
    """A migrated, empty in-memory store."""
    from extractor.store import open_store

    db = open_store(None)
    yield db
    db.close()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The bundled golden corpus."""
    return CORPUS


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """``../shared/eval``; tests using it skip when it is absent."""
    if not EVAL.is_dir():
        pytest.skip(f"no shared evaluation sets at {EVAL}")
    return EVAL
