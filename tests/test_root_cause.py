"""One finding per root cause: an article the generator did not translate (MANIFEST.tsv's
`llm-fallback-untranslated`) is reported once, by `not-translated` (NL844), with a related
location for each piece of evidence, instead of a bundle of findings of one cause (the fallback
category of `category-format`, `untranslated` on the title and on the description,
`body-fallback`). The articles below are shapes of real corpus articles (file names in the
comments); the evidence is found independently of the rules (the lines of the keys)."""

from __future__ import annotations

import json
from contextlib import closing
import shutil
import sqlite3
from pathlib import Path

import pytest

from mdlint_news.config import Settings
from mdlint_news.runner import lint_text

# shared/corpus/marigold/2025-10-29-please-stop-using-ai-browsers-xda.md: title and description
# in English, the body a copy of the description, category the fallback `tech`.
XDA_NAME = "2025-10-29-please-stop-using-ai-browsers-xda.md"
XDA = """\
---
author: Marisa Aigen
category: tech
date: '2025-10-29 09:00:00'
description: Agentic AI browsers are dangerous, and even some of the biggest browser
  companies think so.
importance: 3
layout: tech_news_article
original_title: Please stop using AI browsers - XDA
publishedAt: '2025-10-29T09:00:00+00:00'
slug: please-stop-using-ai-browsers-xda
source:
  emoji: 📰
  id: null
  name: XDA Developers
title: Please stop using AI browsers - XDA
url: https://www.xda-developers.com/please-stop-using-ai-browsers/
urlToImage: https://static0.xdaimages.com/wordpress/wp-content/uploads/wm/2025/10/perplexity-comet-on-a-macbook.jpeg?w=1600&h=900&fit=crop
urlToImageBackup: https://static0.xdaimages.com/wordpress/wp-content/uploads/wm/2025/10/perplexity-comet-on-a-macbook.jpeg?w=1600&h=900&fit=crop
---

Agentic AI browsers are dangerous, and even some of the biggest browser companies think so.

---

[Číst původní článek](https://www.xda-developers.com/please-stop-using-ai-browsers/)

**Zdroj:** 📰 XDA Developers
"""

# shared/corpus/marigold/2025-10-17-apple-iphone-17-review-ign.md: before body.since (every body
# was the description then, by design): title, description and category are the evidence.
IGN_NAME = "2025-10-17-apple-iphone-17-review-ign.md"
IGN = """\
---
category: tech
date: '2025-10-17 20:08:44'
description: Apple's best entry-level iPhone in years, with a brighter screen and more storage.
importance: 3
layout: tech_news_article
original_title: Apple iPhone 17 Review - IGN
publishedAt: '2025-10-17T20:08:44+00:00'
slug: apple-iphone-17-review-ign
source:
  emoji: 📰
  id: ign
  name: IGN
title: Apple iPhone 17 Review - IGN
url: https://www.ign.com/articles/apple-iphone-17-review
---

Apple's best entry-level iPhone in years, with a brighter screen and more storage.

[Číst původní článek](https://www.ign.com/articles/apple-iphone-17-review)

**Zdroj:** 📰 IGN
"""

# shared/corpus/marigold/2025-10-29-uv-is-the-best-thing-to-happen-to-the-python-ecosy.md:
# nothing was generated: the title is the original, description and body are empty.
UV_NAME = "2025-10-29-uv-is-the-best-thing-to-happen-to-the-python-ecosy.md"
UV = """\
---
author: Marisa Aigen
category: tech
date: '2025-10-29 19:17:40'
description: ''
importance: 4
layout: tech_news_article
original_title: Uv is the best thing to happen to the Python ecosystem in a decade
  - Hacker News
publishedAt: '2025-10-29T19:17:40+00:00'
slug: uv-is-the-best-thing-to-happen-to-the-python-ecosy
source:
  emoji: 📰
  id: google-news
  name: Google News
title: Uv is the best thing to happen to the Python ecosystem in a decade - Hacker
  News
url: https://news.google.com/rss/articles/CBMiWEFVX3lxTE44TnZWZzctME1odDVucGdwQURXZW5QVGlGRVNOMmFvd0E1MGhUR196eFFXU3o0VnlicGhQaGJaejkyaFB2eXEtcFRSdlBRV2pqWmtUODNCQzc?oc=5
---



---

[Číst původní článek](https://news.google.com/rss/articles/CBMiWEFVX3lxTE44TnZWZzctME1odDVucGdwQURXZW5QVGlGRVNOMmFvd0E1MGhUR196eFFXU3o0VnlicGhQaGJaejkyaFB2eXEtcFRSdlBRV2pqWmtUODNCQzc?oc=5)

**Zdroj:** 📰 Google News
"""

