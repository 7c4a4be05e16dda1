"""The configuration trust model (docs/trust.md), tried through the real command line in real
folders and git repositories: where discovery stops, which configuration applies, which paths a
configuration may name, and what an error may print."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ARTICLE_NAME

SECRET = "SECRET-TOKEN-4f9c"
CODE = re.compile(r":\d+:\d+: (NL\d{3}) ")
OFF_BY_AN_HOUR = "'2025-12-01 18:27:21'"
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "tech_news_article.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(cwd: Path, *args, home: Path | None = None, timeout: int = 60) -> subprocess.CompletedProcess:
    """``python -m mdlint_news`` in ``cwd``; ``timeout`` only detects a hang."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    if home is not None:
        env["HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", *map(str, args)], cwd=cwd,
                          capture_output=True, env=env, timeout=timeout)
    proc.stdout = proc.stdout.decode("utf-8", "replace")
    proc.stderr = proc.stderr.decode("utf-8", "replace")
    return proc


def codes(proc) -> set[str]:
    return {m.group(1) for m in CODE.finditer(proc.stdout)}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git(*args, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=cwd, check=True, capture_output=True)


def no_secret(proc) -> None:
    assert SECRET not in proc.stdout and SECRET not in proc.stderr, (proc.stdout, proc.stderr)


@pytest.fixture
def article(valid_article) -> str:
    """date-mismatch (NL302) and image-url (NL402), nothing else."""
    image = "https://cdn.example.com/img/apple photo.jpg"
    return valid_article(date=OFF_BY_AN_HOUR, urlToImage=image, urlToImageBackup=image)


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files outside every project: a YAML mapping and a passwd-like file holding the secret."""
    folder = tmp_path / "outside"
    write(folder / "secret.yaml", f"api_key: {SECRET}\ntimezone: {SECRET}\n")
    write(folder / "passwd", f"root:x:0:0:{SECRET}:/root:/bin/bash\n")
    write(folder / "passwd.yaml", f"root:x:0:0:{SECRET}:/root:/bin/bash\nkey: [{SECRET}\n")
    return folder


@pytest.fixture
def repo(tmp_path, article) -> Path:
    """A git repository below a folder that has its own configuration, with one article."""
    root = tmp_path / "above" / "repo"
    root.mkdir(parents=True)
    git("init", "-q", cwd=root)
    write(root / "content" / "2025" / ARTICLE_NAME, article)
    return root


# --------------------------------------------------------------------------- where discovery stops


@pytest.mark.parametrize("dot_git", ["folder", "file"])
def test_a_configuration_above_the_repository_root_does_not_apply(tmp_path, article, dot_git):
    """`.git` as a folder (a clone) or a file (a worktree): the search stops at that folder."""
    above = tmp_path / "above"
    write(above / ".news-lint.toml", 'ignore = ["ALL"]\n')
    root = above / "repo"
    root.mkdir()
    git("init", "-q", cwd=root)
    if dot_git == "file":
        git("commit", "-q", "--allow-empty", "-m", "init", cwd=root)
        git("worktree", "add", "-q", str(above / "wt"), cwd=root)
        root = above / "wt"
        assert (root / ".git").is_file()
    write(root / ARTICLE_NAME, article)
    proc = run(root, ".")
    assert proc.returncode == 1 and codes(proc) == {"NL302", "NL402"}, (proc.stdout, proc.stderr)


def test_outside_a_repository_the_search_stops_at_the_home_folder(tmp_path, article):
    home = tmp_path / "home"
    write(tmp_path / ".news-lint.toml", 'ignore = ["ALL"]\n')  # above the home folder
    write(home / "site" / ARTICLE_NAME, article)
    proc = run(home / "site", ".", home=home)
    assert codes(proc) == {"NL302", "NL402"}, (proc.stdout, proc.stderr)
    write(home / ".news-lint.toml", 'select = ["NL4"]\n')  # the home folder itself is searched
    assert codes(run(home / "site", ".", home=home)) == {"NL402"}


def test_outside_a_repository_the_nearest_configuration_applies(tmp_path, article):
    """Decision (unchanged behaviour): no repository, no project boundary to know of."""
    write(tmp_path / ".news-lint.toml", 'select = ["NL3"]\n')
    write(tmp_path / "inner" / ".news-lint.toml", 'select = ["NL4"]\n')
    write(tmp_path / "inner" / ARTICLE_NAME, article)
    assert codes(run(tmp_path, "inner")) == {"NL402"}


# --------------------------------------------------------------------------- one project configuration


SWITCH_OFF = {
    "ignore-all": 'ignore = ["ALL"]\n',
    "per-file-ignores": '[per-file-ignores]\n"*" = ["ALL"]\n',
    "exclude": 'extend-exclude = ["*.md"]\n',
    "select-one-rule": 'select = ["NL001"]\n',
}


@pytest.mark.parametrize("root_config", [None, 'extend-exclude = ["drafts"]\n'],
                         ids=["no-root-config", "root-config"])
@pytest.mark.parametrize("nested", SWITCH_OFF.values(), ids=SWITCH_OFF.keys())
def test_a_configuration_in_an_article_folder_is_ignored(repo, root_config, nested):
    if root_config:
        write(repo / ".news-lint.toml", root_config)
    write(repo / "content" / "2025" / ".news-lint.toml", nested)
    proc = run(repo, ".")
    assert proc.returncode == 1 and codes(proc) == {"NL302", "NL402"}, (proc.stdout, proc.stderr)
    warning = [line for line in proc.stderr.splitlines() if "content/2025/.news-lint.toml" in line]
    assert len(warning) == 1 and "ignor" in warning[0], proc.stderr  # said once, naming the file


def test_a_site_configuration_below_the_repository_root_is_ignored(repo):
    """Monorepos name a site's configuration with --config (pre-commit: per-hook `args`)."""
    write(repo / "content" / "pyproject.toml", '[project]\nname = "x"\n')  # not a configuration
    write(repo / "content" / "2025" / "pyproject.toml", '[tool.news-lint]\nselect = ["NL3"]\n')
    proc = run(repo, ".")
    assert codes(proc) == {"NL302", "NL402"}
    assert "content/2025/pyproject.toml" in proc.stderr and "content/pyproject.toml" not in proc.stderr
    proc = run(repo, "--config", "content/2025/pyproject.toml", ".")
    assert codes(proc) == {"NL302"} and proc.stderr == ""


