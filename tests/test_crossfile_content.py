"""Across files, what the articles say: a category cut at the generator's limit that another
article has whole (category-cut), one body in many articles (boilerplate-body), and with it the
single-file teaser-body. Each test copies a real corpus article (a Biztoc aggregator story, an
article whose category the generator cut) into a folder and alters its category or body; the
same checks run on articles built by support.article_text, so they hold without the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import article_text, json_report as cli

BIZTOC = "2025-12-16-jpmorgan-backed-startup-partners-with-amazon.md"
CUT = "2025-11-09-the-best-authenticator-app-isnt-from-google-or-mic.md"


def _set(text: str, key: str, value: str) -> str:
    """``text`` with the top-level front-matter ``key`` set to the raw YAML ``value``."""
    new, n = re.subn(rf"^{key}:.*(?:\n[ \t]+\S.*)*$", f"{key}: {value}", text, count=1,
                     flags=re.MULTILINE)
    assert n == 1, key
    return new


def _body(text: str, body: str) -> str:
    """``text`` with the body above the footer (its `---` separator) replaced by ``body``."""
    end = text.index("\n---\n", 4) + 5
    footer = text.rindex("\n---\n")
    return text[:end] + "\n" + body + "\n" + text[footer:]


def story(base: str, n: int, **fields: str) -> str:
    """Article number ``n`` made from ``base``: its own slug, url and title (so that no other
    cross-file rule meets it), then ``fields`` (raw YAML values)."""
    text = _set(base, "slug", f"story-{n}")
    text = _set(text, "url", f"https://biztoc.com/x/{n:016x}")
    text = _set(text, "title", f"Příběh číslo {n}")
    for key, value in fields.items():
        text = _set(text, key, value)
    return text


@pytest.fixture(params=["corpus", "built"])
def base(request) -> str:
    """A real article: the corpus's Biztoc story, or support.py's built article."""
    if request.param == "built":
        return article_text()
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "marigold"
    if not (corpus / BIZTOC).is_file():
        pytest.skip("shared/ corpus not present")
    return (corpus / BIZTOC).read_text(encoding="utf-8")


def write(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def line_of(text: str, prefix: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(prefix))


# --------------------------------------------------------------------------- category-cut


def test_cut_category_names_the_full_one(tmp_path, base):
    cut = story(base, 1, category="nositelná elektronik")  # 20 characters, ends in a word
    write(tmp_path, {"a.md": cut, "b.md": story(base, 2, category="nositelná elektronika"),
                     "c.md": story(base, 3, category="nositelná zařízení")})
    found = cli("--select", "category-cut", ".", cwd=tmp_path)
    assert [(i["path"], i["code"], i["line"], i["column"])
            for i in found] == [("a.md", "NL607", line_of(cut, "category:"), 11)]
    assert "is in b.md; replace it with 'nositelná elektronika'" in found[0]["message"]
    assert (found[0]["end_line"], found[0]["end_column"]) == (line_of(cut, "category:"), 31)


def test_several_full_categories_are_all_named(tmp_path, base):
    write(tmp_path, {"a.md": story(base, 1, category="nositelná elektronik"),
                     "b.md": story(base, 2, category="nositelná elektronika"),
                     "c.md": story(base, 3, category="nositelná elektronikou")})
    found = cli("--select", "category-cut", ".", cwd=tmp_path)
    assert [i["path"] for i in found] == ["a.md"]
    assert "'nositelná elektronika', 'nositelná elektronikou'" in found[0]["message"]
    assert "replace it" not in found[0]["message"]


def test_a_category_that_ends_at_a_blank_is_not_cut(tmp_path, base):
    """`reklamní technologie` (a corpus category, 20 characters) is whole, also beside a
    longer category that starts with it."""
    write(tmp_path, {"a.md": story(base, 1, category="reklamní technologie"),
                     "b.md": story(base, 2, category="reklamní technologie a média")})
    assert cli("--select", "category-cut", ".", cwd=tmp_path) == []


def test_one_finding_per_cut_category_format_first(tmp_path, base):
    """`kybernetická bezpečn` ends in no word: category-format says it looks cut, and
    category-cut stays silent; with category-format off, category-cut says it."""
    cut = story(base, 1, category="kybernetická bezpečn")
    write(tmp_path, {"a.md": cut, "b.md": story(base, 2, category="kybernetická bezpečnost")})
    both = cli("--select", "category-format,category-cut", "a.md", cwd=tmp_path)
    assert [(i["code"], i["line"]) for i in both] == \
        [("NL602", line_of(cut, "category:"))]
    alone = cli("--select", "category-cut", "a.md", cwd=tmp_path)
    assert [(i["code"], i["line"]) for i in alone] == \
        [("NL607", line_of(cut, "category:"))]


def test_one_staged_file_is_compared_with_its_published_folder(tmp_path, base):
    """pre-commit passes only the new article: the published ones are indexed (then read from
    the index in the cache), their categories and bodies included."""
    posts = tmp_path / "posts"
    write(posts, {"old-1.md": story(base, 1, category="nositelná elektronika"),
                  "old-2.md": _body(story(base, 2), "Přihlaste se k odběru Biztoc Pro a čtěte 2 zprávy."),
                  "old-3.md": _body(story(base, 3), "Přihlaste se k odběru Biztoc Pro a čtěte 3 zprávy.")})
    new = _body(story(base, 4, category="nositelná elektronik"),
                "Přihlaste se k odběru Biztoc Pro a čtěte 4 zprávy.")
    write(posts, {"new.md": new})
    args = ("--select", "category-cut,boilerplate-body", "posts/new.md")
    found = cli(*args, cwd=tmp_path)
    assert [(i["path"], i["code"], i["line"]) for i in found] == [
        ("posts/new.md", "NL607", line_of(new, "category:")),
        ("posts/new.md", "NL864", new[:new.index("Přihlaste")].count("\n") + 1)]
    assert "posts/old-1.md" in found[0]["message"]
    assert "posts/old-2.md, posts/old-3.md" in found[1]["message"]
    assert cli(*args, cwd=tmp_path) == found  # the folder's index, from the cache
    # a published article is not reported from a run on another file
    assert all(i["path"] == "posts/new.md" for i in found)


# --------------------------------------------------------------------------- boilerplate-body


def test_boilerplate_body_reported_in_every_article_naming_the_others(tmp_path, base):
    """Three Biztoc stories whose body is one stock line (differing only in a number, a link
    and the story's own title); two copies are not yet boilerplate."""
    texts = {f"s{n}.md": _body(story(base, n),
                               f"Příběh číslo {n}\n\nBiztoc.com: přihlaste se a sledujte {n} zdrojů "
                               f"[zde](https://biztoc.com/x/{n}).")
             for n in (1, 2, 3)}
    write(tmp_path, texts)
    found = cli("--select", "boilerplate-body", ".", cwd=tmp_path)
    first = texts["s1.md"]
    row = first[:first.index("Příběh číslo 1\n\n")].count("\n") + 1
    assert [(i["path"], i["line"], i["column"]) for i in found] == \
        [("s1.md", row, 1), ("s2.md", row, 1), ("s3.md", row, 1)]
    assert "s2.md, s3.md" in found[0]["message"] and "s1.md, s2.md" in found[2]["message"]
    (tmp_path / "s3.md").unlink()
    assert cli("--select", "boilerplate-body", ".", cwd=tmp_path) == []


def test_copies_of_the_description_are_body_fallback_not_boilerplate(tmp_path, base):
    """The same description and body (the generation failed) in three articles: body-fallback
    says it, boilerplate-body does not."""
    desc = "Slope oznámil partnerství s Amazonem pro splátky malých nákupů."
    write(tmp_path, {f"s{n}.md": _body(story(base, n, description=desc), desc) for n in (1, 2, 3)})
    found = cli("--select", "body-fallback,boilerplate-body", ".", cwd=tmp_path)
    assert sorted({i["name"] for i in found}) == ["body-fallback"] and len(found) == 3


def test_teaser_bodies_in_many_articles_are_one_finding_each(tmp_path, base):
    """A stock teaser in three articles: teaser-body reports each body, boilerplate-body stays
    silent on them; with teaser-body off, boilerplate-body reports them."""
    write(tmp_path, {f"s{n}.md": _body(story(base, n), "See the rest of the story here…")
                     for n in (1, 2, 3)})
    found = cli("--select", "teaser-body,boilerplate-body", ".", cwd=tmp_path)
    assert [(i["path"], i["name"]) for i in found] == \
        [(f"s{n}.md", "teaser-body") for n in (1, 2, 3)]
    alone = cli("--select", "boilerplate-body", ".", cwd=tmp_path)
    assert [(i["path"], i["name"]) for i in alone] == \
        [(f"s{n}.md", "boilerplate-body") for n in (1, 2, 3)]


def test_a_teaser_body_is_one_finding_not_also_a_missing_section(tmp_path, base):
    """An importance-4 article whose body is a teaser: teaser-body reports the root cause, and
    missing-section (as for a copy of the description) is quiet; with teaser-body off, the
    missing sections are reported."""
    text = _body(story(base, 1, importance="4"),
                 "Slope, podporovaný JPMorgan Chase, oznámil partnerství s Amazonem. See the rest "
                 "of the\nstory here.")
    write(tmp_path, {"s1.md": text})
    row = line_of(text, "Slope, podporovaný")
    found = cli("--select", "missing-section,teaser-body", ".", cwd=tmp_path)
    assert [(i["name"], i["line"], i["column"]) for i in found] == [("teaser-body", row, 1)]
    alone = cli("--select", "missing-section", ".", cwd=tmp_path)
    assert [(i["name"], i["line"], i["column"]) for i in alone] == [("missing-section", row, 1)]


def test_a_boilerplate_body_is_one_finding_not_also_a_missing_section(tmp_path, base):
    """Three importance-3 articles whose body is one stock line: missing-section (decided on
    each file, an error) reports each body and boilerplate-body, decided after all files, does
    not report it again; with missing-section off, boilerplate-body reports them."""
    texts = {f"s{n}.md": _body(story(base, n, importance="3"),
                               f"Přihlaste se k odběru Biztoc Pro a čtěte {n + 2} zprávy.")
             for n in (1, 2, 3)}
    write(tmp_path, texts)
    row = line_of(texts["s1.md"], "Přihlaste se")
    found = cli("--select", "missing-section,boilerplate-body", ".", cwd=tmp_path)
    assert [(i["path"], i["name"], i["line"], i["column"]) for i in found] == \
        [(f"s{n}.md", "missing-section", row, 1) for n in (1, 2, 3)]
    alone = cli("--select", "boilerplate-body", ".", cwd=tmp_path)
    assert [(i["path"], i["name"], i["line"]) for i in alone] == \
        [(f"s{n}.md", "boilerplate-body", row) for n in (1, 2, 3)]


# --------------------------------------------------------------------------- the corpus


def test_the_corpus_gets_no_finding_from_these_rules(corpus_dir, tmp_path):
    """The corpus has no cut category with its whole form elsewhere, no boilerplate and no
    teaser body (its cut categories end in no word: category-format reports them)."""
    import shutil

    shutil.copytree(corpus_dir, tmp_path / "c", ignore=shutil.ignore_patterns("*.tsv"))
    found = cli("--no-cache", "--select", "category-cut,boilerplate-body,teaser-body", ".",
                cwd=tmp_path / "c")
    assert found == []
    fmt = cli("--no-cache", "--select", "category-format", CUT, cwd=tmp_path / "c")
    assert [i["message"] for i in fmt if "cut" in i["message"]]


def test_a_corpus_cut_beside_its_whole_form(corpus_dir, tmp_path):
    """The corpus article whose category the generator cut, beside a copy of it (as another
    article) with the whole category: category-format reports it, category-cut does not."""
    text = (corpus_dir / CUT).read_text(encoding="utf-8")
    write(tmp_path, {CUT: text, "other.md": story(text, 9, category="kybernetická bezpečnost")})
    found = cli("--no-cache", "--select", "category-format,category-cut", CUT, cwd=tmp_path)
    assert [i["code"] for i in found] == ["NL602"]
    assert [i["code"] for i in cli("--no-cache", "--select", "category-cut", CUT, cwd=tmp_path)] \
        == ["NL607"]


def test_one_generated_article_in_three_files_is_no_boilerplate(tmp_path, base):
    """A body with the site's sections is an article the generator wrote: three files with it
    are a duplicate story (duplicate-url/-title), not a boilerplate."""
    write(tmp_path, {f"s{n}.md": story(base, n) for n in (1, 2, 3)})
    assert cli("--select", "boilerplate-body", ".", cwd=tmp_path) == []


def test_indexed_neighbours_are_read_as_linted_files_are(tmp_path, base):
    """The published folder holds an article saved as UTF-16 (decoded as a linted file is),
    an empty file, bytes that are no text, a FIFO and a link: the staged file is compared with
    the article, the rest is passed over (never waited on), and the run ends normally."""
    import os

    posts = tmp_path / "posts"
    write(posts, {"new.md": story(base, 1, category="nositelná elektronik")})
    (posts / "utf16.md").write_bytes(story(base, 2, category="nositelná elektronika")
                                     .encode("utf-16"))
    (posts / "empty.md").write_bytes(b"")
    (posts / "noise.md").write_bytes(bytes(range(256)) * 4)
    os.mkfifo(posts / "fifo.md")
    (posts / "link.md").symlink_to(posts / "utf16.md")
    found = cli("--select", "category-cut", "posts/new.md", cwd=tmp_path)
    assert [(i["path"], i["code"]) for i in found] == [("posts/new.md", "NL607")]
    assert "posts/utf16.md" in found[0]["message"] and "link.md" not in found[0]["message"]


def test_the_folder_index_follows_the_profile(tmp_path, base):
    """A neighbour indexed under one `category-max-length` is summarised again under another
    (its index entry is tied to the profile): the cut at the new limit is found."""
    import time

    posts = tmp_path / "posts"
    write(posts, {"old.md": story(base, 1, category="nositelná elektronika"),
                  "new.md": story(base, 2, category="nositelná elektroni")})  # 19 characters
    from mdlint_news.project import RACY_NS

    time.sleep(RACY_NS / 1e9 + 0.2)  # old.md settles: its index entry is kept and used
    args = ("--select", "category-cut", "posts/new.md")
    assert cli(*args, cwd=tmp_path) == []  # 19 characters: under the limit of 20
    import sqlite3

    with sqlite3.connect(tmp_path / ".news-lint-cache" / "results-v2.sqlite") as conn:
        (stamp,), = conn.execute("SELECT stamp FROM frontmatter_index2").fetchall()
    assert stamp is not None  # stored as settled: a run under the same profile reuses it
    (tmp_path / ".news-lint.toml").write_text("category-max-length = 19\n", encoding="utf-8")
    found = cli(*args, cwd=tmp_path)
    assert [(i["path"], i["code"]) for i in found] == [("posts/new.md", "NL607")]
    assert "posts/old.md" in found[0]["message"]
