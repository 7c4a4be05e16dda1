"""The per-file pipeline: read -> decode -> parse -> rules -> (fix loop -> write)."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from . import document, suppressions
from .config import Settings
from .decoding import UTF8_BOM, Decoded, DecodeError, decode, encode
from .diagnostics import Diagnostic, LineIndex, Severity
from .fixes import (FixResult, WriteError, allowed, fix_text, fingerprint, unified_diff,
                    write_atomic)
from .rules import BY_NAME, RULES
from .rules import crossfile
from .rules.base import Context


def _diag(rule_name: str, message: str, start: int = 0, end: int = 0, path: str = "") -> Diagnostic:
    r = BY_NAME[rule_name]
    return Diagnostic(r.code, r.name, r.severity, message, start, end, None, path)


def lint_text(text: str, path: str = "", settings: Settings | None = None,
              now: datetime | None = None, decoded: Decoded | None = None,
              summary: dict | None = None) -> list[Diagnostic]:
    """Lint one article's text. Pure: no I/O. Diagnostics are located (line/column) and sorted.
    ``decoded`` says how the file's bytes were read (for the encoding rules); a ``summary`` dict
    is filled with what the cross-file rules compare."""
    settings = settings or Settings()
    doc = document.parse(text, path)
    ctx = Context(doc, settings.profile, path, now or datetime.now(timezone.utc), decoded)
    if summary is not None:
        summary.update(crossfile.summarize(ctx))
    enabled = settings.enabled - settings.ignored_for(Path(path)) if path else settings.enabled
    out: list[Diagnostic] = []
    for r in RULES:
        if r.code not in enabled:
            continue
        try:
            for p in r.check(ctx):
                out.append(Diagnostic(r.code, r.name, p.severity or r.severity, p.message,
                                      p.start, p.end, p.fix, path))
        except Exception as exc:  # a bug in a rule must not stop the run
            if "NL901" in enabled:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                out.append(_diag("internal-error",
                                 f"rule {r.name} crashed: {type(exc).__name__}: {exc} "
                                 f"({os.path.basename(where.filename)}:{where.lineno}); please report "
                                 "this with the file", path=path))
    if out or "news-lint" in text:
        index = ctx.lines
        for d in out:
            index.locate(d)
        out = _suppress(out, doc, index, enabled, path)
    out.sort(key=lambda d: (d.line, d.column, d.code, d.message))
    return out


def _suppress(out: list[Diagnostic], doc, index: LineIndex, enabled, path: str) -> list[Diagnostic]:
    """Apply inline suppressions; report the ones that suppress nothing (unused-suppression)."""
    found, unknown = suppressions.find(doc, index)
    if not found and not unknown:
        return out
    kept = suppressions.apply(out, found)
    if "NL902" not in enabled:
        return kept
    for s in found:
        if s.used or (s.codes is not None and not (s.codes & enabled)):
            continue  # used, or names only rules that are not enabled in this run
        what = "any rule" if s.codes is None else ", ".join(sorted(s.codes))
        d = _diag("unused-suppression", f"suppression ({s.label}) of {what} suppresses nothing: "
                  "remove it", s.start, s.end, path)
        d.fix = suppressions.removal(doc.text, s.start, s.end)
        kept.append(index.locate(d))
    for start, end, name in unknown:
        kept.append(index.locate(_diag("unused-suppression",
                                       f"suppression names unknown rule {name!r}", start, end, path)))
    return kept


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    diff: str = ""
    changed: bool = False  # written (fix) or would be (diff)
    summary: dict = field(default_factory=dict)  # for the cross-file rules (rules/crossfile.py)


def read_text(path: Path, settings: Settings, display: str) -> tuple[Decoded | None, bytes, Diagnostic | None]:
    """Read and decode a file; on failure a located unreadable-file diagnostic instead."""
    def unreadable(msg: str, line: int = 1, col: int = 1) -> tuple[None, bytes, Diagnostic]:
        d = _diag("unreadable-file", msg, path=display)
        d.line, d.column, d.end_line, d.end_column = line, col, line, col
        return None, b"", d

    try:
        if path.is_dir():
            return unreadable("is a directory, not an article file")
        size = path.stat().st_size
        limit = settings.file.max_file_size
        if size > limit:
            return unreadable(f"file is {size:,} bytes, over the {limit:,}-byte limit "
                              "(max-file-size); not read")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        return unreadable("file disappeared before it could be read")
    except OSError as exc:
        return unreadable(f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        return unreadable("file is empty")
    try:
        return decode(data), data, None
    except DecodeError as exc:
        head = data[:exc.offset]
        line = head.count(b"\n") + 1
        last = head[head.rfind(b"\n") + 1:]
        if line == 1 and last.startswith(UTF8_BOM):
            last = last[len(UTF8_BOM):]  # the BOM is not a character of the line
        col = len(last.decode("utf-8", "replace")) + 1
        return unreadable(str(exc), line, col)


def process_file(path: Path, settings: Settings, display: str | None = None, *, fix: bool = False,
                 diff: bool = False, unsafe: bool = False, now: datetime | None = None) -> FileResult:
    display = display if display is not None else str(path)
    result = FileResult(display)
    try:
        decoded, raw, problem = read_text(path, settings, display)
        if problem is not None:
            result.diagnostics = [problem]
            return result
        text = decoded.text
        diagnostics = lint_text(text, display, settings, now, decoded, result.summary)
        if not (fix or diff):
            result.diagnostics = diagnostics
            return result

        def relint(t: str) -> list[Diagnostic]:
            return lint_text(t, display, settings, now, decoded)

        fr: FixResult = fix_text(text, relint, unsafe, decoded.newline, diagnostics)
        result.diagnostics = fr.remaining
        if fr.error:
            result.diagnostics = [*fr.remaining, _located_error(fr.error, display)]
            return result
        result.fixed = fr.fixed
        target, file_fixed = _file_level_fixes(decoded, fr.remaining, unsafe)
        if file_fixed:
            result.fixed = [*fr.fixed, *file_fixed]
            result.diagnostics = [d for d in fr.remaining if d not in file_fixed]
        new_bytes = encode(fr.text, target)
        if new_bytes == raw:
            return result
        result.changed = True
        if diff:
            bom = "\ufeff" if decoded.bom else ""  # the first line as patch sees it on disk
            new_bom = "\ufeff" if target.bom else ""
            result.diff = unified_diff(display, bom + text, new_bom + fr.text)
            if target.encoding != decoded.encoding:
                result.diff = (f"# {display}: would be rewritten from {decoded.encoding} to "
                               f"UTF-8\n{result.diff}")
        if fix:
            try:
                write_atomic(str(path), new_bytes, expected=raw,
                             expected_stat=_stat_of(path, raw))
            except (WriteError, OSError) as exc:
                result.changed = False
                result.fixed = []
                result.diagnostics = [*diagnostics, _located_error(str(exc), display, "unreadable-file")]
        return result
    except Exception as exc:  # never a traceback for one bad file
        result.diagnostics = [_located_error(
            f"{type(exc).__name__}: {exc}; please report this with the file", display)]
        return result


def _file_level_fixes(decoded: Decoded, remaining: list[Diagnostic], unsafe: bool):
    """Fixes without text edits change how the file is stored: re-encode as UTF-8, drop the BOM."""
    todo = [d for d in remaining if d.fix is not None and not d.fix.edits
            and allowed(d.fix.applicability, unsafe)]
    target = decoded
    for d in todo:
        if d.name == "not-utf8":
            target = replace(target, encoding="utf-8", bom=False)
        elif d.name == "bom":
            target = replace(target, bom=False)
    return target, todo


def _stat_of(path: Path, raw: bytes):
    try:
        fp = fingerprint(str(path))
    except OSError:
        return None
    return fp if fp[0] == len(raw) else None


def _located_error(message: str, display: str, rule: str = "internal-error") -> Diagnostic:
    d = _diag(rule, message, path=display)
    d.line = d.column = d.end_line = d.end_column = 1
    return d


def fails(diagnostics: Iterable[Diagnostic], fail_on: Severity = Severity.WARNING) -> bool:
    order = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
    return any(order[d.severity] >= order[fail_on] for d in diagnostics)