def test_an_invalid_nested_configuration_is_not_read(repo):
    write(repo / "content" / "2025" / ".news-lint.toml", "select = [\n")  # invalid TOML
    proc = run(repo, ".")
    assert proc.returncode == 1 and codes(proc) == {"NL302", "NL402"}


def test_a_nested_configuration_cannot_reach_outside_files(repo, outside):
    """Its profile, cache folder and duplicates index are never used: nothing is read or
    created outside, and the secret is not printed."""
    write(repo / "content" / "2025" / ".news-lint.toml",
          f'profile = "{outside / "secret.yaml"}"\ncache-dir = "{outside / "cache"}"\n'
          f'duplicates-index = ["{outside}"]\n')
    proc = run(repo, ".")
    no_secret(proc)
    assert proc.returncode == 1 and codes(proc) == {"NL302", "NL402"}
    assert not (outside / "cache").exists()


def test_a_nested_profile_with_a_catastrophic_pattern_does_not_hang(repo, valid_article):
    """The nested configuration's profile is not loaded, so its pattern never runs."""
    profile = SCHEMA.read_text(encoding="utf-8").replace(
        "    patterns:\n", "    patterns:\n      - name: evil\n        pattern: '(x+x+)+y'\n", 1)
    write(repo / "content" / "2025" / "evil.yaml", profile.replace("fields: [", "fields: [title, ", 1))
    write(repo / "content" / "2025" / ".news-lint.toml", 'profile = "evil.yaml"\n')
    write(repo / "content" / "2025" / ARTICLE_NAME, valid_article(title="x" * 40 + " y"))
    proc = run(repo, ".", timeout=60)
    assert proc.returncode in (0, 1) and "evil" not in proc.stdout


# --------------------------------------------------------------------------- paths confined to the project


