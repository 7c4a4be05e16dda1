"""Output formats are checked by what their consumers accept: the SARIF 2.1.0 schema, a JUnit
parser, GitHub's workflow-command syntax, GitLab's Code Quality fields."""

from __future__ import annotations

import io
import json
import re
import unicodedata
import subprocess
import sys
from pathlib import Path

import jsonschema
from junitparser import JUnitXml

from mdlint_news.reporters import FORMATS, get_reporter
from mdlint_news.runner import lint_text

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
EXAMPLES = Path("examples") / "content"  # relative to ROOT, as a CI job passes it
BROKEN = EXAMPLES / "2025-12-06-openai-has-trained-its-llm-to-confess-to-bad-behav.md"


def run(fmt: str, *paths: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", fmt, "-q",
                           *map(str, paths)], capture_output=True, text=True, encoding="utf-8",
                          cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_sarif_validates_against_the_official_schema():
    log = json.loads(run("sarif", EXAMPLES))
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert results and {r["ruleId"] for r in results} == {r["id"] for r in rules}
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    fixed = [r for r in results if r["ruleId"] == "NL401"]
    assert fixed and fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"][0][
        "insertedContent"]["text"].endswith("utm_source=rss&utm_medium=feed")


def test_junit_parses_with_a_junit_parser(tmp_path):
    out = tmp_path / "report.xml"
    out.write_text(run("junit", EXAMPLES), encoding="utf-8")
    xml = JUnitXml.fromfile(str(out))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == len(list((ROOT / EXAMPLES).glob("*.md")))
    failing = {c.name for c in cases if not c.is_passed}
    assert str(BROKEN) in failing
    passing = [c for c in cases if c.is_passed]
    assert any(c.name.endswith("2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md")
               for c in passing)


GH = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),"
                r"endColumn=(\d+),title=([^:]+)::(.+)$")


def test_github_annotations_carry_exact_ranges():
    text = (ROOT / BROKEN).read_text(encoding="utf-8")
    lines = run("github", BROKEN).splitlines()
    assert lines
    for line in lines:
        m = GH.match(line)
        assert m, line
        level, path, ln, col, eln, ecol, title, message = m.groups()
        assert path == str(BROKEN)
        assert title.startswith("NL")
    # the &amp; URL: the annotation spans exactly the value on its line
    url_line = next(l for l in lines if "NL401" in l)
    m = GH.match(url_line)
    ln, col, ecol = int(m.group(3)), int(m.group(4)), int(m.group(6))
    source = text.splitlines()[ln - 1]
    assert source[col - 1:ecol - 1] == source.split("url: ", 1)[1]


def test_github_escapes_newlines_and_percent():
    d = lint_text("---\ntitle: x\n---\n", "a%b,c.md")[0]
    d.message = "50% done\nnext"
    buf = io.StringIO()
    get_reporter("github")(buf).report([d], {})
    out = buf.getvalue()
    assert out.count("\n") == 1 and "50%25 done%0Anext" in out and "file=a%25b%2Cc.md" in out


