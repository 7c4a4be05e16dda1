"""Code-page hypotheses of the mojibake repair (issue 13, "Hypotheses"): every damage shape of
``tests/damage.py`` on lines in Czech, Lithuanian, Russian, Bulgarian, Polish, German, French and
Turkish is repaired byte for byte, by the library and by ``news-lint --fix`` on a whole article
damaged as written; correct text in the scripts these code pages share is left alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support import ARTICLE_NAME, VALID_BODY, article_text
from damage import SHAPES
from mdlint_news.mojibake import find_mojibake, repair_text

LINES = {
    "cs": "Během jednání se ministři shodli, že „spolupráce“ bude pokračovat – řekl mluvčí ČEZ.",
    "lt": "Šiaip įdomu, kad Lietuvos žmonės šiandien švenčia valstybės dieną.",
    "ru": "Министр иностранных дел заявил, что переговоры продолжатся в Москве.",
    "bg": "Правителството обяви нови мерки за икономиката на България.",
    "pl": "Rząd ogłosił, że współpraca będzie kontynuowana – powiedział rzecznik.",
    "de": "Die Bundesregierung äußerte sich über die Lösung für Überstunden.",
    "fr": "Le ministre a déclaré que la coopération était « très importante » à Genève.",
    "tr": "Dışişleri Bakanı, işbirliğinin güçlendirileceğini söyledi.",
}

# Left for later (listed, not hidden): Cyrillic through Latin-1 with every C1 byte stripped loses
# the second byte of most letters (р с т у ф х ц ч ш щ ъ ы ь э ю я are D1 80-8F): whole words of
# lost bytes, beyond a per-word model.
NOT_YET = {("latin-1 C1 stripped", "ru"), ("latin-1 C1 stripped", "bg")}
# Known misses of the scoring (not of the code-page hypotheses), strict: they fail loudly when fixed.
SCORING: dict[tuple[str, str], str] = {}

CASES = [pytest.param(shape, lang, marks=[pytest.mark.xfail(reason=SCORING[shape, lang], strict=True)]
                      if (shape, lang) in SCORING else [])
         for shape in SHAPES for lang in LINES
         if SHAPES[shape].damage(LINES[lang]) != LINES[lang] and (shape, lang) not in NOT_YET]


@pytest.mark.parametrize("shape,lang", CASES)
def test_damaged_line_is_repaired_byte_exact(shape, lang):
    """Repaired byte for byte; a repair is left to the user (not confident) only where the bytes
    are truly gone: a dash that lost two bytes is – or — (the right one is then a candidate)."""
    line = LINES[lang]
    damaged = SHAPES[shape].damage(line)
    assert repair_text(damaged, lang) == line
    for r in find_mojibake(damaged, lang):
        assert r.confident or (r.original == "â" and set(r.candidates[:2]) == {"–", "—"}), r


NEGATIVES = [
    "SĂPTĂMÂNĂ TRECUTĂ", "Titlu: SĂPTĂMÂNĂ DE FOC", "SFÂRȘITUL LUMII", "ÎN ROMÂNIA", "ÎNTÂLNIRE LA SFÂRȘITUL SĂPTĂMÂNII",
    "SELKÄ\u00a0ja vatsa", "KIPEÄ SELKÄ\u00a0", "Pii: √π ≈ 3,14", "√π", "Ärger im Amt", "SÃO PAULO", "Âge moyen",
    "Åsa Larsson", "ŁÓDŹ I ŻÓŁW", "ŚWIĘTO NIEPODLEGŁOŚCI", "İSTANBUL ÇOK GÜZEL, DOĞU", "ŐSZI ÜNNEP, ÁRVÍZTŰRŐ",
    "ŠKODA AUTO", "ČESKÁ REPUBLIKA", "România și Ucraina", "Всё хорошо, ещё раз: Україна їде",
    "ESPAÑA Y PEÑA", "Ελληνικά νέα", "Lietuvos ŽMONĖS ŠVENČIA", "Žinios — ĮDOMU", "a ≥ b, α ≤ β, µ ± σ",
    # Macedonian and Serbian capitals read as Windows-1251 decode to rare Latin Extended-B letters
    # (ИЈ C8 A3 = ȣ, ЖЈ = ƣ, ЕЊ = Ō) and a capital before a no-break space to Š (Е + A0 = C5 A0);
    # a run of such pieces reads as ordinary text, each piece alone too
    "МАКЕДОНИЈА ОРУЖЈЕ\u00a0ПРИТОА ИЗЈАВА", "ГУБЕЊЕ\u00a0ЛОКАЛНИОТ СУДЕЊЕ\u00a0БАРАЊЕ\u00a0ЧЕКАШ",
    "ПОМЕЃУ\u00a0ЗЕМЈАВА БОГАТСТВО\u00a0МОЖНО", "СЕКОЕ\u00a0НОВО СЛОЈ ИНТЕРВЈУ\u00a0АРСЕНАЛ",
    "ЦРНА ВЕЌЕ\u00a0ФАТАМ\u00a0СУДИРИ", "Мислев\u00a0Јадат Потполно", "СТРАТЕГИЈА\u00a0ЗАДОВОЛНИ",
    "ЉУБЉАНА И ЊЕГОШ, ЂОРЂЕ\u00a0ЏАЈИЋ",
]


@pytest.mark.parametrize("text", NEGATIVES)
@pytest.mark.parametrize("lang", ["cs", None])
def test_correct_text_is_left_alone(text, lang):
    assert find_mojibake(text, lang) == []


def _article(line: str) -> str:
    body = VALID_BODY.replace("Podrobnější text článku.", line)
    return article_text(body=body)


CLI_SHAPES = ["cp1252 browser (C1 kept)", "latin-1 (C1 kept)", "cp1251", "cp1257", "iso-8859-2", "cp437",
              "double cp1252", "cp1250 then cp1252", "latin-1 C1 stripped", "cp1252 undefined dropped"]
# The body of the test article is Czech; a foreign line in it that lost bytes is read with the
# model of the line's own language (detected from its undamaged words).
CLI_CASES = [pytest.param(s, lang, marks=[pytest.mark.xfail(reason=SCORING[s, lang], strict=True)]
                          if (s, lang) in SCORING else [])
             for s in CLI_SHAPES for lang in ("cs", "lt", "ru", "pl", "de", "fr", "tr") if (s, lang) not in NOT_YET]


@pytest.mark.parametrize("shape,lang", CLI_CASES)
def test_cli_fix_repairs_the_body_of_a_damaged_article(tmp_path, shape, lang):
    """The whole file text damaged as written (front matter too), saved as UTF-8: ``--fix`` gives
    the body back byte for byte (the front matter may not parse: another part of issue 13)."""
    # a dash that lost both its bytes (E2 80 93 with 80-9F stripped) is shown, not fixed: – or —
    line = LINES[lang].replace(" – ", ", ") if shape == "latin-1 C1 stripped" else LINES[lang]
    text = _article(line)
    damaged = SHAPES[shape].damage(text)
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(damaged.encode("utf-8"))
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--fix", "--select", "mojibake",
                           str(path)], capture_output=True, text=True, encoding="utf-8", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    fixed = path.read_bytes().decode("utf-8")
    if SHAPES[shape].lossy:  # the footer's emoji lost two bytes to the stripping: not this part
        assert text.split("\n")[text.split("\n").index(line)] in fixed.split("\n")
    else:
        assert fixed.split("\n---\n", 1)[1] == text.split("\n---\n", 1)[1]


@pytest.mark.parametrize("lang", ["cs", None])
def test_lost_byte_of_a_cyrillic_letter_is_ranked_with_cyrillic_letter_frequencies(lang):
    """Through Windows-1257 with its undefined bytes dropped, П (D0 9F) and С (D0 A1) keep only
    their lead Š, which has twelve readings; the few kept for scoring are ranked by letter
    frequency, and a Cyrillic letter's is Russian's, not the Czech profile's (where every
    Cyrillic letter is equally unknown, and byte order kept Ё Ѓ Ј Њ Ќ А, never П or С)."""
    line = "Президент ИЗВЕСТИЯ заявил."
    damaged = SHAPES["cp1257 undefined dropped"].damage(line)
    assert repair_text(damaged, lang) == line


@pytest.mark.parametrize("shape,line", [
    ("cp1257", "Here’s what’s new"),  # ā€™: the lead ā (E2) before frequent continuations only
    ("cp1257 undefined dropped", "Umělá inteligence"),  # UmělĆ: á (C3 A1) lost its A1
    ("cp1257 undefined dropped", "importance_name: \"KRITICKÁ\""),  # Á (C3 81) lost its 81
])
def test_windows_1257_damage_alone_on_a_line_passes_the_screen(shape, line):
    """A line whose only damage is Windows-1257's ā€™ or a lone Ć is examined (and repaired)."""
    assert repair_text(SHAPES[shape].damage(line), "cs") == line


