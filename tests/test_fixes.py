"""Fixing: the fix engine (mdlint_news/fixes.py) and ``--fix`` / ``--diff`` end to end."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from mdlint_news.diagnostics import Applicability, Diagnostic, Edit, Fix, Priority, Severity
from mdlint_news.fixes import (MAX_PASSES, WriteError, apply_fixes, fix_loop, unified_diff,
                               write_atomic)

from support import ARTICLE_NAME

SAFE, UNSAFE, DISPLAY = Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY


def diag(start: int, end: int, content: str | None = None, *, edits=None, code: str = "NL999",
         name: str = "fake-rule", applicability: Applicability = SAFE) -> Diagnostic:
    fix = None
    if edits is not None:
        fix = Fix(tuple(Edit(*e) for e in edits), applicability, "fake fix")
    elif content is not None:
        fix = Fix.replace(start, end, content, "fake fix", applicability)
    return Diagnostic(code, name, Severity.ERROR, "fake problem", start, end, fix)


# =========================================================================== apply_fixes


def test_apply_fixes_copies_text_between_edits_verbatim():
    text = "0123456789"
    new, applied = apply_fixes(text, [diag(7, 8, "S"), diag(1, 3, "ONE")])
    assert new == "0ONE3456S89"
    assert len(applied) == 2


def test_apply_fixes_skips_a_fix_overlapping_one_already_applied():
    text = "0123456789"
    first, overlapping, later = diag(2, 5, "X"), diag(4, 7, "Y"), diag(8, 9, "Z")
    new, applied = apply_fixes(text, [later, overlapping, first])
    assert new == "01X567Z9"  # 2..5 replaced, 4..7 left for the next pass, 8 -> Z
    assert applied == [first, later]


def test_apply_fixes_adjacent_edits_both_apply():
    new, applied = apply_fixes("abcdef", [diag(3, 5, "Y"), diag(1, 3, "X")])
    assert new == "aXYf"
    assert len(applied) == 2


def test_insertion_and_deletion_edits():
    text = "title: x\nslug: y\n"
    insert = diag(9, 9, "author: Z\n")  # empty range: insertion before "slug"
    new, _ = apply_fixes(text, [insert])
    assert new == "title: x\nauthor: Z\nslug: y\n"
    delete = diag(0, 9, "")  # no content: deletion of the first line
    new, _ = apply_fixes(text, [delete])
    assert new == "slug: y\n"
    both, applied = apply_fixes(text, [delete, diag(17, 17, "end: 1\n")])
    assert both == "slug: y\nend: 1\n" and len(applied) == 2


def test_two_insertions_at_one_point_are_not_applied_together():
    new, applied = apply_fixes("ab", [diag(1, 1, "X"), diag(1, 1, "Y")])
    assert new in ("aXb", "aYb") and len(applied) == 1


def test_multi_edit_fix_applies_all_its_edits():
    d = diag(0, 9, edits=[(0, 1, "<"), (8, 9, ">")])
    new, applied = apply_fixes("(content)", [d])
    assert new == "<content>" and applied == [d]


@pytest.mark.parametrize("applicability, unsafe, applied", [
    (SAFE, False, True), (SAFE, True, True),
    (UNSAFE, False, False), (UNSAFE, True, True),
    (DISPLAY, False, False), (DISPLAY, True, False),
])
def test_applicability(applicability, unsafe, applied):
    new, chosen = apply_fixes("abc", [diag(1, 2, "B", applicability=applicability)], unsafe=unsafe)
    assert (new == "aBc") is applied
    assert bool(chosen) is applied


def test_diagnostics_without_fix_leave_text_alone():
    text = "abc"
    assert apply_fixes(text, [diag(0, 1)]) == (text, [])


def test_inserted_line_breaks_follow_the_file_newline_style():
    text = "a: 1\r\nb: 2\r\n"
    new, _ = apply_fixes(text, [diag(6, 6, "x: 0\n")], newline="\r\n")
    assert new == "a: 1\r\nx: 0\r\nb: 2\r\n"


# =========================================================================== fix loop


def test_fix_loop_runs_to_a_fixed_point():
    def lint(t):  # every "aa" should be "a": overlapping fixes need several passes
        return [diag(i, i + 2, "a") for i in range(len(t) - 1) if t[i:i + 2] == "aa"]

    result = fix_loop("xaaaay", lint)
    assert result.error is None
    assert result.text == "xay" and result.changed
    assert result.remaining == []
    assert len(result.fixed) == 3  # 2 in the first pass, 1 in the second


def test_fix_loop_stops_at_a_cycle_and_keeps_the_original():
    calls = []

    def lint(t):  # A -> B and B -> A: two fixes that undo each other
        calls.append(t)
        if t == "value: A\n":
            return [diag(7, 8, "B", name="rule-one")]
        if t == "value: B\n":
            return [diag(7, 8, "A", name="rule-two")]
        return []

    result = fix_loop("value: A\n", lint)
    assert result.text == result.original == "value: A\n"
    assert not result.changed
    assert result.fixed == []
    assert result.error and "cycle" in result.error
    assert len(calls) <= 3  # noticed at once, not after MAX_PASSES


def test_in_a_cycle_a_derived_fix_yields_to_the_repair_it_undoes():
    """A repair (the footer's 'Jã' is 'Já') and a derived fix (the footer rendered again from a
    front-matter field that holds the same damage, unseen there) undo each other. The derived
    fix yields: the repair is written, the derived finding is reported without a fix. Before,
    the loop refused everything as an internal error (found by the encoding benchmark on a
    generated Slovak article damaged through Windows-1257). Fails on the old code."""
    def lint(t):
        field, footer = t.split("\n")[0][len("field: "):], t.split("\n")[1][len("footer: "):]
        at = len("field: ") + len(field) + 1 + len("footer: ")
        found = []
        if footer == "Jã":  # the repair sees the damage in the footer only
            found.append(Diagnostic("NL701", "mojibake", Severity.ERROR, "damaged", at, at + 2,
                                    Fix.replace(at, at + 2, "Já", "repair", SAFE, Priority.ENCODING)))
        if footer != field:
            found.append(Diagnostic("NL823", "footer-source", Severity.ERROR, "differs", at,
                                    at + len(footer), Fix.replace(at, at + len(footer), field,
                                                                  "render", SAFE, Priority.DERIVED)))
        return found

    result = fix_loop("field: Jã\nfooter: Jã\n", lint)
    assert result.error is None, result.error
    assert result.text == "field: Jã\nfooter: Já\n"
    assert [(d.name, d.fix) for d in result.remaining] == [("footer-source", None)]


def test_a_cycle_of_derived_fixes_alone_is_still_refused():
    def lint(t):  # two derived fixes undoing each other: no repair to yield to
        if t == "value: A\n":
            return [Diagnostic("NL1", "one", Severity.ERROR, "p", 7, 8,
                               Fix.replace(7, 8, "B", "f", SAFE, Priority.DERIVED))]
        if t == "value: B\n":
            return [Diagnostic("NL2", "two", Severity.ERROR, "p", 7, 8,
                               Fix.replace(7, 8, "A", "f", SAFE, Priority.DERIVED))]
        return []

    result = fix_loop("value: A\n", lint)
    assert result.error and "cycle" in result.error and result.text == "value: A\n"


def test_fix_loop_that_never_settles_is_refused():
    def lint(t):
        return [diag(0, 0, "x")]  # always one more insertion

    result = fix_loop("", lint)
    assert result.text == "" and not result.changed
    assert result.error and str(MAX_PASSES) in result.error


def test_regression_check_refuses_a_fix_that_creates_new_problems():
    def lint(t):
        if t == "good? no":  # offsets 6..8 are "no"
            return [diag(6, 8, "yes", code="NL100")]
        # the "fixed" text has a problem of another rule that the original did not have
        return [diag(0, 1, code="NL200", name="other-rule")] if t == "good? yes" else []

    result = fix_loop("good? no", lint)
    assert result.text == "good? no" and not result.changed
    assert result.error and "NL200" in result.error
    assert [d.code for d in result.remaining] == ["NL100"]  # what the file still has


def test_regression_check_refuses_a_fix_that_breaks_the_yaml():
    def lint(t):
        if t == "k: v":
            return [diag(3, 4, "[", code="NL100")]
        return [diag(3, 4, code="NL103", name="yaml-syntax")]

    result = fix_loop("k: v", lint)
    assert result.text == "k: v" and result.error and "parse" in result.error


def test_regressions_are_counted_per_rule():
    def lint(t):
        return [diag(0, 1, "b", code="NL100")] if t.startswith("a") else [diag(1, 2, code="NL300")]

    result = fix_loop("a" + "x" * 3, lint)
    # NL300 is new: refused, even though the total count did not grow
    assert result.error and "NL300" in result.error


# =========================================================================== unified_diff + patch


def apply_patch(patch_tool: str, folder: Path, diff: str) -> str:
    """Apply ``diff`` with ``patch -p0`` in ``folder``; return patch's output."""
    proc = subprocess.run([patch_tool, "-p0", "--batch", "--no-backup-if-mismatch"],
                          input=diff.encode("utf-8"), cwd=folder, capture_output=True, timeout=60)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode == 0, out
    assert "fuzz" not in out and "offset" not in out, out  # applied exactly
    return out


