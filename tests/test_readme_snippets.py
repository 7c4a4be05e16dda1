"""Every fenced code block of README.md, run as printed. Blocks are found generically, so a
snippet added later is run too; a block no runner here can take fails until it gets one or is
marked ``<!-- snippet: not run: REASON -->`` on a line just before its fence, and the list of
marked blocks must be exactly ``NOT_RUN``.

- ``console``: each ``$ command`` runs with bash in a copy of the repository's ``examples/``
  (the commands of one block share it, in order); where output follows a command, the output
  (stdout and stderr, as a terminal shows them) must be the same, after normalisation: trailing
  spaces and blank lines, and durations (``0.12 s``, ``15 ms``) read as ``<time>``. Without shown
  output the command must not fail with exit code 2.
- ``toml``: a configuration, written at the root of a git repository holding the examples
  (``pyproject.toml`` when it has ``[tool.news-lint]``, else ``.news-lint.toml``): news-lint must
  accept it (exit 0 or 1, no warning about it).
- ``python``: run with this Python in the copy of ``examples/``.
- ``yaml`` with ``repos:``: a pre-commit configuration, run by the real pre-commit in a git
  repository of articles; the repository URL and ``rev`` are replaced by this repository (a
  snapshot of this tree as a git repository) and its commit, nothing else.
- ``yaml`` with ``jobs:``: a GitHub workflow; its ``run:`` steps run with bash in a fresh venv,
  the install line installing this repository (same substitution); ``uses:`` steps are in
  ``KNOWN_USES`` with what is checked instead.
- ``yaml`` with a job holding ``script:``: a GitLab CI job, its script run the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

from ci_steps import (ROOT, annotations, bash, condition, fresh_env, lexicon_files, run_action,
                      run_gitlab, seed_lexicon, site, snapshot, substitute)

README = ROOT / "README.md"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
DAMAGED = "2025-12-22-A-10-largest-healthcare-data-breaches-reported-to-.md"

# What the README says to replace: where you host news-lint, and a commit of it.
REPO_URL = "https://github.com/YOUR-ORG/news-lint"
REV = "COMMIT_SHA"
ACTION_REF = f"YOUR-ORG/news-lint@{REV}"  # this repository's action.yml

# Blocks that are not run (first line of the block -> why); the README's markers must match.
NOT_RUN = {
    "$ make demo   # set up, lint the bundled examples/content/, show the diff --fix would make":
        "the Makefile's targets: `make test` is this suite; `make demo` prints the worked "
        "example, whose commands the next block runs",
}
# `uses:` steps of the workflow snippets, which only GitHub runs, and what is checked instead.
KNOWN_USES = {
    ACTION_REF: "action.yml's steps run locally with the step's inputs (as tests/test_action.py)",
    "actions/checkout@v4": "the job runs in a copy of a site with the examples as content/",
    "actions/setup-python@v5": "a fresh venv, first on PATH",
    "actions/cache@v4": "its path must hold the word lists the run compiled, nothing else must",
    "github/codeql-action/upload-sarif@v3": "its sarif_file must validate against SARIF 2.1.0",
}


@dataclass
class Block:
    lang: str
    text: str
    line: int
    not_run: str | None

    @property
    def first(self) -> str:
        return self.text.splitlines()[0] if self.text else ""


FENCE = re.compile(r"^```([\w+-]*)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
MARK = re.compile(r"<!-- snippet: not run: (.+?) -->")


def blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        before = text[:m.start()].rstrip("\n").splitlines()
        reason = None
        for line in reversed(before):  # the HTML comments just above the fence
            if not line.startswith("<!--"):
                break
            mark = MARK.search(line)
            reason = mark.group(1) if mark else reason
        out.append(Block(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1, reason))
    return out


BLOCKS = blocks()
RUN = [b for b in BLOCKS if b.not_run is None]


def test_the_not_run_markers_are_exactly_the_listed_ones():
    assert {b.first: b.not_run for b in BLOCKS if b.not_run} == NOT_RUN


def test_no_snippet_names_a_tag_or_host_that_does_not_exist():
    text = README.read_text(encoding="utf-8")
    tags = subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for rev in re.findall(r"\brev:\s*(\S+)", text):
        assert rev == REV or rev in tags, f"rev {rev!r} is not a tag of this repository"
    assert "example.com/your-org" not in text and "git.example.com" not in text


def workspace(tmp: Path) -> Path:
    root = tmp / "work"
    shutil.copytree(ROOT / "examples", root / "examples")
    return root


def local_env(tmp: Path) -> dict:
    """This Python's news-lint first on PATH; the user's word lists (compiled once)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_ACTIONS", "GITLAB_CI", "NEWS_LINT_DEBUG", "FORCE_COLOR")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1",
               PRE_COMMIT_HOME=str(tmp / "pre-commit-home"))
    return env


