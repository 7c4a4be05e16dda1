"""The classifier of ``tests/damage.py`` that the encoding benchmark uses for its ceiling: which
damaged files no repair can restore for sure (a lossy shape damaged some character to the text
of another, as plausible one), and which are recoverable in principle."""

from __future__ import annotations

import pytest

from damage import SHAPES, ambiguities, lost_alternatives

DROPPED = "cp1252 undefined dropped"
STRIPPED = "latin-1 C1 stripped"
LOSSY = [name for name, shape in SHAPES.items() if shape.lossy]


def test_an_emoji_with_a_lost_byte_and_no_copy_is_ambiguous():
    # 🌐 is F0 9F 8C 90: 0x90 dropped leaves ðŸŒ, what 🌁 🌍 🌏 🌝 (8C 81/8D/8F/9D) leave too
    assert {"🌁", "🌍", "🌏", "🌝"} <= set(lost_alternatives("🌐", DROPPED))
    found = ambiguities("source: 🌐 Novinky\n\nText článku.\n", DROPPED, ("cs", "en"))
    assert [(a.cause, a.char) for a in found] == [("emoji/symbol with a lost byte, no copy", "🌐")]
    assert found[0].alt in lost_alternatives("🌐", DROPPED)


def test_an_undamaged_copy_of_the_emoji_settles_it():
    clean = "source: 🌐 Novinky\n\nText článku.\n"
    kept = SHAPES[DROPPED].damage(clean) + "\n**Zdroj:** 🌐 Novinky\n"  # the footer escaped the damage
    assert ambiguities(clean, DROPPED, ("cs", "en"), damaged=kept) == []


def test_an_undamaged_copy_of_another_reading_settles_nothing():
    clean = "source: 🌐 Novinky\n"
    misleading = SHAPES[DROPPED].damage(clean) + "\n**Zdroj:** 🌍 Novinky\n"
    assert [a.char for a in ambiguities(clean, DROPPED, ("cs", "en"), damaged=misleading)] == ["🌐"]


def test_a_byte_the_shape_keeps_loses_nothing():
    # é is C3 A9: both bytes defined in Windows-1252, Ã© is é and nothing else
    assert lost_alternatives("é", DROPPED) == ()
    assert ambiguities("Café, résumé, élan.", DROPPED, ("fr", "en")) == []


def test_a_letter_with_two_readings_that_are_both_words_is_ambiguous():
    # Á is C3 81: 0x81 dropped leaves Ã, as Ý (C3 9D) does; KRITICKÁ and KRITICKÝ are Czech words
    found = ambiguities("KRITICKÁ chyba", DROPPED, ("cs",))
    assert [(a.cause, a.char, a.alt, a.word, a.reading) for a in found] == \
        [("word alternative", "Á", "Ý", "KRITICKÁ", "KRITICKÝ")]


@pytest.mark.parametrize("text", ["kritická chyba", "často", "Kučerová", "ČAS"])
def test_a_czech_word_with_one_reading_is_recoverable(text):
    # lowercase á (C3 A1) keeps its bytes; č and Č lose theirs when C1 is stripped, but no other
    # letter of their case makes a Czech word, and a case variant is no reading
    assert any(lost_alternatives(c, STRIPPED) for c in text) == (text != "kritická chyba")
    assert ambiguities(text, STRIPPED, ("cs",)) == []


def test_a_dash_for_a_dash():
    # – and — are E2 80 93 and E2 80 94: with C1 stripped both are â
    assert [(a.cause, a.char, a.alt) for a in ambiguities("To je — nevím.", STRIPPED, ("cs",))] == \
        [("dash for a dash", "—", "–")]
    assert ambiguities("To je — nevím.", DROPPED, ("cs",)) == []  # 0x93, 0x94 defined in cp1252


def test_lost_no_break_spaces_and_soft_hyphens_lose_no_character():
    # a space where a lead byte wants a continuation can only be 0xA0; a lost 0xAD only 0xAD
    for c in "\u00a0àíĭ":
        assert lost_alternatives(c, "cp1252 NBSP lost") == ()
        assert lost_alternatives(c, "cp1252 SHY lost") == ()


@pytest.mark.parametrize("shape", LOSSY)
def test_an_alternative_damages_the_whole_text_the_same(shape):
    # the classifier's premise: a character's damage is its own (the shape works character by
    # character), so replacing it by an alternative leaves the damaged file unchanged
    clean = "KRITICKÁ — 🌐 Kučerová Ťažký ĄĘ Мы сказали 漢字 ölçü\u00a0text"
    damaged = SHAPES[shape].damage(clean)
    for i, c in enumerate(clean):
        for alt in lost_alternatives(c, shape)[:8]:
            assert SHAPES[shape].damage(clean[:i] + alt + clean[i + 1:]) == damaged


@pytest.mark.parametrize("shape", [name for name, shape in SHAPES.items() if not shape.lossy][:4])
def test_a_lossless_shape_has_no_ambiguity(shape):
    clean = "KRITICKÁ — 🌐 Kučerová"
    assert all(lost_alternatives(c, shape) == () for c in clean)
    assert ambiguities(clean, shape, ("cs",)) == []


def test_an_emoji_in_a_sequence_is_not_counted():
    # 👍 (F0 9F 91 8D) loses 0x8D as 🍑 (F0 9F 8D 91) does, but 🍑 takes no skin tone
    assert "🍑" in lost_alternatives("👍", DROPPED)
    assert [a.alt for a in ambiguities("Palec 👍 nahoru", DROPPED, ("cs",))] == ["🍑"]
    assert ambiguities("Palec 👍🏽 nahoru", DROPPED, ("cs",)) == []


def test_a_rare_symbol_or_no_emoji_is_no_reading():
    # ⚡ (E2 9A A1) loses 0x9A in Windows-1257 and reads as ⌁ (E2 8C 81, wordfreq: more than ten
    # times rarer, no emoji) as well as ☃ or ✈ (emoji, about as frequent): only these count
    shape = "cp1257 undefined dropped"
    assert {"⌁", "☃", "✈"} <= set(lost_alternatives("⚡", shape))
    alts = {a.alt for a in ambiguities("Blesk ⚡", shape, ("cs",))}
    assert alts and "⌁" not in alts


def test_a_case_fold_is_no_other_reading():
    # π (CF 80) loses 0x80 with C1 stripped as ϖ (CF 96) does; wordfreq case-folds ϖ to π, so
    # περιπτώσεις with ϖ "is" a word: a variant of the same letter, not another reading
    assert "ϖ" in lost_alternatives("π", STRIPPED)
    assert ambiguities("περιπτώσεις", STRIPPED, ("el",)) == []


def test_han_is_read_in_the_longest_word_around_it():
    # 吉 (E5 90 89) loses 0x90 as 前 (E5 89 8D) loses 0x8D: 吉田 and 前田 are both names; the
    # reading is judged as a word of two characters, as the true one is
    found = ambiguities("物語吉田です", DROPPED, ("ja",))
    assert [(a.char, a.alt, a.reading) for a in found] == [("吉", "前", "物語前田です")]
