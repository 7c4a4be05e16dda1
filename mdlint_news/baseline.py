"""A baseline: today's problems recorded so that later runs report only new ones.

A finding is known by its file (relative to the baseline's folder: one root for every
configuration, so that files of the same name under two configurations never meet), its rule,
and a fingerprint
of its message and the text of its line (numbers in the message left out): not by its line
number, so lines inserted above it do not make it new. Identical findings in one file are
counted: two recorded, a third is new. The file is sorted JSON (small diffs when committed);
its paths are only compared, never opened. Version 1 recorded paths relative to each
configuration's folder: such a file is refused with what to do (record it again)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from functools import lru_cache
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from .config import ConfigError
from .diagnostics import Diagnostic
from .profile import read_small_file
from .reporters import visible
from .rules import RULES
from .rules.meta import internal_error

# news-lint failing on a file is never a known problem
_NEVER = frozenset(r.code for r in RULES if r.check is internal_error)

VERSION = 2  # 2: paths relative to the baseline's folder (1: to each configuration's)
MAX_BYTES = 50_000_000
_NUMBER = re.compile(r"\d+")
_REMAKE = "; make it again with `news-lint --update-baseline` (it records today's problems)"


class BaselineError(ConfigError):
    """The baseline cannot be read or written: reported as a configuration error (exit 2)."""


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    path: StrictStr = Field(max_length=4096)
    rule: StrictStr = Field(max_length=100)
    fingerprint: StrictStr = Field(pattern="^[0-9a-f]{16}$")
    count: StrictInt = Field(ge=1)  # strict: not true, not "5"


class BaselineFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    version: StrictInt = Field(ge=VERSION, le=VERSION)  # an int (not 2.0, not true): this one
    findings: list[Entry]


Key = tuple[str, str, str]  # path, rule, fingerprint


def fingerprint(d: Diagnostic) -> str:
    """The finding's identity within its file: rule, message (numbers left out: they are often
    line numbers or today's date) and its line's text (stripped)."""
    text = "\0".join((d.code, d.name, _NUMBER.sub("#", d.message), str(d.data.get("source", "")).strip()))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def relative(path: str, root: str) -> str:
    """A linted file's path as the baseline records it: relative to the baseline's folder
    (``root``, a real path), through the real path of the file's folder (a folder reached
    through a symlink, or a configuration's resolved folder, gives the same name)."""
    full = os.path.abspath(path)
    full = os.path.join(_real_folder(os.path.dirname(full)), os.path.basename(full))
    rel = os.path.relpath(full, root) if os.path.splitdrive(full)[0] == os.path.splitdrive(root)[0] else full
    return rel.replace(os.sep, "/")


def key(d: Diagnostic, root: str) -> Key:
    return relative(d.path, root), d.name, fingerprint(d)


def recordable(d: Diagnostic) -> bool:
    """Whether a finding may be recorded (an internal error never is)."""
    return d.code not in _NEVER


def load(path: Path) -> Counter:
    """The recorded findings, counted by key. BaselineError says what is wrong and what to do."""
    shown = visible(os.fspath(path))
    try:
        data = read_small_file(path, MAX_BYTES)
    except FileNotFoundError:
        raise BaselineError(f"baseline {shown} does not exist{_REMAKE}") from None
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline {shown}: {exc.strerror}") from None
    except ValueError:
        raise BaselineError(f"the baseline {shown} is not a regular file of at most "
                            f"{MAX_BYTES:,} bytes{_REMAKE}") from None
    try:
        raw = json.loads(data.decode("utf-8"))
        parsed = BaselineFile.model_validate(raw)
    except (ValueError, RecursionError, ValidationError) as exc:
        what = "not JSON" if not isinstance(exc, ValidationError) else \
            f"not a news-lint baseline of version {VERSION}"
        if isinstance(exc, ValidationError) and _old_version(raw):
            what = ("of version 1, made by an older news-lint (its paths are relative to each "
                    f"configuration's folder; version {VERSION} records them relative to the "
                    "baseline's)")
        raise BaselineError(f"the baseline {shown} is {what}{_REMAKE}") from None
    out: Counter = Counter()
    for e in parsed.findings:
        out[(e.path, e.rule, e.fingerprint)] += e.count
    return out


def _old_version(raw: object) -> bool:
    return isinstance(raw, dict) and type(raw.get("version")) is int and raw["version"] == 1


Where = tuple[str, str]  # a linted path's baseline (its name) and the folder its path is relative to


def hide(diagnostics: list[Diagnostic], baselines: dict[str, Path],
         baseline_of: dict[str, Where]) -> tuple[list[Diagnostic], int]:
    """The findings not recorded in their file's baseline, and how many were hidden.
    ``baselines``: baseline file by name; ``baseline_of``: a linted path's baseline and root."""
    known = {name: load(path) for name, path in baselines.items()}
    kept, hidden = [], 0
    for d in diagnostics:
        name, root = baseline_of.get(d.path, ("", ""))
        if not root or not recordable(d):
            kept.append(d)
            continue
        k = key(d, root)
        if known[name][k] > 0:
            known[name][k] -= 1
            hidden += 1
        else:
            kept.append(d)
    return kept, hidden


