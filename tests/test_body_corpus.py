"""The body rules (NL8xx) on the real articles of shared/corpus/marigold.

Expected values come from the corpus itself, found independently of the rules (plain string
searches, the front matter, MANIFEST.tsv), and from the generator's body spec:

* 30 articles from December 2025 on write the four sections as `###`; one writes
  `## Klíčové points`. Both are reported and `--fix` repairs exactly those heading lines.
* Four bodies end a paragraph with an LLM word count (`(512 slov)`, `*(Celkem cca 550 slov)*`),
  ten contain the LLM's persona (`Jako expert na AI vidím …`): all are reported.
* Every modern article has a consistent footer: no footer rule reports anything; a crafted
  mismatch is caught and fixed back to the original.

Skipped, cleanly, when the shared/ folder is not beside the repository.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from mdlint_news.api import fix_text, lint_text
from mdlint_news.config import Settings

SECTIONS = ("Souhrn", "Klíčové body", "Podrobnosti", "Proč je to důležité")
H3_LINE = re.compile(r"^### (%s)$" % "|".join(SECTIONS))
BODY_RULES = Settings(cli_select=["NL8"])
FOOTER_CODES = {"NL821", "NL822", "NL823", "NL824", "NL825"}

# Found with grep over the corpus: `grep -nE '\(([^()]*\b)?[0-9]+ slov\)'` (word counts) and
# `grep -niE 'jako expert na'` (persona lines); file -> line.
WORD_COUNT_LEAKS = {
    "2025-12-22-tesla-crashes-kill-3-in-4-dayscapping-2025-of-near.md": 48,
    "2025-12-22-weekly-recap-firewall-exploits-ai-data-theft-andro.md": 45,
    "2026-01-06-elon-musks-x-faces-probes-in-europe-india-malaysia.md": 46,
    "2026-01-14-he-could-just-turn-it-off.md": 40,
}
PERSONA_LEAKS = {
    "2025-12-01-mindfulness-city.md": 41,
    "2025-12-02-on-the-use-of-tabpfn-on-mass-spectrometry-analysis.md": 38,
    "2025-12-06-openai-has-trained-its-llm-to-confess-to-bad-behav.md": 49,
    "2025-12-08-softbank-nvidia-looking-to-invest-in-skild-ai-at-1.md": 44,
    "2025-12-08-xai-grok-42-trading-real-stocks-in-real-markets-wi.md": 46,
    "2025-12-16-trump-is-recruiting-tech-personnel-for-government-.md": 46,
    "2025-12-22-anthropic-announces-bloom-an-open-source-tool-for-.md": 46,
    "2026-01-14-predictions-2026-the-full-list.md": 46,
    "2026-01-29-ai-writes-100-of-the-code-at-anthropic-openai-top-.md": 45,
    "2026-02-11-ray-ban-maker-essilorluxottica-says-it-more-than-t.md": 41,
}
# MANIFEST.tsv: "prompt-leak-in-description" (the prompt's instructions in description and body).
PROMPT_LEAK = "2025-10-05-microsoft-security-disaster400-million-windows-pcs.md"
MIXED_HEADING = "2025-11-02-chatgpts-browser-bot-seems-to-avoid-new-york-times.md"
SINCE = date(2025, 10, 21)  # body.since in schemas/tech_news_article.yaml


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _front(text: str) -> dict:
    try:
        return yaml.safe_load(text.split("\n---\n", 1)[0][4:]) or {}
    except yaml.YAMLError:
        return {}


def _modern(corpus: Path) -> dict[str, str]:
    out = {}
    for p in sorted(corpus.glob("*.md")):
        text = _read(p)
        if text.startswith("---\n") and _front(text).get("layout") == "tech_news_article":
            out[p.name] = text
    return out


def _manifest(corpus: Path) -> dict[str, str]:
    rows = (line.split("\t") for line in _read(corpus / "MANIFEST.tsv").splitlines()[1:])
    return {r[0]: r[-1] for r in rows if r and r[0]}


@pytest.fixture(scope="module")
def corpus() -> Path:
    shared = Path(__file__).resolve().parents[2] / "shared"
    folder = shared / "corpus" / "marigold"
    if not folder.is_dir():
        pytest.skip(f"shared corpus not present beside the repository ({folder})")
    return folder


@pytest.fixture(scope="module")
def modern(corpus) -> dict[str, str]:
    return _modern(corpus)


@pytest.fixture(scope="module")
def reports(modern) -> dict[str, list]:
    return {name: lint_text(text, name, BODY_RULES) for name, text in modern.items()}


def _h3_files(modern: dict[str, str]) -> dict[str, list[int]]:
    out = {}
    for name, text in modern.items():
        lines = [i for i, line in enumerate(text.split("\n"), 1) if H3_LINE.match(line)]
        if lines:
            out[name] = lines
    return out


def test_the_h3_drift_is_thirty_files_of_four_headings(modern):
    h3 = _h3_files(modern)
    assert len(h3) == 30
    assert all(len(lines) == 4 for lines in h3.values())
    assert min(h3) >= "2025-12"  # the drift started in December


def test_h3_sections_are_reported_on_their_lines(modern, reports):
    for name, lines in _h3_files(modern).items():
        got = sorted(d.line for d in reports[name] if d.name == "heading-level")
        assert got == lines, name
        assert all(d.fix and d.fix.applicability.value == "safe"
                   for d in reports[name] if d.name == "heading-level")


def test_fix_rewrites_only_the_h3_heading_lines(modern):
    for name, lines in _h3_files(modern).items():
        text = modern[name]
        result = fix_text(text, name, BODY_RULES)
        assert result.error is None, (name, result.error)
        before, after = text.split("\n"), result.text.split("\n")
        assert len(before) == len(after), name
        for i, (old, new) in enumerate(zip(before, after), 1):
            if i in lines:
                assert new == old[1:] and new.startswith("## "), (name, i, new)
            else:
                assert new == old, (name, i)
        assert not [d for d in lint_text(result.text, name, BODY_RULES)
                    if d.name in ("heading-level", "heading-variant")]


def test_mixed_language_heading_is_reported_and_fixed(modern, reports):
    text = modern[MIXED_HEADING]
    line_no = text.split("\n").index("## Klíčové points") + 1
    got = [(d.line, d.column) for d in reports[MIXED_HEADING] if d.name == "heading-variant"]
    assert got == [(line_no, 4)]  # the heading text, after "## "
    result = fix_text(text, MIXED_HEADING, BODY_RULES)
    assert result.error is None
    assert result.text == text.replace("\n## Klíčové points\n", "\n## Klíčové body\n")


def test_no_other_heading_drift_in_the_corpus(modern, reports):
    """Apart from the 31 files above, every modern article's headings are canonical."""
    drift = set(_h3_files(modern)) | {MIXED_HEADING}
    for name, diags in reports.items():
        if name not in drift:
            assert not [d for d in diags if d.name in ("heading-level", "heading-variant")], name


