"""The real articles in shared/corpus/marigold: every known anomaly is reported by the right rule
at the right line, nothing crashes, and ``--fix`` over the whole corpus is idempotent and changes
nothing outside the reported edits. Skipped when shared/ is absent."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from support import SHARED

CORPUS = SHARED / "corpus" / "marigold"


def line_of(text: str, needle: str, start_line: int = 1) -> int:
    """1-based number of the first line (from ``start_line``) that contains ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if i >= start_line and needle in line:
            return i
    raise AssertionError(f"{needle!r} not found")


def key_line(text: str, key: str) -> int:
    """Line of a top-level front-matter key."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(key + ":"))


def one(pattern: str) -> Path:
    matches = sorted(CORPUS.glob(pattern))
    assert len(matches) == 1, (pattern, matches)
    return matches[0]


@pytest.fixture(scope="module")
def report(request) -> dict[str, list[dict]]:
    """The JSON report of the whole corpus, by file name (one run for the module)."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared/ corpus not present beside the repository ({CORPUS})")
    import subprocess
    import sys
    had_cache = (CORPUS / ".news-lint-cache").exists()
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--output-format",
                           "json", "."], cwd=CORPUS, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    # the shared corpus is read, never written: no cache folder left in it
    assert had_cache or not (CORPUS / ".news-lint-cache").exists()
    items = json.loads(proc.stdout.decode("utf-8"))
    by_file: dict[str, list[dict]] = {p.name: [] for p in CORPUS.glob("*.md")}
    for item in items:
        by_file.setdefault(Path(item["path"]).name, []).append(item)
    return by_file


def found(report, path: Path, name: str) -> list[dict]:
    return [i for i in report[path.name] if i["name"] == name]


def test_whole_corpus_is_linted_without_internal_errors(report, shared_dir):
    assert len(report) >= 200
    crashed = {f: [i["message"] for i in items if i["name"] in ("internal-error", "unreadable-file")]
               for f, items in report.items()}
    assert {f: m for f, m in crashed.items() if m} == {}


def test_merge_conflict_markers_in_front_matter(report):
    path = CORPUS / "2025-09-21-montblanc-is-getting-into-the-digital-notepad-game.md"
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "yaml-syntax")
    assert len(hits) == 1
    assert hits[0]["line"] == line_of(text, "<<<<<<<") and hits[0]["column"] == 1
    assert "conflict" in hits[0]["message"]


def test_c1_control_characters_in_original_title(report):
    """UTF-8 read as Latin-1, kept as C1 escapes: reported as mojibake (which wins over
    control-character), with the code page named, and the slug and file name it spoiled."""
    path = one("2026-02-05-chinaâs-catl-*.md")
    text = path.read_text(encoding="utf-8")
    assert not found(report, path, "control-character")
    hits = found(report, path, "mojibake")
    assert [h["line"] for h in hits] == [key_line(text, "original_title")]
    # written as the characters themselves or as YAML escapes in a double-quoted string
    assert re.search(r"[\x80-\x9f]|\\x[89][0-9a-fA-F]", text.splitlines()[hits[0]["line"] - 1])
    assert hits[0]["severity"] == "error" and "latin-1" in hits[0]["message"]
    assert "’" in hits[0]["message"] and hits[0]["fix"]["applicability"] == "safe"
    assert "repaired: 'China’s CATL" in hits[0]["message"]  # the value as the fix leaves it
    assert [e["content"] for e in hits[0]["fix"]["edits"]] == ["’"]  # only the damaged run changes
    slug = found(report, path, "slug-mismatch")
    assert slug and "'chinas-catl-5c-battery-breakthrough-the-final-nail'" in slug[0]["message"]
    assert found(report, path, "filename-mismatch")


@pytest.mark.parametrize("pattern", ["2025-12-22-A-10-largest-*.md",
                                     "2026-01-14-predictions-2026-the-full-list.md"])
