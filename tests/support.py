"""What the tests share besides fixtures: where the repository and ../shared are, a valid modern
article (:func:`article_text`), and runners for the real command line (``python -m mdlint_news``
in a subprocess). Fixtures are in conftest.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# shared/ sits beside the repository (…/main/../shared); resolved from here, never absolute.
SHARED = Path(__file__).resolve().parents[2] / "shared"

# The name `{UTC date of publishedAt}-{slug}.md` of the article below.
ARTICLE_NAME = "2025-12-01-apple-ships-new-thing.md"

# Raw YAML of each front-matter value, in the articles' own style (keys sorted, dumper quoting).
VALID_FIELDS: dict[str, str] = {
    "author": "Jana Nováková",
    "category": "ai",
    "companies": "\n- Apple",
    "date": "'2025-12-01 17:27:21'",
    "description": "Apple vydal novou věc a tento popis je dost dlouhý na to, aby prošel\n"
                   "  všemi kontrolami délky i obsahu.",
    "importance": "3",
    "layout": "tech_news_article",
    "original_title": "Apple ships new thing",
    "people": "\n- Tim Cook",
    "publishedAt": "'2025-12-01T17:27:21+00:00'",
    "slug": "apple-ships-new-thing",
    "source": "\n  emoji: 📰\n  id: the-verge\n  name: The Verge",
    "title": "Apple vydal novou věc",
    "url": "https://www.theverge.com/2025/12/1/apple-ships-new-thing",
    "urlToImage": "https://cdn.example.com/img/apple.jpg",
    "urlToImageBackup": "https://cdn.example.com/img/apple.jpg",
}

VALID_BODY = """\

## Souhrn
Apple vydal novou věc, o které se dlouho mluvilo.

## Klíčové body
- První bod.
- Druhý bod.
- Třetí bod.

## Podrobnosti
Podrobnější text článku.

## Proč je to důležité
Protože na tom záleží.

---

[Číst původní článek](https://www.theverge.com/2025/12/1/apple-ships-new-thing)

**Zdroj:** 📰 The Verge
"""


def article_text(*, drop: tuple[str, ...] = (), body: str = VALID_BODY, newline: str = "\n",
                 **fields: str) -> str:
    """A modern (``layout: tech_news_article``) article that news-lint passes without a single
    diagnostic. Keyword arguments replace a field's raw YAML value (``date="'2025-12-01
    18:27:21'"``); ``drop`` leaves fields out; ``newline="\\r\\n"`` writes CRLF line ends."""
    values = {**VALID_FIELDS, **fields}
    lines = ["---"]
    for key in sorted(values):
        if key in drop:
            continue
        raw = values[key]
        lines.append(f"{key}:{'' if raw.startswith(chr(10)) else ' '}{raw}")
    text = "\n".join(lines) + "\n---\n" + body
    return text.replace("\n", newline)


def json_report(*args, cwd) -> list[dict]:
    """``news-lint --output-format json ARGS`` run in ``cwd`` (a real process): its findings,
    after checking it exited 0 or 1."""
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json", *args],
                          cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


class CLI:
    """Runs the real console entry point in a subprocess."""

    def __init__(self, cwd: Path):
        self.cwd = cwd

    def __call__(self, *args: str | os.PathLike, cwd: Path | None = None,
                 check_rc: int | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
        proc = subprocess.run([sys.executable, "-m", "mdlint_news", *map(str, args)],
                              cwd=cwd or self.cwd, capture_output=True, env=env, timeout=120)
        proc.stdout = proc.stdout.decode("utf-8")
        proc.stderr = proc.stderr.decode("utf-8")
        if check_rc is not None:
            assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
        return proc


def run_many(jobs: list[tuple[tuple, Path]], workers: int = 4) -> list[subprocess.CompletedProcess]:
    """Run several ``(args, cwd)`` command lines at once (they are independent); results in order.
    Used by module-scoped fixtures of table-driven tests to keep the suite fast."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: CLI(job[1])(*job[0]), jobs))
