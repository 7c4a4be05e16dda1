"""mdlint_news.mojibake: detection and repair of mojibake, lossless and with lost bytes.

Expected values are the correct Czech / English texts, written by hand; damaged inputs are made
from them the way the pipelines damage text (UTF-8 bytes decoded with the wrong code page, then
undefined bytes dropped, soft hyphens stripped, no-break spaces turned into spaces).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mdlint_news.mojibake import ENCODINGS, Repair, apply_repairs, find_mojibake, quick_screen, repair_text

DATA = Path(__file__).parent / "data" / "mojibake"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_58abeca56bfa6fda.txt"
_PY = {"cp1252": "cp1252", "cp1254": "cp1254", "cp1250": "cp1250", "latin-1": "latin-1", "mac-roman": "mac_roman"}


def damage(text: str, codec: str, *, drop: bool = False, shy: bool = False, nbsp: bool = False) -> str:
    """UTF-8 bytes read with ``codec``; an undefined byte is dropped or kept as its C1 control."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(_PY[codec]))
        except UnicodeDecodeError:
            if not drop:
                out.append(chr(b))
    s = "".join(out)
    if shy:
        s = s.replace("\u00ad", "")
    if nbsp:
        s = s.replace("\u00a0", " ")
    return s


def seed_path(text: str) -> str:
    """The seed's damage: UTF-8 read as Windows-1254, undefined bytes dropped, soft hyphens stripped."""
    return damage(text, "cp1254", drop=True, shy=True)


def fix(text: str, language="cs") -> str:
    return apply_repairs(text, find_mojibake(text, language))


def check_invariants(text: str, repairs: list[Repair]) -> None:
    last = 0
    for r in repairs:
        assert r.start >= last, "repairs must be sorted and must not overlap"
        assert text[r.start:r.end] == r.original
        assert r.candidates and r.candidates[0] == r.replacement
        assert r.encoding in ENCODINGS
        if r.lossless:
            assert r.confident
        last = r.end


# ---------------------------------------------------------------------------------------------
# The real seed article
# ---------------------------------------------------------------------------------------------

SEED_VALUES = [
    # (damaged line as it is in the seed, the correct Czech)
    ("category: mezinÃ¡rodnÃ vztahy", "category: mezinárodní vztahy"),
    ("title: Indie a KazachstÃ¡n posilujÃ strategickÃ© vztahy na konferenci v AlmatÄ›",
     "title: Indie a Kazachstán posilují strategické vztahy na konferenci v Almatě"),
    ("description: Indie a KazachstÃ¡n potvrdily zÃ¡jem o prohloubenÃ dvoustrannÃ© spoluprÃ¡ce",
     "description: Indie a Kazachstán potvrdily zájem o prohloubení dvoustranné spolupráce"),
    ("  bÄ›hem konference v AlmatÄ› zamÄ›Å™enÃ© na mÄ›nÃcÃ se regionÃ¡lnÃ a globÃ¡lnÃ dynamiku.",
     "  během konference v Almatě zaměřené na měnící se regionální a globální dynamiku."),
    ("  Diskuze se toÄily kolem bezpeÄnosti, novÃ½ch technologiÃ a ekonomickÃ½ch vazeb v Eurasii.",
     "  Diskuze se točily kolem bezpečnosti, nových technologií a ekonomických vazeb v Eurasii."),
    ("  emoji: ğŸ“°", "  emoji: 📰"),
    ("## KlÃÄovÃ© body", "## Klíčové body"),
    ("## ProÄ je to dÅ¯leÅ¾itÃ©", "## Proč je to důležité"),
    ("- ÃšÄastnÃky byli diplomati, akademici i odbornÃci z think tankÅ¯ z obou zemÃ.",
     "- Účastníky byli diplomati, akademici i odborníci z think tanků z obou zemí."),
    ("**Zdroj:** ğŸ“° The Times of India", "**Zdroj:** 📰 The Times of India"),
]


