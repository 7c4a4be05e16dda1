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
    """Every annotation on the damaged seed points at the characters it names."""
    seed = EXAMPLES / "2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"
    lines = (ROOT / seed).read_text(encoding="utf-8").splitlines()
    out = run("github", seed).splitlines()
    mojibake = [GH.match(l) for l in out if "NL701" in l]
    assert len(mojibake) > 100
    body_checked = 0
    for m in mojibake:
        ln, col, eln, ecol = (int(m.group(i)) for i in (3, 4, 5, 6))
        message = m.group(8).replace("%25", "%")
        assert message.startswith(f"{seed}:{ln}:{col}: NL701 ")  # where, for the log too
        message = message.split(" NL701 ", 1)[1]
        assert eln == ln and ecol > col
        # the damaged run, as the message shows it ("mojibake in 'field': 'run' ..." in values)
        quoted = message.split("'")[3 if message.startswith("mojibake in '") else 1]
        assert lines[ln - 1][col - 1:ecol - 1] == quoted, (ln, col, ecol, message)
        body_checked += 1
    assert body_checked == len(mojibake)


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
    from conftest import ARTICLE_NAME, VALID_BODY, article_text

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
    from conftest import ARTICLE_NAME, article_text

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
    from conftest import article_text

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
    from conftest import article_text

    from conftest import ARTICLE_NAME

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
