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


class DecodeError(Exception):
    """The bytes are not text we can read. ``offset`` is the byte offset of the first bad byte."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


def detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def decode(data: bytes) -> Decoded:
    """Strict UTF-8 (a UTF-8 BOM is noted and stripped). Raises DecodeError otherwise."""
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
    """Encode fixed text the way the original file was stored (UTF-8, BOM kept if it had one)."""
    data = text.encode("utf-8")
    return UTF8_BOM + data if decoded.bom else data