def test_gitlab_code_quality_fields():
    items = json.loads(run("gitlab", EXAMPLES))
    assert items
    fingerprints = [i["fingerprint"] for i in items]
    assert len(set(fingerprints)) == len(fingerprints)
    for i in items:
        assert set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert i["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert i["location"]["path"].startswith("examples/")
        assert i["location"]["positions"]["begin"]["line"] >= 1


def test_json_lines_one_object_per_line():
    lines = run("json-lines", EXAMPLES).splitlines()
    objs = [json.loads(l) for l in lines]
    assert len(objs) == len(json.loads(run("json", EXAMPLES)))


def test_full_shows_the_line_and_a_caret_under_the_span():
    out = run("full", BROKEN)
    block = out.split("NL401", 1)[1].splitlines()
    src = next(l for l in block if l.split("|", 1)[-1].lstrip().startswith("url:"))
    caret = block[block.index(src) + 1]
    start = src.index("https://")
    assert caret.index("^") == start and caret.rstrip().endswith("^")
    assert len(caret.rstrip()) == len(src.rstrip().removesuffix("…"))  # a long line: up to the cut
    assert "\033[" not in out  # not a terminal: no colour


def test_every_format_is_registered():
    for fmt in FORMATS:
        assert get_reporter(fmt).name == fmt


def test_github_annotations_on_the_seed_span_exactly_the_damaged_text():
    """One annotation per damaged field / paragraph of the seed, spanning exactly its damaged
    runs: from the first edit of its fix to the last, as the JSON report gives them."""
    seed = EXAMPLES / "2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"
    lines = (ROOT / seed).read_text(encoding="utf-8").splitlines()
    out = run("github", seed).splitlines()
    mojibake = [GH.match(l) for l in out if "NL701" in l]
    report = [d for d in json.loads(run("json", seed)) if d["code"] == "NL701"]
    assert len(mojibake) == len(report) == 10  # 4 fields (category, description, emoji, title), 6 paragraphs
    for m, d in zip(mojibake, report):
        ln, col, eln, ecol = (int(m.group(i)) for i in (3, 4, 5, 6))
        message = m.group(8).replace("%25", "%")
        assert message.startswith(f"{seed}:{ln}:{col}: NL701 ")  # where, for the log too
        edits = d["fix"]["edits"]
        first, last = edits[0]["start"], edits[-1]["end"]
        assert (ln, col, eln, ecol) == (first["line"], first["column"], last["line"], last["column"])
        for e in edits:  # each edit replaces damaged text: it starts at a character the code page made
            assert lines[e["start"]["line"] - 1][e["start"]["column"] - 1] in "ÃÄÅâğ"


# --- full: a window of a long line, the caret aligned in display columns -------------------

LEAK = "jako expert na umělou inteligenci vidím"  # a body phrase content-leak reports, in place


def _display_width(s: str) -> int:
    """Terminal columns, as the wcwidth library (ftfy's dependency; not the code under test)
    counts them: wide characters and emoji two, combining marks and modifiers none."""
    import wcwidth

    width = wcwidth.wcswidth(s)
    assert width >= 0, s  # no control characters
    return width


def _article_with_lines(tmp_path: Path, lines: list[str]) -> Path:
    from support import ARTICLE_NAME, VALID_BODY, article_text

    body = VALID_BODY.replace("Podrobnější text článku.\n", "\n\n".join(lines) + "\n")
    p = tmp_path / ARTICLE_NAME
    p.write_text(article_text(body=body), encoding="utf-8")
    return p


def _blocks(out: str, code: str) -> list[list[str]]:
    """The full format's blocks (header, gutter lines, help) of one rule."""
    return [b.splitlines() for b in out.split("\n\n") if f": {code} " in b.split("\n", 1)[0]]


def _source_and_caret(block: list[str]) -> tuple[str, str]:
    """The source line and the caret line of a block, without their gutter."""
    i = next(i for i, l in enumerate(block) if "^" in l and set(l.split("|", 1)[1].strip()) <= {"^"})
    return block[i - 1].split("| ", 1)[1], block[i].split("| ", 1)[1]


LONG_LINES = {
    "czech": unicodedata.normalize("NFD", "Příliš žluťoučký kůň úpěl ďábelské ódy, ") * 12
    + LEAK + " " + "ěščřžýáíé " * 50,
    "cjk": "中文字符和日本語のテキスト。" * 30 + LEAK + "。" + "한국어 텍스트 " * 60,
    "emoji": "😀🎉👍🏽 " * 120 + LEAK + " 🚀" * 100,
    "tabs": "\tsloupec\t" * 60 + LEAK + "\t" * 5 + "konec " * 100,
}


def test_full_shows_a_window_of_a_long_line_with_the_caret_under_the_span(tmp_path):
    p = _article_with_lines(tmp_path, list(LONG_LINES.values()))
    out = run("full", p)
    assert "\t" not in out  # a tab is shown as spaces, so that the caret lines up
    blocks = _blocks(out, "NL843")
    assert len(blocks) == len(LONG_LINES), out
    for block, (kind, line) in zip(blocks, LONG_LINES.items()):
        assert len(line) > 800
        for shown in block[1:]:  # the gutter lines (the header holds the whole path)
            if " |" in shown:
                assert _display_width(shown) <= 140, (kind, _display_width(shown), shown)
        src, caret = _source_and_caret(block)
        assert src.startswith("…") and src.rstrip().endswith("…"), (kind, src)  # cut on both sides
        at = src.index(LEAK)
        assert caret.index("^") == _display_width(src[:at]), (kind, src, caret)
        assert caret.rstrip() == " " * caret.index("^") + "^" * _display_width(LEAK), (kind, caret)


def test_full_shows_the_start_of_a_span_longer_than_the_window(tmp_path):
    from support import ARTICLE_NAME, article_text

    url = "https://www.theverge.com/2025/12/1/" + "dlouha-cesta-" * 40 + "?a=1&amp;b=2"
    p = tmp_path / ARTICLE_NAME
    p.write_text(article_text(url=url), encoding="utf-8")
    block = _blocks(run("full", p), "NL401")[0]
    for shown in block[1:]:
        if " |" in shown:  # the gutter lines (a help line names the whole fixed URL)
            assert _display_width(shown) <= 140, shown
    src, caret = _source_and_caret(block)
    assert "url: https://www.theverge.com/2025/12/1/dlouha-cesta-" in src
    assert src.rstrip().endswith("…")
    start = src.index("https://")
    assert caret.index("^") == start
    assert caret.rstrip() == " " * start + "^" * (len(src.rstrip()) - 1 - start)  # up to the cut


# --- github: the location in the message too (only 10 annotations of a kind are shown) ------

def _unescape(value: str, prop: bool) -> str:
    """As the Actions runner reads a workflow command (actions/runner ActionCommand)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for escaped, ch in pairs + [("%25", "%")]:
        value = value.replace(escaped, ch)
    return value


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """``::name key=value,key=value::message`` split where the runner splits it: the first
    ``::`` after the command, properties at commas, each at its first ``=``."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    name, _, props = line[2:end].partition(" ")
    parsed = {}
    for prop in props.split(","):
        key, sep, value = prop.partition("=")
        assert sep and key not in parsed, (line, prop)
        parsed[key] = _unescape(value, prop=True)
    return name, parsed, _unescape(line[end + 2:], prop=False)


def test_github_message_starts_with_the_location(tmp_path):
    from support import article_text

    odd = tmp_path / "a:b,c%d 50%.md"  # every character the properties escape
    odd.write_text(article_text(date="'2025-12-01 18:27:21'"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "github", "-q",
                           odd.name], capture_output=True, text=True, encoding="utf-8", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 1 and lines
    for line in lines:
        kind, props, message = parse_workflow_command(line)
        assert kind in {"error", "warning", "notice"}
        assert props["file"] == odd.name
        where = f"{odd.name}:{props['line']}:{props['col']}: "
        assert message.startswith(where), (where, message)
        assert props["title"].split()[0] in message  # the code, for a log without annotations
    date = next(parse_workflow_command(l) for l in lines if "NL302" in l)
    assert date[2] == (f"{odd.name}:6:7: NL302 date '2025-12-01 18:27:21' differs from publishedAt "
                       "'2025-12-01T17:27:21+00:00' (expected '2025-12-01 17:27:21' in UTC)")


# --- junit: info notes do not fail, as they do not fail the exit code ------------------------

def test_junit_info_notes_are_not_failures(tmp_path):
    from support import article_text

    from support import ARTICLE_NAME

    p = tmp_path / ARTICLE_NAME
    p.write_text(article_text(category="tech"), encoding="utf-8")  # the fallback category: info
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "junit", "-q",
                           "--output-file", "r.xml", ARTICLE_NAME], capture_output=True, text=True,
                          encoding="utf-8", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr  # an info note does not fail the run ...
    xml = JUnitXml.fromfile(str(tmp_path / "r.xml"))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 1 and cases[0].is_passed  # ... nor the test case
    assert all(int(suite.failures) == 0 for suite in xml)
    assert "NL" in (cases[0].system_out or "") and "fallback" in cases[0].system_out


# --- related locations: the evidence of one finding, in every format ------------------------

def _untranslated_article(tmp_path: Path) -> tuple[Path, str]:
    """The shape of shared/corpus/marigold/2025-10-29-please-stop-using-ai-browsers-xda.md: one
    finding (not-translated) with four related locations (title, description, body, category)."""
    from test_root_cause import XDA, XDA_NAME

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / XDA_NAME).write_text(XDA, encoding="utf-8")
    return Path("content") / XDA_NAME, XDA