@pytest.mark.parametrize("damaged,expected", SEED_VALUES)
def test_seed_lines(damaged, expected):
    repairs = find_mojibake(damaged)
    check_invariants(damaged, repairs)
    assert apply_repairs(damaged, repairs) == expected


@pytest.mark.skipif(not SEED.exists(), reason="shared seed not available")
def test_seed_lines_are_in_the_seed():
    seed = SEED.read_text(encoding="utf-8").split("\n")
    for damaged, _ in SEED_VALUES:
        assert damaged in seed


def test_seed_quote_phrase():
    line = ("Na konferenci v AlmatÄ› s nÃ¡zvem â€Indie a KazachstÃ¡n: BudovÃ¡nÃ partnerstvÃ v dobÄ› "
            "naruÅ¡enÃâ€œ obÄ› zemÄ› potvrdily")
    assert fix(line) == ("Na konferenci v Almatě s názvem „Indie a Kazachstán: Budování partnerství v době "
                         "narušení“ obě země potvrdily")
    # the opening quote needs Windows-1254 (byte 9E is undefined there, ž in Windows-1252)
    quote = [r for r in find_mojibake(line) if r.replacement == "„"]
    assert len(quote) == 1 and quote[0].encoding == "windows-1254" and not quote[0].lossless
    assert quote[0].confident


def test_seed_emoji_is_windows_1254():
    (r,) = find_mojibake("ğŸ“°")
    assert (r.start, r.end, r.replacement, r.encoding, r.lossless) == (0, 4, "📰", "windows-1254", True)


def test_seed_casing_and_word_priors():
    # bÃ½valÃ: the lost byte after Ã could give í, Í, Á, Ý ...; a capital inside a word is unlikely
    assert fix("patÅ™ili bÃ½valÃ velvyslanci") == "patřili bývalí velvyslanci"
    # ÄŒÃst: "ČÁst" would be the frequent word "část" but with impossible casing
    (first, second) = find_mojibake("[ÄŒÃst pÅ¯vodnÃ ÄlÃ¡nek](https://example.com)")[:2]
    assert first.replacement == "Čí" and first.confident and not first.lossless
    assert fix("[ÄŒÃst pÅ¯vodnÃ ÄlÃ¡nek](https://example.com)") == "[Číst původní článek](https://example.com)"


def test_seed_spans_are_exact_runs():
    text = "## KlÃÄovÃ© body"
    repairs = find_mojibake(text)
    assert [(r.start, r.end, r.original, r.replacement) for r in repairs] == [
        (5, 7, "ÃÄ", "íč"),
        (9, 11, "Ã©", "é"),
    ]
    lossy, lossless = repairs
    assert not lossy.lossless and lossy.confident and len(lossy.candidates) > 1
    assert lossless.lossless and lossless.candidates == ("é",)


@pytest.mark.skipif(not SEED.exists(), reason="shared seed not available")
def test_whole_seed_round_trip():
    """Repair the seed; damaging the repair with the seed's path gives the seed back, byte for byte.

    ``seed_000_clean.txt`` is the proofread Czech original (checked by reading it, word by word).
    """
    raw = SEED.read_text(encoding="utf-8")
    repaired = "\n".join(fix(line) for line in raw.split("\n"))
    expected = (DATA / "seed_000_clean.txt").read_text(encoding="utf-8")
    assert repaired == expected
    assert seed_path(expected).encode("utf-8") == SEED.read_bytes()
    assert not quick_screen(expected) or not find_mojibake(expected)


def test_seed_path_of_clean_text_reproduces_seed_lines():
    for damaged, expected in SEED_VALUES:
        assert seed_path(expected) == damaged


# ---------------------------------------------------------------------------------------------
# The China's title: UTF-8 read as Latin-1, C1 controls left in a YAML value
# ---------------------------------------------------------------------------------------------


def test_chinas_title_latin1():
    value = "Chinaâ\x80\x99s CATL 5C Battery Breakthrough: The Final Nail for the Combustion Engine"
    (r,) = find_mojibake(value, "en")
    assert (r.start, r.end, r.original) == (5, 8, "â\x80\x99")
    assert r.replacement == "’" and r.encoding == "latin-1" and r.lossless and r.confident
    assert fix(value, "en") == "China’s CATL 5C Battery Breakthrough: The Final Nail for the Combustion Engine"


