"""Front-matter content rules of issue 17: outlet-in-title (NL608), outlet-as-company (NL609),
description-paragraphs (NL610), slug-missing (NL504). Through the real command line, and on the
shared corpus (skipped when absent): every finding there was read and is real."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from support import SHARED, article_text

CORPUS = SHARED / "corpus" / "marigold"
RULES = ("outlet-in-title", "outlet-as-company", "description-paragraphs", "slug-missing")


def _json(proc) -> list[dict]:
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_no_slug_is_one_finding_that_names_the_slug_and_the_file_name(cli, tmp_path):
    """An early article without slug and with a numbered file name: slug-missing says what is
    missing and what the name should be; filename-mismatch does not say it a second time. No
    fix while the name differs (the slug would move the URL); once renamed, --fix inserts it."""
    text = article_text(drop=("slug",))
    path = tmp_path / "2025-12-01-25-apple-vydal-novou-vec.md"
    path.write_text(text, encoding="utf-8")
    found = _json(cli("--output-format", "json", "--no-cache", path.name))
    assert [(d["name"], d["line"], d["column"], d["fix"]) for d in found] == [
        ("slug-missing", text.splitlines().index("---", 1) + 1, 1, None)]
    assert found[0]["message"] == (
        "slug is missing; the generator's slug for original_title is 'apple-ships-new-thing'; "
        "rename the file to '2025-12-01-apple-ships-new-thing.md' (now "
        "'2025-12-01-25-apple-vydal-novou-vec.md') and add 'slug: apple-ships-new-thing'")
    cli("--fix", "--unsafe-fixes", "--no-cache", path.name, check_rc=1)
    assert path.read_text(encoding="utf-8") == text
    renamed = path.rename(tmp_path / "2025-12-01-apple-ships-new-thing.md")
    cli("--fix", "--no-cache", renamed.name, check_rc=0)
    assert renamed.read_text(encoding="utf-8") == article_text()


@pytest.mark.parametrize("companies, left", [
    ("\n- Apple\n- The Verge", "\n- Apple"),
    ("\n- The Verge\n- Apple", "\n- Apple"),
    (" [Apple, The Verge]", " [Apple]"),
    (" [the verge, Apple, Samsung]", " [Apple, Samsung]"),
])
def test_outlet_removed_from_companies_in_the_list_s_own_style(cli, tmp_path, companies, left):
    path = tmp_path / "2025-12-01-apple-ships-new-thing.md"
    path.write_text(article_text(companies=companies), encoding="utf-8")
    found = _json(cli("--output-format", "json", "--no-cache", "--select", "outlet-as-company", path.name))
    assert [d["fix"]["applicability"] for d in found] == ["unsafe"]
    cli("--fix", "--no-cache", "--select", "outlet-as-company", path.name)
    assert path.read_text(encoding="utf-8") == article_text(companies=companies)  # unsafe only
    cli("--fix", "--unsafe-fixes", "--no-cache", "--select", "outlet-as-company", path.name)
    fixed = path.read_text(encoding="utf-8")
    assert fixed == article_text(companies=left)
    assert _front(fixed)["companies"] == _front(article_text(companies=left))["companies"]


def test_outlet_removed_from_title_keeps_original_title(cli, tmp_path):
    path = tmp_path / "2025-12-01-apple-ships-new-thing.md"
    path.write_text(article_text(title="Apple vydal novou věc | The Verge",
                                 original_title="Apple ships new thing | The Verge"), encoding="utf-8")
    found = _json(cli("--output-format", "json", "--no-cache", "--select", "NL608", path.name))
    assert [(d["line"], d["column"]) for d in found] == [(20, 30)]
    cli("--fix", "--no-cache", "--select", "NL608", path.name)
    data = _front(path.read_text(encoding="utf-8"))
    assert (data["title"], data["original_title"]) == ("Apple vydal novou věc", "Apple ships new thing | The Verge")


@pytest.fixture(scope="module")
def corpus_counts():
    if not CORPUS.is_dir():
        pytest.skip(f"shared/ corpus not present beside the repository ({CORPUS})")
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json",
                           "--no-cache", "--select", ",".join(RULES + ("filename-mismatch", "not-translated")), "."],
                          cwd=CORPUS, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    items = json.loads(proc.stdout.decode("utf-8"))
    return items, Counter(i["name"] for i in items)


def test_corpus_findings_of_the_new_rules(corpus_counts):
    """Read one by one: 27 titles end with their outlet; 15 of them are the untranslated source
    headline (not-translated's finding), so 12 are reported (9 safe fixes: it is source.name), two
    companies lists hold the outlet, five descriptions carry a blank line or an escaped break
    (seven findings; four of the articles are untranslated fallbacks, not-translated's finding,
    so one is reported), ten early articles have no slug (and are no longer reported by
    filename-mismatch too). Each of the 12 titles' original_title ends with the same suffix."""
    items, counts = corpus_counts
    assert {r: counts[r] for r in RULES + ("filename-mismatch", "not-translated")} == {
        "outlet-in-title": 12, "outlet-as-company": 2, "description-paragraphs": 1,
        "slug-missing": 10, "filename-mismatch": 1, "not-translated": 39}
    items = [i for i in items if i["name"] != "not-translated"]
    assert all(i["severity"] == "warning" for i in items)
    safe = Counter(i["name"] for i in items if i["fix"] and i["fix"]["applicability"] == "safe")
    assert safe["outlet-in-title"] == 9
    companies = sorted(Path(i["path"]).name[:24] for i in items if i["name"] == "outlet-as-company")
    assert companies == ["2025-11-06-inception-rai", "2025-11-09-zephyr-again-"]
    titles = {Path(i["path"]).name for i in items if i["name"] == "outlet-in-title"}
    assert not any(n.startswith("2026-02-01-pentagon-wants-killer-ai") for n in titles)  # RT cites Reuters


def test_many_blank_lines_in_description_are_reported_in_bounded_time(cli, tmp_path):
    """100 000 blank lines in a single-quoted description: one finding each, each with its fix,
    read back once (each read-back was a YAML parse, and each edit a copy of the text). The
    subprocess timeout (120 s) is a hang detector; the run takes a few seconds."""
    description = "'" + "Odstavec.\n\n  " * 100_000 + "Konec.'"
    path = tmp_path / "2025-12-01-apple-ships-new-thing.md"
    path.write_text(article_text(description=description), encoding="utf-8")
    found = _json(cli("--output-format", "json", "--no-cache", "--select", "NL610", path.name))
    assert len(found) == 100_000 and all(d["fix"]["applicability"] == "safe" for d in found)
    assert (found[0]["line"], found[-1]["line"]) == (8, 8 + 2 * 99_999)


def test_many_outlet_items_in_companies_are_reported_in_bounded_time(tmp_path):
    """5000 pairs `- Apple` / `- Fox News`: one finding per outlet item, each with its fix, the
    fixes read back together once (a YAML parse per item made the lint quadratic: minutes). The
    subprocess timeout (60 s) is a hang detector; the run takes a few seconds."""
    path = tmp_path / "2025-12-01-apple-ships-new-thing.md"
    path.write_text(article_text(companies="\n- Apple\n- Fox News" * 5000,
                                 source="\n  name: Fox News"), encoding="utf-8")
    def run(*args: str):
        return subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--select",
                               "NL609", *args, str(path)], capture_output=True, text=True, timeout=60)

    found = _json(run("--output-format", "json"))
    assert len(found) == 5000 and all(d["fix"]["applicability"] == "unsafe" for d in found)
    assert run("--fix", "--unsafe-fixes").returncode in (0, 1)
    assert _front(path.read_text(encoding="utf-8"))["companies"] == ["Apple"] * 5000


def test_description_paragraphs_quiet_when_the_description_is_not_translated(cli, tmp_path):
    """A fallback article (title and description the English feed text, as the corpus's Biztoc
    articles): not-translated asks to regenerate it; joining the feed's paragraphs would edit
    text that is thrown away, so description-paragraphs says nothing while not-translated runs."""
    description = ("'OpenAI responds to lawsuit claiming its chatbot encouraged California\n"
                   "  teenager to kill himself\n\n"
                   "  The maker of ChatGPT has said the suicide of a 16-year-old was down to his\n"
                   "  misuse of its system and was not caused by the chatbot.'")
    title = "ChatGPT firm blames boy's suicide on misuse of its technology"
    path = tmp_path / "2025-12-01-apple-ships-new-thing.md"
    path.write_text(article_text(description=description, title=f'"{title}"'), encoding="utf-8")
    names = [d["name"] for d in _json(cli("--output-format", "json", "--no-cache", path.name))]
    assert "not-translated" in names and "description-paragraphs" not in names
    alone = _json(cli("--output-format", "json", "--no-cache", "--ignore", "not-translated", path.name))
    assert [(d["line"], d["column"]) for d in alone if d["name"] == "description-paragraphs"] == [(9, 1)]