def _lint_tmp(tmp_path: Path, fmt: str, *extra: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", fmt, "-q",
                           "--no-cache", *extra, "content"], capture_output=True, text=True,
                          encoding="utf-8", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def _key_at(text: str, key: str) -> tuple[int, int]:
    n = next(i for i, l in enumerate(text.split("\n"), 1) if l.startswith(key + ": "))
    return n, len(key) + 3


def _evidence(text: str) -> list[tuple[int, int, int, int]]:
    """(line, column, end line, end column) of title, description, body and category, found by
    plain search in the article."""
    lines = text.split("\n")
    t, d, c = _key_at(text, "title"), _key_at(text, "description"), _key_at(text, "category")
    body = lines.index(next(l for l in lines if l.startswith("Agentic"))) + 1
    return [(*t, t[0], len(lines[t[0] - 1]) + 1), (*d, d[0] + 1, len(lines[d[0]]) + 1),
            (body, 1, body, len(lines[body - 1]) + 1), (*c, c[0], len(lines[c[0] - 1]) + 1)]


def test_json_lists_related_locations(tmp_path):
    path, text = _untranslated_article(tmp_path)
    items = json.loads(_lint_tmp(tmp_path, "json"))
    root = [i for i in items if i["code"] == "NL844"]
    assert len(root) == 1
    related = root[0]["related"]
    assert [(r["line"], r["column"], r["end_line"], r["end_column"]) for r in related] == \
        _evidence(text)
    assert [r["message"].split(" ")[0] for r in related] == ["title", "description", "the", "category"]
    assert all(i["related"] == [] for i in items if i["code"] != "NL844")
    lines = [json.loads(l) for l in _lint_tmp(tmp_path, "json-lines").splitlines()]
    assert [l["related"] for l in lines if l["code"] == "NL844"] == [related]