def update(path: Path, diagnostics: Iterable[Diagnostic], linted: dict[str, str],
           ran: Optional[dict[str, frozenset[str]]] = None) -> int:
    """Write the baseline at ``path``: the findings of the files linted now (``linted``: path ->
    the folder it is recorded relative to), and the entries still there of files not linted
    now, or of rules not run now on a linted file (``ran``: path -> the names of the rules run;
    all, when not given). Returns how many findings it holds."""
    counts: Counter = Counter(key(d, linted[d.path]) for d in diagnostics if recordable(d))
    root = _real_folder(os.path.dirname(os.path.abspath(path)))
    now = {relative(p, root): (ran or {}).get(p) for p in linted}
    try:
        old = load(path) if os.path.lexists(path) else Counter()
    except BaselineError:
        old = Counter()  # a garbled one (or one of version 1) is replaced
    for (p, rule, fp), n in old.items():
        if p in now:
            rules = now[p]
            if rules is not None and rule not in rules:  # not run now: what it found stays
                counts[(p, rule, fp)] += n
        elif _still_there(root, p):
            counts[(p, rule, fp)] += n
    _write(path, counts)
    return sum(counts.values())


def _still_there(root: str, rel: str) -> bool:
    """Whether a recorded path names a file that exists (relative to the baseline's folder;
    ``..`` is allowed: a baseline kept in a subfolder of the project)."""
    if not rel or os.path.isabs(rel) or any(ord(c) < 32 for c in rel):
        return False
    return os.path.isfile(os.path.join(root, rel))


def text_of(counts: Counter) -> str:
    findings = [{"path": p, "rule": r, "fingerprint": f, "count": n}
                for (p, r, f), n in sorted(counts.items())]
    return json.dumps({"version": VERSION, "findings": findings}, indent=1, ensure_ascii=False,
                      sort_keys=True) + "\n"


def _write(path: Path, counts: Counter) -> None:
    """A temporary file in the same folder, renamed over the old baseline."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".news-lint-baseline.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text_of(counts))
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise BaselineError(f"cannot write the baseline {visible(os.fspath(path))}: "
                            f"{exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _targets(cli_file: Optional[Path], items: list) -> tuple[dict[str, Path], dict[str, Where]]:
    """The baseline files of a run (``--baseline``, else each configuration's ``baseline``)
    and, per linted path, its baseline and the folder its path is recorded relative to: the
    baseline's own (one root for every configuration)."""
    files: dict[str, Path] = {}
    of: dict[str, Where] = {}
    for path, _, settings in items:
        b = cli_file if cli_file is not None else settings.baseline_path
        if b is None:
            continue
        files[os.fspath(b)] = b
        of[path] = (os.fspath(b), _real_folder(os.path.dirname(os.path.abspath(b))))
    if cli_file is not None:
        files.setdefault(os.fspath(cli_file), cli_file)
    return files, of


def _rules_run(items: list) -> dict[str, frozenset[str]]:
    """Per linted path, the names of the rules run on it (its selection, less its
    ``per-file-ignores``): --update-baseline keeps what the others recorded."""
    names = {r.code: r.name for r in RULES}
    by_set: dict[frozenset, frozenset[str]] = {}
    out = {}
    for path, _, settings in items:
        codes = settings.enabled - settings.ignored_for(path)
        if codes not in by_set:
            by_set[codes] = frozenset(names[c] for c in codes if c in names)
        out[path] = by_set[codes]
    return out


def apply(cli_file: Optional[Path], items: list, diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], str]:
    """The findings to report, and the summary's line about the hidden ones ('' without a
    baseline)."""
    files, of = _targets(cli_file, items)
    if not files:
        return diagnostics, ""
    kept, hidden = hide(diagnostics, files, of)
    return kept, f"{hidden} problem{'' if hidden == 1 else 's'} hidden by the baseline."


def record(cli_file: Optional[Path], items: list, diagnostics: list[Diagnostic]) -> str:
    """``--update-baseline``: write each baseline; the line that says what was written."""
    files, of = _targets(cli_file, items)
    if not files:
        raise BaselineError("--update-baseline needs a file: name it with --baseline FILE or "
                            "with the `baseline` key of the configuration")
    said = []
    ran = _rules_run(items)
    for name, path in sorted(files.items()):
        linted = {p: root for p, (b, root) in of.items() if b == name}
        n = update(path, [d for d in diagnostics if d.path in linted], linted, ran)
        said.append(f"{visible(os.fspath(path))}: {n} problem{'' if n == 1 else 's'} recorded")
    return "Baseline written: " + "; ".join(said) + "."
