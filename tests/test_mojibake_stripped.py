"""Damage an article shows as a whole and a field or line alone may not (``mojibake.article_shape``):
UTF-8 read as Latin-1 with every C1 control stripped (tests/damage.py: "latin-1 C1 stripped":
every continuation byte 80-9F is lost; alone, a line often cannot tell it from Windows-1252), and
read as Windows-1257 with its undefined bytes dropped (every emoji loses 9F: "š’" is 💡).
``textrepair.scan`` then reads every field and line that way. What cannot be repaired is
reported, never left silent."""

from __future__ import annotations

import pytest

from damage import SHAPES
from mdlint_news import textrepair
from mdlint_news.mojibake import article_shape, DROPPED_1257, find_mojibake, STRIPPED_SHAPE

STRIP = SHAPES["latin-1 C1 stripped"].damage
ARTICLE = """---
title: "Umělá inteligence: přečtěte si celý článek"
original_title: "Here’s what’s changing – and why"
tags: ["Umělá inteligence"]
category_cs: "Umělá inteligence"
importance_emoji: "🔥"
importance_name: "KRITICKÁ"
---

Přečíst celý článek: „Korun muže vzal hráčů bílá“ a kožené řidičské rukavice.
"""
LANGS = {"title": "cs", "original_title": "en", "body": "cs"}


def _apply(text: str, damages) -> str:
    edits = sorted((e for d in damages if not d.refused for e in d.edits), key=lambda e: e.start)
    out, pos = [], 0
    for e in edits:
        out.append(text[pos:e.start])
        out.append(e.content)
        pos = e.end
    return "".join(out) + text[pos:]


def test_the_article_shows_the_stripped_shape_and_clean_or_other_damage_does_not():
    assert article_shape(STRIP(ARTICLE)) == STRIPPED_SHAPE
    assert article_shape(ARTICLE) is None
    assert article_shape(SHAPES["cp1252 browser (C1 kept)"].damage(ARTICLE)) is None
    assert article_shape(SHAPES["cp1252 undefined dropped"].damage(ARTICLE)) is None
    for other in ("mac-roman", "cp437", "cp1257 undefined dropped"):
        assert article_shape(SHAPES[other].damage(ARTICLE)) != STRIPPED_SHAPE, other
    # German, Swedish, Portuguese, Icelandic capitals and letters are no sign of it
    assert article_shape("Ärger über SÃO Paulo, Åsa og með þér, l’âge d’or, café»") is None


def test_a_field_without_a_language_is_read_as_the_article_shows():
    """``tags.0`` has no language in the profile: alone, Windows-1252 offered 'Ā' for 'Ä'."""
    damaged = STRIP(ARTICLE)
    fixed = _apply(damaged, textrepair.scan(damaged, LANGS))
    assert 'tags: ["Umělá inteligence"]' in fixed
    assert 'category_cs: "Umělá inteligence"' in fixed


def test_a_capital_after_a_damaged_small_word_is_read_small():
    """"celÃ½ Älánek": the word before is read back as UTF-8 ("celý"), so 'č', not 'Č'."""
    rs = find_mojibake(STRIP("Přečíst celý článek na"), "cs", encodings=("latin-1",), shape=STRIPPED_SHAPE)
    assert [r.replacement for r in rs if r.original == "Ä" and r.confident] == ["č"]


def test_nothing_damaged_is_left_silent():
    """Every field and paragraph the damage touched is reported, repaired or not: the emoji that
    lost two bytes, the capital that lost its second byte, dashes and quotes that lost both."""
    damaged = STRIP(ARTICLE)
    found = textrepair.scan(damaged, LANGS)
    labels = {d.label for d in found}
    assert {"importance_emoji", "importance_name", "original_title", textrepair.BODY} <= labels
    fixed = _apply(damaged, found)
    again = textrepair.scan(fixed, LANGS)  # the fixer's next pass: what is left is still reported
    left = {d.label for d in again}
    for line in fixed.split("\n"):
        if line != ARTICLE.split("\n")[fixed.split("\n").index(line)]:
            key = line.split(":", 1)[0]
            assert key in left or textrepair.BODY in left, line