# ---------------------------------------------------------------------------------------------
# Every damage path on sample sentences
# ---------------------------------------------------------------------------------------------

CZECH = [
    "Vláda v úterý schválila „zákon o kybernetické bezpečnosti“ – opozice ho kritizuje.",
    "Ředitel Úřadu pro ochranu osobních údajů řekl, že účinnost nařízení je sporná.",
    "Společnost oznámila, že v příštím roce zvýší výdaje na výzkum a vývoj čipů.",
    "Ústí nad Labem, Šumperk, Žďár nad Sázavou a Čáslav hlásí výpadky elektřiny.",
    "Klíčové body: umělá inteligence mění způsob, jakým čteme zprávy 📰.",
]
ENGLISH = [
    "China’s CATL says its “5C” battery charges in 10–15 minutes — even in winter.",
    "The company’s CEO didn’t comment; analysts expect €2.5 bn in revenue.",
]
LOSSLESS_PATHS = {
    "windows-1252": lambda t: damage(t, "cp1252"),
    "windows-1254": lambda t: damage(t, "cp1254"),
    "windows-1250": lambda t: damage(t, "cp1250"),
    "latin-1": lambda t: damage(t, "latin-1"),
    "mac-roman": lambda t: damage(t, "mac-roman"),
}
LOSSY_PATHS = {
    "cp1254 drop+SHY": lambda t: damage(t, "cp1254", drop=True, shy=True),
    "cp1252 drop": lambda t: damage(t, "cp1252", drop=True),
    "cp1252 drop+SHY": lambda t: damage(t, "cp1252", drop=True, shy=True),
    "cp1250 drop": lambda t: damage(t, "cp1250", drop=True),
    "cp1252 NBSP->space": lambda t: damage(t, "cp1252", nbsp=True),
    "latin-1 SHY+NBSP": lambda t: damage(t, "latin-1", shy=True, nbsp=True),
}


@pytest.mark.parametrize("path", sorted(LOSSLESS_PATHS))
@pytest.mark.parametrize("sentence,lang", [(s, "cs") for s in CZECH] + [(s, "en") for s in ENGLISH])
def test_lossless_paths(path, sentence, lang):
    damaged = LOSSLESS_PATHS[path](sentence)
    assert damaged != sentence
    repairs = find_mojibake(damaged, lang)
    check_invariants(damaged, repairs)
    assert apply_repairs(damaged, repairs) == sentence
    assert all(r.lossless and r.confident for r in repairs)


@pytest.mark.parametrize("path", sorted(LOSSLESS_PATHS))
def test_lossless_paths_name_the_code_page(path):
    # ğ exists only in Windows-1254, Ă only in Windows-1250, √ only in Mac Roman
    damaged = LOSSLESS_PATHS[path]("Almatě 📰 Klíčové body")
    repairs = find_mojibake(damaged)
    if path in ("windows-1254", "windows-1250", "mac-roman"):
        assert {r.encoding for r in repairs} == {path}


@pytest.mark.parametrize("path", sorted(LOSSY_PATHS))
@pytest.mark.parametrize("sentence,lang", [(s, "cs") for s in CZECH] + [(s, "en") for s in ENGLISH])
def test_lossy_paths(path, sentence, lang):
    damaged = LOSSY_PATHS[path](sentence)
    repairs = find_mojibake(damaged, lang)
    check_invariants(damaged, repairs)
    assert apply_repairs(damaged, repairs) == sentence


def test_lossy_repair_is_marked_lossy_with_candidates():
    damaged = seed_path("Diskuze se točily kolem bezpečnosti.")
    assert damaged == "Diskuze se toÄily kolem bezpeÄnosti."
    repairs = find_mojibake(damaged)
    assert [r.replacement for r in repairs] == ["č", "č"]
    for r in repairs:
        assert r.original == "Ä" and not r.lossless and r.confident
        assert r.candidates[0] == "č" and len(r.candidates) >= 2 and "ď" in r.candidates


