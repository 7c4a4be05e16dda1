"""The compiled word lists (mdlint_news/lexicon.py) answer exactly what wordfreq answers."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import random
from pathlib import Path

import pytest
import wordfreq

from mdlint_news import lexicon

LANGS = ("cs", "en", "sk", "de")


def _sample(lang: str, n: int = 3000) -> list[str]:
    rng = random.Random(lang)
    top = wordfreq.top_n_list(lang, 200_000, wordlist="best")
    words = top[:500] + rng.sample(top, min(n, len(top)))
    # capitalised, upper-case, unknown and composed/decomposed forms
    words += [w.capitalize() for w in words[:800]] + [w.upper() for w in words[:300]]
    words += ["xq" + w + "zv" for w in words[:200]] + ["Straße", "ŁÓDŹ", "c\u030cesky", "İstanbul",
                                                          "ǅemal", "ﬁle", "e\u0301", "ß"]
    return words


@pytest.mark.parametrize("lang", LANGS)
def test_zipf_frequency_equals_wordfreq(lang):
    words = _sample(lang)
    diffs = [(w, lexicon.zipf_frequency(w, lang), wordfreq.zipf_frequency(w, lang))
             for w in words]
    wrong = [d for d in diffs if d[1] != d[2]]
    assert not wrong, wrong[:10]
    assert sum(1 for d in diffs if d[2] > 0) > len(words) // 2  # the sample does hit the list


def test_raw_frequency_and_letters_match_wordfreq():
    freq = wordfreq.get_frequency_dict("cs", wordlist="best")
    lex = lexicon.get("cs")
    rng = random.Random(1)
    for w in rng.sample(sorted(freq), 2000):
        assert lex.freq(w) == freq[w], w
    assert lex.freq("slovokterenení") == 0.0
    # letters: frequent Czech letters score well, letters Czech never writes badly
    assert lex.char_logp["e"] > -1.5 and lex.char_logp["ř"] > -3.0
    assert "ő" not in lex.char_logp or lex.char_logp["ő"] < -4.0
    # letters in context: after "ni" and before "tí" Czech writes č, s, t ... counted from forms
    d = lex.gap("^p$")  # contexts are 2 or 4 letters: nothing else is stored
    assert d is None
    d = lex.gap("ič")  # i?č : counted over word forms
    assert d and all(isinstance(v, int) and v > 0 for v in d.values())


def test_other_languages_and_tokenizers_go_to_wordfreq():
    for word, lang in (("koşmak", "tr"), ("România", "ro"), ("co-op", "en"), ("2024", "cs"),
                       ("hello world", "en"), ("Ελλάδα", "el")):
        assert lexicon.zipf_frequency(word, lang) == wordfreq.zipf_frequency(word, lang)
    assert lexicon.available_languages() == frozenset(wordfreq.available_languages(wordlist="best"))


def test_unwritable_location_falls_back_to_memory(tmp_path):
    """A read-only home: the lists are compiled into memory, the answers are the same."""
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    code = ("from mdlint_news import lexicon; import wordfreq;"
            "print(lexicon.zipf_frequency('Praha', 'sk') == wordfreq.zipf_frequency('Praha', 'sk'),"
            " lexicon._STORE.path)")
    env = dict(os.environ, NEWS_LINT_LEXICON=str(ro / "sub" / "lexicon.sqlite3"))
    if os.geteuid() == 0:  # root writes anywhere: point at a path under a regular file instead
        (tmp_path / "file").write_text("x")
        env["NEWS_LINT_LEXICON"] = str(tmp_path / "file" / "lexicon.sqlite3")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "None"]


def test_compiled_once_and_shared(tmp_path):
    """A second process reads what the first compiled (no wordfreq import at all)."""
    env = dict(os.environ, NEWS_LINT_LEXICON=str(tmp_path / "lx.sqlite3"))
    first = ("from mdlint_news import lexicon; print(lexicon.zipf_frequency('slovo', 'sk'))")
    second = ("import sys; from mdlint_news import lexicon; z = lexicon.zipf_frequency('slovo', 'sk');"
              "print(z, 'wordfreq' in sys.modules)")
    a = subprocess.run([sys.executable, "-c", first], env=env, capture_output=True, text=True,
                       check=True).stdout.split()
    b = subprocess.run([sys.executable, "-c", second], env=env, capture_output=True, text=True,
                       check=True).stdout.split()
    assert b == [a[0], "False"] and float(a[0]) == wordfreq.zipf_frequency("slovo", "sk") > 0
    assert not math.isnan(float(a[0]))


@pytest.mark.parametrize("lang", ("cs", "en", "ro", "tr"))
def test_text_wordfreq_would_cut_into_tokens(lang):
    """Damaged and compound text (``ohroå¾enã``, ``co-op``, digits) is tokenized by wordfreq and
    combined as wordfreq combines tokens: the same Zipf value."""
    words = ["ohroå¾enã", "co-op", "2024", "ne-li", "Windows 11", "vláda's", "AI-powered",
             "x86", "3D", "rock'n'roll", "Ã¡rodnÃ", "l'Europe", "İstanbul", "România", "ŞEHİR",
             "e-mail", "covid-19", "ABC123def", "", "---"]
    for w in words:
        assert lexicon.zipf_frequency(w, lang) == wordfreq.zipf_frequency(w, lang), w


def test_a_file_that_is_not_a_database_falls_back_to_memory(tmp_path):
    bad = tmp_path / "lexicon.sqlite3"
    bad.write_bytes(b"this is not a SQLite database" * 100)
    code = ("from mdlint_news import lexicon; import wordfreq;"
            "print(lexicon.zipf_frequency('slovo', 'sk') == wordfreq.zipf_frequency('slovo', 'sk') > 0)")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, NEWS_LINT_LEXICON=str(bad)),
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == ["True"], out.stderr[-2000:]


def test_the_compiled_lists_are_shared_by_every_install_of_the_same_wordfreq(tmp_path, monkeypatch):
    """The lexicon is rebuilt when wordfreq changes (its version, its data files), not when the
    same wordfreq sits in another environment (pre-commit's own venv and a project's venv must
    not compile the lists over each other's, ~20 s each time)."""
    import importlib.util
    from types import SimpleNamespace

    from mdlint_news import lexicon

    real = lexicon._wordfreq_fingerprint()
    installed = Path(importlib.util.find_spec("wordfreq").origin).parent
    other = tmp_path / "elsewhere" / "site-packages" / "wordfreq"
    (other / "data").mkdir(parents=True)
    (other / "__init__.py").write_text("# another install\n")
    for f in (installed / "data").iterdir():
        if f.is_file():
            with open(other / "data" / f.name, "wb") as fh:
                fh.truncate(f.stat().st_size)  # same name, same size, other place and time
    monkeypatch.setattr(lexicon.importlib.util, "find_spec",
                        lambda name: SimpleNamespace(origin=str(other / "__init__.py")))
    assert lexicon._wordfreq_fingerprint() == real
    some = next(p for p in sorted((other / "data").iterdir()))
    with open(some, "ab") as fh:
        fh.write(b"x")  # data that changed: compiled again
    assert lexicon._wordfreq_fingerprint() != real


def test_compiling_languages_one_after_another_keeps_one_list_in_memory(tmp_path):
    """wordfreq keeps every list it reads (lru_cache): the first repair compiled 14 languages and
    kept them all (431 MB peak). Three of the largest lists, compiled in a fresh process with an
    empty lexicon: the peak is what one of them needs."""
    compile_three = "from mdlint_news import lexicon\nfor lang in ('cs', 'de', 'pl'): lexicon.get(lang)"
    # the peak of a child of a small process: a child forked from this (large) test process
    # would count the pages it shared with it
    probe = ("import resource, subprocess, sys\n"
             f"subprocess.run([sys.executable, '-c', {compile_three!r}], check=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    env = dict(os.environ, NEWS_LINT_LEXICON=str(tmp_path / "lx.sqlite3"))
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) < 200_000, f"peak RSS {int(out[0]) / 1000:.0f} MB"  # base: 244 MB; now 162


def _tampered(text: str, how: str) -> str:
    """One stored part of words of length 5 (records ``\\n`` + 5 chars + index char), broken."""
    if how == "newline in a word":
        return text[:3] + "\n" + text[4:]
    if how == "index out of range":
        return text[:6] + chr(lexicon.MAX_INDEX + 40) + text[7:]
    if how == "index below range":
        return text[:6] + "\x1f" + text[7:]
    if how == "short record":
        return text[:3] + text[4:] + "x"  # same length overall, a record boundary moved
    if how == "no final newline":
        return text[:-1] + "a"
    return text[1:] + "\n"  # "shifted": every record one character early


@pytest.mark.parametrize("how", ["newline in a word", "index out of range", "index below range",
                                 "short record", "no final newline", "shifted"])
def test_a_tampered_word_list_falls_back_to_memory(tmp_path, how):
    """The compiled lists live in a user-writable file: a part that is not what this module
    writes is refused (and the lists compiled into memory), never searched."""
    import sqlite3
    store = tmp_path / "lexicon.sqlite3"
    env = dict(os.environ, NEWS_LINT_LEXICON=str(store))
    ask = ("from mdlint_news import lexicon; import wordfreq;"
           "ws = ['slovo', 'dobre', 'xqzvk'];"
           "print(all(lexicon.zipf_frequency(w, 'sk') == wordfreq.zipf_frequency(w, 'sk') for w in ws))")
    first = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True)
    assert first.returncode == 0 and first.stdout.split() == ["True"], first.stderr[-2000:]
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT kind, text FROM parts WHERE lang = 'sk' AND len = 5").fetchall()
        assert rows
        for kind, text in rows:
            conn.execute("UPDATE parts SET text = ? WHERE lang = 'sk' AND kind = ? AND len = 5",
                         (_tampered(text, how), kind))
    probe = ("from mdlint_news import lexicon; import sqlite3;"
             "lexicon._STORE.connect();"
             "row = lexicon._STORE.connect().execute(\"SELECT text, ordered FROM parts WHERE lang='sk' AND len=5\").fetchone();"
             "\ntry:\n lexicon._valid_part(5, *row); print('accepted')\nexcept lexicon.CorruptLexicon: print('refused')")
    refused = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert refused.stdout.split() == ["refused"], refused.stderr[-2000:]
    again = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.split() == ["True"], again.stderr[-2000:]


@pytest.mark.parametrize("bad", ['{"x": {"ab": 3}}', '{"x": {"a": 0}}', '{"x": {"a": 1.0}}',
                                 '{"x": {"a": true}}', '{"x": {"a": -2}}', '{"x": [1]}',
                                 '{"x": {"": 1}}', '[]'])
def test_a_tampered_gap_row_falls_back_to_memory(tmp_path, bad):
    """Rows of letter counts in context are checked as they are read, like the word lists."""
    import sqlite3
    store = tmp_path / "lexicon.sqlite3"
    env = dict(os.environ, NEWS_LINT_LEXICON=str(store))
    ask = "from mdlint_news import lexicon; print(sorted(lexicon.get('sk').gap('ič').items()))"
    first = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True)
    assert first.returncode == 0 and "('a'," in first.stdout, first.stderr[-2000:]
    with sqlite3.connect(store) as conn:
        assert conn.execute("UPDATE gaps SET data = ? WHERE lang = 'sk' AND left = 'i'",
                            (bad,)).rowcount == 1
    again = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr[-2000:]