@pytest.mark.parametrize("old, new", [
    ("a\nb\nc", "a\nB\nc"),  # no final newline, before or after
    ("a\nb\nc\n", "a\nb\nc"),  # the final newline removed
    ("a\nb\nc", "a\nb\nc\n"),  # the final newline added
    ("one\r\ntwo\r\nthree\r\n", "one\r\n2\r\nthree\r\n"),  # CRLF kept
    # characters str.splitlines() treats as line breaks; patch does not
    ("x\u2028y\nline2\nz\x85w\x0cq\x1cr\n", "x\u2028y\nLINE2\nz\x85w\x0cq\x1cr\n"),
    ("only line", "only line, changed"),
])
def test_unified_diff_applies_with_patch(tmp_path, patch_tool, old, new):
    target = tmp_path / "doc.md"
    target.write_bytes(old.encode("utf-8"))
    apply_patch(patch_tool, tmp_path, unified_diff("doc.md", old, new))
    assert target.read_bytes() == new.encode("utf-8")


def test_unified_diff_of_equal_texts_is_empty():
    assert unified_diff("x.md", "a\n", "a\n") == ""


# =========================================================================== write_atomic


def test_write_atomic_keeps_mode_and_replaces_content(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"old")
    os.chmod(p, 0o640)
    write_atomic(str(p), b"new", expected=b"old")
    assert p.read_bytes() == b"new"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert [x.name for x in tmp_path.iterdir()] == ["a.md"]  # no temporary file left


