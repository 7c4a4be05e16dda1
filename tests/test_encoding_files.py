"""How files are stored: non-UTF-8 files (guessed or by BOM), the UTF-8 BOM, and the headline
acceptance: --fix restores the damaged seed article byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ARTICLE_NAME, SHARED, VALID_BODY, article_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "content" / "2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"
SEED_CLEAN = Path(__file__).parent / "data" / "mojibake" / "seed_000_clean.txt"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_58abeca56bfa6fda.txt"


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json", *args],
                          cwd=cwd, capture_output=True, text=True, encoding="utf-8")


def items(proc):
    return json.loads(proc.stdout)


CZECH = article_text(title="Šéf Škody žádá ťukání, ČEZ a Žďár mění plány")


def test_windows_1250_file_is_read_reported_and_rewritten_as_utf8(tmp_path):
    text = CZECH.replace("📰", "§")  # Windows-1250 has no emoji; the footer still matches
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(text.encode("cp1250"))
    found = items(cli("--select", "not-utf8", ".", cwd=tmp_path))
    assert [(i["name"], i["line"], i["column"]) for i in found] == [("not-utf8", 1, 1)]
    assert "cp1250" in found[0]["message"] and "guessed" in found[0]["message"]
    # the text itself was read correctly: no other problem in an otherwise valid article
    assert items(cli(".", "--ignore", "not-utf8", cwd=tmp_path)) == []
    assert cli("--fix", ".", cwd=tmp_path).returncode == 0
    assert p.read_bytes() == text.encode("utf-8")
    assert items(cli(".", cwd=tmp_path)) == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path, codec):
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(CZECH.encode(codec))  # Python writes the BOM for these codecs
    found = items(cli(".", cwd=tmp_path))
    assert [i["name"] for i in found] == ["not-utf8"]
    assert "byte-order mark" in found[0]["message"] and codec in found[0]["message"]
    cli("--fix", ".", cwd=tmp_path)
    assert p.read_bytes() == CZECH.encode("utf-8")


def test_valid_utf8_is_never_guessed(tmp_path):
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(CZECH.encode("utf-8"))
    assert items(cli(".", cwd=tmp_path)) == []


def test_bom_is_reported_and_removed_and_the_diff_patches(tmp_path):
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(b"\xef\xbb\xbf" + CZECH.encode("utf-8"))
    found = items(cli(".", cwd=tmp_path))
    assert [(i["name"], i["severity"], i["line"], i["column"]) for i in found] == \
        [("bom", "warning", 1, 1)]
    diff = subprocess.run([sys.executable, "-m", "mdlint_news", "--diff", "."], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8").stdout
    assert diff.startswith(f"--- {ARTICLE_NAME}") and "-\ufeff---" in diff and "\n+---\n" in diff
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")  # --diff wrote nothing
    cli("--fix", ".", cwd=tmp_path)
    assert p.read_bytes() == CZECH.encode("utf-8")


def test_fix_restores_the_seed_byte_for_byte(tmp_path):
    if SHARED_SEED.exists():  # the bundled example is the real seed
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()
    p = tmp_path / SEED.name
    shutil.copyfile(SEED, p)
    p.chmod(0o644)
    first = subprocess.run([sys.executable, "-m", "mdlint_news", "--fix", "."], cwd=tmp_path,
                           capture_output=True, text=True, encoding="utf-8")
    assert first.returncode == 0, first.stdout
    fixed = p.read_text(encoding="utf-8")
    assert p.read_bytes() == SEED_CLEAN.read_bytes()
    # what the acceptance names, spelled out
    for expected in ("category: mezinárodní vztahy", "## Souhrn", "## Klíčové body", "## Podrobnosti",
                     "## Proč je to důležité", "„Indie a Kazachstán: Budování partnerství v době "
                     "narušení“", "emoji: 📰", "**Zdroj:** 📰 The Times of India",
                     "Indie a Kazachstán posilují strategické vztahy na konferenci v Almatě"):
        assert expected in fixed, expected
    again = subprocess.run([sys.executable, "-m", "mdlint_news", "--fix", "."], cwd=tmp_path,
                           capture_output=True, text=True, encoding="utf-8")
    assert again.returncode == 0 and p.read_bytes() == SEED_CLEAN.read_bytes()
    assert [i for i in items(cli("--select", "NL7", ".", cwd=tmp_path))] == []


# Files saved in a legacy code page (tests/damage.py: saved_as): the code page is decided by the
# language model (which reading's words are known), not by a charset guess alone. Each text holds
# the letters its candidate code pages read differently (ISO-8859-2 š ť ž ś ą ź are ą ± ... in
# Windows-1250, and the reverse).
LEGACY_TEXTS = {
    "czech": article_text(
        title="Šéf Škody žádá ťukání, ČEZ a Žďár mění plány",
        body=VALID_BODY.replace("Podrobnější text článku.",
                                "Šetření ukázalo, že škody způsobené bouří ještě vzrostly. Ťukání "
                                "na dveře úřadu už nestačí; žádosti se vyřizují až do příštího týdne.")),
    "polish": article_text(
        title="Rząd ogłosił nową strategię",
        body=VALID_BODY.replace("Podrobnější text článku.",
                                "Środowisko źle znosi zmiany: każdy świadek mówił, że źródło "
                                "problemu leży w ścieżce, którą wybrał rząd. Ślady są wyraźne.")),
    "russian": article_text(
        title="Министр заявил о новых переговорах",
        body=VALID_BODY.replace("Podrobnější text článku.",
                                "Министр иностранных дел заявил, что переговоры продолжатся в Москве "
                                "на следующей неделе, а соглашение будет подписано летом.")),
}
LEGACY_FILES = [("czech", "iso8859_2"), ("czech", "cp1250"), ("polish", "iso8859_2"), ("russian", "cp1251")]


@pytest.mark.parametrize("name,codec", LEGACY_FILES)
def test_legacy_code_page_file_is_decoded_by_its_words(tmp_path, name, codec):
    from damage import saved_as

    data = saved_as(LEGACY_TEXTS[name], codec)
    expected = data.decode(codec)  # the text as saved (characters the code page lacks became ?)
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(data)
    found = [i for i in items(cli("--select", "not-utf8", ".", cwd=tmp_path))]
    assert len(found) == 1 and codec in found[0]["message"], found
    proc = cli("--select", "not-utf8", "--fix", ".", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert p.read_bytes() == expected.encode("utf-8")


@pytest.mark.parametrize("name,codec", LEGACY_FILES)
def test_decode_chooses_the_code_page_whose_words_are_known(name, codec):
    from damage import saved_as
    from mdlint_news.decoding import decode

    data = saved_as(LEGACY_TEXTS[name], codec)
    got = decode(data)
    assert got.guessed and got.text == data.decode(codec), got.encoding


# Real articles are mostly English with Czech headings, names and a footer: the code pages'
# readings then differ in a handful of words, and those decide (a count over every word drowned
# them: 21 of the first 60 corpus articles saved as ISO-8859-2 came back read as Windows-1250).
MOSTLY_ENGLISH = article_text(
    title="Hrušková and Žák lead the new space agency",
    body=VALID_BODY.replace("Podrobnější text článku.",
                            "The agency said on Monday that the launch would go ahead in spring, "
                            "according to its director, Jana Hrušková. Her deputy, Petr Žák, "
                            "added that the tests had gone well and the budget was approved."))


@pytest.mark.parametrize("codec", ["iso8859_2", "cp1250"])
def test_a_mostly_english_article_is_decoded_by_the_words_its_readings_differ_in(codec):
    from damage import saved_as
    from mdlint_news.decoding import decode

    data = saved_as(MOSTLY_ENGLISH, codec)
    got = decode(data)
    assert got.text == data.decode(codec), got.encoding  # (characters it lacks became ?)


def test_polish_saved_as_windows_1257_is_read_as_windows_1257():
    from damage import saved_as
    from mdlint_news.decoding import decode

    data = saved_as(LEGACY_TEXTS["polish"], "cp1257")
    assert decode(data).text == data.decode("cp1257")


@pytest.mark.skipif(not (SHARED / "corpus" / "marigold").is_dir(), reason="../shared is absent")
@pytest.mark.parametrize("codec", ["iso8859_2", "cp1250"])
def test_real_articles_saved_in_a_central_european_code_page_come_back(codec):
    from damage import saved_as
    from mdlint_news.decoding import decode

    articles = sorted((SHARED / "corpus" / "marigold").rglob("*.md"))[:80]
    wrong = []
    for path in articles:
        text = path.read_text(encoding="utf-8")
        data = saved_as(text, codec)
        if data != text.encode("utf-8") and decode(data).text != data.decode(codec):
            wrong.append(path.name)
    assert wrong == []
