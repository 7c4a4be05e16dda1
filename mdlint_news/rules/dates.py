"""Dates: `date` and `publishedAt` are well-formed, agree, and are not in the future (NL3xx)."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

from ..schema import Fact, parse_date, parse_published
from ..yamlemit import replace_value
from .base import ERROR, SAFE, UNSAFE, WARNING, Context, Problem, rule


def _expected_date(ctx: Context) -> str | None:
    """``publishedAt`` written as `date` should be, or None when it cannot be derived
    (computed once per file: date-format and date-mismatch both need it)."""
    return ctx.once("_news_expected_date", _derive_date)


def _derive_date(ctx: Context) -> str | None:
    data = ctx.data or {}
    published = data.get("publishedAt")
    dt = parse_published(published) if isinstance(published, str) else None
    return None if dt is None else dt.astimezone(ctx.profile.tz).strftime(ctx.profile.date_format)


def _lenient(value: str, ctx: Context) -> datetime | None:
    """Read a `date` written in some other common form, as a time in the profile's zone."""
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" +", "+"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ctx.profile.tz)
    return dt


@rule("NL301", "date-format", ERROR, fix=SAFE)
def date_format(ctx: Context):
    """`date` is not written in the profile's format (default `YYYY-MM-DD HH:MM:SS`).

    **What it does.** Checks `date` against the profile's `date-format` (strftime syntax).

    **Why.** Templates and feeds parse `date` with that exact format.

    **Example.** `date: '2025-12-01T17:27:21Z'`, expected `date: '2025-12-01 17:27:21'`.

    **Fix.** Rewrites `date` from `publishedAt`: safe when the old value denotes the same instant,
    unsafe otherwise.

    **Options.** `date-format`, `timezone` (profile).
    """
    for err in ctx.errors_for(Fact.DATE_FORMAT):
        expected = _expected_date(ctx)
        fix = None
        if expected is not None and err.loc == ("date",):
            old = _lenient(str(err.input), ctx)
            same = (old is not None  # the same instant, compared in the profile's zone
                    and old.astimezone(ctx.profile.tz).strftime(ctx.profile.date_format) == expected)
            fix = replace_value(ctx.doc, ("date",), expected, f"write date as '{expected}'",
                                SAFE if same else UNSAFE)
        yield Problem(err.start, err.end, f"{err.message}", fix)


@rule("NL302", "date-mismatch", ERROR, fix=SAFE)
def date_mismatch(ctx: Context):
    """`date` is not the same instant as `publishedAt`.

    **What it does.** Converts `publishedAt` to the profile's time zone (default UTC) and
    compares it with `date`.

    **Why.** `date` orders the site and names the file; when it drifts (a few early files carry
    the generation time instead) articles show up on the wrong day.

    **Example.**
    ```yaml
    date: '2025-12-01 19:27:21'
    publishedAt: '2025-12-01T17:27:21+00:00'
    ```

    **Fix (safe).** Rewrites the `date` value from `publishedAt`; nothing else changes. Unsafe
    when the new value falls on another calendar day (in the profile's time zone) and the file
    name (`YYYY-MM-DD-...md`), the article's `permalink`, or the site's permalink pattern (a
    Jekyll `_config.yml` beside the configuration, or `site-permalink`) carries the date: the
    public URL would change.

    **Options.** `timezone`, `date-format` (profile), `site-permalink`.
    """
    if not ctx.modern:
        return
    date = ctx.data.get("date")
    expected = _expected_date(ctx)
    if not isinstance(date, str) or expected is None or date == expected:
        return
    try:
        parse_date(date, ctx.profile.date_format)
    except ValueError:
        return  # date-format reports it
    span = ctx.doc.value_span("date")
    moved = _url_change(ctx, date, expected)
    fix = replace_value(ctx.doc, ("date",), expected, f"set date to '{expected}'" + moved,
                        UNSAFE if moved else SAFE)
    yield Problem(span.start, span.end,
                  f"date '{date}' differs from publishedAt '{ctx.data['publishedAt']}' "
                  f"(expected '{expected}' in {ctx.profile.timezone}){moved}", fix)


_DATED_NAME = re.compile(r"\d{4}-\d{2}-\d{2}-")
_DATE_PLACEHOLDERS = (":year", ":month", ":i_month", ":day", ":i_day", ":short_year", ":y_day")


def _url_change(ctx: Context, old: str, new: str) -> str:
    """Why fixing `date` from ``old`` to ``new`` would change the article's public URL (its
    calendar day changes and the file name or the permalink carries the date), or ''."""
    fmt = ctx.profile.date_format
    day_old, day_new = (parse_date(v, fmt).strftime("%Y-%m-%d") for v in (old, new))
    if day_old == day_new:
        return ""
    carriers = []
    if _DATED_NAME.match(os.path.basename(ctx.path or "")):
        carriers.append("the file name")
    permalink = ctx.data.get("permalink")
    if isinstance(permalink, str) and (any(p in permalink for p in _DATE_PLACEHOLDERS)
                                       or day_old in permalink or day_old.replace("-", "/") in permalink):
        carriers.append("the permalink")
    if any(p in ctx.profile.site_permalink for p in _DATE_PLACEHOLDERS):
        carriers.append("the site's permalink pattern (_config.yml or site-permalink)")
    if not carriers:
        return ""
    return (f"; the fix moves the date from {day_old} to {day_new}; {' and '.join(carriers)} "
            "carries the date, so the public URL would change (unsafe: check the URL or add a "
            "redirect first)")


@rule("NL303", "published-format", ERROR)
def published_format(ctx: Context):
    """`publishedAt` is not ISO 8601 with an explicit UTC offset.

    **What it does.** Accepts `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or `±HH:MM`.

    **Why.** Without an offset the instant is ambiguous; `date` is derived from it.

    **Example.** `publishedAt: '2025-12-01 17:27:21'` (no `T`, no offset).

    **Fix.** None: the offset cannot be guessed.
    """
    for err in ctx.errors_for(Fact.PUBLISHED_FORMAT):
        yield Problem(err.start, err.end, err.message)


@rule("NL304", "future-date", WARNING, cacheable=False)  # depends on today
def future_date(ctx: Context):
    """`publishedAt` lies in the future.

    **What it does.** Reports `publishedAt` later than now plus the profile's
    `future-tolerance-hours` (default 24).

    **Why.** Usually a wrong offset or a typo in the year; the article would be scheduled, not
    published.

    **Fix.** None.
    """
    if not ctx.modern:
        return
    value = ctx.data.get("publishedAt")
    dt = parse_published(value) if isinstance(value, str) else None
    if dt is None:
        return
    if dt > ctx.now + timedelta(hours=ctx.profile.future_tolerance_hours):
        span = ctx.doc.value_span("publishedAt")
        yield Problem(span.start, span.end,
                      f"publishedAt '{value}' is in the future (now {ctx.now:%Y-%m-%d %H:%M} UTC)")
