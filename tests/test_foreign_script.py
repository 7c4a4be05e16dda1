"""foreign-script-word (NL709) on real articles: a Czech word of a corpus article replaced by its
Russian translation is reported at its line and column through the real command line; a word
that mixes scripts is reported once (by mixed-script-word); the corpus itself, whose only
non-Latin words are mixed-script slips, Japanese original titles and slugs, gives no finding."""

from __future__ import annotations

import json
from pathlib import Path

from test_corpus import line_of

JAPANESE = "2026-01-14-チャットaiが少年の自殺を後押ししたとする訴訟でgoogleとcharacteraiが遺族との和解に.md"
DEEPGRAM = "2026-01-14-deepgram-raises-130m-at-13bn-valuation-for-voice-a.md"


def _json(cli, *args, **kw) -> list[dict]:
    proc = cli("--output-format", "json", *args, **kw)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _copy(corpus: Path, name: str, tmp_path: Path, old: str = "", new: str = "") -> Path:
    text = (corpus / name).read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    target = tmp_path / name
    target.write_text(text, encoding="utf-8", newline="")
    return target


def test_a_russian_word_in_a_czech_body_is_reported_at_its_position(cli, corpus_dir, tmp_path):
    path = _copy(corpus_dir, JAPANESE, tmp_path, "v oblasti duševního zdraví mladistvých",
                 "v oblasti duševního здоровья mladistvých")
    items = _json(cli, "--select", "foreign-script-word", path.name)
    text = path.read_text(encoding="utf-8")
    line = line_of(text, "здоровья")
    column = text.splitlines()[line - 1].index("здоровья") + 1
    assert [(i["code"], i["name"], i["severity"], i["line"], i["column"]) for i in items] == \
        [("NL709", "foreign-script-word", "warning", line, column)]
    assert items[0]["end_column"] == column + len("здоровья")
    assert "Cyrillic" in items[0]["message"] and "здоровья" in items[0]["message"]
    assert "translate or transliterate" in items[0]["message"]
    assert items[0].get("fix") is None


def test_the_japanese_original_title_slug_and_a_code_block_are_not_reported(cli, corpus_dir, tmp_path):
    path = _copy(corpus_dir, JAPANESE, tmp_path, "\n## Proč je to důležité\n",
                 "\n```\nprint('Привет, мир')\n```\n\n## Proč je to důležité\n")
    assert _json(cli, "--select", "foreign-script-word", path.name) == []


def test_a_mixed_script_word_is_reported_once(cli, corpus_dir, tmp_path):
    path = _copy(corpus_dir, DEEPGRAM, tmp_path)
    items = _json(cli, "--select", "mixed-script-word,foreign-script-word", path.name)
    assert [(i["name"], i["line"]) for i in items] == \
        [("mixed-script-word", line_of(path.read_text(encoding="utf-8"), "infrastrukтуру"))]


def test_no_finding_on_the_corpus(cli, corpus_dir):
    had_cache = (corpus_dir / ".news-lint-cache").exists()
    assert _json(cli, "--no-cache", "--select", "foreign-script-word", ".", cwd=corpus_dir) == []
    assert had_cache or not (corpus_dir / ".news-lint-cache").exists()  # the corpus is only read


def _positions(cli, path: Path) -> list[tuple[int, int, str]]:
    items = _json(cli, "--select", "foreign-script-word", path.name, cwd=path.parent)
    return [(i["line"], i["column"], i["message"].split("'")[1]) for i in items]


def _at(text: str, word: str) -> tuple[int, int, str]:
    line = line_of(text, word)
    return line, text.splitlines()[line - 1].index(word) + 1, word


def test_a_brand_compound_a_hashtag_and_link_text_are_names_a_lone_word_is_not(cli, corpus_dir, tmp_path):
    """The reviewer's shapes (issue 17, defect 11): `VK-Видео`, `#Победа`, `[ТАСС](…)` are
    names; the lone Russian word of the same paragraph is still reported at its position."""
    path = _copy(corpus_dir, JAPANESE, tmp_path, "v oblasti duševního zdraví mladistvých,",
                 "v oblasti duševního здоровья mladistvých, podle [ТАСС](https://tass.ru) i služby"
                 " VK-Видео, kde se šíří hashtag #Победа a píše účet @Медуза,")
    text = path.read_text(encoding="utf-8")
    assert _positions(cli, path) == [_at(text, "здоровья")]


def test_a_name_the_front_matter_declares_is_not_a_slip(cli, corpus_dir, tmp_path):
    """source.name, a `people` item and a `companies` item written in Cyrillic, and the same
    names in the body: not reported; an undeclared Cyrillic name beside them is."""
    path = _copy(corpus_dir, JAPANESE, tmp_path, "v oblasti duševního zdraví mladistvých,",
                 "v oblasti duševního zdraví mladistvých, což podle listu Коммерсантъ firmy Яндекс"
                 " a Сбер ani Павел Дуров nekomentovali,")
    text = path.read_text(encoding="utf-8")
    text = text.replace("- Character.AI\ndate:", "- Character.AI\n- Яндекс\ndate:", 1)
    text = text.replace("  name: Livedoor.com\n", "  name: Коммерсантъ\n", 1)
    text = text.replace("publishedAt:", "people:\n- Павел Дуров\npublishedAt:", 1)
    text = text.replace("**Zdroj:** 📰 Livedoor.com", "**Zdroj:** 📰 Коммерсантъ")
    assert text.count("Коммерсантъ") == 3 and "- Павел Дуров\n" in text and "- Яндекс\n" in text
    path.write_text(text, encoding="utf-8", newline="")
    assert _positions(cli, path) == [_at(text, "Сбер")]
