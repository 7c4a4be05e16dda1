"""date-mismatch's fix is unsafe when it moves `date` to another calendar day in the site's time
zone and the file name or the permalink carries the date: the public URL would change (issue 15,
item 5). The articles have the shapes of the marigold corpus: `YYYY-MM-DD-slug.md` and
`YYYY-MM-DD-NN-slug.md` names, `date: 'YYYY-MM-DD HH:MM:SS'`, `publishedAt` with `+00:00`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PRAGUE = 'timezone = "Europe/Prague"\n'
# 23:30 UTC on 30 November is 00:30 on 1 December in Prague; the legacy date is written in UTC
LATE = dict(date="'2025-11-30 23:30:00'", publishedAt="'2025-11-30T23:30:00+00:00'")
# 10:00 UTC is 11:00 in Prague: the same day
MORNING = dict(date="'2025-11-30 10:00:00'", publishedAt="'2025-11-30T10:00:00+00:00'")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def mismatch(cli, name: str) -> dict:
    proc = cli("--output-format", "json", "--select", "date-mismatch", name)
    found = [d for d in json.loads(proc.stdout) if d["name"] == "date-mismatch"]
    assert len(found) == 1, (proc.stdout, proc.stderr)
    return found[0]


@pytest.mark.parametrize("name, extra", [
    ("2025-11-30-apple-ships-new-thing.md", {}),
    ("2025-11-30-13-apple-ships-new-thing.md", {}),  # the corpus's numbered duplicates
    ("apple-ships-new-thing.md", {"permalink": "/:year/:month/:day/:title/"}),
    ("apple-ships-new-thing.md", {"permalink": "/2025/11/30/apple-ships-new-thing/"}),
])
def test_a_day_change_with_the_date_in_the_url_is_unsafe(cli, tmp_path, valid_article, name, extra):
    write(tmp_path / ".news-lint.toml", PRAGUE)
    article = write(tmp_path / name, valid_article(**LATE, **extra))
    d = mismatch(cli, name)
    assert d["fix"]["applicability"] == "unsafe", d
    assert "moves the date from 2025-11-30 to 2025-12-01" in d["message"], d
    assert "public URL would change" in d["message"], d
    before = article.read_bytes()
    cli("--fix", "--select", "date-mismatch", name)
    assert article.read_bytes() == before  # --fix leaves it
    cli("--fix", "--unsafe-fixes", "--select", "date-mismatch", name)
    assert "date: '2025-12-01 00:30:00'" in article.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, fields", [
    ("2025-11-30-apple-ships-new-thing.md", MORNING),  # the same day: the URL keeps its date
    ("apple-ships-new-thing.md", LATE),  # nothing carries the date
])
def test_otherwise_the_fix_stays_safe(cli, tmp_path, valid_article, name, fields):
    write(tmp_path / ".news-lint.toml", PRAGUE)
    write(tmp_path / name, valid_article(**fields))
    d = mismatch(cli, name)
    assert d["fix"]["applicability"] == "safe", d
    assert "public URL" not in d["message"]


@pytest.mark.parametrize("site_config", [
    "title: Tech\npermalink: /:year/:month/:day/:title/\n",  # the site's pattern
    "permalink: pretty\n",  # a Jekyll style that carries the date
    "collections:\n  tech_news:\n    output: true\n    permalink: /:collection/:year/:title/\n",
    "defaults:\n  - scope: {path: ''}\n    values: {permalink: '/:categories/:year/:month/:day/:title/'}\n",
])
def test_the_sites_permalink_pattern_in_jekyll_config_carries_the_date(cli, tmp_path,
                                                                      valid_article, site_config):
    """An article with an undated name on a Jekyll site whose `_config.yml` puts the date in
    every URL: moving the day changes the URL, so the fix is unsafe."""
    write(tmp_path / ".news-lint.toml", PRAGUE)
    write(tmp_path / "_config.yml", site_config)
    write(tmp_path / "apple-ships-new-thing.md", valid_article(**LATE))
    d = mismatch(cli, "apple-ships-new-thing.md")
    assert d["fix"]["applicability"] == "unsafe", d
    assert "the site's permalink pattern (_config.yml or site-permalink) carries the date" in d["message"], d


@pytest.mark.parametrize("site_config", [
    "permalink: /:title/\n",  # no date in the URL
    "permalink: [unclosed\n",  # not YAML: Jekyll's problem, not a reason to refuse the fix
    "- a list\n",
])
def test_a_jekyll_config_without_a_dated_permalink_keeps_the_fix_safe(cli, tmp_path,
                                                                     valid_article, site_config):
    write(tmp_path / ".news-lint.toml", PRAGUE)
    write(tmp_path / "_config.yml", site_config)
    write(tmp_path / "apple-ships-new-thing.md", valid_article(**LATE))
    assert mismatch(cli, "apple-ships-new-thing.md")["fix"]["applicability"] == "safe"
