"""Issue 13's negative set: correct text in many languages (``tests/negatives.py``, built from
wordfreq's and Faker's data) is neither changed nor flagged (error or warning) by the encoding
rules, as a body line of an otherwise clean article and as its ``title`` (written by the dumper)."""

from __future__ import annotations

import pytest

import negatives

LINES = negatives.build()
LANGS = sorted({ln.lang for ln in LINES})


def _describe(f: negatives.Failure) -> str:
    what = f"changed to {f.changed_to!r}" if f.changed_to is not None else "unchanged"
    return f"[{f.mode}] {f.line.lang} ({f.line.source}) {f.line.text!r}: {what}; " + "; ".join(f.flagged)


def test_the_set_is_large_and_covers_thirty_languages():
    assert len(LINES) >= 3000
    assert len(set(LANGS) - {"typography"}) >= 30
    assert negatives.build.__wrapped__(13) == LINES  # deterministic: built again, the same lines


@pytest.mark.parametrize("text", [negatives.article_body(["Věta, která je v pořádku."])[0],
                                  negatives.article_title("Titulek, který je v pořádku")],
                         ids=["body", "title"])
def test_the_carrier_article_is_clean(text):
    # the article around the lines gives nothing: whatever a check finds is the line's
    assert negatives.run(text) == (text, [])


@pytest.mark.parametrize("mode", ["body", "title"])
@pytest.mark.parametrize("lang", LANGS)
def test_correct_text_is_neither_changed_nor_flagged(lang, mode):
    failures = negatives.check([ln for ln in LINES if ln.lang == lang], mode)
    assert not failures, f"{len(failures)} line(s):\n" + "\n".join(map(_describe, failures))
