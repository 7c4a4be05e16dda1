"""Lossless damage shapes of the mojibake repair (issue 13): small lines on which one code page's
reading used to be missed or mixed with another's. Inputs are made with ``tests/damage.py``."""

from __future__ import annotations

import pytest

from damage import SHAPES
from mdlint_news.mojibake import find_mojibake, quick_screen, repair_text


@pytest.mark.parametrize("line", [
    "Fast charging ⚡ in an hour.",
    "- ⚡ 22 kW",
    "⚡",
])
def test_cp437_emoji_led_by_gamma_is_screened_and_repaired(line):
    """CP437 reads E2 as Γ: ⚡ (E2 9A A1) is "ΓÜí", whose continuations are ordinary letters, so
    the Greek capital must open the screen by itself when a continuation follows it."""
    damaged = SHAPES["cp437"].damage(line)
    assert quick_screen(damaged)
    assert repair_text(damaged, None) == line


@pytest.mark.parametrize("text", ["Γιάννης Παπαδόπουλος", "ΓΕΝΙΚΗ ΓΡΑΜΜΑΤΕΙΑ", "Γάμμα Γ-διάταξη"])
def test_greek_capital_gamma_is_left_alone(text):
    assert find_mojibake(text, "el") == []
    assert find_mojibake(text, None) == []


@pytest.mark.parametrize("shape", ["cp1250", "iso-8859-2"])
@pytest.mark.parametrize("text", ["Jelínková Hrušková v.o.s.", "Jelínková Hrušková"])
def test_unknown_czech_names_are_read_in_one_alphabet(shape, text):
    """Windows-1250 and ISO-8859-2 explain the damage equally well and no word decides (names,
    no language given): a sign glued to a word (÷, ISO-8859-2's reading of Windows-1250's ˇ) is
    no letter, and letters that one language writes (á š) beat letters no single language writes
    together (å ť, Windows-1250's reading of ISO-8859-2's Ą)."""
    damaged = SHAPES[shape].damage(text)
    assert repair_text(damaged, None) == text
    assert repair_text(damaged, "cs") == text


@pytest.mark.parametrize("text,lang", [
    ("Kalvėnas.", "lt"), ("Petraitytė ir Kalvėnas", "lt"), ("Suprafața tradiționale", "ro"),
    ("Ștefan și Țara", "ro"),
])
def test_mac_roman_latin_extended_letters_alone_on_a_line(text, lang):
    """Mac Roman reads C4 as ƒ and C8 as »: ė (C4 97) is "ƒó", ț (C8 9B) "»õ". ƒ is the florin
    sign, no letter of a word, so "ƒó" does not read as ordinary letters; » glued between a letter
    and one of Mac Roman's continuations is no quotation mark."""
    damaged = SHAPES["mac-roman"].damage(text)
    assert quick_screen(damaged)
    assert repair_text(damaged, lang) == text
    assert repair_text(damaged, None) == text


@pytest.mark.parametrize("text", [
    "Sie nannte es »öffentlich« und »ölig«.", "Han sa »Hej» och »öppna»", "ƒ(x) = 2x bei ƒ/2.8",
    "Preis: ƒ 12,50", "«Très bien» à Genève, »ôte-toi«", "Der Begriff »Öl« ist alt",
])
def test_florin_and_guillemets_are_left_alone(text):
    for lang in ("de", "sv", None):
        assert find_mojibake(text, lang) == []


def test_german_quotes_stay_on_a_damaged_line():
    """A line repaired for another reason keeps its »öffentlich« (Mac Roman would read "»ö" as Ț)."""
    line = "Sie sagte »öffentlich« und meinte die Lösung für alle."
    damaged = line.replace("Lösung für", SHAPES["cp1252 browser (C1 kept)"].damage("Lösung für"))
    assert repair_text(damaged, "de") == line
    assert repair_text(damaged, None) == line


@pytest.mark.parametrize("text,lang", [
    ("Vote participer êtes distance octobre.", "fr"), ("Bilgin Şti.", "tr"), ("Şti.", "tr"),
    ("Vous êtes", "fr"),
])
def test_latin_through_windows_1251_glued_to_latin_letters(text, lang):
    """Windows-1251 reads ê (C3 AA) as "ГЄ" and Ş (C5 9E) as "Ећ": Cyrillic letters glued to
    Latin ones ("ГЄtes") are no word, whatever their own casing."""
    damaged = SHAPES["cp1251"].damage(text)
    assert quick_screen(damaged)
    assert repair_text(damaged, lang) == text
    assert repair_text(damaged, None) == text


