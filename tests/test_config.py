"""Configuration: discovery of ``[tool.news-lint]`` / ``.news-lint.toml``, validation (exit 2 with
a message naming the key), ``--config``, ``per-file-ignores`` and profile overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mdlint_news.config import ConfigError, ConfigResolver, read_config
from mdlint_news.runner import lint_text

from support import ARTICLE_NAME

OFF_BY_AN_HOUR = "'2025-12-01 18:27:21'"  # publishedAt: 17:27:21 UTC = 18:27:21 in Prague (CET)
CODE = re.compile(r":\d+:\d+: (NL\d{3}) ")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(stdout: str) -> set[str]:
    return {m.group(1) for m in CODE.finditer(stdout)}


def codes_by_file(stdout: str) -> dict[str, set[str]]:
    """Rule codes reported per file, from `path:line:col: CODE ...` lines."""
    out: dict[str, set[str]] = {}
    for line in stdout.splitlines():
        m = re.match(r"^(.+?):\d+:\d+: (NL\d{3}) ", line)
        if m:
            out.setdefault(m.group(1), set()).add(m.group(2))
    return out


@pytest.fixture
def article(valid_article):
    """An article with date-mismatch (NL302) and image-url (NL402) and no other problem."""
    image = "https://cdn.example.com/img/apple photo.jpg"  # whitespace
    return valid_article(date=OFF_BY_AN_HOUR, urlToImage=image, urlToImageBackup=image)


# --------------------------------------------------------------------------- discovery


def test_pyproject_section_found_upward_from_the_file(cli, tmp_path, article):
    write(tmp_path / "proj" / "pyproject.toml",
          '[project]\nname = "site"\n\n[tool.news-lint]\nselect = ["NL3"]\n')
    f = write(tmp_path / "proj" / "content" / "2025" / ARTICLE_NAME, article)
    proc = cli(f.relative_to(tmp_path))
    assert codes(proc.stdout) == {"NL302"}
    # the resolver finds the same file for any folder below it
    s = ConfigResolver().for_path(f)
    assert s.source == tmp_path / "proj" / "pyproject.toml"


def test_news_lint_toml_found_upward_and_preferred_over_pyproject(cli, tmp_path, article):
    write(tmp_path / "site" / ".news-lint.toml", 'select = ["NL4"]\n')
    write(tmp_path / "site" / "pyproject.toml", '[tool.news-lint]\nselect = ["NL3"]\n')
    f = write(tmp_path / "site" / "a" / "b" / ARTICLE_NAME, article)
    assert codes(cli(f.relative_to(tmp_path)).stdout) == {"NL402"}


def test_pyproject_without_the_section_is_passed_over(tmp_path, article):
    write(tmp_path / ".news-lint.toml", 'select = ["NL4"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    f = write(tmp_path / "sub" / ARTICLE_NAME, article)
    s = ConfigResolver().for_path(f)
    assert s.source == tmp_path / ".news-lint.toml"
    assert {d.code for d in lint_text(article, str(f), s)} == {"NL402"}


def test_nearest_configuration_wins(cli, tmp_path, article):
    write(tmp_path / ".news-lint.toml", 'select = ["NL3"]\n')
    write(tmp_path / "inner" / ".news-lint.toml", 'select = ["NL4"]\n')
    write(tmp_path / ARTICLE_NAME, article)
    write(tmp_path / "inner" / ARTICLE_NAME, article)
    proc = cli(".")
    assert codes_by_file(proc.stdout) == {ARTICLE_NAME: {"NL302"}, f"inner/{ARTICLE_NAME}": {"NL402"}}


def test_explicit_config_replaces_discovery(cli, tmp_path, article):
    write(tmp_path / ".news-lint.toml", 'select = ["NL3"]\n')
    write(tmp_path / "elsewhere" / "strict.toml", 'select = ["image-url"]\n')
    write(tmp_path / ARTICLE_NAME, article)
    assert codes(cli(ARTICLE_NAME).stdout) == {"NL302"}
    assert codes(cli("--config", "elsewhere/strict.toml", ARTICLE_NAME).stdout) == {"NL402"}


def test_explicit_pyproject_config(cli, tmp_path, article):
    write(tmp_path / "cfg" / "pyproject.toml", '[tool.news-lint]\nignore = ["NL4"]\n')
    write(tmp_path / ARTICLE_NAME, article)
    assert codes(cli("--config", "cfg/pyproject.toml", ARTICLE_NAME).stdout) == {"NL302"}


# --------------------------------------------------------------------------- invalid configuration


@pytest.mark.parametrize("name, content, key", [
    (".news-lint.toml", "no-such-option = true\n", "no-such-option"),
    (".news-lint.toml", "slug-max-length = -3\n", "slug-max-length"),
    (".news-lint.toml", 'max-file-size = "big"\n', "max-file-size"),
    (".news-lint.toml", 'select = ["NL3", "no-such-rule"]\n', "no-such-rule"),
    (".news-lint.toml", '[per-file-ignores]\n"*.md" = ["NLX"]\n', "per-file-ignores"),
    (".news-lint.toml", 'timezone = "Mars/Olympus_Mons"\n', "timezone"),
    (".news-lint.toml", 'exclude = "drafts"\n', "exclude"),
    ("pyproject.toml", "[tool.news-lint]\nselekt = [\"NL3\"]\n", "selekt"),
])
def test_bad_configuration_exits_2_naming_the_key(cli, tmp_path, article, name, content, key):
    write(tmp_path / name, content)
    write(tmp_path / ARTICLE_NAME, article)
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2, proc.stdout
    assert key in proc.stderr
    assert name in proc.stderr  # and the file
    assert "Traceback" not in proc.stderr
    with pytest.raises(ConfigError, match=re.escape(key)):
        read_config(tmp_path / name)


def test_invalid_toml_exits_2(cli, tmp_path, article):
    write(tmp_path / ".news-lint.toml", "select = [\n")
    write(tmp_path / ARTICLE_NAME, article)
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2 and ".news-lint.toml" in proc.stderr and "TOML" in proc.stderr


def test_bad_explicit_config_exits_2(cli, tmp_path, article):
    write(tmp_path / "c.toml", "unknown-key = 1\n")
    write(tmp_path / ARTICLE_NAME, article)
    proc = cli("--config", "c.toml", ARTICLE_NAME)
    assert proc.returncode == 2 and "unknown-key" in proc.stderr


# --------------------------------------------------------------------------- per-file-ignores


def test_per_file_ignores(cli, tmp_path, article):
    write(tmp_path / ".news-lint.toml",
          'ignore = ["NL86"]  # the same article three times: duplicates aside\n'
          '[per-file-ignores]\n"drafts/*.md" = ["NL3"]\n"legacy/**" = ["image-url", "date-mismatch"]\n')
    write(tmp_path / ARTICLE_NAME, article)
    write(tmp_path / "drafts" / ARTICLE_NAME, article)
    write(tmp_path / "legacy" / "2025" / ARTICLE_NAME, article)
    proc = cli(".")
    assert codes_by_file(proc.stdout) == {ARTICLE_NAME: {"NL302", "NL402"}, f"drafts/{ARTICLE_NAME}": {"NL402"}}
    assert proc.returncode == 1


def test_per_file_ignores_relative_to_the_config_not_the_cwd(cli, tmp_path, article):
    write(tmp_path / "site" / ".news-lint.toml", '[per-file-ignores]\n"posts/*.md" = ["NL4"]\n')
    write(tmp_path / "site" / "posts" / ARTICLE_NAME, article)
    proc = cli("posts", cwd=tmp_path / "site")
    assert codes(proc.stdout) == {"NL302"}
    proc = cli("site/posts")  # from the parent folder: same result
    assert codes(proc.stdout) == {"NL302"}


# --------------------------------------------------------------------------- profile overrides


def test_timezone_changes_what_date_mismatch_expects(cli, tmp_path, valid_article):
    utc_date = valid_article()  # date == publishedAt in UTC
    prague_date = valid_article(date=OFF_BY_AN_HOUR)  # date == publishedAt in Prague (UTC+1)
    write(tmp_path / "utc" / ARTICLE_NAME, utc_date)
    write(tmp_path / "prague" / ARTICLE_NAME, prague_date)
    assert cli("utc").returncode == 0
    assert codes(cli("prague").stdout) == {"NL302"}

    write(tmp_path / ".news-lint.toml", 'timezone = "Europe/Prague"\n')
    assert cli("prague").returncode == 0
    proc = cli("utc")
    assert codes(proc.stdout) == {"NL302"}
    assert "'2025-12-01 18:27:21'" in proc.stdout and "Europe/Prague" in proc.stdout
    # and --fix writes the Prague time
    cli("--fix", "utc", check_rc=0)
    assert (tmp_path / "utc" / ARTICLE_NAME).read_text(encoding="utf-8") == prague_date


def test_slug_max_length(cli, tmp_path, valid_article):
    write(tmp_path / ARTICLE_NAME, valid_article())  # slug 'apple-ships-new-thing': 21 characters
    write(tmp_path / ".news-lint.toml", "slug-max-length = 21\n")
    assert cli(ARTICLE_NAME).returncode == 0
    write(tmp_path / ".news-lint.toml", "slug-max-length = 20\n")
    proc = cli(ARTICLE_NAME)
    assert "NL501" in codes(proc.stdout) and "21" in proc.stdout and "20" in proc.stdout


def test_settings_apply_overrides_to_the_profile(tmp_path):
    cfg = write(tmp_path / ".news-lint.toml",
                'timezone = "Europe/Prague"\nslug-max-length = 60\ncategory-max-length = 30\n')
    s = read_config(cfg)
    assert s.profile.timezone == "Europe/Prague"
    assert s.profile.slug.max_length == 60
    assert s.profile.category.max_length == 30
    assert s.root == tmp_path.resolve()


def test_own_profile_file_relative_to_the_config_and_validated_at_load(cli, tmp_path, valid_article):
    """A site's own profile: found next to its configuration; a bad `body:` section stops the
    run with exit 2 naming the problem, instead of failing on every file."""
    site = tmp_path / "site"
    profile = (Path(__file__).resolve().parents[1] / "schemas" / "tech_news_article.yaml").read_text(
        encoding="utf-8")
    write(site / "profiles" / "ours.yaml", profile.replace("timezone: UTC", "timezone: Europe/Prague"))
    write(site / ".news-lint.toml", 'profile = "profiles/ours.yaml"\n')
    write(site / ARTICLE_NAME, valid_article())
    proc = cli("site")  # run from the parent folder: the path is the config's, not the cwd's
    assert proc.returncode == 1 and "Europe/Prague" in proc.stdout
    write(site / "profiles" / "ours.yaml", profile.replace("\nbody:\n", "\nbody:\n  nonsense: 1\n"))
    proc = cli("site")
    assert proc.returncode == 2
    assert "body:" in proc.stderr and "nonsense" in proc.stderr and "Traceback" not in proc.stderr


def test_compiled_exclude_matcher_equals_the_glob_definition():
    """config._Excluder (two compiled expressions) decides exactly what matching each pattern
    with fnmatch (whole path, folder/*, pathlib's match) and on each part decides."""
    import fnmatch
    import random
    from pathlib import PurePosixPath

    from mdlint_news.config import DEFAULT_EXCLUDE, _Excluder

    def reference(rel, patterns):
        parts = PurePosixPath(rel).parts
        for pattern in patterns:
            p = pattern.rstrip("/")
            if (fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p + "/*")
                    or PurePosixPath(rel).match(p)
                    or any(fnmatch.fnmatchcase(part, pattern) for part in parts)):
                return True
        return False

    rng = random.Random(3)
    names = ["a.md", "drafts", "x", ".git", "b", "2024", "notes.md", "build", "c.txt", ".", "", "/"]
    pool = ["drafts", "drafts/", "*.txt", "drafts/*.md", "a/b", "**/x", "2024/*", ".*", "b*",
            "x/a.md", "/abs/x", "*", "/x", "x/", "[ab]*.md", "?"] + list(DEFAULT_EXCLUDE)
    decided = {True: 0, False: 0}
    for _ in range(6000):
        rel = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
        rel = "/" + rel if rng.random() < 0.1 else rel
        patterns = tuple(rng.sample(pool, rng.randint(0, 4)))
        want = reference(rel, patterns)
        assert _Excluder(patterns).excluded(rel) == want, (rel, patterns)
        decided[want] += 1
        # a file in a folder that is not excluded: only its name is matched as a new part
        name = rng.choice(["a.md", "notes.md", ".x.md", "b.md", "x", "drafts"])
        folder = rel.rstrip("/") or rel
        if not reference(folder, patterns) or folder in (".", ""):
            child = name if folder in (".", "") else folder + name if folder.endswith("/") else f"{folder}/{name}"
            assert _Excluder(patterns).excluded_in(folder, name) == reference(child, patterns), \
                (folder, name, patterns)
            decided[None] = decided.get(None, 0) + 1
    assert min(decided.values()) > 600  # both answers were exercised, and files in folders