def test_write_atomic_refuses_a_file_changed_since_it_was_read(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"changed by someone else")
    with pytest.raises(WriteError):
        write_atomic(str(p), b"new", expected=b"what we read")
    assert p.read_bytes() == b"changed by someone else"


def test_write_atomic_refuses_a_read_only_file(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"old")
    os.chmod(p, 0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_atomic(str(p), b"new", expected=b"old")
    assert p.read_bytes() == b"old"


def test_write_atomic_through_a_symlink_updates_the_target(tmp_path):
    real = tmp_path / "real.md"
    real.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(str(link), b"new", expected=b"old")
    assert link.is_symlink() and real.read_bytes() == b"new"


# =========================================================================== --fix / --diff end to end

OLD_DATE = "'2025-12-01 18:27:21'"  # an hour after publishedAt (17:27:21 UTC)
NEW_DATE = "'2025-12-01 17:27:21'"


def damaged(valid_article, newline="\n") -> str:
    return valid_article(date=OLD_DATE, newline=newline)


def expected_after_fix(data: bytes) -> bytes:
    """The file with only the date value replaced, found by searching, not by position."""
    key = b"date: " + OLD_DATE.encode()
    assert data.count(key) == 1
    start = data.index(key) + len(b"date: ")
    return data[:start] + NEW_DATE.encode() + data[start + len(OLD_DATE):]


def test_fix_changes_only_the_date_value(cli, tmp_path, valid_article):
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(damaged(valid_article).encode())
    before = path.read_bytes()
    proc = cli("--fix", ARTICLE_NAME)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Fixed 1 problem in 1 file." in proc.stdout
    after = path.read_bytes()
    start = before.index(OLD_DATE.encode())
    assert after[:start] == before[:start]
    assert after[start:start + len(NEW_DATE)] == NEW_DATE.encode()
    assert after[start + len(NEW_DATE):] == before[start + len(OLD_DATE):]
    assert after == valid_article().encode()
    # a second --fix has nothing to do and writes nothing
    mtime = path.stat().st_mtime_ns
    again = cli("--fix", ARTICLE_NAME)
    assert again.returncode == 0 and "No fixes applied." in again.stdout
    assert path.read_bytes() == after and path.stat().st_mtime_ns == mtime


def test_diff_writes_nothing_and_patch_gives_what_fix_writes(cli, tmp_path, valid_article,
                                                             patch_tool):
    work, copy = tmp_path / "work", tmp_path / "copy"
    work.mkdir()
    path = work / ARTICLE_NAME
    path.write_bytes(damaged(valid_article).encode())
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    proc = cli("--diff", ARTICLE_NAME, cwd=work)
    assert proc.returncode == 1  # --diff has changes
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert f"--- {ARTICLE_NAME}" in proc.stdout and f"+date: {NEW_DATE}" in proc.stdout
    assert "Would fix 1 problem in 1 file." in proc.stderr
    shutil.copytree(work, copy)
    apply_patch(patch_tool, copy, proc.stdout)
    cli("--fix", ARTICLE_NAME, cwd=work, check_rc=0)
    assert (copy / ARTICLE_NAME).read_bytes() == path.read_bytes() == expected_after_fix(before)


def test_fix_with_diff_writes_nothing(cli, tmp_path, valid_article):
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(damaged(valid_article).encode())
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    proc = cli("--fix", "--diff", ARTICLE_NAME)
    assert proc.returncode == 1
    assert f"+date: {NEW_DATE}" in proc.stdout
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert "Would fix 1 problem in 1 file." in proc.stderr


def test_diff_of_a_clean_file_is_empty_and_exits_0(cli, tmp_path, valid_article):
    (tmp_path / ARTICLE_NAME).write_bytes(valid_article().encode())
    proc = cli("--diff", ".")
    assert proc.returncode == 0 and proc.stdout == ""


VARIANTS = {
    "crlf": lambda va: damaged(va, "\r\n").encode(),
    "bom": lambda va: b"\xef\xbb\xbf" + damaged(va).encode(),
    "bom-crlf": lambda va: b"\xef\xbb\xbf" + damaged(va, "\r\n").encode(),
    "no-final-newline": lambda va: damaged(va).rstrip("\n").encode(),
    # the date line close to the top: the diff's context reaches the BOM line
    "bom-short": lambda va: b"\xef\xbb\xbf" + va(date=OLD_DATE, drop=("author", "companies"))
    .replace("importance: 3", "importance: 2").encode(),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_fix_and_diff_keep_line_ends_bom_and_mode(cli, tmp_path, valid_article, patch_tool, variant):
    work, copy = tmp_path / "work", tmp_path / "copy"
    work.mkdir()
    path = work / ARTICLE_NAME
    path.write_bytes(VARIANTS[variant](valid_article))
    os.chmod(path, 0o640)
    before = path.read_bytes()
    # only date-mismatch: other rules (the footer's final newline ...) are not the point here
    diff = cli("--diff", "--select", "date-mismatch", ARTICLE_NAME, cwd=work)
    assert diff.returncode == 1, diff.stderr
    shutil.copytree(work, copy)
    apply_patch(patch_tool, copy, diff.stdout)
    fix = cli("--fix", "--select", "date-mismatch", ARTICLE_NAME, cwd=work)
    assert "Fixed 1 problem in 1 file." in fix.stdout, fix.stdout + fix.stderr
    after = path.read_bytes()
    assert after == expected_after_fix(before)
    assert (copy / ARTICLE_NAME).read_bytes() == after
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    if b"\r\n" in before:
        assert after.count(b"\r\n") == after.count(b"\n")
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")


def test_unsafe_fixes_only_when_asked(cli, tmp_path, valid_article):
    text = valid_article()
    # an earlier `title` the YAML loader silently drops: duplicate-key, whose fix is unsafe
    dup = text.replace("---\nauthor:", "---\ntitle: Stará verze\nauthor:", 1)
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(dup.encode())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 1
    assert "[-] " in proc.stdout and "(duplicate-key)" in proc.stdout
    assert "[-] 1 more fixable with --fix --unsafe-fixes." in proc.stdout

    safe_only = cli("--fix", ARTICLE_NAME)
    assert safe_only.returncode == 1
    assert path.read_bytes() == dup.encode()  # nothing written
    assert "No fixes applied." in safe_only.stdout

    unsafe = cli("--fix", "--unsafe-fixes", ARTICLE_NAME)
    assert unsafe.returncode == 0, unsafe.stdout
    assert path.read_bytes() == text.encode()  # the earlier entry deleted, nothing else


def test_read_only_file_is_reported_not_written(cli, tmp_path, valid_article):
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(damaged(valid_article).encode())
    os.chmod(path, 0o444)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    proc = cli("--fix", ARTICLE_NAME)
    assert proc.returncode != 0
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(ARTICLE_NAME + ":")]
    assert any("read-only" in ln for ln in lines), proc.stdout
    assert "No fixes applied." in proc.stdout


# --------------------------------------------------------------------------- damaged corpus files

DAMAGED = [  # corpus files with safe fixes (date-mismatch, image-url, url-invalid)
    "2025-09-23-01-10-nejlepsich-MagSafe-penezenek-2025-otestovano-a-.md",
    "2025-09-23-04-Go-přidalo-podporu-pro-Valgrind.md",
    "2025-09-23-06-The-Download-Problém-s-retrahovanými-články-v-AI.md",
    "2025-12-22-A-10-largest-healthcare-data-breaches-reported-to-.md",
    "2026-01-14-predictions-2026-the-full-list.md",
    "2026-01-14-he-could-just-turn-it-off.md",
]


def test_diff_and_patch_match_fix_on_damaged_corpus_files(cli, tmp_path, corpus_dir, patch_tool):
    work, copy = tmp_path / "work", tmp_path / "copy"
    work.mkdir()
    for name in DAMAGED:
        shutil.copyfile(corpus_dir / name, work / name)
    originals = {name: (work / name).read_bytes() for name in DAMAGED}
    diff = cli("--diff", *DAMAGED, cwd=work)
    assert diff.returncode == 1, diff.stderr
    assert {name: (work / name).read_bytes() for name in DAMAGED} == originals  # nothing written
    for name in DAMAGED:
        assert f"+++ {name}\n" in diff.stdout, name
    shutil.copytree(work, copy)
    apply_patch(patch_tool, copy, diff.stdout)
    fix = cli("--fix", *DAMAGED, cwd=work)
    assert f"problems in {len(DAMAGED)} files." in fix.stdout, fix.stdout  # "Fixed N problems in 6 files."
    for name in DAMAGED:
        fixed = (work / name).read_bytes()
        assert fixed != originals[name], name
        assert (copy / name).read_bytes() == fixed, name