BUNDLE = {"category-format", "untranslated", "body-fallback", "not-translated"}


def where(text: str, key: str) -> tuple[int, int]:
    """Line and column of a front-matter key's value, found by plain search."""
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith(key + ": "):
            return n, len(key) + 3
    raise AssertionError(key)


def body_line(text: str, first_words: str) -> tuple[int, int]:
    """Line and column of the body line starting with ``first_words``."""
    return text.split("\n").index(next(l for l in text.split("\n") if l.startswith(first_words))) + 1, 1


def found(text: str, name: str, **settings) -> list:
    return [d for d in lint_text(text, name, Settings(**settings)) if d.name in BUNDLE]


def test_an_untranslated_fallback_article_is_one_finding_with_its_evidence():
    diags = found(XDA, XDA_NAME)
    assert [(d.code, d.name, d.line, d.column, d.severity.value) for d in diags] == [
        ("NL844", "not-translated", *where(XDA, "title"), "error")]
    d = diags[0]
    assert d.message == ("the article was not translated: title, description and body are left "
                         "in 'en'; category is the fallback 'tech': regenerate it")
    related = sorted((r.line, r.column, r.message) for r in d.related)
    assert related == sorted([
        (*where(XDA, "title"), "title equals original_title"),
        (*where(XDA, "description"), "description reads as 'en', not 'cs' (14 words en, 0 cs)"),
        (*body_line(XDA, "Agentic AI"), "the body is a copy of `description`"),
        (*where(XDA, "category"), "category is the fallback 'tech'"),
    ])
    title = next(r for r in d.related if r.line == d.line)
    assert (title.end_line, title.end_column) == (d.end_line, d.end_column)
    body = next(r for r in d.related if r.message.startswith("the body"))
    assert (body.end_line, body.end_column) == (body.line, 92)  # the whole copied sentence


def test_before_body_since_the_body_is_no_evidence():
    diags = found(IGN, IGN_NAME)
    assert [(d.code, d.line, d.column) for d in diags] == [("NL844", *where(IGN, "title"))]
    assert diags[0].message == ("the article was not translated: title and description are left "
                                "in 'en'; category is the fallback 'tech': regenerate it")
    assert sorted((r.line, r.column) for r in diags[0].related) == sorted(
        [where(IGN, "title"), where(IGN, "description"), where(IGN, "category")])


def test_nothing_generated_the_empty_body_is_evidence_and_the_empty_description_its_own_error():
    diags = lint_text(UV, UV_NAME, Settings())
    ours = [d for d in diags if d.name in BUNDLE]
    assert [(d.code, d.line, d.column) for d in ours] == [("NL844", *where(UV, "title"))]
    assert ours[0].message == ("the article was not translated: title is left in 'en'; the body "
                               "is empty; category is the fallback 'tech': regenerate it")
    assert len(ours[0].related) == 3
    assert [(d.code, d.line) for d in diags if d.name == "description-length"] == [
        ("NL605", where(UV, "description")[0])]  # another problem: still reported


def test_only_the_description_untranslated_keeps_the_single_untranslated_finding():
    partial = XDA.replace("\ntitle: Please stop using AI browsers - XDA",
                          "\ntitle: Přestaňte používat AI prohlížeče")
    diags = found(partial, XDA_NAME)
    got = sorted((d.name, d.line, d.column) for d in diags)
    assert got == sorted([("untranslated", *where(partial, "description")),
                          ("body-fallback", *body_line(partial, "Agentic AI")),
                          ("category-format", *where(partial, "category"))])


def test_only_the_title_untranslated_is_no_root_cause():
    """shared/corpus/marigold/2025-09-22-pokémon-go-harvest-festival-2025-pokémon-go-hub.md: a
    Czech description and body, the title left as the original."""
    text = XDA.replace(
        "description: Agentic AI browsers are dangerous, and even some of the biggest browser\n"
        "  companies think so.",
        "description: Agentní prohlížeče s umělou inteligencí jsou nebezpečné a myslí si to i\n"
        "  největší výrobci prohlížečů.").replace("category: tech", "category: ai").replace(
        "Agentic AI browsers are dangerous, and even some of the biggest browser companies think so.",
        "## Souhrn\nAgentní prohlížeče jsou nebezpečné.\n\n## Klíčové body\n- První.\n- Druhý.\n"
        "- Třetí.\n\n## Podrobnosti\nText článku.\n\n## Proč je to důležité\nProtože.")
    diags = found(text, XDA_NAME)
    assert [(d.name, d.line, d.column) for d in diags] == [("untranslated", *where(text, "title"))]


