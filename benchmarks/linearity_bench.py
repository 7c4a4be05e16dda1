"""Time per MB of the parser, the suppressions and every rule on adversarial inputs, at three sizes.

    .venv/bin/python benchmarks/linearity_bench.py [--sizes 0.25,0.5,1] [--rules] [--only NAME]

Each input is an article whose body (or front matter) is grown to the size by repeating one
adversarial piece: long blank runs inside what a pattern matches, one long line, many short
lines, many keys, many suppression comments, many findings, deep nesting, many headings...
Printed per input: seconds per MB at each size and the ratio of the largest size's time per MB
to the smallest's (linear: about 1; quadratic: the size ratio, 4 for 0.25 -> 1 MB). With
``--rules`` every rule is also run alone (``--select`` it) on the mix of all the inputs.
A run over ``--budget`` seconds is stopped and counts as over the limit. Exit status 1 when a
ratio is over ``--limit`` (default 2.5): ``make fuzz FUZZ_TARGET=linear`` runs the same check
on random inputs."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdlint_news import document  # noqa: E402
from mdlint_news.config import Settings  # noqa: E402
from mdlint_news.decoding import decode  # noqa: E402
from mdlint_news.rules import RULES  # noqa: E402
from mdlint_news.runner import lint_text  # noqa: E402

PATH = "2025-12-01-apple-ships-new-thing.md"
HEAD = """\
---
category: ai
date: '2025-12-01 17:27:21'
description: Apple vydal novou věc a tento popis je dost dlouhý na to, aby prošel všemi kontrolami.
importance: 3
layout: tech_news_article
original_title: Apple ships new thing
publishedAt: '2025-12-01T17:27:21+00:00'
slug: apple-ships-new-thing
source:
  emoji: 📰
  id: the-verge
  name: The Verge
title: Apple vydal novou věc
url: https://www.theverge.com/2025/12/1/apple-ships-new-thing
{keys}---

## Souhrn
Apple vydal novou věc.

## Klíčové body
- První bod.
- Druhý bod.
- Třetí bod.

## Podrobnosti
{body}
## Proč je to důležité
Protože na tom záleží.

---

