"""The distributions, built and installed as a user would: ``python -m build`` makes the sdist
and, from it, the wheel; each is installed with pip into a fresh virtual environment, whose
``news-lint`` must run and lint an example; the sdist must carry what its own tests read (the
examples, the docs, the licence, action.yml), and a part of those tests passes from the unpacked
sdist against the installed package. ``make sdist-test`` runs the whole suite that way."""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "2025-12-22-A-10-largest-healthcare-data-breaches-reported-to-.md"

pytestmark = pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(),
                                reason="needs the source tree (pyproject.toml)")


def run(*args, cwd=None, timeout=900, env=None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)
    return proc


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    proc = run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    sdist, = out.glob("*.tar.gz")
    wheel, = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def fresh_venv(where: Path, requirement: str) -> Path:
    proc = run(sys.executable, "-m", "venv", where)
    assert proc.returncode == 0, proc.stderr
    pip = run(where / "bin" / "python", "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", requirement)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    return where / "bin"


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
    return {**env, "NO_COLOR": "1"}


def test_sdist_carries_what_the_tests_and_users_need(dists):
    with tarfile.open(dists["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("LICENSE", "README.md", "action.yml", ".pre-commit-hooks.yaml", "Makefile",
                   f"examples/content/{EXAMPLE}", "docs/editor/frontmatter.json",
                   "schemas/tech_news_article.schema.json", "tests/conftest.py", "tests/support.py",
                   "CONTRIBUTING.md",
                   "tests/data/sarif-schema-2.1.0.json", "benchmarks/linearity_bench.py"):
        assert needed in names, f"{needed} is missing from the sdist"
    assert not any(n.startswith((".venv/", ".git/")) for n in names)


def test_wheel_metadata_names_the_licence_and_classifiers(dists):
    with zipfile.ZipFile(dists["wheel"]) as whl:
        names = whl.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(whl.read(meta_name).decode("utf-8"))
        licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert "MIT License" in whl.read(licence).decode("utf-8")
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier") or []
    assert "Topic :: Text Processing :: Markup :: Markdown" in classifiers
    assert meta["Keywords"]
    assert "mdlint_news/schemas/tech_news_article.yaml" in names


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installs_into_a_fresh_venv_and_lints(kind, dists, tmp_path):
    bin_dir = fresh_venv(tmp_path / "venv", str(dists[kind]))
    version = run(bin_dir / "news-lint", "--version", env=clean_env())
    assert version.returncode == 0 and version.stdout.strip() == "news-lint 0.1.0", version
    site = tmp_path / "site"
    site.mkdir()
    shutil.copyfile(ROOT / "examples" / "content" / EXAMPLE, site / EXAMPLE)
    lint = run(bin_dir / "news-lint", EXAMPLE, cwd=site, env=clean_env())
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert f"{EXAMPLE}:4:7: NL302" in lint.stdout
    schema = run(bin_dir / "news-lint", "schema", "tech_news_article", env=clean_env())
    assert schema.returncode == 0 and '"$schema"' in schema.stdout


def test_tests_pass_from_the_unpacked_sdist(dists, tmp_path):
    """A part of the suite (the rest: `make sdist-test`), run from the unpacked sdist with the
    sdist installed with its test extra; the tests that read ../shared skip there."""
    with tarfile.open(dists["sdist"]) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tmp_path / "unpacked", filter="data")
        else:  # pragma: no cover - Python before 3.10.12
            tar.extractall(tmp_path / "unpacked")
    src, = (tmp_path / "unpacked").iterdir()
    bin_dir = fresh_venv(tmp_path / "venv", f"{dists['sdist']}[test]")
    proc = run(bin_dir / "pytest", "-q", "-p", "no:cacheprovider", "-x",
               "tests/test_docs.py", "tests/test_jsonschema.py", "tests/test_reporters.py",
               cwd=src, env=clean_env())
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and "skipped" in proc.stdout  # the corpus tests skip
