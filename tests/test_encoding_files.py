"""How files are stored: non-UTF-8 files (guessed or by BOM), the UTF-8 BOM, and the headline
acceptance: --fix restores the damaged seed article byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ARTICLE_NAME, article_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "content" / "2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"
SEED_CLEAN = Path(__file__).parent / "data" / "mojibake" / "seed_000_clean.txt"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_58abeca56bfa6fda.txt"


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json", *args],
                          cwd=cwd, capture_output=True, text=True, encoding="utf-8")


def items(proc):
    return json.loads(proc.stdout)


CZECH = article_text(title="Šéf Škody žádá ťukání, ČEZ a Žďár mění plány")


def test_windows_1250_file_is_read_reported_and_rewritten_as_utf8(tmp_path):
    text = CZECH.replace("📰", "§")  # Windows-1250 has no emoji; the footer still matches
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(text.encode("cp1250"))
    found = items(cli("--select", "not-utf8", ".", cwd=tmp_path))
    assert [(i["name"], i["line"], i["column"]) for i in found] == [("not-utf8", 1, 1)]
    assert "cp1250" in found[0]["message"] and "guessed" in found[0]["message"]
    # the text itself was read correctly: no other problem in an otherwise valid article
    assert items(cli(".", "--ignore", "not-utf8", cwd=tmp_path)) == []
    assert cli("--fix", ".", cwd=tmp_path).returncode == 0
    assert p.read_bytes() == text.encode("utf-8")
    assert items(cli(".", cwd=tmp_path)) == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path, codec):
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(CZECH.encode(codec))  # Python writes the BOM for these codecs
    found = items(cli(".", cwd=tmp_path))
    assert [i["name"] for i in found] == ["not-utf8"]
    assert "byte-order mark" in found[0]["message"] and codec in found[0]["message"]
    cli("--fix", ".", cwd=tmp_path)
    assert p.read_bytes() == CZECH.encode("utf-8")


def test_valid_utf8_is_never_guessed(tmp_path):
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(CZECH.encode("utf-8"))
    assert items(cli(".", cwd=tmp_path)) == []


def test_bom_is_reported_and_removed_and_the_diff_patches(tmp_path):
    p = tmp_path / ARTICLE_NAME
    p.write_bytes(b"\xef\xbb\xbf" + CZECH.encode("utf-8"))
    found = items(cli(".", cwd=tmp_path))
    assert [(i["name"], i["severity"], i["line"], i["column"]) for i in found] == \
        [("bom", "warning", 1, 1)]
    diff = subprocess.run([sys.executable, "-m", "mdlint_news", "--diff", "."], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8").stdout
    assert diff.startswith(f"--- {ARTICLE_NAME}") and "-\ufeff---" in diff and "\n+---\n" in diff
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")  # --diff wrote nothing
    cli("--fix", ".", cwd=tmp_path)
    assert p.read_bytes() == CZECH.encode("utf-8")


def test_fix_restores_the_seed_byte_for_byte(tmp_path):
    if SHARED_SEED.exists():  # the bundled example is the real seed
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()
    p = tmp_path / SEED.name
    shutil.copyfile(SEED, p)
    p.chmod(0o644)
    first = subprocess.run([sys.executable, "-m", "mdlint_news", "--fix", "."], cwd=tmp_path,
                           capture_output=True, text=True, encoding="utf-8")
    assert first.returncode == 0, first.stdout
    fixed = p.read_text(encoding="utf-8")
    assert p.read_bytes() == SEED_CLEAN.read_bytes()
    # what the acceptance names, spelled out
    for expected in ("category: mezinárodní vztahy", "## Souhrn", "## Klíčové body", "## Podrobnosti",
                     "## Proč je to důležité", "„Indie a Kazachstán: Budování partnerství v době "
                     "narušení“", "emoji: 📰", "**Zdroj:** 📰 The Times of India",
                     "Indie a Kazachstán posilují strategické vztahy na konferenci v Almatě"):
        assert expected in fixed, expected
    again = subprocess.run([sys.executable, "-m", "mdlint_news", "--fix", "."], cwd=tmp_path,
                           capture_output=True, text=True, encoding="utf-8")
    assert again.returncode == 0 and p.read_bytes() == SEED_CLEAN.read_bytes()
    assert [i for i in items(cli("--select", "NL7", ".", cwd=tmp_path))] == []