def test_emoji_that_lost_a_byte_is_not_read_as_a_rare_script():
    """💼 (F0 9F 92 BC) through Windows-1257 with 9F dropped is "š’¼"; F0 92 + a lost byte + BC
    also decodes (cuneiform 𒐼), but no news text holds that script."""
    line = "Kategorie: 💼 Práce a kariéra"
    damaged = SHAPES["cp1257 undefined dropped"].damage(line)
    assert "𒐼" not in repair_text(damaged, "cs")
    assert all(r.replacement != "𒐼" for r in find_mojibake(damaged, "cs"))


# Lines of the generated benchmark articles that came back wrong and unflagged (issue 13,
# encoding_bench: iso-8859-2 65.9 %, mac-roman 86.4 %). ISO-8859-2 and Windows-1250 both read
# every run of these lines losslessly but differently (ĂŠ is é in ISO-8859-2, Ê in Windows-1250;
# Ăľ õ or þ; Âť » or a C1 control); Mac Roman's √ + a math sign is one letter inside a word.
TIE_LINES = [
    ("iso-8859-2", "fr", "Les gens aiment le nouveau matériel."),
    ("iso-8859-2", "hu", "- Joe nézel most farkas név hagyd."),
    ("iso-8859-2", "pt", "Os dados mostram que o governo pode deixar milhões."),
    ("iso-8859-2", "sk", "  name: Jánoš Hudec v.o.s."),
    ("iso-8859-2", "lv", "Gunārs Saulīte: «Manu mājaslapā» Cenas pilī palicis."),
    ("iso-8859-2", "cs", "pokémon-go-harvest-festival-2025-pokémon-go-hub"),
    ("iso-8859-2", "vi", "Hoàng xét cháy tràn."),
    ("iso-8859-2", "vi", "  name: Lê Mai Công ty Hợp danh"),  # ợ, not Tagbanwa ᝣ (a script absent from the line)
    ("mac-roman", "de", "- Frage ermöglicht förderung haut halte ja funktion fahrzeug."),
    ("mac-roman", "es", "- Par experiencias quieren cierto pareció."),
    ("mac-roman", "es", "- Ministro agosto película acto."),
    ("mac-roman", "es", "- Palabra conocimiento adelante Roman aumentar aunque durante formación dormir."),
    # a sign or a combining mark inside a word is no letter: ÷ for á (Ăˇ: ˇ is A1 in Windows-1250,
    # B7 in ISO-8859-2), ̩ for é (encoding_bench: the tie-break above preferred them to letters)
    ("cp1250", "cs", "  - Jelínková Hrušková"),
    ("cp1250", "hu", "Most állnak magától, korábbi."),
    ("cp1252 browser (C1 kept)", "fr", "Le projet est terminé, dit le propriétaire."),
    ("cp1254", "fr", "Le projet est terminé, dit le propriétaire."),
]


@pytest.mark.parametrize("shape,lang,line", TIE_LINES)
@pytest.mark.parametrize("prior", ["cs", "own"])
def test_the_reading_with_the_language_s_letters_wins(shape, lang, line, prior):
    """The code page whose reading the language knows (words, then letters in their context, a
    capital never inside a lowercase word, no control character) wins a tie."""
    damaged = SHAPES[shape].damage(line)
    assert repair_text(damaged, lang if prior == "own" else "cs") == line


@pytest.mark.parametrize("line", [
    "  – Adams-Nixon",
    "original_title: Aktien stehe mach getragen zustand team – Butte GmbH & Co. OHG",
    "original_title: Miesto kitam baigti kauno specialiai teismo kaune – Povilonis LLC",
])
@pytest.mark.parametrize("lang", ["cs", None])
def test_cp437_dash_alone_on_a_line_is_repaired(line, lang):
    """CP437 reads – (E2 80 93) as "ΓÇô": a Greek capital glued to Latin letters is no ordinary
    word, so the run needs no other evidence on the line (it was flagged, never fixed)."""
    damaged = SHAPES["cp437"].damage(line)
    assert repair_text(damaged, lang) == line
