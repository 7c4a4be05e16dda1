"""Lossy damage shapes (no-break spaces, soft hyphens or undefined bytes lost): the lead a lost
byte leaves is read in the language of the line, whatever the profile's language.

Inputs are damaged with ``tests/damage.py`` from correct text written by hand."""

from __future__ import annotations

import pytest
from damage import lose, read_as

from mdlint_news.mojibake import find_mojibake, repair_text


def nbsp_lost(text: str) -> str:
    return lose(read_as(text, "cp1252"), nbsp=True)


def test_italian_line_with_only_ascii_words_left_is_read_as_italian():
    # every clean word of the line is ASCII, so no letter names Italian; its words do
    text = "Finta possibilità visto fattori ufficialmente campionato nella stagione."
    damaged = nbsp_lost(text)
    assert "Ã  " in damaged
    assert repair_text(damaged, "cs") == text


@pytest.mark.parametrize("text", [
    "Nejvyšší soud dnes rozhodl o další stížnosti vlády.",
    "Unavení z 5G? Qualcomm říká, že 6G bude tady ještě před koncem světa",  # "Unavenàz": no word
])
def test_czech_line_keeps_the_soft_hyphen_reading(text):
    # the same lead in a Czech line: í (C3 AD, soft hyphen lost), the space stays
    damaged = lose(read_as(text, "cp1252"), shy=True)
    assert "Ã " in damaged
    assert repair_text(damaged, "cs") == text


@pytest.mark.parametrize("text", [
    # Π is CE A0: "Î Î¯Î½..." is "Πίν..." (the lead was a Greek one not looked at)
    "Πίνακας πίσω διοργάνωση ξενοδοχείο.",
    # Р is D0 A0, Э is D0 AD: "Ð ада" reads "Рада" (no-break space lost) or "Э ада" (soft hyphen
    # lost), two known words that outscored the one word that is meant
    "Рада согласно общая доход напоминает поскольку групп всей.",
    # à is C3 A0: "vài" or "ví i", "chàng" or "chí ng" (known words all)
    "Anh ấy đã đi vài ngày với chàng trai trên tàu.",
])
def test_lead_that_lost_its_no_break_space_joins_its_word(text):
    damaged = nbsp_lost(text)
    assert damaged != read_as(text, "cp1252")
    assert repair_text(damaged, "cs") == text


def test_greek_epsilon_tonos_that_lost_its_soft_hyphen():
    # έ is CE AD: with the soft hyphen stripped, a lone Î is left inside the word
    text = "Θέλετε να έρθετε στη συνέντευξη της γραμματέας;"
    damaged = lose(read_as(text, "cp1252"), shy=True)
    assert len(damaged) < len(read_as(text, "cp1252"))
    assert repair_text(damaged, "cs") == text


def test_greek_letter_is_not_guessed_from_a_stripped_c1_byte():
    # a lone Ï between repaired Greek letters (the fixer's next pass over "ΣαÏÏÏŒÏ‚" of
    # "Σαρρός", 81 dropped): a line without C1 controls may be Latin-1 that lost every byte
    # 80-9F, which makes nearly every Greek small letter an option; no reading of it is sure
    for text in ("Σαρρός, Κουτσικόπουλος και Κόλλια", "Δεδούκου-Τριφτανίδου"):
        i = text.index("ρ") if "ρρ" in text else text.index("ύ")
        damaged = text[:i] + "Ï" + text[i + 1:]
        assert all(not r.confident for r in find_mojibake(damaged, "cs"))


def test_greek_two_letter_word_is_not_guessed_in_windows_1250():
    # ρ (CF 81) and σ (CF 83): both bytes are undefined in Windows-1250, "ρε" and "σε" both words
    text = ("Πλάτων Γουργουλής: «Αντίθετο ζητήματα τμήματα γενικά χτύπημα» Είμαστε εκπρόσωπος "
            "εξωτερικό ρε μιχάλης πόλεις ανάπτυξης new αγία επίπεδα γιά — 59\xa0% 👍🏽.")
    damaged = read_as(text, "cp1250", drop=True)
    assert repair_text(damaged, "cs", confident_only=True).count("σε") == 0


def test_vietnamese_o_hook_is_not_a_khmer_vowel_sign():
    # ỏ is E1 BB 8F (8F dropped): "há»i"; E1 9E BB would be a Khmer vowel sign, a mark of
    # another script that no Khmer letter carries here
    text = ("Phương Đức Đặng: “Lén quà hỏi cuốn” Quên cắp đặt mê tàn airlines thâm album sập. "
            "Bar đậy kháng nên ốm tặc – 34\xa0% ❤️.")
    damaged = read_as(text, "cp1252", drop=True)
    assert all("\u17bb" not in "".join(r.candidates) for r in find_mojibake(damaged, "cs"))