def test_word_count_and_persona_leaks_are_reported(reports):
    for name, line in {**WORD_COUNT_LEAKS, **PERSONA_LEAKS}.items():
        leaks = [d for d in reports[name] if d.name == "content-leak"]
        assert [d.line for d in leaks] == [line], (name, [(d.line, d.message) for d in leaks])
        assert all(d.severity.value == "warning" for d in leaks)
    for name in WORD_COUNT_LEAKS:
        (d,) = [d for d in reports[name] if d.name == "content-leak"]
        assert "slov" in d.message and "word count" in d.message
    for name in PERSONA_LEAKS:
        (d,) = [d for d in reports[name] if d.name == "content-leak"]
        assert "expert na" in d.message.lower() and "persona" in d.message


def test_prompt_text_is_reported_in_description_and_body(reports):
    leaks = [d for d in reports[PROMPT_LEAK] if d.name == "content-leak"]
    assert any("description" in d.message for d in leaks)
    assert any(d.line > 20 for d in leaks)  # the body repeats the description


def test_no_other_content_leaks(reports):
    expected = set(WORD_COUNT_LEAKS) | set(PERSONA_LEAKS) | {PROMPT_LEAK}
    flagged = {name for name, diags in reports.items() if any(d.name == "content-leak" for d in diags)}
    assert flagged == expected