def test_whitespace_in_image_url(report, pattern):
    path = one(pattern)
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "image-url")
    lines = {h["line"] for h in hits}
    assert key_line(text, "urlToImage") in lines
    for h in hits:
        assert "whitespace" in h["message"]
        assert h["fix"] and h["fix"]["applicability"] == "safe"


def test_relative_image_url(report):
    path = one("2025-10-05-a-smarter-way-*.md")
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "image-url")
    assert [h["line"] for h in hits] == [key_line(text, "urlToImage")]
    assert "relative" in hits[0]["message"]


def test_html_entity_in_url(report):
    path = CORPUS / "2026-01-14-he-could-just-turn-it-off.md"
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "url-invalid")
    assert [h["line"] for h in hits] == [key_line(text, "url")]
    assert "&amp;" in text.splitlines()[hits[0]["line"] - 1]
    assert hits[0]["fix"]["applicability"] == "safe"


def test_llm_refusal_as_a_companies_item(report):
    path = one("2025-10-21-ai-assistants-make-*.md")
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "list-items")
    assert len(hits) == 1
    start = key_line(text, "companies")
    item_line = text.splitlines()[hits[0]["line"] - 1]
    assert hits[0]["line"] > start and item_line.lstrip().startswith("- ")
    assert "Na základě" in item_line  # the model's refusal, not a company


def test_cut_category_is_a_warning(report):
    path = one("2025-10-09-gemini-has-a-known-*.md")
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "category-format")
    assert [(h["line"], h["severity"]) for h in hits] == [(key_line(text, "category"), "warning")]


def test_empty_description(report):
    path = one("2025-10-29-uv-is-the-best-thing-*.md")
    text = path.read_text(encoding="utf-8")
    hits = found(report, path, "description-length")
    assert [h["line"] for h in hits] == [key_line(text, "description")]
    assert hits[0]["severity"] == "error"


def _front_value(text: str, key: str) -> str:
    line = next(ln for ln in text.splitlines() if ln.startswith(key + ":"))
    return line.split(":", 1)[1].strip().strip("'\"")


def test_date_hours_after_published_at(report):
    files = sorted(CORPUS.glob("2025-09-23-0[0-9]-*.md"))
    assert files
    checked = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        date = datetime.strptime(_front_value(text, "date"), "%Y-%m-%d %H:%M:%S")
        published = datetime.fromisoformat(_front_value(text, "publishedAt"))
        hours = (date - published.replace(tzinfo=None)).total_seconds() / 3600
        hits = found(report, path, "date-mismatch")
        if hours == 0:
            assert hits == [], path.name
            continue
        checked += 1
        assert hours >= 1, (path.name, hours)  # these files carry the generation time
        assert [h["line"] for h in hits] == [key_line(text, "date")], path.name
        assert hits[0]["fix"]["applicability"] == "safe"
        assert published.utcoffset().total_seconds() == 0  # so `date` is publishedAt as written
        expected = published.strftime("%Y-%m-%d %H:%M:%S")
        assert hits[0]["fix"]["edits"][0]["content"] == f"'{expected}'"
    assert checked >= 5


# Modern files with a documented anomaly (the list above, plus MANIFEST.tsv's
# companies-contains-llm-sentence); every other modern article must be free of errors from the
# file, front-matter, contract, date, URL, slug, field and encoding rules (NL0xx-NL7xx) and of
# internal errors (NL9xx). The body rules (NL8xx: sections, footer, untranslated text) judge the
# article text, where the corpus has many more documented anomalies (MANIFEST.tsv's
# heading-variant-h3, llm-fallback-untranslated ...); their cases live in tests/cases/.
KNOWN_ANOMALIES = [
    "2026-02-05-chinaâs-catl-*.md",
    "2025-12-22-A-10-largest-*.md",
    "2026-01-14-predictions-2026-the-full-list.md",
    "2025-10-05-a-smarter-way-*.md",
    "2026-01-14-he-could-just-turn-it-off.md",
    "2025-10-21-ai-assistants-make-*.md",
    "2025-10-09-gemini-has-a-known-*.md",
    "2025-10-29-uv-is-the-best-thing-*.md",
    "2025-09-23-0[0-9]-*.md",
    "2025-09-30-A-13-essential-ipad-apps-*.md",
]
BODY_RULES = re.compile(r"^NL8\d\d$")