TIME = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b")


def normal(text: str) -> str:
    return "\n".join(TIME.sub("<time>", ln.rstrip()) for ln in text.strip("\n").splitlines())


def console_commands(text: str) -> list[tuple[str, str]]:
    """(command, shown output) pairs of a console block."""
    pairs: list[list] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            pairs.append([line[2:], []])
        elif pairs:
            pairs[-1][1].append(line)
        else:
            raise AssertionError(f"console block starts with output, not `$ `: {line!r}")
    return [(cmd, "\n".join(out)) for cmd, out in pairs]


def run_console(block: Block, tmp: Path) -> None:
    cwd, env = workspace(tmp), local_env(tmp)
    for command, shown in console_commands(block.text):
        proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=600)
        if shown.strip():
            assert normal(proc.stdout) == normal(shown), f"$ {command}\n{proc.stdout}"
        else:
            assert proc.returncode in (0, 1), f"$ {command} exited {proc.returncode}\n{proc.stdout}"


def run_toml(block: Block, tmp: Path) -> None:
    cwd, env = workspace(tmp), local_env(tmp)
    name = "pyproject.toml" if "[tool.news-lint]" in block.text else ".news-lint.toml"
    (cwd / name).write_text(block.text, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=cwd, check=True)
    if re.search(r"^baseline\s*=", block.text, re.MULTILINE):  # recorded first, as the README says
        record = subprocess.run(["news-lint", "--update-baseline", "examples/content"], cwd=cwd,
                                env=env, capture_output=True, text=True, timeout=600)
        assert record.returncode == 0, record.stderr
    proc = subprocess.run(["news-lint", "examples/content"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert name not in proc.stderr, proc.stderr  # no warning about the configuration


def run_python(block: Block, tmp: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", block.text], cwd=workspace(tmp),
                          env=local_env(tmp), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


def pip_url(repo: Path) -> str:
    return f"file://localhost{repo}"  # pip wants a host part in git+file URLs


def run_precommit(config: str, tmp: Path) -> None:
    remote = "repo: local" not in config
    if remote:
        assert REPO_URL in config and f"rev: {REV}" in config, "say where to put the URL and rev"
        repo, sha = snapshot(tmp)
        config = config.replace(REPO_URL, str(repo)).replace(REV, sha)
    site_repo = tmp / "site"
    shutil.copytree(ROOT / "examples" / "content", site_repo / "content")
    (site_repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    env = {**local_env(tmp), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "init", "-q"], cwd=site_repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=site_repo, check=True, env=env)

    def pre_commit() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color",
                               "never"], cwd=site_repo, env=env, capture_output=True, text=True,
                              timeout=900)

    first = pre_commit()
    assert first.returncode == 1, first.stdout + first.stderr
    assert f"content/{DAMAGED}" in first.stdout, first.stdout
    if "news-lint-fix" in config:  # the fixer repaired what it could: a second run sees it
        assert "files were modified by this hook" in first.stdout
        second = pre_commit()
        assert "news-lint (fix)" in second.stdout and f"{DAMAGED}:4:7" not in second.stdout


def run_workflow(doc: dict, tmp: Path) -> None:
    jobs = doc["jobs"]
    assert len(jobs) == 1, "one job per workflow snippet"
    steps = next(iter(jobs.values()))["steps"]
    assert {s["uses"] for s in steps if "uses" in s} <= set(KNOWN_USES)
    action = [s for s in steps if s.get("uses") == ACTION_REF]
    if action:
        others = [s for s in steps if s is not action[0]]
        assert [s.get("uses") for s in others] == ["actions/checkout@v4"], "checkout, then the action"
        with_ = {k: v if isinstance(v, str) else json.dumps(v) for k, v in action[0]["with"].items()}
        record = run_action(tmp, with_)
        lint = record["steps"][-1][1]
        check_results(lint, record["uses"], record["workspace"])
        check_cached(record["uses"], record["env"], record["workspace"])
        return
    run_plain_workflow(steps, tmp)


def run_plain_workflow(steps: list[dict], tmp: Path) -> None:
    repo, sha = snapshot(tmp)
    work, env = site(tmp), fresh_env(tmp)
    env.update(GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(work), RUNNER_OS="Linux")
    seed_lexicon(env)
    values = {"runner.os": "Linux"}
    uses, runs, failed = {}, [], False
    for step in steps:
        when = step.get("if", "success()" if failed else None)
        if when == "success()" or not condition(when, values):
            continue
        if "uses" in step:
            uses[step["uses"]] = {k: substitute(str(v), values) for k, v in step.get("with", {}).items()}
            continue
        script = substitute(step["run"], values).replace(REPO_URL, pip_url(repo)).replace(REV, sha)
        proc = bash(script, cwd=work, env=env)
        runs.append((step["run"], proc))
        failed = failed or proc.returncode != 0
    assert runs[0][1].returncode == 0, runs[0][1].stdout + runs[0][1].stderr  # the install
    lint = [p for cmd, p in runs if cmd.startswith("news-lint content")]
    assert lint, "no `news-lint content...` step"
    check_results(lint[0], uses, work)
    check_cached(uses, env, work)


def check_results(lint: subprocess.CompletedProcess, uses: dict, work: Path) -> None:
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert ("error", f"content/{DAMAGED}", 4, 7) in annotations(lint.stdout), lint.stdout
    sarif = uses.get("github/codeql-action/upload-sarif@v3")
    if sarif:
        log = json.loads((work / sarif["sarif_file"]).read_text("utf-8"))
        jsonschema.validate(log, SARIF_SCHEMA)


def check_cached(uses: dict, env: dict, work: Path) -> None:
    assert "actions/cache@v4" in uses, "the workflow must cache news-lint's word lists"
    cached = [Path(p.replace("~", env["HOME"], 1)) for p in uses["actions/cache@v4"]["path"].split()]
    assert any(lexicon_files(c) for c in cached), "the run's word lists are not in the cached path"
    home = Path(env["HOME"])
    stray = [p for p in lexicon_files(home) + lexicon_files(work)
             if not any(c == p.parent or c in p.parents for c in cached)]
    assert not stray, stray


def run_gitlab_snippet(doc: dict, tmp: Path) -> None:
    jobs = [v for v in doc.values() if isinstance(v, dict) and "script" in v]
    assert len(jobs) == 1
    job = jobs[0]
    repo, sha = snapshot(tmp)
    job = {**job, "script": [s.replace(REPO_URL, pip_url(repo)).replace(REV, sha)
                             for s in job["script"]]}
    proc, project, env = run_gitlab(job, tmp, {})
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = project / job["artifacts"]["reports"]["codequality"]
    assert json.loads(report.read_text(encoding="utf-8"))
    cached = [project / p for p in job["cache"]["paths"]]
    assert any(lexicon_files(c) for c in cached), "the word lists are not in the cached folder"
    assert not lexicon_files(Path(env["HOME"]))


def run_yaml(block: Block, tmp: Path) -> None:
    doc = yaml.safe_load(block.text)
    if "repos" in doc:
        run_precommit(block.text, tmp)
    elif "jobs" in doc:
        run_workflow(doc, tmp)
    elif any(isinstance(v, dict) and "script" in v for v in doc.values()):
        run_gitlab_snippet(doc, tmp)
    else:
        raise AssertionError(f"README line {block.line}: a YAML block no runner knows: "
                             "add one to this test or mark it")


RUNNERS = {"console": run_console, "toml": run_toml, "python": run_python, "yaml": run_yaml}


@pytest.mark.parametrize("block", RUN, ids=[f"L{b.line}-{b.lang}" for b in RUN])
def test_readme_snippet_runs_as_printed(block, tmp_path):
    runner = RUNNERS.get(block.lang)
    assert runner, (f"README line {block.line}: no runner for ```{block.lang} blocks: add one "
                    "or mark the block `<!-- snippet: not run: REASON -->`")
    runner(block, tmp_path)