def test_footers_of_all_modern_articles_pass(modern, reports):
    assert len(modern) > 200
    for name, diags in reports.items():
        assert not [d for d in diags if d.code in FOOTER_CODES], name


def test_crafted_footer_mismatch_is_caught_and_fixed(modern):
    name = "2026-02-01-south-korea-posts-record-january-exports-on-ai-chi.md"
    text = modern[name]
    url = _front(text)["url"]
    broken = text.replace(f"]({url})", "](https://example.com/wrong)").replace(
        "**Zdroj:** 📰 CNA", "**Zdroj:** 📰 Channel News Asia") + "\n\n"
    got = {d.name for d in lint_text(broken, name, BODY_RULES)} & {
        "footer-link", "footer-source", "final-newline"}
    assert got == {"footer-link", "footer-source", "final-newline"}
    result = fix_text(broken, name, BODY_RULES)
    assert result.error is None
    assert result.text == fix_text(text, name, BODY_RULES).text  # only the ### headings differ
    assert f"[Číst původní článek]({url})\n\n**Zdroj:** 📰 CNA\n" in result.text
    assert result.text.endswith("**Zdroj:** 📰 CNA\n")


def test_crafted_missing_footer_is_appended_by_unsafe_fix(modern):
    name = "2025-12-08-react2shell-remote-code-execution-vulnerability-cv.md"
    text = modern[name]
    cut = text[:text.index("\n---\n\n[Číst původní článek]")]  # up to the end of the last paragraph
    assert [d.name for d in lint_text(cut, name, BODY_RULES)] == ["footer-missing"]
    assert fix_text(cut, name, BODY_RULES).text == cut  # not a safe fix
    assert fix_text(cut, name, BODY_RULES, unsafe=True).text == text


def test_fallback_bodies_are_the_manifests_failed_generations(corpus, reports):
    """MANIFEST tags failed generations `llm-fallback-untranslated`; from body.since on their
    body is the description (before that date every body was, so the rule does not look)."""
    manifest = _manifest(corpus)
    expected = {name for name, why in manifest.items() if "llm-fallback" in why
                and date.fromisoformat(name[:10]) >= SINCE}
    flagged = {name for name, diags in reports.items() if any(_reports_fallback_body(d) for d in diags)}
    assert flagged == expected
    for name in flagged:  # once: by not-translated (its body evidence) when the title is English too
        assert sum(_reports_fallback_body(d) for d in reports[name]) == 1, name
    for name in flagged:  # a fallback body is not checked for sections
        assert not [d for d in reports[name] if d.name == "missing-section"]


def _reports_fallback_body(d) -> bool:
    """body-fallback, or not-translated with the body among its evidence (a related location)."""
    return d.name == "body-fallback" or (
        d.name == "not-translated" and any(r.message.startswith("the body ") for r in d.related))


def test_untranslated_titles(modern, reports):
    """A title equal to original_title is reported at the title: by untranslated, or by
    not-translated when the rest of the article is untranslated too (one finding, not two)."""
    for name, text in modern.items():
        data = _front(text)
        titles = [d for d in reports[name] if d.name in ("untranslated", "not-translated")
                  and d.line == _key_line(text, "title")]
        if data.get("title") == data.get("original_title"):
            assert len(titles) == 1, name
        elif sum(h.startswith("## ") or h.startswith("### ") for h in text.split("\n")) >= 4:
            # a generated article with its four Czech sections was translated
            assert not [d for d in reports[name] if d.name in ("untranslated", "not-translated")], name


def _key_line(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(key + ":"))


def test_sections_present_in_every_generated_article(modern, reports):
    """From body.since on, importance >= 3 articles that are not fallbacks have all sections."""
    for name, diags in reports.items():
        assert not [d for d in diags if d.name in (
            "missing-section", "section-order", "duplicate-section", "empty-section")], name