def test_an_emoji_that_lost_two_bytes_is_reported_with_candidates_not_guessed():
    rs = find_mojibake("emoji: " + STRIP("🔥"), None, encodings=("latin-1",), shape=STRIPPED_SHAPE)
    assert len(rs) == 1 and not rs[0].confident and rs[0].replacement == rs[0].original
    assert "🔥" in rs[0].candidates
    # ... and is repaired when the article shows exactly one of its readings undamaged
    rs = find_mojibake("emoji: " + STRIP("🔥"), None, encodings=("latin-1",), shape=STRIPPED_SHAPE,
                       hints=frozenset("🔥"))
    assert rs[0].confident and rs[0].replacement == "🔥"


@pytest.mark.parametrize("text,lang", [("Hereâs whatâs changing", "en"), ("la pâte", "fr")])
def test_a_lone_e2_is_only_looked_at_in_an_article_of_that_shape(text, lang):
    assert find_mojibake(text, lang) == []


def test_a_lone_e2_is_reported_in_an_article_of_that_shape_and_a_french_a_stays():
    rs = find_mojibake(STRIP("“Nick five united” and it’s here"), "en", encodings=("latin-1",), shape=STRIPPED_SHAPE)
    assert len(rs) == 3
    assert find_mojibake(STRIP("l’âge d’or"), "fr", encodings=("latin-1",), shape=STRIPPED_SHAPE)[-1].replacement == "â"
    assert all(r.replacement != "–" for r in find_mojibake(STRIP("l’âge d’or"), "fr", encodings=("latin-1",),
                                                           shape=STRIPPED_SHAPE))


@pytest.mark.parametrize("clean", ["Ärger über den Ölpreis", "SÃO PAULO", "Åsa och Örjan", "með þér",
                                   "la pâte et l’âge", "café»", "È un giorno"])
def test_clean_text_is_left_alone_without_the_article_shape(clean):
    assert find_mojibake(clean, None) == []
    assert textrepair.scan(f"---\ntitle: {clean}\n---\n\n{clean}\n", {}) == []


DROP_1257 = SHAPES["cp1257 undefined dropped"].damage


def test_an_article_read_as_windows_1257_with_its_undefined_bytes_dropped_is_told():
    assert article_shape(DROP_1257(ARTICLE)) == DROPPED_1257
    assert article_shape(SHAPES["cp1257"].damage(ARTICLE)) is None  # kept as C1 controls: lossless
    # Lithuanian and Latvian text is no sign of it
    assert article_shape("Šiaip įdomu: šis ā ir Ā, Ć ir Ä ir Å. Ćwiczenia, Ärger") is None


def test_emoji_that_lost_bytes_through_windows_1257_are_reported_not_left_silent():
    """The emoji fields and the title's emoji: "š”" (🔥 lost 9F and A5) was left as it was,
    with exit 0; one that only one emoji can have left ("šˇ®", 🎮) is repaired."""
    text = ARTICLE.replace("🔥", "🔥").replace("KRITICKÁ\"", "KRITICKÁ\"\ncategory_emoji: \"🎮\"")
    damaged = DROP_1257(text)
    found = textrepair.scan(damaged, LANGS)
    labels = {d.label for d in found}
    assert {"importance_emoji", "category_emoji"} <= labels
    game = next(d for d in found if d.label == "category_emoji")
    assert [e.content for e in game.edits] == ["🎮"]
    emoji = next(d for d in found if d.label == "importance_emoji")
    assert emoji.doubtful and not emoji.edits
    # (written once 🔥's reading is chosen: until then the article is not fixed in part)
    chosen = damaged.replace('importance_emoji: "š”"', 'importance_emoji: "🔥"')
    assert 'category_emoji: "🎮"' in _apply(chosen, textrepair.scan(chosen, LANGS))