def test_nbsp_turned_into_space():
    # "à" is C3 A0: the A0 became a space, so "Ã" + that space is one damaged run
    damaged = damage("Voilà tout, à bientôt.", "cp1252", nbsp=True)
    assert damaged == "VoilÃ  tout, Ã  bientÃ´t."
    assert fix(damaged, "fr") == "Voilà tout, à bientôt."
    # ... while in Czech "Ã " before a word is "í " (the soft hyphen of í was stripped)
    assert fix("mezinÃ¡rodnÃ vztahy") == "mezinárodní vztahy"
    # a Czech no-break space after a one-letter preposition survives as a no-break space
    sentence = "Konference v\u00a0Almatě začala v\u00a0úterý."
    assert fix(damage(sentence, "cp1252", nbsp=True)) == sentence


def test_two_rounds():
    for sentence in CZECH[:3] + ENGLISH:
        twice = damage(damage(sentence, "cp1252"), "cp1252")
        repairs = find_mojibake(twice, None)
        assert apply_repairs(twice, repairs) == sentence
        assert max(r.rounds for r in repairs) == 2
    mixed = damage(damage("Přečíst celý článek", "cp1250"), "cp1252")
    assert fix(mixed) == "Přečíst celý článek"


def test_damage_confined_to_some_words():
    clean_left, clean_right = "Nová Škoda Elroq: ", " – test „v terénu“."
    word = damage("dojezd až 580 km a rychlé nabíjení", "cp1254", drop=True, shy=True)
    line = clean_left + word + clean_right
    repairs = find_mojibake(line)
    assert all(len(clean_left) <= r.start and r.end <= len(clean_left) + len(word) for r in repairs)
    assert apply_repairs(line, repairs) == "Nová Škoda Elroq: dojezd až 580 km a rychlé nabíjení – test „v terénu“."


def test_windows_1250_runs_made_of_letters():
    # č is "ÄŤ", ů is "ĹŻ", ú is "Ăş" in Windows-1250: letters only, so they need a known word
    assert fix(damage("category: kyberbezpečnost", "cp1250")) == "category: kyberbezpečnost"
    assert fix(damage("zakazuje státům regulovat AI", "cp1250")) == "zakazuje státům regulovat AI"
    assert fix(damage("Úřad", "cp1250")) == "Úřad"
    # ... while the Romanian "PĂŞUNI" (ĂŞ would be ê) stays as it is
    assert find_mojibake("PĂŞUNI") == []


def test_lost_byte_of_a_symbol():
    # − is E2 88 92 and ≈ is E2 89 88; Windows-1250 leaves byte 88 undefined
    assert fix(damage("even at −10 °C", "cp1250", drop=True), "en") == "even at −10 °C"
    # "â‰ " is ≈ + space with byte 88 dropped (Windows-1250) or ≠ eating a no-break space turned
    # into a space (Windows-1252): nothing on the line tells them apart, so neither is confident
    (r,) = find_mojibake(damage("Speed ≈ 200 km/h", "cp1250", drop=True), "en")
    assert not r.confident and {"≈", "≠"} <= {c.strip() for c in r.candidates}


def test_one_damaged_word_without_other_evidence():
    # no lossless run on the line: the lone leads are accepted because the words become known
    assert fix("Diskuze se toÄily kolem bezpeÄnosti") == "Diskuze se točily kolem bezpečnosti"


def test_language_detection():
    damaged = damage("The company’s “breakthrough,” he said.", "cp1252", drop=True)
    assert fix(damaged, None) == "The company’s “breakthrough,” he said."
    assert fix(seed_path("Klíčové body a další podrobnosti"), None) == "Klíčové body a další podrobnosti"


def test_repair_text_and_idempotence():
    text = "\n".join(line for line, _ in SEED_VALUES)
    fixed = repair_text(text)
    assert fixed == "\n".join(expected for _, expected in SEED_VALUES)
    assert repair_text(fixed) == fixed
    # offsets are into the whole multi-line string
    for r in find_mojibake(text):
        assert text[r.start:r.end] == r.original