def test_sarif_related_locations_validate(tmp_path):
    path, text = _untranslated_article(tmp_path)
    log = json.loads(_lint_tmp(tmp_path, "sarif"))
    jsonschema.validate(log, SARIF_SCHEMA)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "NL844")
    related = result["relatedLocations"]
    assert sorted(r["id"] for r in related) == list(range(len(related)))
    got = []
    for r in related:
        phys = r["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == str(path)
        assert r["message"]["text"]
        region = phys["region"]
        got.append((region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]))
    assert got == _evidence(text)
    assert all("relatedLocations" not in r for r in log["runs"][0]["results"] if r["ruleId"] != "NL844")


def test_concise_shows_related_locations_as_indented_notes(tmp_path):
    path, text = _untranslated_article(tmp_path)
    lines = _lint_tmp(tmp_path, "concise").splitlines()
    at = next(i for i, l in enumerate(lines) if " NL844 " in l)
    assert lines[at].startswith(f"{path}:16:8: NL844 the article was not translated")
    notes = lines[at + 1:at + 5]
    assert [n.split(": ", 2)[:2] for n in notes] == [
        ["    = note", f"{ln}:{col}"] for ln, col, *_ in _evidence(text)]
    assert notes[1].endswith("description reads as 'en', not 'cs' (14 words en, 0 cs)")
    assert all(not l.startswith(" ") for l in lines[:at] + lines[at + 5:])  # only NL844 has notes


