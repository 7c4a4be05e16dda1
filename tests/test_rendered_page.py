"""The page as Markdown renders it (issue 17, item 8): text after the footer (`text-after-footer`)
and content an HTML comment, a raw HTML block or a code block hides or swallows
(`hidden-content`), with one finding per root cause (no `missing-section` or `footer-missing`
beside them). Each article is a real corpus article (shared/corpus/marigold) with one damage
put in; the real command runs on it. Skipped when shared/ is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# A clean importance-3 article: four sections, the footer on lines 46-50.
NAME = "2025-11-15-running-your-own-local-open-source-ai-model-is-eas.md"
LAST = "## Proč je to důležité\n"  # line 43
DETAILS = "## Podrobnosti\n"  # line 38
SEPARATOR = "\n---\n\n[Číst"  # the footer's `---` on line 46
SOURCE = "**Zdroj:** 📰 Decrypt\n"  # line 50, the article's last


@pytest.fixture
def article(corpus_dir: Path) -> str:
    text = (corpus_dir / NAME).read_text(encoding="utf-8")
    assert text.count(LAST) == 1 and text.endswith(SOURCE)
    return text


def lint(cli, tmp_path: Path, text: str, newline: str = "\n") -> list[dict]:
    """Every finding of the real command on ``text`` (saved under the article's own name)."""
    (tmp_path / NAME).write_bytes(text.replace("\n", newline).encode("utf-8"))
    proc = cli("--no-cache", "--output-format", "json", NAME)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def where(items: list[dict]) -> list[tuple[int, int, str]]:
    return [(i["line"], i["column"], i["name"]) for i in items]


def test_the_base_article_is_clean(cli, tmp_path, article):
    assert lint(cli, tmp_path, article) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_unclosed_comment_before_the_last_section(cli, tmp_path, article, newline):
    items = lint(cli, tmp_path, article.replace(LAST, "<!--\n" + LAST), newline)
    assert where(items) == [(43, 1, "hidden-content")], items
    message = items[0]["message"]
    assert "never closed" in message
    assert "section 'Proč je to důležité' and the footer" in message, message
    assert items[0]["severity"] == "error"


def test_unclosed_comment_names_every_section_it_hides(cli, tmp_path, article):
    items = lint(cli, tmp_path, article.replace(DETAILS, "<!-- TODO doplnit\n" + DETAILS))
    assert where(items) == [(38, 1, "hidden-content")], items
    assert "sections 'Podrobnosti', 'Proč je to důležité' and the footer" in items[0]["message"]


def test_closed_comment_hiding_a_section_heading(cli, tmp_path, article):
    items = lint(cli, tmp_path, article.replace(LAST, "<!--\n" + LAST + "-->\n"))
    assert where(items) == [(43, 1, "hidden-content")], items
    message = items[0]["message"]
    assert "never closed" not in message and "section 'Proč je to důležité'" in message
    assert "footer" not in message


def test_closed_comment_hiding_the_footer_is_one_finding(cli, tmp_path, article):
    text = article.replace("[Číst", "<!--\n[Číst").replace(SOURCE, SOURCE + "-->\n")
    items = lint(cli, tmp_path, text)
    assert where(items) == [(48, 1, "hidden-content")], items  # no footer-separator beside it
    assert "the footer" in items[0]["message"]


def test_unclosed_fence_before_the_footer_renders_it_as_code(cli, tmp_path, article):
    items = lint(cli, tmp_path, article.replace(SEPARATOR, "\n```\n---\n\n[Číst"))
    assert where(items) == [(46, 1, "hidden-content")], items
    message = items[0]["message"]
    assert "code block" in message and "never closed" in message and "the footer" in message
    assert "section" not in message


def test_unclosed_fence_before_a_section_is_one_finding(cli, tmp_path, article):
    """The heading scanner does not see a heading inside the fence: `missing-section` stays
    quiet about the section the fence swallows, `hidden-content` names it."""
    items = lint(cli, tmp_path, article.replace(LAST, "~~~\n" + LAST))
    assert where(items) == [(43, 1, "hidden-content")], items
    assert "section 'Proč je to důležité' and the footer" in items[0]["message"]


def test_raw_html_block_swallows_the_footer_link(cli, tmp_path, article):
    text = article.replace("\n" + SOURCE, "\n<div class=\"zdroj\">\n" + SOURCE)
    items = lint(cli, tmp_path, text)
    assert where(items) == [(50, 1, "hidden-content")], items
    assert "raw HTML" in items[0]["message"]


def test_text_after_the_footer(cli, tmp_path, article):
    items = lint(cli, tmp_path, article + "\nSdílet\n")
    assert where(items) == [(52, 1, "text-after-footer")], items
    assert items[0]["severity"] == "error" and items[0]["fix"] is None


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_second_copy_of_a_paragraph_after_the_footer(cli, tmp_path, article, newline):
    paragraph = article.splitlines()[43]  # line 44, the last section's text
    items = lint(cli, tmp_path, article + "\n\n  " + paragraph + "\n", newline)
    assert where(items) == [(53, 3, "text-after-footer")], items


def test_text_after_the_footer_is_not_fixed(cli, tmp_path, article):
    text = article + "\nSdílet\n"
    (tmp_path / NAME).write_text(text, encoding="utf-8")
    cli("--no-cache", "--fix", "--unsafe-fixes", NAME)
    assert (tmp_path / NAME).read_text(encoding="utf-8") == text


def test_comment_after_the_footer_is_not_text(cli, tmp_path, article):
    assert lint(cli, tmp_path, article + "<!-- kontrolováno redakcí -->\n") == []


def test_closed_comment_hiding_a_paragraph_only(cli, tmp_path, article):
    note = "<!--\nPoznámka redakce: ověřit čísla.\n\nA druhý odstavec poznámky.\n-->\n\n"
    assert lint(cli, tmp_path, article.replace(LAST, note + LAST)) == []


def test_closed_fenced_code_block_in_a_section(cli, tmp_path, article):
    code = "```\nollama run llama3\n## not a heading\n```\n\n"
    assert lint(cli, tmp_path, article.replace(LAST, code + LAST)) == []





@pytest.mark.parametrize("written", ["**Zdroj**: ", "Zdroj: ", "*Zdroj:* ", "> **Zdroj:** "],
                         ids=["colon-out", "plain", "italic", "quoted"])
def test_a_malformed_source_line_is_the_footer(cli, tmp_path, article, written):
    """Defect 4: one finding at the line (not footer-missing + text-after-footer), fixed in place."""
    text = article.replace(SOURCE, SOURCE.replace("**Zdroj:** ", written))
    items = lint(cli, tmp_path, text)
    assert where(items) == [(50, 1, "footer-source")], items
    assert "'**Zdroj:** 📰 Decrypt'" in items[0]["message"]
    assert items[0]["fix"]["applicability"] == "safe"
    cli("--no-cache", "--fix", NAME)
    assert (tmp_path / NAME).read_text(encoding="utf-8") == article
    assert lint(cli, tmp_path, (tmp_path / NAME).read_text(encoding="utf-8")) == []


def test_a_link_reference_definition_after_the_footer_is_not_text(cli, tmp_path, article):
    """Defect 5: a link reference definition renders as nothing."""
    assert lint(cli, tmp_path, article + "\n[1]: https://example.com\n") == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_footer_pasted_twice(cli, tmp_path, article, newline):
    """Defect 6: the second copy of the footer shows the attribution twice (reported at its `---`)."""
    footer = article[article.index(SEPARATOR) + 1:]  # lines 46-50
    items = lint(cli, tmp_path, article + "\n" + footer, newline)
    assert where(items) == [(52, 1, "text-after-footer")], items
    assert "second copy of the footer" in items[0]["message"]


def test_the_source_line_pasted_twice(cli, tmp_path, article):
    items = lint(cli, tmp_path, article + "\n" + SOURCE)
    assert where(items) == [(52, 1, "text-after-footer")], items
    assert "second copy of the footer" in items[0]["message"]


@pytest.mark.parametrize("kept", ["## Proč je to důležité\nstará verze\n", "## Podrobnosti\nstará verze\n",
                                  "## Poznámka redakce\nověřit\n"], ids=["same", "earlier", "unexpected"])
def test_headings_in_a_closed_comment_are_not_sections(cli, tmp_path, article, kept):
    """Defect 7: an old copy kept in `<!-- -->` does not render: no duplicate-section,
    section-order or unexpected-heading for it."""
    assert lint(cli, tmp_path, article.replace(LAST, "<!--\n" + kept + "-->\n\n" + LAST)) == []