def test_code_spans_are_left_alone():
    line = "Typická chyba: místo `á` se zobrazí `Ã¡` a místo `č` jen `Ä`."
    assert find_mojibake(line) == []
    # outside the code span the same line is repaired
    line2 = "VÃ½sledek: `Ã¡` znamenÃ¡ á."
    assert fix(line2) == "Výsledek: `Ã¡` znamená á."


# ---------------------------------------------------------------------------------------------
# Clean text: never a repair
# ---------------------------------------------------------------------------------------------

CLEAN = [
    # Czech and Slovak, with typography
    "Vláda v úterý schválila „zákon o kybernetické bezpečnosti“ – opozice ho kritizuje.",
    "Žluťoučký kůň úpěl ďábelské ódy; Ďábel, Ťapka, Ňadra, Ůdolí? ČÁST PRVNÍ.",
    "Dodávky se zpozdí ‚kvůli počasí‘, uvedl mluvčí; »citace« a «jiná».",
    "Konference v\u00a0Almatě začala v\u00a0úterý a\u00a0skončila ve\u00a0čtvrtek.",
    "Těžba, věž, déšť, zášť, paměť“ a nejtěžší příští týden.",
    "Ľudia v Košiciach a Žiline si môžu požičať väčšie auto; ďalšie informácie v piatok.",
    "VĚŠTEC, PĚŠÍ ZÓNA, NÁŠ TÝM",
    # Polish
    "Zażółć gęślą jaźń – powiedział prezes spółki w Łodzi.",
    "Źródło: Gazeta Wyborcza, Kraków, ŁÓDŹ, GÓŁ",
    # Portuguese and Spanish
    "São Paulo e Brasília anunciaram investimentos; a população não reagiu.",
    "NÃO HÁ INFORMAÇÕES SOBRE A SITUAÇÃO EM SÃO PAULO.",
    "¿Qué opina usted? ¡Increíble! El año pasado la compañía creció.",
    # Turkish
    "Türkiye’nin başkenti Ankara’da düzenlenen toplantıda ekonomi görüşüldü.",
    "İstanbul Boğazı’ndaki köprü, Erdoğan ve Ağrı Dağı; ĞÜŞİÖÇ ğüşıöç.",
    # French and German
    "« À la fin de l’année, l’entreprise a réalisé un bénéfice », a déclaré le président.",
    "Âge, Île-de-France, ÉTAT, CAFÉ’s menu, Œuvre, Ça dépend.",
    "Die Bundesregierung plant „Künstliche Intelligenz“ stärker zu fördern – Ärger für Ärzte.",
    "ÄRGER, GRÖSSE, Übernahme, Österreich, „MÜ“.",
    # Nordic, Hungarian, Romanian, Vietnamese
    "Åsa och Örjan äter smörgåsar på ön; Ærø og Øresund er i Danmark.",
    "Árvíztűrő tükörfúrógép – a magyar kormány szerint a növekedés lassul.",
    "Ministerul Afacerilor Externe din România a transmis că situaţia e sub control; râşniţă, PĂŞUNI.",
    "Hà Nội và Thành phố Hồ Chí Minh công bố kế hoạch chuyển đổi số.",
    # other scripts
    "Москва и Санкт-Петербург объявили о новых инвестициях.",
    "Η Αθήνα και η Θεσσαλονίκη φιλοξενούν το συνέδριο.",
    "中国电池制造商宁德时代宣布了新的快充技术。",
    "東京で新しいAIサービスが発表されました。",
    "서울에서 새로운 인공지능 서비스가 발표되었습니다.",
    "שלום עולם, مرحبا بالعالم",
    # emoji: ZWJ sequences, skin tones, flags, keycaps, variation selectors
    "📰 👩‍💻 👨‍👩‍👧‍👦 👍🏽 👋🏿 🇨🇿 🇺🇸 🏴‍☠️ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 ❤️ ✅ 1️⃣ 🍕 🏀 🐍",
    # typographic quotes, dashes and symbols, math
    "„Czech“ ‚single‘ “English” ‘single’ «French» ‹angle› — – … • † ‡ ‰ ′ ″",
    "Price: £19.99 • €2.5 bn • ¥300 • ±5 % • 3×4 m² • 20 °C • ½ • ¼ • ¾ • µs • © ® ™ §",
    "√2 ≈ 1.414, ∑ x² ≤ ∞, ƒ(x) = ∆y ÷ ∆x, ¬p ∧ q, ◊, ∂, ∫, π, Ω",
    "Mac: ⌘ ⌥ ⇧ ⌃ ⏎ ⎋ —  Apple logo",
    # discussing encodings, in code spans
    "Typická chyba: místo `á` se zobrazí `Ã¡` a místo `č` jen `Ä`, viz `â€ž`.",
    "Funkce `bytes.decode(\"cp1252\")` vrátí ``Ã©`` pro `é`.",
    # ASCII and odd spacing
    "Plain ASCII text -- with (parentheses), [links](https://example.com) and `code`.",
    "",
    "   ",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_has_no_repairs(text):
    assert find_mojibake(text) == []
    assert find_mojibake(text, None) == []
    assert find_mojibake(text, "en") == []


@pytest.mark.skipif(not SEED.exists(), reason="shared seed not available")
def test_quick_screen_false_on_clean_czech_article():
    clean = (DATA / "seed_000_clean.txt").read_text(encoding="utf-8")
    assert len(clean) > 3500
    assert quick_screen(clean) is False
    assert quick_screen(SEED.read_text(encoding="utf-8")) is True


def test_quick_screen_clean_samples():
    for text in CZECH + ENGLISH:
        assert quick_screen(text) is False
    for text in CZECH:
        for fn in list(LOSSLESS_PATHS.values()) + list(LOSSY_PATHS.values()):
            damaged = fn(text)
            if damaged != text:
                assert quick_screen(damaged) is True


# ---------------------------------------------------------------------------------------------
# Failures found by the file-level benchmark (benchmarks/encoding_bench.py), one test each
# ---------------------------------------------------------------------------------------------


def test_two_rounds_with_a_superscript_on_the_way():
    # ó is C3 B3; twice through Windows-1252 the first layer reads "Ã³": the superscript three is
    # no script's own digit, so the run is ordinary damage, not a lone letter of another script
    assert fix(damage(damage("Kód a datasety", "cp1252"), "cp1252")) == "Kód a datasety"


def test_no_third_layer_after_a_double_decoding():
    # "déšť" through Windows-1250 then Windows-1252 decodes in two layers at once; "éšť" must not
    # then be read once more (as the CJK character E9 9A 9D)
    sentence = "Kalifornská dálnice patrola uvádí rychlost a silný déšť jako přispívající faktory."
    assert fix(damage(damage(sentence, "cp1250"), "cp1252")) == sentence


def test_code_pages_that_read_the_line_alike_share_their_lost_bytes():
    # "Ã" alone: Latin-1 can only have lost a soft hyphen (í), Windows-1252 also Á Í Ï Ð Ý. The
    # line reads the same in both, so Latin-1's single option must not make "í" confident
    line = "cíle v Iráku, Ãránu, Turecku a Maroku"
    (r,) = find_mojibake(line)
    assert not r.confident and {"í", "Í"} <= set(r.candidates)


def test_a_line_shows_which_bytes_its_pipeline_kept():
    # soft hyphens survive on this line ("cÃ\xadle"): the lone "Ã" cannot be í, so it is Í
    sentence = "Analýza naznačuje cíle v Iráku, Íránu, Turecku a Maroku."
    damaged = damage(sentence, "cp1252", drop=True)
    assert "Ã\xad" in damaged
    repairs = find_mojibake(damaged)
    assert apply_repairs(damaged, repairs) == sentence
    assert all(r.confident for r in repairs)


def test_a_one_letter_abbreviation_is_no_word():
    # Š is C5 A0: the no-break space became a space. "Ł" + "est" must not beat "Šest" because
    # wordfreq lists "ł" (an abbreviation) as a Czech word
    sentence = "Šest aplikací bylo dostupných v Google Play."
    assert fix(damage(sentence, "cp1252", nbsp=True)) == sentence


def test_unknown_inflection_beats_a_known_word_with_a_capital_inside():
    # "sloučeních" is not in wordfreq, "sloučených" is; "sloučenÝch" has a capital inside a word
    for sentence in ("Telefónica potvrzuje více jednání o sloučeních a akvizicích.",
                     "Očekávané dokončení závisí na regulačních schváleních."):
        assert fix(seed_path(sentence)) == sentence


def test_paired_quotes_decide_a_lost_quote():
    # ‘ is E2 80 98; Windows-1250 leaves 98 undefined, so "â€" is left. The closing ’ on the line
    # answers ‘, not „ (even with the Czech model, as the profile gives for titles)
    title = "OpenAI says the brand-new GPT-5.1 is ‘warmer’ and has more ‘personality’ options"
    assert fix(damage(title, "cp1250", drop=True), "cs") == title
    # ” is E2 80 9D; Windows-1252 drops 9D: the opening “ on the line is answered by ”
    line = "The maker said the suicide was down to his “misuse” of its system and was “not caused” by it."
    assert fix(damage(line, "cp1252", drop=True), "cs") == line


def test_a_capital_inside_a_lowercase_word_is_reported_alone():
    # after the rest of the line was repaired, a lone doubtful "Ä" must still be reported
    (r,) = find_mojibake("Fotky byly realistiÄtým způsobem upraveny.")
    assert r.original == "Ä" and r.candidates[0] == "č"


def test_lost_bytes_in_cjk_are_shown_not_repaired_safely():
    # に参加しました: 参 is E5 8F 82, Windows-1252 drops 8F
    damaged = damage("に参加しました", "cp1252", drop=True)
    repairs = find_mojibake(damaged, None)
    assert repairs
    # read as Windows-1252 with lost bytes, never as Mac Roman's rare letters ("«å" is ǌ, "—ã" ы);
    # a lost byte of a CJK character is repaired only with _CJK_MARGIN, as the fixer's passes do
    assert all(r.encoding == "windows-1252" and not r.lossless for r in repairs)
    fixed = damaged
    for _ in range(5):
        fixed = repair_text(fixed, None, confident_only=True)
    assert fixed == "に参加しました"
    # a lone damaged character between repaired CJK text still passes the screen
    assert quick_screen("パートナーシップをç· 結しAI")


def test_replacement_character_after_a_lead_is_the_undefined_byte():
    """A strict decoder (errors="replace") writes U+FFFD for Windows-1252's undefined bytes
    (81 8D 8F 90 9D): after a lead it is part of the damaged sequence and is replaced with it;
    a U+FFFD that follows no lead is lost data, left for replacement-character to report."""
    damaged = "Spolupr\u00c3\u00a1ce bude pokra\u00c4\ufffdovat, \u00e2\u20ac\u017eu\u017e brzy\u00e2\u20ac\ufffd."
    repairs = find_mojibake(damaged, "cs")
    assert repair_text(damaged, "cs", confident_only=True) == "Spolupráce bude pokračovat, „už brzy”."
    slot = next(r for r in repairs if "\ufffd" in r.original and r.replacement == "č")
    assert slot.original == "\u00c4\ufffd" and not slot.lossless and slot.encoding == "windows-1252"
    assert find_mojibake("Spolupráce bude pokra\ufffdovat.", "cs") == []


@pytest.mark.parametrize("text", ["author: Габелко", "authors: Даниленко, Вітер", "Rozhovor s Σαρρός"])
def test_cyrillic_or_greek_name_on_a_latin_line_is_repaired(text):
    """A Cyrillic or Greek name on a line of Latin words, read as Windows-1252 (undefined bytes
    kept as C1 controls), is repaired: decoding to a script the undamaged words lack
    makes a run weak only for Latin letters among non-Latin words (Macedonian capitals)."""
    assert repair_text(damage(text, "cp1252"), "cs") == text
