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

