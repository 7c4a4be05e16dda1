"""Bytes to text and back, keeping what a fix must preserve: the BOM and the newline style."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

UTF8_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"  # the file's dominant line break: "\n" or "\r\n"
    guessed: bool = False  # the encoding was guessed (charset-normalizer), not known


# Encodings a Czech/English news pipeline plausibly saves files in, when not UTF-8. Guessing is
# limited to these: charset-normalizer guesses badly on short inputs among all of them.
PLAUSIBLE = ("cp1250", "iso8859_2", "cp1252", "iso8859_1", "mac_roman", "cp1254")
_UNICODE_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
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
    for mark, name in _UNICODE_BOMS:
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
    from charset_normalizer import from_bytes  # lazy: only files that are not UTF-8 pay for it

    best = from_bytes(data, cp_isolation=list(PLAUSIBLE)).best()
    if best is None:
        return None
    text = str(best)
    if "\x00" in text:
        return None
    return Decoded(text, best.encoding, False, detect_newline(text), guessed=True)


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
        marks = {name: mark for mark, name in _UNICODE_BOMS}
        return marks.get(decoded.encoding, b"") + text.encode(decoded.encoding)
    data = text.encode("utf-8")
    return UTF8_BOM + data if decoded.bom else data
