"""Bytes to text and back, keeping what a fix must preserve: the BOM and the newline style."""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from dataclasses import dataclass

UTF8_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"  # the file's dominant line break: "\n" or "\r\n"
    guessed: bool = False  # the encoding was guessed (by the words of each reading), not known


# Encodings a news pipeline plausibly saves files in, when not UTF-8. Guessing is limited to
# these, and decided between them by the words each reading makes (``_LANGS``):
# charset-normalizer alone guesses badly on short inputs (ISO-8859-2 read as Windows-1250).
PLAUSIBLE = ("cp1250", "iso8859_2", "cp1252", "iso8859_1", "mac_roman", "cp1254", "cp1251", "cp1257")
# The languages whose words tell a code page's reading right: the languages it is made for.
_CENTRAL = ("cs", "pl", "sk", "hu", "sl", "ro")
_WESTERN = ("en", "de", "fr", "es", "pt", "it", "nl", "sv")
_LANGS = {"cp1250": _CENTRAL, "iso8859_2": _CENTRAL, "cp1252": _WESTERN, "iso8859_1": _WESTERN,
          "mac_roman": _WESTERN, "cp1254": ("tr",), "cp1251": ("ru", "uk", "bg", "mk"),
          "cp1257": ("lt", "lv", "pl")}  # (Windows-1257 has every Polish letter)
_MAX_WORDS = 400  # distinct words with non-ASCII letters looked up per reading
_MIN_LEAD = 2.0  # Zipf (of the words two readings differ in) by which one beats the guess
UNICODE_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class DecodeError(Exception):
    """The bytes are not text we can read. ``offset`` is the byte offset of the first bad byte."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


def detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def decode(data: bytes, guess: bool = True) -> Decoded:
    """Strict UTF-8 first (a UTF-8 BOM is noted and stripped); UTF-16/32 with a BOM; otherwise,
    when ``guess``, charset-normalizer's best guess among PLAUSIBLE encodings (never for a file
    that is valid UTF-8). Raises DecodeError when nothing fits."""
    for mark, name in UNICODE_BOMS:
        if data.startswith(mark):
            try:
                text = data[len(mark):].decode(name)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"not valid {name.upper()} despite its byte-order mark",
                                  exc.start + len(mark)) from None
            if "\x00" in text:  # as in UTF-8: a NUL character means binary, not an article
                at = len(mark) + len(text[:text.index("\x00")].encode(name))
                raise DecodeError("binary file (contains NUL characters)", at)
            return Decoded(text, name, False, detect_newline(text))
    try:
        return _decode_utf8(data)
    except DecodeError as exc:
        if not guess or b"\x00" in data or data.startswith(UTF8_BOM):
            raise  # binary, or a file that declares itself UTF-8 with a BOM: no guessing
        guessed = _guess(data)
        if guessed is None:
            raise DecodeError(f"{exc}; no plausible encoding fits either", exc.offset) from None
        return guessed


def _guess(data: bytes) -> Decoded | None:
    """The reading among PLAUSIBLE whose words the language model knows best; readings with C1
    control characters (ISO-8859 reading a Windows code page's quotes) only when every reading
    has them; ties go to charset-normalizer's guess, then to PLAUSIBLE's order. None when
    charset-normalizer finds no code page fits (a UTF-8 file with one stray byte)."""
    first = _charset_guess(data, list(PLAUSIBLE))
    if first is None:
        return None
    readings = []
    for codec in PLAUSIBLE:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            readings.append((codec, text))
    if not readings:
        return None
    clean = [r for r in readings if not _C1.search(r[1])]
    readings = clean or readings
    readings.sort(key=lambda r: r[0] != first)  # stable: the guess first, then PLAUSIBLE
    codec, text = readings[_best_reading(readings)]
    return Decoded(text, codec, False, detect_newline(text), guessed=True)


def _best_reading(readings: list[tuple[str, str]]) -> int:
    """The index of the reading that beats the first (the guess) clearly, else 0. Two readings
    are compared on the words they differ in, each judged by its own code page's languages: an
    article in English with a few Czech names differs between Windows-1250 and ISO-8859-2 in a
    handful of words, which a count over every word would drown. A reading wins with at least
    _MIN_LEAD more (in Zipf, ``_known_words``) and twice as much (a UTF-8 file with a stray byte read as
    any code page is mojibake: a fragment is a "word" by chance, in either reading)."""
    guess_codec, guess_text = readings[0]
    guess_words = _words(guess_text)
    best, best_lead = 0, 0
    for i, (codec, text) in enumerate(readings[1:], 1):
        words = _words(text)
        if words == guess_words:
            continue
        mine = _known_words([w for w in words if w not in guess_words], _LANGS[codec])
        theirs = _known_words([w for w in guess_words if w not in words], _LANGS[guess_codec])
        if mine >= theirs + _MIN_LEAD and mine >= 2 * theirs and mine - theirs > best_lead:
            best, best_lead = i, mine - theirs
    return best


_C1 = re.compile("[\x80-\x9f]")
_NON_ASCII_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")  # words of 2+ letters below


def _words(text: str) -> dict[str, None]:
    """The distinct words with a non-ASCII letter (the only words two readings differ in), in
    order, normalised as the word lists are."""
    return dict.fromkeys(unicodedata.normalize("NFC", w).casefold()
                         for w in _NON_ASCII_WORD.findall(text) if len(w) > 1)


def _known_words(words: list[str], langs: tuple[str, ...]) -> float:
    """How well ``langs`` know ``words`` (the first _MAX_WORDS): the sum of each word's Zipf
    frequency in the language that knows it best (``lexicon``: wordfreq's lists). Weighted, not
    counted: the lists hold mojibake seen on the web too (Czech lists ``daląí`` at Zipf 1.1, where
    ``další`` is at 6.0)."""
    from . import lexicon

    available = lexicon.available_languages()
    lexes = [lexicon.get(lang) for lang in langs if lang in available]
    total = 0.0
    for w in words[:_MAX_WORDS]:
        freq = max((lex.freq(w) for lex in lexes), default=0.0)
        zipf = math.log10(freq) + 9 if freq else 0.0
        if len(w) > 2 or zipf >= 3.0:  # a rare two-letter "word" is a fragment (``t…`` as ``tö``)
            total += zipf
    return total


def _charset_guess(data: bytes, codecs_: list[str]) -> str | None:
    """charset-normalizer's best guess among ``codecs_`` (None: nothing fits)."""
    from charset_normalizer import from_bytes  # lazy: only files that are not UTF-8 pay for it

    best = from_bytes(data, cp_isolation=codecs_).best()
    return None if best is None else best.encoding


def _decode_utf8(data: bytes) -> Decoded:
    bom = data.startswith(UTF8_BOM)
    skip = len(UTF8_BOM) if bom else 0  # DecodeError offsets are offsets in the file
    if bom:
        data = data[skip:]
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes)", data.index(b"\x00") + skip)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02X} at byte offset {exc.start + skip}",
            exc.start + skip,
        ) from None
    return Decoded(text, "utf-8", bom, detect_newline(text))


def encode(text: str, decoded: Decoded) -> bytes:
    """Encode fixed text the way the original file was stored (its encoding, BOM kept if it had
    one); the rules ``not-utf8`` and ``bom`` change ``decoded`` to rewrite it as plain UTF-8."""
    if decoded.encoding != "utf-8":
        marks = {name: mark for mark, name in UNICODE_BOMS}
        return marks.get(decoded.encoding, b"") + text.encode(decoded.encoding)
    data = text.encode("utf-8")
    return UTF8_BOM + data if decoded.bom else data