def _escape_cases(outside: Path, repo: Path) -> dict[str, str]:
    rel = os.path.relpath(outside, repo)
    return {
        "profile-dotdot": f'profile = "{rel}/secret.yaml"\n',
        "profile-absolute": f'profile = "{outside / "secret.yaml"}"\n',
        "profile-passwd-style": f'profile = "{rel}/passwd.yaml"\n',
        "profile-layout-name": f'profile = "{rel}/secret"\n',
        "profile-symlink": 'profile = "profiles/link.yaml"\n',
        "cache-dir-dotdot": f'cache-dir = "{rel}/cache"\n',
        "cache-dir-symlink": 'cache-dir = "cachelink"\n',
        "duplicates-index": f'duplicates-index = ["{rel}"]\n',
    }


ESCAPES = ["profile-dotdot", "profile-absolute", "profile-passwd-style", "profile-layout-name",
           "profile-symlink", "cache-dir-dotdot", "cache-dir-symlink", "duplicates-index"]


@pytest.mark.parametrize("case", ESCAPES)
def test_a_path_out_of_the_project_is_a_configuration_error(repo, outside, case):
    (repo / "profiles").mkdir()
    (repo / "profiles" / "link.yaml").symlink_to(outside / "secret.yaml")
    (repo / "cachelink").symlink_to(outside)
    text = _escape_cases(outside, repo)[case]
    if case == "profile-layout-name":  # a layout name climbing out of schemas/
        rel = os.path.relpath(outside / "secret", SCHEMA.parent)
        text = f'profile = "{rel}"\n'
    write(repo / ".news-lint.toml", text)
    before = sorted(p.name for p in outside.iterdir())
    proc = run(repo, ".")
    no_secret(proc)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    key = text.split(" =")[0]
    assert ".news-lint.toml" in proc.stderr and key in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) <= 3, proc.stderr
    assert sorted(p.name for p in outside.iterdir()) == before  # no cache created out there


def test_paths_inside_the_project_are_accepted(repo):
    profile = SCHEMA.read_text(encoding="utf-8").replace("timezone: UTC", "timezone: Europe/Prague")
    write(repo / "config" / "profiles" / "ours.yaml", profile)
    write(repo / ".news-lint.toml", 'profile = "config/profiles/ours.yaml"\n'
                                    'cache-dir = ".cache/news-lint"\nduplicates-index = ["content"]\n')
    proc = run(repo, ".")
    assert codes(proc) == {"NL402"}, proc.stderr  # in Prague time the article's date is right
    assert (repo / ".cache" / "news-lint").is_dir()


def test_a_configuration_file_symlinked_from_outside_is_refused(repo, outside):
    write(outside / "evil.toml", 'ignore = ["ALL"]\n')
    (repo / ".news-lint.toml").symlink_to(outside / "evil.toml")
    proc = run(repo, ".")
    assert proc.returncode == 2 and ".news-lint.toml" in proc.stderr, (proc.stdout, proc.stderr)


# --------------------------------------------------------------------------- no echo of file contents


def test_an_invalid_profile_is_reported_without_its_values(repo):
    """Keys and positions, never values: the project's own profile may hold anything."""
    profile = SCHEMA.read_text(encoding="utf-8").replace("timezone: UTC", f"timezone: {SECRET}")
    profile = profile.replace("\nbody:\n", f"\napi_key: {SECRET}\nbody:\n", 1)
    write(repo / "ours.yaml", profile)
    write(repo / ".news-lint.toml", 'profile = "ours.yaml"\n')
    proc = run(repo, ".")
    no_secret(proc)
    assert proc.returncode == 2 and "timezone" in proc.stderr and "api_key" in proc.stderr, proc.stderr
    assert "ours.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_an_invalid_body_section_is_reported_without_its_values(repo):
    profile = SCHEMA.read_text(encoding="utf-8").replace(
        '    link: "[Číst původní článek]({url})"', f"    link: '{SECRET}'", 1)
    assert SECRET in profile
    write(repo / "ours.yaml", profile)
    write(repo / ".news-lint.toml", 'profile = "ours.yaml"\n')
    proc = run(repo, ".")
    no_secret(proc)
    assert proc.returncode == 2 and "footer" in proc.stderr and "link" in proc.stderr, proc.stderr


