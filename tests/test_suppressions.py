"""Inline suppressions in front matter and body, and unused-suppression."""

from __future__ import annotations

from mdlint_news.api import fix_text
from mdlint_news.config import Settings
from mdlint_news.runner import lint_text

BASE = """\
---
category: kyberbezpečnost
date: '2025-12-01 18:27:21'{date_comment}
description: Podvodníci zneužívají podporu Apple.
importance: 2
layout: tech_news_article
original_title: Real Apple support emails used in new phishing scam
publishedAt: '2025-12-01T17:27:21+00:00'
slug: real-apple-support-emails-used-in-new-phishing-sca
source:
  emoji: 📰
  id: fox-news
  name: Fox News
title: Skutečné e-maily od podpory Apple zneužité v novém phishingovém podvodu
url: https://www.foxnews.com/tech/real-apple-support-emails-used-new-phishing-scam
---
{header}
Krátké shrnutí článku o podvodu.
{body}
---

[Číst původní článek](https://www.foxnews.com/tech/real-apple-support-emails-used-new-phishing-scam)

**Zdroj:** 📰 Fox News
"""
PATH = "2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md"


def article(date_comment="", header="", body=""):
    return BASE.format(date_comment=date_comment, header=header, body=body)


def names(text, select=None):
    settings = Settings(cli_select=select) if select else Settings()
    return [(d.name, d.line) for d in lint_text(text, PATH, settings)]


def test_baseline_has_only_the_date_mismatch():
    assert names(article()) == [("date-mismatch", 3)]


def test_key_line_comment_suppresses_that_key():
    assert names(article(date_comment="  # news-lint: disable=date-mismatch")) == []


def test_key_line_comment_accepts_codes_and_prefixes():
    assert names(article(date_comment="  # news-lint: disable=NL3")) == []


def test_file_comment_on_its_own_line_suppresses_everywhere():
    text = article().replace("---\n", "---\n# news-lint: disable=date-mismatch\n", 1)
    assert names(text) == []


def test_comment_for_another_rule_suppresses_nothing_and_is_reported():
    text = article(date_comment="  # news-lint: disable=slug-mismatch")
    assert names(text) == [("date-mismatch", 3), ("unused-suppression", 3)]


def test_unused_suppression_not_reported_when_its_rule_is_not_selected():
    text = article(date_comment="  # news-lint: disable=slug-mismatch")
    assert names(text, ["date-mismatch", "unused-suppression"]) == [("date-mismatch", 3)]


LEAK = "Jako expert na AI vidím, že je to vážné. (512 slov)"


def test_body_next_line_and_ranges():
    plain = article(body=f"\n{LEAK}\n")
    assert [n for n, _ in names(plain)].count("content-leak") >= 1
    nxt = article(body=f"\n<!-- news-lint-disable-next-line content-leak -->\n{LEAK}\n")
    assert "content-leak" not in [n for n, _ in names(nxt)]
    rng = article(body=f"\n<!-- news-lint-disable content-leak -->\n{LEAK}\n{LEAK}\n"
                       "<!-- news-lint-enable content-leak -->\n")
    assert "content-leak" not in [n for n, _ in names(rng)]
    after = article(body=f"\n<!-- news-lint-disable content-leak -->\n"
                         f"<!-- news-lint-enable content-leak -->\n{LEAK}\n")
    got = names(after)
    # the body starts on line 17: blank, summary, blank, disable (20), enable (21), leak (22)
    assert ("content-leak", 22) in got
    assert ("unused-suppression", 20) in got


def test_unknown_rule_name_is_reported():
    text = article(date_comment="  # news-lint: disable=no-such-rule")
    assert ("unused-suppression", 3) in names(text)


def test_fix_removes_unused_suppressions_and_nothing_else():
    text = article(date_comment="  # news-lint: disable=slug-mismatch",
                   body="\n<!-- news-lint-disable-next-line NL843 -->\nObyčejná věta.\n")
    settings = Settings(cli_select=["unused-suppression", "slug-mismatch", "content-leak"])
    result = fix_text(text, PATH, settings)
    assert result.error is None
    expected = article(body="\nObyčejná věta.\n")
    assert result.text == expected
