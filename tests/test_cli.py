"""The command line end to end: the real entry point in a subprocess, in temporary folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mdlint_news.rules import RULES

from support import ARTICLE_NAME, article_text, run_many

LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>NL\d{3}) "
                  r"(?P<marker>\[\*\] |\[-\] )?(?P<message>.+) \((?P<name>[a-z0-9-]+)\)$")

OFF_BY_AN_HOUR = "'2025-12-01 18:27:21'"  # publishedAt is 17:27:21 UTC


def problems(stdout: str) -> list[dict]:
    """The diagnostic lines of concise output, parsed; every other line must be summary text."""
    out = []
    for line in stdout.splitlines():
        m = LINE.match(line)
        if m:
            out.append(m.groupdict())
    return out


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line that starts with ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(needle):
            return i
    raise AssertionError(f"{needle!r} not in text")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# --------------------------------------------------------------------------- exit codes, format


def test_clean_article_exits_0(cli, tmp_path, valid_article):
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert problems(proc.stdout) == []
    assert proc.stdout.strip() == "All checks passed (1 file)."


def test_problem_line_format_and_summary(cli, tmp_path, valid_article):
    text = valid_article(date=OFF_BY_AN_HOUR)
    write(tmp_path / ARTICLE_NAME, text)
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 1
    found = problems(proc.stdout)
    assert len(found) == 1, proc.stdout
    p = found[0]
    assert p["path"] == ARTICLE_NAME
    assert (p["code"], p["name"]) == ("NL302", "date-mismatch")
    assert int(p["line"]) == line_of(text, "date:")
    assert int(p["col"]) == len("date: ") + 1  # the value, not the key
    assert p["marker"] == "[*] "  # a safe fix
    lines = proc.stdout.splitlines()
    assert LINE.match(lines[0]) and lines[0].startswith(f"{ARTICLE_NAME}:")
    assert "Found 1 problem (1 error) in 1 of 1 file." in lines
    assert any(line.startswith("[*] 1 fixable with --fix") for line in lines)


def test_quiet_has_no_summary(cli, tmp_path, valid_article):
    write(tmp_path / ARTICLE_NAME, valid_article(date=OFF_BY_AN_HOUR))
    proc = cli("-q", ".")
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 1 and problems(proc.stdout)


def test_warnings_fail_by_default_but_not_with_fail_on_error(cli, tmp_path, valid_article):
    write(tmp_path / "wrong-name.md", valid_article())  # filename-mismatch is a warning
    proc = cli(".")
    assert proc.returncode == 1
    assert [p["name"] for p in problems(proc.stdout)] == ["filename-mismatch"]
    assert cli("--fail-on", "error", ".").returncode == 0
    assert cli("--exit-zero", ".").returncode == 0


USAGE_ERRORS = [
    ("--no-such-option", "."),
    ("--select", "NL999", "."),
    ("--ignore", "no-such-rule", "."),
    ("--extend-select", "XYZ", "."),
    ("--output-format", "xml", "."),
    ("no-such-dir",),
    ("--config", "missing.toml", "."),
]


@pytest.fixture(scope="module")
def usage_errors(tmp_path_factory) -> dict[tuple, object]:
    folder = tmp_path_factory.mktemp("usage")
    write(folder / ARTICLE_NAME, article_text())
    return dict(zip(USAGE_ERRORS, run_many([(args, folder) for args in USAGE_ERRORS])))


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_exit_2(usage_errors, args):
    proc = usage_errors[args]
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.strip(), "exit 2 must say why on stderr"


def test_nonexistent_path_among_good_ones_exits_2_but_lints_the_rest(cli, tmp_path, valid_article):
    write(tmp_path / ARTICLE_NAME, valid_article(date=OFF_BY_AN_HOUR))
    proc = cli(ARTICLE_NAME, "missing.md")
    assert proc.returncode == 2
    assert "missing.md" in proc.stderr
    assert [p["name"] for p in problems(proc.stdout)] == ["date-mismatch"]


def test_unknown_selector_names_the_selector(cli, tmp_path):
    proc = cli("--select", "NL3,bogus-rule", ".")
    assert proc.returncode == 2
    assert "bogus-rule" in proc.stderr


# --------------------------------------------------------------------------- discovery


def _tree(root: Path) -> None:
    """Articles whose front matter lost its `---` lines (so still articles, articles.py): each
    one linted yields exactly one frontmatter-missing."""
    for rel in ["b.md", "a.md", "sub/z.md", "sub/deep/er/x.md", "sub-a.md", "Zeta.md",
                "node_modules/pkg/readme.md", ".git/x.md", "venv/x.md", ".hidden.md",
                "notes.txt", "sub/deep/notes.markdown", "drafts/d.md", "post.draft.md"]:
        write(root / rel, "layout: tech_news_article\n# Just a heading\n")


def test_recursive_discovery_sorted_and_deterministic(cli, tmp_path):
    _tree(tmp_path)
    proc = cli("--select", "frontmatter-missing", ".")
    assert proc.returncode == 1
    paths = [p["path"] for p in problems(proc.stdout)]
    expected = ["a.md", "b.md", "drafts/d.md", "post.draft.md", "sub-a.md", "sub/deep/er/x.md",
                "sub/z.md", "Zeta.md"]
    assert sorted(paths) == sorted(expected)  # default excludes, hidden files, non-.md skipped
    assert paths == sorted(paths)
    assert "Found 8 problems (8 errors) in 8 of 8 files." in proc.stdout
    again = cli("--select", "frontmatter-missing", ".")
    assert again.stdout == proc.stdout


def test_folder_argument_gives_paths_under_it(cli, tmp_path):
    _tree(tmp_path)
    proc = cli("--select", "NL101", "sub")
    assert [p["path"] for p in problems(proc.stdout)] == ["sub/deep/er/x.md", "sub/z.md"]


def test_extend_exclude_from_config_keeps_default_excludes(cli, tmp_path):
    _tree(tmp_path)
    write(tmp_path / ".news-lint.toml", 'extend-exclude = ["drafts", "*.draft.md"]\n')
    proc = cli("--select", "NL101", ".")
    paths = {p["path"] for p in problems(proc.stdout)}
    assert paths == {"a.md", "b.md", "sub-a.md", "sub/deep/er/x.md", "sub/z.md", "Zeta.md"}


def test_exclude_from_config_replaces_default_excludes(cli, tmp_path):
    _tree(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.news-lint]\nexclude = ["sub"]\n')
    proc = cli("--select", "NL101", ".")
    paths = {p["path"] for p in problems(proc.stdout)}
    # node_modules, venv and .git are no longer excluded; sub/ is (sub-a.md is not sub/)
    assert paths == {"a.md", "b.md", "drafts/d.md", "post.draft.md", "sub-a.md", "Zeta.md",
                     "node_modules/pkg/readme.md", ".git/x.md", "venv/x.md"}


def test_explicit_file_is_linted_whatever_its_suffix(cli, tmp_path):
    write(tmp_path / "article.markdown", "layout: tech_news_article\n# no front matter\n")
    proc = cli("article.markdown")
    assert [p["name"] for p in problems(proc.stdout)] == ["frontmatter-missing"]


# --------------------------------------------------------------------------- rule selection


def three_problems_text() -> str:
    """date-mismatch (NL302), image-url (NL402) and, saved as article.md, filename-mismatch
    (NL503)."""
    image = "https://cdn.example.com/img/apple photo.jpg"  # whitespace
    return article_text(date=OFF_BY_AN_HOUR, urlToImage=image, urlToImageBackup=image)


@pytest.fixture
def three_problems(tmp_path) -> Path:
    return write(tmp_path / "article.md", three_problems_text())


SELECTIONS = {
    (): {"NL302", "NL402", "NL503"},
    ("--select", "NL3"): {"NL302"},
    ("--select", "date-mismatch,NL402"): {"NL302", "NL402"},
    ("--select", "NL302", "--extend-select", "image-url"): {"NL302", "NL402"},
    ("--ignore", "NL5"): {"NL302", "NL402"},
    ("--ignore", "date-mismatch,filename-mismatch"): {"NL402"},
    ("--select", "NL3,NL4", "--ignore", "NL302"): {"NL402"},
    ("--select", "ALL", "--ignore", "NL4"): {"NL302", "NL503"},
}


@pytest.fixture(scope="module")
def selections(tmp_path_factory) -> dict[tuple, object]:
    folder = tmp_path_factory.mktemp("select")
    write(folder / "article.md", three_problems_text())
    return dict(zip(SELECTIONS, run_many([((*args, "article.md"), folder) for args in SELECTIONS])))


@pytest.mark.parametrize("args", SELECTIONS, ids=lambda a: " ".join(a) or "default")
def test_select_ignore_extend_select(selections, args):
    proc = selections[args]
    assert {p["code"] for p in problems(proc.stdout)} == SELECTIONS[args], proc.stdout


def test_cli_select_overrides_config_select(cli, three_problems):
    write(three_problems.parent / ".news-lint.toml", 'select = ["NL4"]\n')
    assert {p["code"] for p in problems(cli(three_problems.name).stdout)} == {"NL402"}
    proc = cli("--select", "NL3", three_problems.name)
    assert {p["code"] for p in problems(proc.stdout)} == {"NL302"}


# --------------------------------------------------------------------------- subcommands


def test_rules_lists_every_rule(cli):
    proc = cli("rules", check_rc=0)
    listed = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(NL\d{3})\s+([a-z0-9-]+)\s+(error|warning|info)\s", line)
        if m:
            listed[m.group(1)] = m.group(2)
    assert listed == {r.code: r.name for r in RULES}
    assert len(RULES) >= 20


def test_rule_prints_its_documentation_by_name_or_code(cli):
    by_name, by_code = run_many([(("rule", "date-mismatch"), cli.cwd), (("rule", "NL302"), cli.cwd)])
    assert by_name.returncode == by_code.returncode == 0
    assert by_name.stdout == by_code.stdout
    assert by_name.stdout.splitlines()[0].startswith("NL302 date-mismatch")
    rule = next(r for r in RULES if r.code == "NL302")
    assert rule.headline in by_name.stdout and "publishedAt" in by_name.stdout


def test_unknown_rule_exits_2(cli):
    proc = cli("rule", "no-such-rule")
    assert proc.returncode == 2 and "no-such-rule" in proc.stderr


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_schema_prints_json_schema_that_fits_a_valid_article(cli, valid_article):
    proc = cli("schema", "tech_news_article", check_rc=0)
    schema = json.loads(proc.stdout)
    assert schema.get("type") == "object"
    props = schema["properties"]
    assert isinstance(props, dict)
    required = set(schema.get("required", []))
    for key in ("date", "publishedAt", "title", "url", "layout", "source"):
        assert key in props, key
    # every field of a valid article is defined, and each required field is in it
    import yaml
    data = yaml.safe_load(valid_article().split("---\n")[1])
    assert set(data) <= set(props)
    assert required <= set(data)
    # every $ref points into the schema's own $defs
    defs = schema.get("$defs", {})
    for ref in _refs(schema):
        assert ref.startswith("#/$defs/") and ref.split("/")[-1] in defs, ref


def test_schema_unknown_layout_exits_2(cli):
    assert cli("schema", "no_such_layout").returncode == 2


# --------------------------------------------------------------------------- JSON output

EDIT_POS = {"line", "column"}


def test_json_output_shape(cli, three_problems):
    text = three_problems.read_text(encoding="utf-8")
    proc, concise = run_many([(("--output-format", "json", three_problems.name), three_problems.parent),
                              ((three_problems.name,), three_problems.parent)])
    assert proc.returncode == 1
    items = json.loads(proc.stdout)  # the summary goes to stderr, stdout is pure JSON
    assert {i["code"] for i in items} == {"NL302", "NL402", "NL503"}
    for item in items:
        assert set(item) == {"path", "line", "column", "end_line", "end_column", "code", "name",
                             "severity", "message", "fix", "related"}
        assert item["related"] == []  # none of these problems has evidence elsewhere
        assert item["path"] == three_problems.name
        assert item["severity"] in ("error", "warning", "info")
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(item[key], int) and item[key] >= 1
        if item["fix"] is not None:
            fix = item["fix"]
            assert set(fix) == {"applicability", "message", "edits"}
            assert fix["applicability"] in ("safe", "unsafe", "display-only")
            assert fix["edits"]
            for edit in fix["edits"]:
                assert set(edit) == {"start", "end", "content"}
                assert set(edit["start"]) == EDIT_POS and set(edit["end"]) == EDIT_POS
    date = next(i for i in items if i["name"] == "date-mismatch")
    line = line_of(text, "date:")
    assert (date["line"], date["column"]) == (line, 7)
    assert (date["end_line"], date["end_column"]) == (line, 7 + len(OFF_BY_AN_HOUR))
    assert date["fix"]["applicability"] == "safe"
    assert date["fix"]["edits"] == [{"start": {"line": line, "column": 7},
                                     "end": {"line": line, "column": 7 + len(OFF_BY_AN_HOUR)},
                                     "content": "'2025-12-01 17:27:21'"}]
    # the same problems at the same places as the concise format
    assert [(int(p["line"]), int(p["col"]), p["code"]) for p in problems(concise.stdout)] == \
        [(i["line"], i["column"], i["code"]) for i in items]


def test_json_output_of_a_clean_run_is_an_empty_list(cli, tmp_path, valid_article):
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli("--output-format", "json", ".", check_rc=0)
    assert json.loads(proc.stdout) == []


def test_output_file(cli, three_problems):
    proc = cli("--output-format", "json", "--output-file", "report.json", three_problems.name)
    assert proc.returncode == 1
    assert proc.stdout == ""
    items = json.loads((three_problems.parent / "report.json").read_text(encoding="utf-8"))
    assert {i["code"] for i in items} == {"NL302", "NL402", "NL503"}


# --------------------------------------------------------------------------- unreadable files


def test_unreadable_files_are_reported_at_the_bad_byte(cli, tmp_path):
    (tmp_path / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\nlayout: tech_news_article\n---\n")
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf---\xff\n")
    (tmp_path / "binary.md").write_bytes(b"\xef\xbb\xbf---\nab\x00c\n")
    (tmp_path / "empty.md").write_bytes(b"")
    proc = cli("--select", "NL0", ".")
    assert proc.returncode == 1
    got = {p["path"]: (int(p["line"]), int(p["col"]), p["name"], p["message"])
           for p in problems(proc.stdout)}
    assert set(got) == {"bom.md", "binary.md", "empty.md"}
    assert {v[2] for v in got.values()} == {"unreadable-file"}
    # not UTF-8 but readable: decoded with a guessed single-byte encoding, reported as such
    proc = cli("--select", "not-utf8", "--output-format", "json", "latin1.md")
    (item,) = json.loads(proc.stdout)
    assert item["name"] == "not-utf8" and (item["line"], item["column"]) == (1, 1)
    assert "guessed" in item["message"] and item["fix"]["applicability"] == "safe"
    # with guessing off, the bad byte: line 2, after "title: caf" (10 characters)
    from mdlint_news.decoding import DecodeError, decode
    with pytest.raises(DecodeError, match="0xE9") as err:
        decode((tmp_path / "latin1.md").read_bytes(), guess=False)
    assert err.value.offset == len(b"---\ntitle: caf")
    # the BOM is no character of the line; the offset in the message is the file's
    assert got["bom.md"][:2] == (1, 4) and "byte offset 6" in got["bom.md"][3]
    assert got["binary.md"][:2] == (2, 3)
    assert got["empty.md"][:2] == (1, 1)


def test_same_file_given_twice_is_linted_once(cli, tmp_path):
    write(tmp_path / "a.md", "layout: tech_news_article\n# no front matter\n")
    proc = cli("a.md", "./a.md", ".")
    assert len(problems(proc.stdout)) == 1


def test_symlinked_folder_given_explicitly_is_walked(cli, tmp_path):
    write(tmp_path / "real" / "a.md", "layout: tech_news_article\n# no front matter\n")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    proc = cli("--select", "NL0,NL1", "link")
    assert [(p["path"], p["name"]) for p in problems(proc.stdout)] == \
        [("link/a.md", "frontmatter-missing")]
    # while walking, symlinked folders are not followed (no loops, no duplicates)
    proc = cli("--select", "NL0,NL1", ".")
    assert [p["path"] for p in problems(proc.stdout)] == ["real/a.md"]


def test_unwritable_output_file_exits_2_without_traceback(cli, tmp_path, valid_article):
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli("--output-file", "no-such-dir/report.json", ".")
    assert proc.returncode == 2
    assert "no-such-dir/report.json" in proc.stderr and "Traceback" not in proc.stderr


def test_run_from_inside_an_excluded_folder_lints_nothing_there(cli, tmp_path):
    """'.' inside an excluded folder is walked (it was given), but its files stay excluded:
    discovery matches only a file's name against the patterns when its folder passes them,
    and the whole path when the folder itself is excluded."""
    _tree(tmp_path)
    write(tmp_path / ".news-lint.toml", 'extend-exclude = ["drafts"]\n')
    write(tmp_path / "sub" / "drafts" / "q.md", "layout: tech_news_article\n# no front matter\n")  # only its part 'drafts' matches
    for inside in ("drafts", "sub/drafts"):
        proc = cli("--select", "NL101", ".", cwd=tmp_path / inside)
        assert problems(proc.stdout) == [] and proc.returncode == 0, inside
    proc = cli("--select", "NL101", ".", cwd=tmp_path / "sub")
    assert [p["path"] for p in problems(proc.stdout)] == ["deep/er/x.md", "z.md"]