def test_full_shows_each_related_line_under_its_note(tmp_path):
    path, text = _untranslated_article(tmp_path)
    out = _lint_tmp(tmp_path, "full")
    block = _blocks(out, "NL844")[0]
    notes = [i for i, l in enumerate(block) if l.lstrip().startswith("= note: ")]
    assert len(notes) == 4
    src = text.split("\n")
    for (ln, col, eln, ecol), i in zip(_evidence(text)[1:], notes[1:]):
        assert block[i].lstrip().startswith(f"= note: {ln}:{col}: ")
        shown, marks = block[i + 2], block[i + 3]
        assert shown.split("| ", 1)[1] == src[ln - 1]
        under = marks.split("| ", 1)[1]
        assert under.index("-") == col - 1 and set(under.strip()) == {"-"}
    # the title is the finding's own span: its note has no second copy of the line
    assert block[notes[0] + 1].lstrip().startswith("= note: ")


def test_github_and_gitlab_make_one_annotation_naming_the_related_places(tmp_path):
    path, text = _untranslated_article(tmp_path)
    count = len(json.loads(_lint_tmp(tmp_path, "json")))
    lines = _lint_tmp(tmp_path, "github").splitlines()
    assert len(lines) == count
    kind, props, message = parse_workflow_command(next(l for l in lines if "NL844" in l))
    assert (kind, props["line"], props["col"]) == ("error", "16", "8")
    assert message.splitlines()[0].startswith(f"{path}:16:8: NL844 ")
    assert [m.split(": ")[1] for m in message.splitlines()[1:]] == [
        f"{ln}:{col}" for ln, col, *_ in _evidence(text)]
    items = json.loads(_lint_tmp(tmp_path, "gitlab"))
    assert len(items) == count
    item = next(i for i in items if i["check_name"] == "not-translated")
    assert "5:14 description reads as 'en'" in item["description"]
    assert item["location"]["positions"]["begin"] == {"line": 16, "column": 8}


def test_junit_failure_text_carries_the_notes(tmp_path):
    _untranslated_article(tmp_path)
    out = tmp_path / "r.xml"
    out.write_text(_lint_tmp(tmp_path, "junit"), encoding="utf-8")
    case = next(c for s in JUnitXml.fromfile(str(out)) for c in s)
    failure = next(r for r in case.result if r.type == "not-translated")
    assert failure.text.count("= note: ") == 4


def test_related_locations_do_not_change_baseline_fingerprints():
    """A baseline recorded before related locations existed still knows the same findings."""
    from dataclasses import replace

    from test_root_cause import XDA, XDA_NAME

    from mdlint_news.baseline import fingerprint
    from mdlint_news.cache import dump, load

    d = next(d for d in lint_text(XDA, XDA_NAME) if d.related)
    assert fingerprint(d) == fingerprint(replace(d, related=()))
    (back,), _ = load(dump([d], {}))
    assert back == d and back.related == d.related
    assert [r.source for r in back.related] == [r.source for r in d.related]


def test_a_cached_file_level_fix_keeps_how_it_stores_the_file():
    """The result cache keeps a diagnostic whole: a file-level fix (re-encode, drop the BOM) is
    still one after the round trip (``Fix.storage``), as are its applicability and priority."""
    from mdlint_news.cache import dump, load
    from mdlint_news.decoding import decode
    from support import ARTICLE_NAME, article_text

    raw = b"\xef\xbb\xbf" + article_text().encode("utf-8")
    decoded = decode(raw)
    found = [d for d in lint_text(decoded.text, ARTICLE_NAME, decoded=decoded)
             if d.fix is not None and d.fix.storage is not None]
    assert [d.name for d in found] == ["bom"]
    back, _ = load(dump(found, {}))
    assert back == found and back[0].fix.storage == found[0].fix.storage
