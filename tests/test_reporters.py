"""Output formats are checked by what their consumers accept: the SARIF 2.1.0 schema, a JUnit
parser, GitHub's workflow-command syntax, GitLab's Code Quality fields."""

from __future__ import annotations

import io
import json
import re
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
    assert len(caret.rstrip()) == len(src.rstrip())
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
        assert eln == ln and ecol > col
        # the damaged run, as the message shows it ("mojibake in 'field': 'run' ..." in values)
        quoted = message.split("'")[3 if message.startswith("mojibake in '") else 1]
        assert lines[ln - 1][col - 1:ecol - 1] == quoted, (ln, col, ecol, message)
        body_checked += 1
    assert body_checked == len(mojibake)