def test_a_profile_that_is_not_yaml_is_reported_by_position(repo):
    write(repo / "ours.yaml", f"timezone: UTC\nroot:x:0:0:{SECRET}:/root:/bin/bash\nkey: [{SECRET}\n")
    write(repo / ".news-lint.toml", 'profile = "ours.yaml"\n')
    proc = run(repo, ".")
    no_secret(proc)
    assert proc.returncode == 2 and "ours.yaml" in proc.stderr and "line" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", ["secret.yaml", "passwd.yaml"])
def test_an_explicit_config_may_name_any_profile_but_its_values_are_not_printed(repo, outside, name):
    """--config is the user's choice: not confined, but nothing of the file is echoed."""
    cfg = write(outside / "cfg" / "site.toml", f'profile = "../{name}"\n')
    proc = run(repo, "--config", cfg, ".")
    no_secret(proc)
    assert proc.returncode == 2 and "site.toml" in proc.stderr and name in proc.stderr, proc.stderr


def test_an_explicit_config_may_name_a_profile_anywhere(repo, outside):
    """Decision: a configuration the user names is trusted (it worked before too)."""
    write(outside / "good.yaml", SCHEMA.read_text(encoding="utf-8").replace(
        "timezone: UTC", "timezone: Europe/Prague"))
    cfg = write(outside / "cfg" / "site.toml", 'profile = "../good.yaml"\ncache-dir = "../cache"\n')
    proc = run(repo, "--config", cfg, ".")
    assert codes(proc) == {"NL402"}, proc.stderr  # in Prague time the article's date is right
    assert (outside / "cache").is_dir()


def test_a_fifo_named_as_the_profile_does_not_hang(repo):
    os.mkfifo(repo / "ours.yaml")
    write(repo / ".news-lint.toml", 'profile = "ours.yaml"\n')
    proc = run(repo, ".", timeout=60)
    assert proc.returncode == 2 and "ours.yaml" in proc.stderr and "regular file" in proc.stderr


# --------------------------------------------------------------------------- submodules and worktrees


def _superproject_with_submodule(repo: Path, files: dict[str, str]) -> Path:
    """``repo`` with a real submodule at content/evil (its `.git` is a file pointing into
    repo/.git/modules/) holding ``files``; returns the submodule's folder."""
    (repo / "content" / "2025" / ARTICLE_NAME).unlink()  # the submodule's article is the only one
    evil = repo.parent / "evil"
    evil.mkdir()
    git("init", "-q", cwd=evil)
    for name, text in files.items():
        write(evil / name, text)
    git("add", "-A", cwd=evil)
    git("commit", "-q", "-m", "evil", cwd=evil)
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "../evil", "content/evil",
        cwd=repo)
    sub = repo / "content" / "evil"
    assert (sub / ".git").is_file() and "modules" in (sub / ".git").read_text()
    return sub


SUBMODULE_CONFIGS = {
    "exclude": 'extend-exclude = ["*.md"]\n',
    "ignore-all": 'ignore = ["ALL"]\n',
    "profile": 'profile = "ours.yaml"\n',  # in Prague time the article's date would be right
}


@pytest.mark.parametrize("nested", SUBMODULE_CONFIGS.values(), ids=SUBMODULE_CONFIGS.keys())
def test_a_submodule_configuration_is_a_nested_one(repo, article, nested):
    """A submodule belongs to its superproject: its configuration is ignored, with the warning,
    whether the run starts at the superproject's root or inside the submodule."""
    prague = SCHEMA.read_text(encoding="utf-8").replace("timezone: UTC", "timezone: Europe/Prague")
    sub = _superproject_with_submodule(repo, {".news-lint.toml": nested, "ours.yaml": prague,
                                              ARTICLE_NAME: article})
    for cwd in (repo, sub):
        proc = run(cwd, ".")
        assert proc.returncode == 1 and codes(proc) == {"NL302", "NL402"}, (cwd, proc.stderr)
        warning = [line for line in proc.stderr.splitlines() if "evil/.news-lint.toml" in line]
        assert len(warning) == 1 and "ignor" in warning[0], proc.stderr