def test_romanian_line_that_opens_with_names_and_french_looking_words():
    # the languages asked besides the profile's are chosen on the line's lowercase words: its
    # first words (a name, "Mine origine bruxelles") would pick French and Italian
    text = ("Casiana Niță: „Mine origine bruxelles devenit” Astăzi își acestui plan Stan având. "
            "Eminescu arthur primește întregi lucra pornit.")
    damaged = read_as(text, "cp1257", drop=True)
    assert "Astăzi" in repair_text(damaged, "cs")


@pytest.mark.parametrize("text", [
    "Не знам дали има някакво значение в Брюксел.",  # Bulgarian: я (D1 8F) lost
    "Починаючи з понеділка я чекаю на відповідь.",  # Ukrainian: ю (D1 8E) lost
])
def test_cyrillic_line_is_scored_in_its_own_language_under_a_czech_prior(text):
    # Windows-1254 drops 8E and 8F. Windows-1252 (tried first) reads only a few of the line's
    # sequences and, seeing no clean word, kept the Czech prior; Windows-1254 reads the whole
    # line, whose repaired words are Bulgarian (Ukrainian): "нскакво", "починасчи" came back
    damaged = read_as(text, "cp1254", drop=True)
    assert repair_text(damaged, "cs") == text


def test_latvian_line_under_a_czech_prior_is_read_in_its_own_language():
    # ā is C4 81. The line's undamaged words are ASCII, so no letter names the language, and Czech
    # knows few of them: the languages asked instead must include Latvian, else the Czech reading
    # wins ("sarakstě těds", through Latin-1 with every C1 byte stripped: ě is C4 9B)
    text = "Parlamenta sieva sarakstā tāds svara jaunāko savai koncerts."
    damaged = read_as(text, "cp1252", drop=True)
    assert repair_text(damaged, "cs") == text


@pytest.mark.parametrize("text", ["Super ❤️ day", "Díky ❤️"])
def test_variation_selector_that_lost_a_byte_after_an_emoji(text):
    # ❤️ is E2 9D A4 + EF B8 8F; Windows-1252 drops 9D and 8F: "â¤ï¸". The VS16 slot (a lead
    # EF with one continuation, as a CJK lead reads) was dropped on a line with no other damage,
    # and "ï¸" stayed, unflagged, after the heart was repaired
    damaged = read_as(text, "cp1252", drop=True)
    assert "ï¸" in damaged
    assert repair_text(damaged, "cs") == text
    # and after an undamaged emoji (the heart repaired by hand, or never damaged)
    assert repair_text(damaged.replace("â¤", "❤"), "cs") == text


def test_stripped_capital_after_a_damaged_small_word_is_read_small():
    # Latin-1 with every C1 byte stripped: č (C4 8D) is a lone "Ä". After "celý" it starts a
    # lowercase word mid-sentence: the small letter. The word before is itself damaged ("celÃ½"),
    # and its last character "½" is no small letter: 'Č' won, in doubt
    text = "[Přečíst celý článek na Mashable](https://mashable.com/a)"
    damaged = read_as(text, "latin-1", c1=False)
    assert "celÃ½ Äl" in damaged
    assert repair_text(damaged, "cs", confident_only=True) == text


@pytest.mark.parametrize("text", [
    "Исследование показало, что Иванов прав.",
    "Мы были в Измаиле вчера, и Исаков сказал нам это.",
])
def test_windows_1251_that_dropped_its_undefined_byte(text):
    # Windows-1251 leaves one byte undefined, 98: И is D0 98, so "И" read and dropped leaves
    # a lone "Р" (D0), a Cyrillic letter itself: "Рсследование", "Рванов" were left, unflagged
    damaged = read_as(text, "cp1251", drop=True)
    assert "РСЃ" in damaged or "РР" in damaged
    assert repair_text(damaged, "cs") == text
    assert repair_text(damaged, None) == text


@pytest.mark.parametrize("text", ["株式会社小林銀行の報告", "田中さんの場合は宣伝戦争。", "노력 언젠가"])
def test_cjk_character_whose_middle_byte_was_a_no_break_space(text):
    # 株 is E6 A0 AA: read as Windows-1252 its middle byte is a no-break space, which the
    # pipeline made a space ("æ ª"); a lead, a space, a continuation, between CJK characters
    # (젠 is EC A0 A0: "ì  ", two spaces)
    damaged = nbsp_lost(text)
    assert " " in damaged
    assert repair_text(damaged, "cs") == text


def test_french_quote_on_a_line_with_japanese_is_not_a_cjk_character():
    # "é «" is a lead, a space, a continuation too (E9 A0 AB would be 頫): only glued to CJK
    # text is it one; the damage elsewhere on the line is repaired, the quote stays
    line = "東京 café « noir » の報告 Ã©tÃ©"
    assert repair_text(line, "fr") == "東京 café « noir » の報告 été"