[Číst původní článek](https://www.theverge.com/2025/12/1/apple-ships-new-thing)

**Zdroj:** 📰 The Verge
"""


def _fill(piece: str, size: int) -> str:
    return piece * max(1, size // max(len(piece), 1))


def _blank(prefix: str, suffix: str):
    return lambda size: prefix + " " * size + suffix


def body(make):
    return lambda size: HEAD.format(keys="", body=make(size))


def keys(make):
    return lambda size: HEAD.format(keys=make(size), body="Text.")


# name -> size -> article text
INPUTS = {
    "blanks in a word count": body(_blank("(1", "x slov)")),
    "blanks in a persona": body(_blank("jako expert na", "x")),
    "blanks in a heading": body(_blank("## a", "b")),
    "blanks in a suppression": keys(_blank("# news-lint: disable=", "!\n")),
    "blanks in a comment": body(_blank("<!-- news-lint-disable NL843", "x -->")),
    "blanks in a link": body(_blank("[Číst původní článek](", "x)")),
    "blanks in a key": keys(_blank("k:", "x\n")),
    "one long line of words": body(lambda n: _fill("slovo a word ", n)),
    "one long line of findings": body(lambda n: _fill("(1 slov) ", n)),
    "many short lines": body(lambda n: _fill("a\n", n)),
    "many blank lines": body(lambda n: _fill("\n", n)),
    "many headings": body(lambda n: _fill("### x\n", n)),
    "many section headings": body(lambda n: _fill("## Souhrn\n", n)),
    "many bullets": body(lambda n: _fill("- b\n", n)),
    "many fences": body(lambda n: _fill("```\n", n)),
    "many links": body(lambda n: _fill("[a](https://x.cz/a) ", n)),
    "many keys": keys(lambda n: "".join(f"k{i}: v\n" for i in range(n // 8))),
    "many key-line suppressions": keys(lambda n: "".join(
        f"k{i}: v  # news-lint: disable=NL203\n" for i in range(n // 36))),
    "many next-line suppressions": body(lambda n: _fill(
        "<!-- news-lint-disable-next-line NL843 -->\n\n(1 slov)\n", n)),
    "many range suppressions": body(lambda n: _fill(
        "<!-- news-lint-disable NL843 -->(1 slov)<!-- news-lint-enable NL843 -->\n", n)),
    "suppressions on one line": body(lambda n: _fill("<!-- news-lint-disable-next-line NL8 -->", n)),
    "long key value": keys(lambda n: "k: " + _fill("slovo ", n) + "\n"),
    "deep flow nesting": keys(lambda n: "k: " + "[" * (n // 2) + "]" * (n // 2) + "\n"),
    "deep block nesting": keys(lambda n: "".join(f"{' ' * i}k{i}:\n" for i in range(int(n ** 0.5)))),
    "long list": keys(lambda n: "companies:\n" + _fill("- Apple\n", n)),
    "control characters": body(lambda n: _fill("a\x07", n)),
    "mojibake": body(lambda n: _fill("PÅ™Ã­liÅ¡ ", n)),
    "mojibake, lost bytes, one line": body(lambda n: _fill("mezinÃ¡rodnÃ vztahy ", n)),
    "mojibake, short runs, one line": body(lambda n: _fill("Ã¡ ", n)),
    "mixed scripts": body(lambda n: _fill("Hello слово ", n)),
    "quotes and dashes": body(lambda n: _fill("\"a\" - 'b' -- ", n)),
}


def mix(size: int) -> str:
    """A bit of every input: what each rule is run on alone."""
    part = size // len(INPUTS)
    texts = [make(part) for make in INPUTS.values()]
    return texts[0].replace("Protože na tom záleží.", "\n".join(t[t.index("## Podrobnosti"):]
                                                                  for t in texts[1:]))


class _Stopped(Exception):
    pass


def seconds(fn, text: str, budget: float) -> float | None:
    """Seconds ``fn(text)`` takes; None when stopped after ``budget`` seconds."""
    def stop(*_):
        raise _Stopped

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, budget)
    t0 = time.perf_counter()
    try:
        fn(text)
        return time.perf_counter() - t0
    except _Stopped:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def row(name: str, make, run, sizes: list[float], budget: float) -> float:
    per_mb: list[float] = []
    for mb in sizes:
        text = make(int(mb * 1_000_000))
        t = seconds(run, text, budget)
        if t is None:
            print(f"{name:34} " + " ".join(f"{x:9.3f}" for x in per_mb)
                  + f" stopped after {budget:g} s at {mb:g} MB", flush=True)
            return float("inf")
        per_mb.append(t / (len(text.encode("utf-8")) / 1e6))
    ratio = per_mb[-1] / max(per_mb[0], 1e-9)
    cells = " ".join(f"{t:9.3f}" for t in per_mb)
    print(f"{name:34} {cells}   {ratio:5.2f}", flush=True)
    return ratio


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="0.25,0.5,1", help="MB, comma-separated, smallest first")
    ap.add_argument("--rules", action="store_true", help="also every rule alone on the mixed input")
    ap.add_argument("--only", help="inputs whose name contains this")
    ap.add_argument("--limit", type=float, default=2.5, help="largest acceptable ratio")
    ap.add_argument("--budget", type=float, default=60, help="seconds before one run is stopped")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    default = Settings()
    every = lambda t: lint_text(t, PATH, default)  # noqa: E731
    print(f"{'input (all rules)':34} " + " ".join(f"{f'{s:g} MB':>9}" for s in sizes) + "   ratio")
    print(f"{'':34} " + " ".join(f"{'s/MB':>9}" for _ in sizes), flush=True)
    bad = []
    rows = [("parse: decode the bytes", mix, lambda t: decode(t.encode("utf-8"))),
            ("parse: document + headings", mix, lambda t: document.parse(t, PATH).headings)]
    rows += [(name, make, every) for name, make in INPUTS.items()]
    if args.rules:
        for r in RULES:
            s = Settings(cli_select=[r.code])
            rows.append((f"rule {r.code} {r.name}", mix, lambda t, s=s: lint_text(t, PATH, s)))
    for name, make, run in rows:
        if args.only and args.only not in name:
            continue
        if row(name, make, run, sizes, args.budget) > args.limit:
            bad.append(name)
    if bad:
        print(f"\nover the limit ({args.limit}): {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
