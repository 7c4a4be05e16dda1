"""The GitHub Action (action.yml) and the GitLab CI template (docs/ci/news-lint.gitlab-ci.yml),
run locally for real: each ``run:`` step / ``script:`` line with bash, in a fresh venv, with the
variables GitHub or GitLab would set. The action installs its own checkout
(``GITHUB_ACTION_PATH``: this tree); the template installs what ``NEWS_LINT_PACKAGE`` names, here
this tree as a git repository pinned to its commit. Steps that only GitHub can run are listed in
``NOT_RUN`` with what is checked instead, and the action must use exactly those."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from ci_steps import (ACTION, ROOT, UnknownExpression, annotations, condition, lexicon_files,
                      run_action, run_gitlab, snapshot, substitute)

TEMPLATE = ROOT / "docs" / "ci" / "news-lint.gitlab-ci.yml"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
DAMAGED = "2025-12-22-A-10-largest-healthcare-data-breaches-reported-to-.md"

# `uses:` steps GitHub alone can run, and what this test checks in their place.
NOT_RUN = {
    "actions/setup-python@v5": "a fresh venv, first on PATH, stands in for the Python it sets up",
    "actions/cache@v4": "its path must hold the word lists the run compiled, and nothing else must",
    "github/codeql-action/upload-sarif@v3": "its sarif_file must validate against SARIF 2.1.0",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def test_action_is_composite_and_uses_only_the_listed_actions():
    assert ACTION["runs"]["using"] == "composite"
    uses = {s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s}
    assert uses == set(NOT_RUN)
    assert {"paths", "args", "python-version", "sarif", "package"} <= set(ACTION["inputs"])


def test_conditions_follow_the_inputs():
    steps = {s["name"]: s for s in ACTION["runs"]["steps"]}
    off = {"inputs.sarif": "false", "inputs.python-version": ""}
    assert not condition(steps["SARIF report"].get("if"), off)
    assert not condition(steps["Upload SARIF to code scanning"].get("if"), off)
    assert not condition(steps["Set up Python"].get("if"), off)
    with pytest.raises(UnknownExpression):
        substitute("${{ github.token }}", {})


@pytest.fixture(scope="module")
def action_run(tmp_path_factory) -> dict:
    return run_action(tmp_path_factory.mktemp("action"), {"paths": "content", "sarif": "true"})


def test_action_installs_its_checkout_and_annotates(action_run):
    names = [name for name, _ in action_run["steps"]]
    assert names == ["Install news-lint", "SARIF report", "news-lint"], names
    install = action_run["steps"][0][1]
    assert install.returncode == 0 and "news-lint 0.1.0" in install.stdout, install.stderr
    lint = action_run["steps"][-1][1]
    assert lint.returncode == 1, lint.stdout + lint.stderr  # problems fail the job
    found = annotations(lint.stdout)
    assert ("error", f"content/{DAMAGED}", 4, 7) in found
    lines = [ln for ln in lint.stdout.splitlines() if ln.strip()]
    assert len(found) == len(lines), "every line on stdout is an annotation"


def test_action_sarif_validates_and_matches_the_annotations(action_run):
    sarif_file = action_run["uses"]["github/codeql-action/upload-sarif@v3"]["sarif_file"]
    log = json.loads((action_run["workspace"] / sarif_file).read_text(encoding="utf-8"))
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert len(results) == len(annotations(action_run["steps"][-1][1].stdout))


def test_action_caches_the_word_list_folder(action_run):
    cached = Path(action_run["uses"]["actions/cache@v4"]["path"])
    home = Path(action_run["env"]["HOME"])
    assert cached == home / ".cache" / "news-lint"
    assert lexicon_files(cached), "the run found no word lists in the cached folder"
    elsewhere = [p for p in lexicon_files(home) + lexicon_files(action_run["workspace"])
                 if cached not in p.parents]
    assert not elsewhere
    key = action_run["uses"]["actions/cache@v4"]["key"]
    assert key.startswith("news-lint-lexicon-Linux-wordfreq-") and not key.endswith("-")


# --------------------------------------------------------------------------- GitLab template


def gitlab_job() -> dict:
    doc = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    jobs = {k: v for k, v in doc.items() if isinstance(v, dict) and "script" in v}
    assert list(jobs) == ["news-lint"]
    return jobs["news-lint"]


def test_gitlab_template_says_what_to_set(tmp_path):
    proc, _, _ = run_gitlab(gitlab_job(), tmp_path, {})
    assert proc.returncode == 2
    assert "set NEWS_LINT_PACKAGE" in proc.stderr


def test_gitlab_template_runs_and_writes_code_quality(tmp_path):
    job = gitlab_job()
    repo, sha = snapshot(tmp_path)
    package = f"mdlint-news @ git+file://localhost{repo}@{sha}"  # pip wants a host part
    proc, project, env = run_gitlab(job, tmp_path, {"NEWS_LINT_PACKAGE": package,
                                                    "NEWS_LINT_PATHS": "content/"})
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"content/{DAMAGED}:4:7: NL302" in proc.stdout
    report = project / job["artifacts"]["reports"]["codequality"]
    issues = json.loads(report.read_text(encoding="utf-8"))
    assert issues and all(i["severity"] in {"info", "minor", "major", "critical", "blocker"}
                          for i in issues)
    assert {"description", "check_name", "fingerprint", "location"} <= set(issues[0])
    assert any(i["location"]["path"] == f"content/{DAMAGED}"
               and i["location"]["positions"]["begin"]["line"] == 4 for i in issues)
    assert job["artifacts"]["when"] == "always"
    cached = [project / p for p in job["cache"]["paths"]]
    assert any(lexicon_files(c) for c in cached), "the word lists are not in the cached folder"
    home = Path(env["HOME"])
    assert not lexicon_files(home), "word lists compiled outside the cached folder"