def test_without_the_root_cause_rule_the_individual_findings_come_back():
    expected = sorted([("category-format", *where(XDA, "category"), "info"),
                       ("untranslated", *where(XDA, "description"), "warning"),
                       ("untranslated", *where(XDA, "title"), "error"),
                       ("body-fallback", *body_line(XDA, "Agentic AI"), "warning")])

    def shown(diags):
        return sorted((d.name, d.line, d.column, d.severity.value) for d in diags)

    assert shown(found(XDA, XDA_NAME, cli_ignore=["NL844"])) == expected
    assert shown(found(XDA, XDA_NAME, cli_ignore=["not-translated"])) == expected
    assert shown(found(XDA, XDA_NAME, cli_select=["NL842"])) == [e for e in expected
                                                                if e[0] == "untranslated"]
    assert [d.code for d in found(XDA, XDA_NAME, cli_select=["NL844"])] == ["NL844"]
    assert [d.code for d in found(XDA, XDA_NAME, cli_select=["NL84", "NL602"])] == ["NL844"]


# --- the command line: statistics, select/ignore, per-file-ignores, the cache, the baseline -----

@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    for name, text in ((XDA_NAME, XDA), (IGN_NAME, IGN)):
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    return tmp_path


def _rows(stdout: str) -> dict[str, int]:
    out = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1].startswith("NL") and parts[0].isdigit():
            out[parts[1]] = int(parts[0])
    return out


def test_statistics_count_the_root_cause_once_per_article(cli, folder):
    proc = cli("--statistics", "--no-cache", "content", cwd=folder)
    assert proc.returncode == 1, proc.stderr
    rows = _rows(proc.stdout)
    assert rows.get("NL844") == 2, proc.stdout
    assert not {"NL602", "NL841", "NL842"} & set(rows), proc.stdout
    ignored = _rows(cli("--statistics", "--no-cache", "--ignore", "NL844", "content",
                        cwd=folder).stdout)
    assert {k: v for k, v in ignored.items() if k in {"NL602", "NL841", "NL842", "NL844"}} == {
        "NL602": 2, "NL841": 1, "NL842": 4}


def test_select_and_per_file_ignores_on_the_command_line(cli, folder):
    proc = cli("--output-format", "json", "--no-cache", "--select", "NL842", "content", cwd=folder)
    assert sorted((d["path"].rsplit("/", 1)[-1], d["line"]) for d in json.loads(proc.stdout)) == [
        (IGN_NAME, where(IGN, "description")[0]), (IGN_NAME, where(IGN, "title")[0]),
        (XDA_NAME, where(XDA, "description")[0]), (XDA_NAME, where(XDA, "title")[0])]
    (folder / "pyproject.toml").write_text(
        f'[tool.news-lint]\nper-file-ignores = {{"content/{IGN_NAME}" = ["not-translated"]}}\n',
        encoding="utf-8")
    proc = cli("--output-format", "json", "--no-cache", "content", cwd=folder)
    by_file = {}
    for d in json.loads(proc.stdout):
        if d["name"] in BUNDLE:
            by_file.setdefault(d["path"].rsplit("/", 1)[-1], []).append(d["code"])
    assert sorted(by_file[XDA_NAME]) == ["NL844"]
    assert sorted(by_file[IGN_NAME]) == ["NL602", "NL842", "NL842"]


def test_related_locations_survive_the_result_cache(cli, folder):
    first = cli("--output-format", "json", "content", cwd=folder)
    db = next((folder / ".news-lint-cache").glob("results-v*.sqlite"))
    with closing(sqlite3.connect(db)) as conn:
        stored = [v for (v,) in conn.execute("SELECT value FROM results")]
    assert sum('"related"' in v for v in stored) == 2  # one entry per article holds them
    second = cli("--output-format", "json", "content", cwd=folder)  # answered from the cache
    assert first.stdout == second.stdout
    nl844 = [d for d in json.loads(second.stdout) if d["code"] == "NL844"]
    assert len(nl844) == 2 and all(len(d["related"]) >= 3 for d in nl844)
    shutil.rmtree(folder / ".news-lint-cache")
    assert cli("--output-format", "json", "content", cwd=folder).stdout == first.stdout


def test_the_baseline_knows_the_root_cause_finding(cli, folder):
    cli("--update-baseline", "--baseline", "b.json", "--no-cache", "content", cwd=folder,
        check_rc=0)
    recorded = json.loads((folder / "b.json").read_text(encoding="utf-8"))["findings"]
    assert sorted(e["rule"] for e in recorded if e["rule"] in BUNDLE) == ["not-translated"] * 2
    proc = cli("--baseline", "b.json", "--no-cache", "content", cwd=folder)
    assert "NL844" not in proc.stdout, proc.stdout