@pytest.mark.parametrize("text", [
    "ГЄНЕРАЛ і ЄВРОПА", "Україна: ЄС", "Модель ГЄ-12 і Samsung", "Відео ЕЋ", "iPhone Є",
])
def test_cyrillic_capitals_are_left_alone(text):
    for lang in ("uk", None):
        assert find_mojibake(text, lang) == []


@pytest.mark.parametrize("text,lang", [
    ("Vous êtes", "fr"), ("Vote participer êtes distance octobre.", "fr"),
    ("Reino bons possui deixar milhões.", "pt"), ("O 1º lugar e a 2ª vez", "pt"),
    ("Satul clădirea către adevăr.", "ro"), ("Muzică adăugat", "ro"),
])
def test_double_windows_1252_of_ordinal_letters(text, lang):
    """ê õ read twice as Windows-1252 pass through ª µ (Ãª, Ãµ): ª and º are Latin letters and µ
    belongs to no script, so the first layer is no lonely letter of another script; ă passes
    through ƒ (Äƒ), Windows-1252's own letter, no rare one."""
    damaged = SHAPES["double cp1252"].damage(text)
    assert repair_text(damaged, lang) == text
    assert repair_text(damaged, None) == text


@pytest.mark.parametrize("shape", ["cp1252 browser (C1 kept)", "double cp1252"])
@pytest.mark.parametrize("text", ["- 出口xhttp。", "Tokyo。", "a 。"])
def test_cjk_full_stop_among_latin_letters(shape, text):
    """。 (E3 80 82) read as Windows-1252 is "ã€‚", three characters clean text also holds; glued
    together they open the screen."""
    damaged = SHAPES[shape].damage(text)
    assert quick_screen(damaged)
    assert repair_text(damaged, "zh") == text
    assert repair_text(damaged, None) == text


@pytest.mark.parametrize("text", ["Preço: 5€.", "São€ 5", "Fim‚ de"])
def test_euro_after_a_tilde_is_left_alone(text):
    for lang in ("pt", None):
        assert find_mojibake(text, lang) == []


@pytest.mark.parametrize("text,lang", [
    ("値段源高齢。 「Bある言葉」", "ja"), ("「Bある", "ja"), ("(유) 푸른테크", "ko"), ("💡 (유) 푸른테크", "ko"),
])
def test_second_layer_of_frequent_characters(text, lang):
    """Read as Windows-1250, then as Windows-1252: the first layer's repair ("ă€Ś", "ěś" + no-break
    space) holds only frequent characters, so the repaired line passes no screen; its repairs
    themselves still hold a lead and a continuation."""
    damaged = SHAPES["cp1250 then cp1252"].damage(text)
    assert repair_text(damaged, lang) == text
    assert repair_text(damaged, None) == text


@pytest.mark.parametrize("text,lang", [
    ("Rychlé nabíjení a sloučených příspěvků", "cs"), ("Jelínková Hrušková", "cs"),
    ("Română: sfârșitul și începutul", "ro"), ("Łódź, Śląsk i Škoda", "pl"),
])
def test_a_single_layer_is_not_read_twice(text, lang):
    for shape in ("cp1252 browser (C1 kept)", "cp1250", "iso-8859-2", "mac-roman"):
        damaged = SHAPES[shape].damage(text)
        assert repair_text(damaged, lang) == text, shape


@pytest.mark.parametrize("text,lang", [
    ("  delà\u00a0»", "fr"), ("Ünübol İzgü Fırat: “Çalışmalarına pasta”", "tr"),
    ("Il est allé au-delà\u00a0» et “Çal", "fr"),
])
def test_a_repair_is_not_read_again_as_another_script(text, lang):
    """A repaired "à\u00a0»" (E0 A0 BB) or Mac Roman's "“Ç" (D2 82) is no second layer."""
    for shape in ("cp1252 browser (C1 kept)", "cp1251", "cp437", "mac-roman"):
        damaged = SHAPES[shape].damage(text)
        assert repair_text(damaged, lang) == text, shape
        assert repair_text(damaged, None) == text, shape
