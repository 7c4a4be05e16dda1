"""The leak patterns' reading (mdlint_news/leaks.py): the nested-repetition check and the literal
texts the screens look for, from the pattern's text."""

import random
import re

import pytest

from mdlint_news.leaks import Folded, Leak, nested_repeat, parse, required_texts


@pytest.mark.parametrize("pattern, nested", [
    ("(x+x+)+y", True), ("(x+)+", True), ("(?:a|b+)*", True), ("(a{,})+", True), ("(a{2,})*", True),
    ("(?x) ( a + ) +", True), ("(?=(a+)+)", True), ("(?P<g>a*)*", True), ("((a|b)c+)+", True),
    ("(x{1,3})+", False), ("(x+){2}", False), ("(a{2})*", False), ("(a{})+", False), ("a+b+c*", False),
    (r"\(x+\)+", False), ("[(]x+[)]+", False), ("(?#x+ +)a", False), ("(?>x+)+", False),
    ("(a)?(?(1)x+|y)+", False), ("x+?y*+", False),
])
def test_nested_repetition(pattern, nested):
    re.compile(pattern)
    assert nested_repeat(pattern) is nested


def test_required_texts_run_through_groups_and_alternations():
    seq = parse(r"\*?\((?:celkem\s+)?\d+\s(?:slov|words)\)", re.IGNORECASE)
    assert frozenset({"slov)", "words)"}) in required_texts(seq)
    assert required_texts(parse(r"\bHere(?: is|'s) the\b")) == [frozenset({"here is the", "here's the"})]
    assert required_texts(parse(r"(?x) a b  # comment")) == [frozenset({"ab"})]
    assert required_texts(parse(r"\x41\u0042\N{LATIN CAPITAL LETTER C}\101")) == [frozenset({"abca"})]
    assert required_texts(parse(r"a(?=b)c|d")) == [frozenset({"ac", "d"})]


class _Spec:
    def __init__(self, pattern):
        self.pattern = pattern


def test_a_text_a_pattern_matches_always_passes_its_screens():
    """Random patterns (groups, alternations, classes, escapes, repeats, flags) and random texts:
    whenever the pattern finds something the screens let the text through."""
    rng = random.Random(5)
    atoms = ["a", "b", "ab", ".", r"\d", "[ab]", "[^a]", "[]a]", r"\b", "^", "$", r"\(", "{", "}",
             r"\x61", r"\u0062", r"\0", r"\141", "é", "σ", "ſ", " ", "#", r"\n", "(?#c)", r"\A"]
    quants = ["", "", "", "*", "+", "?", "*?", "++", "{2}", "{1,3}", "{2,}", "{,3}", "{}"]
    groups = ["(", "(?:", "(?P<g{}>", "(?=", "(?!", "(?>", "(?i:", "(?x:", "(?-i:"]
    texts = ["a", "b", "ab", "é", "σ", "ς", "ſ", "s", " ", "\n", "(", "{", "}", "1", "#", "A", "É", "Σ"]

    def gen(depth=0):
        out = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.3 and depth < 3:
                alts = "|".join(gen(depth + 1) for _ in range(rng.randint(1, 3)))
                out.append(rng.choice(groups).format(rng.randrange(10**6)) + alts + ")")
            else:
                out.append(rng.choice(atoms))
            out[-1] += rng.choice(quants)
        return "".join(out)

    checked = 0
    for _ in range(3000):
        pattern = ("(?x)" if rng.random() < 0.1 else "") + gen()
        try:
            rx = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
        except re.error:
            continue
        if nested_repeat(pattern):  # refused in a profile; may run for long on a random text
            continue
        leak = Leak(_Spec(pattern))
        for _ in range(10):
            text = "".join(rng.choice(texts) for _ in range(rng.randint(0, 10)))
            if rx.search(text):
                checked += 1
                assert leak.may_match(Folded(text)), (pattern, text)
    assert checked > 2000
