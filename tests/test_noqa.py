"""``--add-noqa`` on what the red team found (issue 15's fix round): the article must render the
same (CommonMark, markdown-it) once the inserted comments are taken out of the HTML; a binary
file does not stop the run; a symbolic link is not written through (as --fix); standard input
is refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from support import ARTICLE_NAME, VALID_BODY, article_text

LEAK = "Here is the translation of the article."
COMMENT = r"<!-- news-lint-disable-next-line [\w -]+? -->"
CODE = re.compile(r"^(.+?):\d+:\d+: (NL\d{3}) ", re.MULTILINE)

# The line above a finding, in each shape a comment at its end would change the rendering of.
SHAPES = {
    "closing-fence": ("```\nkod\n```\n", True),
    "setext-underline": ("Nadpis\n===\n", True),
    "link-reference-definition": ("[1]: https://example.com/x\n", True),
    "indented-code": ("    kod v bloku\n", True),
    "hard-break-spaces": ("První řádek s tvrdým zlomem  \n", False),
    "hard-break-backslash": ("První řádek s tvrdým zlomem\\\n", False),
}


def body_of(text: str) -> str:
    assert text.startswith("---\n")
    return text[4:].split("\n---\n", 1)[1]


def rendered(body: str) -> str:
    """The body's HTML, without the suppression comments (on their own line or inline)."""
    html = MarkdownIt("commonmark").render(body)
    html = re.sub(rf"(?m)^[ \t]*{COMMENT}\n", "", html)
    return re.sub(rf" {COMMENT}", "", html)


def with_shape(above: str) -> str:
    return article_text(body=VALID_BODY.replace(
        "Podrobnější text článku.\n", f"Podrobnější text článku.\n\n{above}{LEAK}\n"))


@pytest.mark.parametrize("shape", SHAPES)
def test_add_noqa_keeps_how_the_article_renders(cli, tmp_path, shape):
    above, suppressible = SHAPES[shape]
    article = tmp_path / ARTICLE_NAME
    article.write_text(with_shape(above), encoding="utf-8")
    before = cli(ARTICLE_NAME)
    assert [c for _, c in CODE.findall(before.stdout)], before.stdout  # the leaked line

    added = cli("--add-noqa", ARTICLE_NAME)
    assert added.returncode == 0, added.stderr
    text = article.read_text(encoding="utf-8")
    assert rendered(body_of(text)) == rendered(body_of(with_shape(above))), text
    after = cli(ARTICLE_NAME)
    if suppressible:  # a comment on its own line, after the block above, suppresses it
        assert after.returncode == 0, (text, after.stdout)
        assert re.search(rf"\n{COMMENT}\n{re.escape(LEAK)}\n", text), text
    else:  # no place for a comment that keeps the hard break: left, and said
        assert "1 problem could not take one" in added.stderr, added.stderr
        assert after.stdout == before.stdout
        assert text == with_shape(above)


def test_add_noqa_skips_a_binary_file_and_carries_on(cli, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.md").write_bytes(article_text().encode() + b"binary\x00data\n")
    leaky = folder / ARTICLE_NAME
    leaky.write_text(with_shape(""), encoding="utf-8")
    assert cli("d").returncode == 1

    added = cli("--add-noqa", "d")
    assert added.returncode == 2, added.stderr  # as for a file that cannot be read
    assert "Traceback" not in added.stderr and "internal error" not in added.stderr, added.stderr
    assert re.search(r"d/a\.md: suppressions not added: binary file", added.stderr), added.stderr
    assert "Added suppressions for 1 problem in 1 file" in added.stderr, added.stderr
    assert "<!-- news-lint-disable-next-line" in leaky.read_text(encoding="utf-8")
    assert b"\x00" in (folder / "a.md").read_bytes()


def test_add_noqa_does_not_write_through_a_symbolic_link(cli, tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "site").mkdir()
    real = tmp_path / "outside" / ARTICLE_NAME
    real.write_text(with_shape(""), encoding="utf-8")
    os.symlink(f"../outside/{ARTICLE_NAME}", tmp_path / "site" / ARTICLE_NAME)
    link = f"site/{ARTICLE_NAME}"  # named: a link a folder's walk does not follow is linted

    added = cli("--add-noqa", link)
    assert f"{ARTICLE_NAME}: suppressions not added: is a symbolic link" in added.stderr, added.stderr
    assert added.returncode == 2 and "Added suppressions for 0 problems in 0 files" in added.stderr
    assert real.read_text(encoding="utf-8") == with_shape("")  # the target is not changed

    followed = cli("--add-noqa", "--follow-symlinks", link)  # asked for: its target is
    assert followed.returncode == 0, followed.stderr
    assert "<!-- news-lint-disable-next-line" in real.read_text(encoding="utf-8")


@pytest.mark.parametrize("how", [["-"], ["--stdin-filename", ARTICLE_NAME], ["--stdin-filename",
                                                                            ARTICLE_NAME, "-"]])
def test_add_noqa_with_standard_input_is_a_usage_error(tmp_path, how):
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--add-noqa", *how],
                          input=with_shape("").encode(), cwd=tmp_path, capture_output=True,
                          timeout=120)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert b"--add-noqa is not supported with standard input" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_add_noqa_drops_a_comment_that_would_change_the_rendering_and_keeps_the_others(cli, tmp_path):
    """The line above is a paragraph's, but a code span runs on over it: a comment at its end
    would show in the code. Rendering finds it; the other finding's comment is kept."""
    body = VALID_BODY.replace("Podrobnější text článku.\n", "Podrobnější text článku.\n\n"
                              f"Příkaz `echo\n{LEAK}` vypíše text.\n\nDruhý odstavec.\n{LEAK}\n")
    article = tmp_path / ARTICLE_NAME
    article.write_text(article_text(body=body), encoding="utf-8")
    assert len(CODE.findall(cli(ARTICLE_NAME).stdout)) == 2

    added = cli("--add-noqa", ARTICLE_NAME)
    assert "Added suppressions for 1 problem in 1 file; 1 problem could not take one" \
        in added.stderr, added.stderr
    text = article.read_text(encoding="utf-8")
    assert f"Druhý odstavec. <!-- news-lint-disable-next-line content-leak -->\n{LEAK}" in text
    assert f"`echo\n{LEAK}`" in text
    assert rendered(body_of(text)) == rendered(body)
    assert len(CODE.findall(cli(ARTICLE_NAME).stdout)) == 1
