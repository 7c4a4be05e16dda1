"""Shared fixtures: the shared/ corpus (skipped cleanly when absent), a valid modern article, and
a runner for the real command line (``python -m mdlint_news`` in a subprocess). What they are
built from is in support.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import CLI, SHARED, article_text


@pytest.fixture
def valid_article():
    """The article builder (see :func:`article_text`)."""
    return article_text


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared/ folder not present beside the repository ({SHARED})")
    return SHARED


@pytest.fixture
def corpus_dir(shared_dir: Path) -> Path:
    corpus = shared_dir / "corpus" / "marigold"
    if not corpus.is_dir():
        pytest.skip(f"corpus not present in shared/ ({corpus})")
    return corpus


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    """``cli(*args, cwd=tmp_path)``: run ``python -m mdlint_news`` and return the finished process
    (stdout/stderr decoded)."""
    return CLI(tmp_path)


@pytest.fixture
def patch_tool() -> str:
    exe = shutil.which("patch")
    if exe is None:
        pytest.skip("GNU patch is not installed (apt-get install -y patch); needed to apply --diff")
    return exe