def test_lithuanian_words_stay_in_an_article_of_that_shape():
    """Only a lead standing as a token of its own is a residue, and a doubtful one: reported, kept."""
    rs = find_mojibake("Šis straipsnis – apie šį ir āzi, š ir ā", "lt", shape=DROPPED_1257)
    assert [r.original for r in rs] == ["š", "ā"] and not any(r.confident for r in rs)


def test_a_fix_never_leaves_a_residue_in_doubt_among_clean_text():
    """⚡ through Windows-1257 is a lone "ā" (E2 9A A1: both continuations undefined), damage only
    because the rest of the article shows the shape. Repairing the rest would leave it among
    clean text, where the next check sees nothing: the article is not fixed in part, and the
    check after the fix still reports it."""
    from mdlint_news import api
    from mdlint_news.config import Settings

    nl7 = Settings(cli_select=["NL7"])
    damaged = DROP_1257(ARTICLE.replace("🔥", "⚡"))
    assert 'importance_emoji: "ā"' in damaged
    before = api.lint_text(damaged, config=nl7)
    result = api.fix_text(damaged, config=nl7)
    after = api.lint_text(result.text, config=nl7)
    assert any("'ā'" in d.message for d in after), [d.message for d in after]
    assert any("choose their reading first" in d.message for d in before)


def test_the_check_after_a_fix_still_sees_the_residues_of_two_characters():
    """Repaired, this article would leave "š’" twice (💡 or 22 other emoji) and no character the
    screen stops on: the check's fast path would read no further. It is not fixed in part."""
    from mdlint_news import api
    from mdlint_news.config import Settings

    nl7 = Settings(cli_select=["NL7"])
    damaged = DROP_1257(ARTICLE.replace("🔥", "💡").replace("rukavice.", "rukavice 💡."))
    assert damaged.count("š’") == 2
    result = api.fix_text(damaged, config=nl7)
    after = api.lint_text(result.text, config=nl7)
    assert sum("'š’' is damaged" in d.message for d in after) == 2, [d.message for d in after]


@pytest.mark.parametrize("clean", [
    # Romanian: the spelling reform's letter, twice ("litera â în"), then â inside words
    "Reforma din 1993 a reintrodus litera â în interiorul cuvintelor, iar litera â nu apare la "
    "început. Pâine, gât, târg și întâlniri.",
    "Chữ â và ê trong tiếng Việt; chữ â khi gõ Telex.",  # Vietnamese
    "»Viel Spaß« und »groß« – Straße.",  # German: ß before a guillemet
    "«CAMPEÃO» e «CAMPEÃ» na câmara.",  # Portuguese capitals before a guillemet
    "The sound [ð] as in [ð]is; Icelandic með» and ð.",  # IPA and Icelandic
    "Raidė „š“ ir „š“, š. m. birželio mėn.; latviešu „ā” un „ā”.",  # a quoted letter
    "„CHCĘ BYĆ” i „MOŻESZ MIEĆ…”.",  # Polish capitals before a quote
])
def test_clean_text_does_not_show_an_article_shape(clean):
    """What the shapes leave of punctuation and emoji is no sign of them: clean text holds it
    (found by red-teaming bb56d2f: "gât" became "g’t" once "litera â" twice made the shape)."""
    article = (f"---\ntitle: {clean[:40]!r}\n---\n\n{clean}\n\n```\nMontrÃ©al SÃ£o PÅ™Ã­klad\n```\n\n{clean}\n"
               f"\nShown as code:\n\n    SÃ£o JoÃ£o\n    GuimarÃ£es\n")
    assert article_shape(article.replace("    S", "S").replace("    G", "G"), "cs") is not None  # (the signs)
    assert article_shape(article, "cs") is None and article_shape(article, None) is None
    found = textrepair.scan(article.split("\nShown as code:")[0], LANGS)
    assert _apply(article.split("\nShown as code:")[0], found) == article.split("\nShown as code:")[0]
