"""Reporters turn diagnostics into output; looked up by name (``--output-format``)."""

from __future__ import annotations

import importlib
import re
from json import dumps  # not `import json`: the submodule .json takes that name in this package
from typing import TextIO

from ..diagnostics import Diagnostic


# What never reaches a terminal, a CI log or an XML file as it is: C0 controls but tab, DEL, C1,
# bidi controls, line and paragraph separators, lone surrogates (the bytes of a file name that is
# not UTF-8), and U+FFFE/U+FFFF (not allowed in XML). JSON escapes C0 itself.
_NOT_JSON_ESCAPED = ("\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff")
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f{_NOT_JSON_ESCAPED}]")
_UNSAFE_IN_JSON = re.compile(f"[{_NOT_JSON_ESCAPED}]")
_SHORT = {"\n": "\\n", "\r": "\\r"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte: that byte
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return _SHORT.get(ch) or f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\r``, ``\\n``,
    ``\\u202e``; a byte of a file name that is not UTF-8 as ``\\xe9``), so that it cannot steer
    a terminal, break a line-based format or an XML file. ``keep``: characters left as they are."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def _json_escape(match: re.Match) -> str:
    ch = match.group()
    if 0xD800 <= ord(ch) <= 0xDFFF:  # no character stands for it: the visible text, as JSON
        return _escape(ch).replace("\\", "\\\\")
    return f"\\u{ord(ch):04x}"


def json_text(obj, **kwargs) -> str:
    """``json.dumps`` keeping every character exact (JSON escapes control characters, and here
    also DEL, C1 and bidi controls), except what no character stands for: the bytes of a file
    name that is not UTF-8, given as the visible text of :func:`visible`."""
    return _UNSAFE_IN_JSON.sub(_json_escape, dumps(obj, ensure_ascii=False, **kwargs))


class Reporter:
    """Base class: ``report`` receives every diagnostic of the run, sorted by path and position."""

    name = ""

    def __init__(self, stream: TextIO, color: bool | None = None):
        self.stream = stream
        self.color = color  # None: as ``--color auto`` decides for the stream

    def colored(self) -> bool:
        if self.color is None:
            from ..terminal import color_enabled

            return color_enabled("auto", self.stream)
        return self.color

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:  # pragma: no cover
        raise NotImplementedError


# --output-format NAME -> (module of this package, class): the one list of reporters; each module
# is imported only when its format is asked for (the command line starts faster).
_REPORTERS = {
    "full": ("full", "FullReporter"),
    "concise": ("text", "ConciseReporter"),
    "json": ("json", "JsonReporter"),
    "json-lines": ("ci", "JsonLinesReporter"),
    "github": ("ci", "GithubReporter"),
    "gitlab": ("ci", "GitlabReporter"),
    "sarif": ("ci", "SarifReporter"),
    "junit": ("ci", "JunitReporter"),
}
FORMATS = tuple(_REPORTERS)


def get_reporter(name: str) -> type[Reporter]:
    module, cls = _REPORTERS[name]
    reporter = getattr(importlib.import_module(f"{__name__}.{module}"), cls)
    assert reporter.name == name, (reporter, name)
    return reporter