def test_modern_articles_without_known_anomaly_have_no_errors(report):
    known = {p.name for pattern in KNOWN_ANOMALIES for p in CORPUS.glob(pattern)}
    manifest = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8")
    assert "companies-contains-llm-sentence" in manifest  # why the iPad file is on the list
    modern = [p for p in sorted(CORPUS.glob("*.md"))
              if re.search(r"^layout: ['\"]?tech_news_article['\"]?\s*$",
                           p.read_text(encoding="utf-8").split("\n---", 1)[0], re.MULTILINE)]
    assert len(modern) >= 100
    errors = {p.name: [f"{i['line']}: {i['name']}: {i['message']}" for i in report[p.name]
                       if i["severity"] == "error" and not BODY_RULES.match(i["code"])]
              for p in modern if p.name not in known}
    assert {f: e for f, e in errors.items() if e} == {}


# --------------------------------------------------------------------------- --fix on a copy


def _offset(starts: list[int], pos: dict) -> int:
    return starts[pos["line"] - 1] + pos["column"] - 1


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def _apply(text: str, items: list[dict]) -> str:
    """Apply reported fixes like any other tool reading the JSON would: whole fixes, sorted by
    position, a fix overlapping one already taken left for the next pass."""
    starts = _line_starts(text)
    fixes = sorted(sorted((_offset(starts, e["start"]), _offset(starts, e["end"]), e["content"])
                          for e in i["fix"]["edits"]) for i in items)
    out, pos = [], 0
    for edits in fixes:
        if edits[0][0] < pos:
            continue
        for s, e, content in edits:
            out.append(text[pos:s])
            out.append(content)
            pos = e
    out.append(text[pos:])
    return "".join(out)


def test_fix_whole_corpus_is_idempotent_and_only_touches_reported_edits(cli, tmp_path, report):
    work = tmp_path / "corpus"
    shutil.copytree(CORPUS, work)
    work.chmod(0o755)  # shared/ may be laid out without write bits: the copy must be writable
    for p in work.iterdir():
        p.chmod(0o644)
    before = {p.name: p.read_bytes() for p in work.glob("*.md")}

    first = cli("--fix", ".", cwd=work)
    assert first.returncode in (0, 1), first.stderr
    after = {p.name: p.read_bytes() for p in work.glob("*.md")}
    changed = sorted(n for n in before if before[n] != after[n])
    assert changed, "the corpus has safe fixes: something must change"
    assert not any("NL901" in line for line in first.stdout.splitlines())

    # every change is a reported safe edit: replay the JSON reports' edits pass by pass (a fix can
    # make another one necessary, as the footer link that repeats a fixed url) on a second copy
    replay = tmp_path / "replay"
    replay.mkdir()
    for name in changed:
        shutil.copyfile(CORPUS / name, replay / name)
    pending = list(changed)
    items = [dict(i, path=name) for name in changed for i in report[name]]  # pass 1: the report
    for _ in range(10):
        if not pending:
            break
        if items is None:
            items = json.loads(cli("--output-format", "json", *pending, cwd=replay).stdout)
        still = []
        for name in pending:
            safe = [i for i in items if i["path"] == name and i["fix"]
                    and i["fix"]["applicability"] == "safe"]
            if safe:
                old = (replay / name).read_bytes().decode("utf-8")
                (replay / name).write_bytes(_apply(old, safe).encode("utf-8"))
                still.append(name)
        pending, items = still, None
    assert not pending, pending
    for name in changed:
        assert (replay / name).read_bytes() == after[name], name

    # a second run changes nothing (files the first run left alone are linted the same way
    # again, so running it on the changed ones suffices)
    second = cli("--fix", *changed, cwd=work)
    assert {p.name: p.read_bytes() for p in work.glob("*.md")} == after
    assert "No fixes applied." in second.stdout
