"""Helpers to run CI definitions locally, for real: the ``run:`` steps of a GitHub composite action
or workflow and the ``script:`` lines of a GitLab job, with bash, in a fresh virtual environment
into which the install line installs this checkout.

GitHub expressions (``${{ ... }}``) are replaced from an explicit table given by each test: an
expression the table does not name fails the test, so a new expression cannot slip by unread.
``if:`` conditions are evaluated for the few forms used (``inputs.x == 'y'``, ``!=``, ``&&``,
``always()``); any other fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
IGNORED = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                 ".news-lint-cache", "build", "dist", ".hypothesis")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


class UnknownExpression(AssertionError):
    pass


def substitute(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``${{ expr }}`` replaced by ``values[expr]``; unknown ones fail."""
    def one(m: re.Match) -> str:
        if m.group(1) not in values:
            raise UnknownExpression(f"expression not known to the test: ${{{{ {m.group(1)} }}}}")
        return str(values[m.group(1)])
    return EXPR.sub(one, text)


_COMPARE = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")


def condition(expr: str | None, values: dict[str, str]) -> bool:
    """An ``if:`` of the forms used in this repository's action and snippets."""
    if expr is None:
        return True
    expr = expr.strip()
    m = EXPR.fullmatch(expr)
    if m:
        expr = m.group(1)
    result = True
    for part in (p.strip() for p in expr.split("&&")):
        if part == "always()":
            continue
        m = _COMPARE.match(part)
        if not m or m.group(1) not in values:
            raise UnknownExpression(f"if-condition not known to the test: {part!r}")
        equal = str(values[m.group(1)]) == m.group(3)
        result = result and (equal if m.group(2) == "==" else not equal)
    return result


def snapshot(tmp: Path) -> tuple[Path, str]:
    """This working tree (uncommitted changes included) as a git repository with one commit:
    its path and the commit's SHA, what a user's ``repo:`` / ``git+URL@REV`` would name."""
    repo = tmp / "news-lint"
    shutil.copytree(ROOT, repo, ignore=IGNORED, symlinks=True)
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, env=env,
                         capture_output=True, text=True).stdout.strip()
    return repo, sha


def fresh_env(tmp: Path) -> dict[str, str]:
    """A fresh venv first on PATH (what actions/setup-python or a python image gives), a home of
    its own (so the word-list folder is the one the snippet caches), no CI variables of ours."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "GITHUB_ACTIONS", "GITLAB_CI", "XDG_CACHE_HOME",
            "NEWS_LINT_LEXICON", "NEWS_LINT_DEBUG", "PRE_COMMIT_HOME"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    keep_pip_cache = str(Path.home() / ".cache" / "pip")  # downloads only, not our folder
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", keep_pip_cache),
               PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1", **GIT_ENV)
    return env


def bash(script: str, cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    """A step as GitHub runs ``shell: bash`` (``bash --noprofile --norc -eo pipefail``)."""
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),"
                        r"endLine=\d+,endColumn=\d+,title=[^:]+::.+$")


def annotations(stdout: str) -> list[tuple[str, str, int, int]]:
    """GitHub workflow-command annotations in ``stdout``: (level, file, line, col)."""
    out = []
    for line in stdout.splitlines():
        m = ANNOTATION.match(line)
        if m:
            out.append((m.group(1), m.group(2), int(m.group(3)), int(m.group(4))))
    return out


def site(tmp: Path) -> Path:
    """A site with the examples as its content/ folder."""
    root = tmp / "site"
    shutil.copytree(ROOT / "examples" / "content", root / "content")
    return root


def lexicon_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("lexicon*.sqlite3")) if folder.is_dir() else []


def seed_lexicon(env: dict[str, str]) -> None:
    """Put this machine's compiled word lists where a run with ``env`` should find them (the
    rule of ``lexicon.default_path``): a run looking anywhere else compiles them there, found by
    ``lexicon_files``, which the tests forbid. Compiling afresh costs ~30 s per test (it does
    when this machine has compiled nothing yet)."""
    from mdlint_news.lexicon import default_path

    source = default_path()
    if env.get("NEWS_LINT_LEXICON"):
        target = Path(env["NEWS_LINT_LEXICON"])
    else:
        base = env.get("XDG_CACHE_HOME") or str(Path(env["HOME"]) / ".cache")
        target = Path(base) / "news-lint" / source.name
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def run_gitlab(job: dict, tmp: Path, variables: dict[str, str]) -> tuple:
    """The job's script lines in one bash session (GitLab's `set -eo pipefail` shell), its
    variables expanded (only $CI_PROJECT_DIR, as GitLab would), the user's on top."""
    project = site(tmp)
    env = fresh_env(tmp)
    env.update(CI="true", GITLAB_CI="true", CI_PROJECT_DIR=str(project))
    for key, value in {**job.get("variables", {}), **variables}.items():
        value = str(value).replace("$CI_PROJECT_DIR", str(project))
        assert "$" not in value, f"variable {key} uses a variable the test does not know"
        env[key] = value
    seed_lexicon(env)
    proc = bash("\n".join(job["script"]), cwd=project, env=env)
    return proc, project, env


def read_outputs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text("utf-8").splitlines() if "=" in line)


def run_action(tmp: Path, inputs: dict[str, str]) -> dict:
    """Run action.yml's steps in order, stopping at the first that fails, as GitHub does."""
    workspace = site(tmp)
    env = fresh_env(tmp)
    outputs = tmp / "github_output"
    env.update(GITHUB_ACTION_PATH=str(ROOT), GITHUB_OUTPUT=str(outputs), GITHUB_ACTIONS="true",
               GITHUB_WORKSPACE=str(workspace), RUNNER_OS="Linux")
    seed_lexicon(env)
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update({f"inputs.{k}": v for k, v in inputs.items()}, **{"runner.os": "Linux"})
    record = {"steps": [], "uses": {}, "env": env, "workspace": workspace}
    for step in ACTION["runs"]["steps"]:
        values.update({f"steps.install.outputs.{k}": v for k, v in read_outputs(outputs).items()})
        if not condition(step.get("if"), values):
            continue
        if "uses" in step:
            record["uses"][step["uses"]] = {k: substitute(str(v), values)
                                            for k, v in step.get("with", {}).items()}
            continue
        assert step["shell"] == "bash", step
        step_env = {**env, **{k: substitute(str(v), values) for k, v in step.get("env", {}).items()}}
        proc = bash(substitute(step["run"], values), cwd=workspace, env=step_env)
        record["steps"].append((step["name"], proc))
        if proc.returncode != 0:
            break
    return record
