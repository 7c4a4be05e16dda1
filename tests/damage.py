"""Damage as it happens to a written article: the file's UTF-8 bytes read with the wrong code page,
then saved again as UTF-8 (front matter and body alike, after the YAML was written).

One vocabulary for the tests and ``benchmarks/encoding_bench.py``: ``SHAPES`` maps a shape's name
to whether it loses bytes and the function ``text -> damaged text``; ``saved_as`` gives the bytes of
a file saved in a legacy code page (not mojibake: the file is not UTF-8 at all).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

#: The C1 bytes Windows-1252 leaves undefined (browsers keep them as U+0081 ... U+009D).
CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"


def read_as(text: str, codec: str, *, drop: bool = False, c1: bool = True, fill: str = "") -> str:
    """The UTF-8 bytes of ``text`` decoded one byte at a time with ``codec``. A byte the code page
    leaves undefined is kept as the C1 control of the same number (as browsers and Latin-1 round
    trips do), dropped (``drop``) or replaced by ``fill`` (a strict decoder with
    ``errors="replace"`` writes U+FFFD). ``c1=False`` strips every C1 control from the result (a
    pipeline that removes "control characters": Latin-1 text loses all of 0x80-0x9F)."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            if fill:
                out.append(fill)
            elif not drop:
                out.append(chr(b))
    s = "".join(out)
    if not c1:
        s = "".join(c for c in s if not 0x80 <= ord(c) <= 0x9F)
    return s


def lose(text: str, *, shy: bool = False, nbsp: bool = False) -> str:
    """Invisible characters a pipeline strips: soft hyphens removed, no-break spaces made spaces."""
    if shy:
        text = text.replace("\u00ad", "")
    if nbsp:
        text = text.replace("\u00a0", " ")
    return text


def saved_as(text: str, codec: str) -> bytes:
    """The bytes of a file saved in a legacy code page (characters it lacks written as ``?``)."""
    return text.encode(codec, errors="replace")


class Shape(NamedTuple):
    lossy: bool
    damage: Callable[[str], str]


def _paragraphs(text: str, fn: Callable[[str], str]) -> str:
    """Every other blank-line-separated block damaged by ``fn``: part of a file re-saved."""
    blocks = text.split("\n\n")
    return "\n\n".join(fn(b) if i % 2 else b for i, b in enumerate(blocks))


SHAPES: dict[str, Shape] = {
    # lossless: every byte is still there
    "cp1252 browser (C1 kept)": Shape(False, lambda t: read_as(t, "cp1252")),
    "latin-1 (C1 kept)": Shape(False, lambda t: read_as(t, "latin-1")),
    "cp1250": Shape(False, lambda t: read_as(t, "cp1250")),
    "cp1251": Shape(False, lambda t: read_as(t, "cp1251")),
    "cp1254": Shape(False, lambda t: read_as(t, "cp1254")),
    "cp1257": Shape(False, lambda t: read_as(t, "cp1257")),
    "iso-8859-2": Shape(False, lambda t: read_as(t, "iso8859_2")),
    "mac-roman": Shape(False, lambda t: read_as(t, "mac_roman")),
    "cp437": Shape(False, lambda t: read_as(t, "cp437")),
    "double cp1252": Shape(False, lambda t: read_as(read_as(t, "cp1252"), "cp1252")),
    "cp1250 then cp1252": Shape(False, lambda t: read_as(read_as(t, "cp1250"), "cp1252")),
    "mixed: every other paragraph": Shape(False, lambda t: _paragraphs(t, lambda b: read_as(b, "cp1252"))),
    # lossy: bytes dropped or characters stripped
    "cp1252 undefined dropped": Shape(True, lambda t: read_as(t, "cp1252", drop=True)),
    "cp1250 undefined dropped": Shape(True, lambda t: read_as(t, "cp1250", drop=True)),
    "cp1251 undefined dropped": Shape(True, lambda t: read_as(t, "cp1251", drop=True)),
    "cp1257 undefined dropped": Shape(True, lambda t: read_as(t, "cp1257", drop=True)),
    "cp1252 strict (undefined as U+FFFD)": Shape(True, lambda t: read_as(t, "cp1252", fill="\ufffd")),
    "cp1254 dropped + SHY (seed)": Shape(True, lambda t: lose(read_as(t, "cp1254", drop=True), shy=True)),
    "latin-1 C1 stripped": Shape(True, lambda t: read_as(t, "latin-1", c1=False)),
    "cp1252 SHY lost": Shape(True, lambda t: lose(read_as(t, "cp1252"), shy=True)),
    "cp1252 NBSP lost": Shape(True, lambda t: lose(read_as(t, "cp1252"), nbsp=True)),
}

#: Code pages a whole file may be saved in instead of UTF-8 (decided by the language model).
LEGACY_CODEPAGES = ("cp1250", "iso8859_2", "cp1252", "cp1251", "cp1257")