def test_a_submodule_gets_the_superproject_configuration(repo, article):
    write(repo / ".news-lint.toml", 'select = ["NL4"]\n')
    sub = _superproject_with_submodule(repo, {ARTICLE_NAME: article})
    assert codes(run(sub, ".")) == {"NL402"}
    assert codes(run(repo, ".")) == {"NL402"}


def test_a_worktree_inside_another_repository_is_a_root(repo, article):
    """A worktree's `.git` is a file too, but it is a repository root: its own configuration
    applies, not the enclosing repository's."""
    write(repo / ".news-lint.toml", 'ignore = ["ALL"]\n')
    git("commit", "-q", "--allow-empty", "-m", "init", cwd=repo)
    git("worktree", "add", "-q", str(repo / "trees" / "wt"), cwd=repo)
    wt = repo / "trees" / "wt"
    assert (wt / ".git").is_file() and "worktrees" in (wt / ".git").read_text()
    write(wt / ".news-lint.toml", 'select = ["NL4"]\n')
    write(wt / ARTICLE_NAME, article)
    for cwd in (wt, repo / "trees"):
        proc = run(cwd, ".")
        assert codes(proc) == {"NL402"} and "ignoring" not in proc.stderr, (proc.stdout, proc.stderr)


# --------------------------------------------------------------------------- folders others can write


UNSAFE = {
    "folder-sticky-1777": lambda s, cfg: s.chmod(0o1777),
    "folder-world-0777": lambda s, cfg: s.chmod(0o777),
    "folder-group-0775": lambda s, cfg: s.chmod(0o775),
    "file-world-0666": lambda s, cfg: cfg.chmod(0o666),
    "file-of-another-user": lambda s, cfg: os.chown(cfg, 65534, 65534),
    "folder-of-another-user": lambda s, cfg: os.chown(s, 65534, 65534),
}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
@pytest.mark.parametrize("case", [*UNSAFE, "safe"])
def test_outside_a_repository_a_configuration_others_can_write_is_ignored(tmp_path, article, case):
    """As git's safe.directory: a configuration another user wrote, or could have written, is
    ignored with one warning naming it."""
    s = tmp_path / "s"
    cfg = write(s / ".news-lint.toml", 'ignore = ["ALL"]\n')
    d = s / "u" / "d"
    write(d / ARTICLE_NAME, article)
    s.chmod(0o755)
    cfg.chmod(0o644)
    if case != "safe":
        UNSAFE[case](s, cfg)
    proc = run(d, ARTICLE_NAME, home=tmp_path / "home")
    if case == "safe":
        assert proc.returncode == 0 and proc.stderr == "", (proc.stdout, proc.stderr)
        return
    assert proc.returncode == 1 and codes(proc) == {"NL302", "NL402"}, (proc.stdout, proc.stderr)
    warning = [line for line in proc.stderr.splitlines() if str(cfg) in line]
    assert len(warning) == 1 and "ignor" in warning[0], proc.stderr


# --------------------------------------------------------------------------- what reaches the terminal


def test_the_ignored_configuration_warning_shows_control_characters_visibly(repo):
    folder = repo / "content" / "x\x1b]0;PWNED\x07y"
    write(folder / ".news-lint.toml", 'ignore = ["ALL"]\n')
    proc = run(repo, ".")
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr, proc.stderr
    assert "x\\x1b]0;PWNED\\x07y" in proc.stderr, proc.stderr


def test_a_configuration_error_keeps_its_lines_and_escapes_the_rest(repo):
    profile = SCHEMA.read_text(encoding="utf-8").replace(
        "\nbody:\n", '\na0: 1\n"a\\e[2Jb": 1\nbody:\n', 1)
    write(repo / "ours.yaml", profile)
    write(repo / ".news-lint.toml", 'profile = "ours.yaml"\n')
    proc = run(repo, ".")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert any(line.strip().startswith("a0: unknown key") for line in lines), proc.stderr
    assert any(line.strip().startswith("a\\x1b[2Jb: unknown key") for line in lines), proc.stderr
    assert "\x1b" not in proc.stderr, proc.stderr
