"""Individual fields: importance, category, author, name lists, description, control characters (NL6xx)."""

from __future__ import annotations

import re
from datetime import timezone

from ..diagnostics import Edit, Fix
from ..schema import Fact, parse_published
from . import content
from .base import ERROR, INFO, SAFE, UNSAFE, WARNING, Context, Problem, rule
from .encoding import CONTROL_CLASS, rare_characters
from .outlet import reads_back


@rule("NL601", "importance-range", ERROR)
def importance_range(ctx: Context):
    """`importance` is not an integer in the profile's range (default 1..5).

    **Why.** Importance decides the article's sections and placement.

    **Fix.** None: the importance is an editorial judgement.

    **Options.** `importance.min`, `importance.max` (profile).
    """
    for err in ctx.errors_for(Fact.IMPORTANCE_RANGE):
        yield Problem(err.start, err.end, err.message)


@rule("NL602", "category-format", ERROR)
def category_format(ctx: Context):
    """`category` is not a lowercase label of at most 20 characters, or looks cut or defaulted.

    **What it does.** An error when the category is empty, not lowercase or too long; a warning
    when it is exactly the maximum length and ends inside a word (the generator cuts to 20
    characters: `kybernetická bezpečn`; a word is recognised by its frequency in the profile's
    `category.language`, from the wordfreq word lists, loaded only for such values); info for the fallback `tech`, which the generator
    writes when the translation failed (reported by `not-translated` instead, as one of its pieces
    of evidence, when the article was not translated at all and that rule runs).

    **Fix.** None: the full word cannot be known for certain.

    **Options.** `category.max-length`, `category.fallback` (profile).
    """
    for err in ctx.errors_for(Fact.CATEGORY_FORMAT):
        yield Problem(err.start, err.end, err.message)
    if not ctx.modern:
        return
    value = ctx.data.get("category")
    if not isinstance(value, str):
        return
    settings = ctx.profile.category
    span = ctx.doc.value_span("category")
    last = value.rsplit(" ", 1)[-1]
    if len(value) == settings.max_length and last.isalpha() and not _is_word(last, settings.language):
        yield Problem(span.start, span.end,
                      f"category '{value}' is {settings.max_length} characters long and ends in "
                      f"'{last}': probably cut mid-word", severity=WARNING)
    elif value == settings.fallback and not _explained(ctx):
        yield Problem(span.start, span.end,
                      f"category is the fallback '{value}': the article was probably not "
                      "categorised (generation failed)", severity=INFO)


def _explained(ctx: Context) -> bool:
    """The fallback category is evidence of the `not-translated` finding (rules/content.py)."""
    from .content import explained

    return explained(ctx, "category")


def _is_word(word: str, language: str) -> bool:
    from ..lexicon import zipf_frequency  # word lists compiled once, read a word at a time

    return zipf_frequency(word, language) > 0


@rule("NL603", "author-policy", ERROR)
def author_policy(ctx: Context):
    """`author` is present exactly when importance >= 3.

    **What it does.** Articles with importance at or above `author.min-importance` (default 3)
    need an `author`; the others must not have one. Articles published before `author.since`
    predate the policy and are not checked.

    **Fix.** None: the author has to be named (or removed) by hand.

    **Options.** `author-min-importance`, `author-since`.
    """
    if not ctx.modern:
        return
    data = ctx.data
    importance = data.get("importance")
    if not isinstance(importance, int) or isinstance(importance, bool):
        return
    policy = ctx.profile.author
    published = parse_published(data["publishedAt"]) if isinstance(data.get("publishedAt"), str) else None
    if policy.since and (published is None or published.astimezone(timezone.utc).date() < policy.since):
        return
    has = data.get("author") not in (None, "")
    if importance >= policy.min_importance and not has:
        span = ctx.doc.anchor_span()
        yield Problem(span.start, span.end,
                      f"importance {importance} requires an 'author' (importance >= {policy.min_importance})")
    elif importance < policy.min_importance and has:
        span = ctx.doc.key_span("author")
        yield Problem(span.start, span.end,
                      f"importance {importance} articles have no 'author' (only importance >= "
                      f"{policy.min_importance})")


@rule("NL604", "list-items", ERROR)
def list_items(ctx: Context):
    """`companies` / `people` hold too many items, or items that are not names.

    **What it does.** At most 5 companies and 3 people (profile `lists`); each item a short name
    (at most `max-words` words and `max-length` characters), not a sentence. LLM refusals such as
    "Na základě poskytnutého textu nemohu identifikovat…" end up here.

    **Fix.** None: remove the item or replace it with real names.

    **Options.** `lists.<field>.max-items`, `max-words`, `max-length` (profile).
    """
    for err in ctx.errors_for(Fact.LIST_ITEMS):
        yield Problem(err.start, err.end, err.message)


@rule("NL605", "description-length", ERROR)
def description_length(ctx: Context):
    """`description` is empty.

    **Why.** The description is the teaser in lists, feeds and social cards; an empty one means
    the generation step failed.

    **Fix.** None.
    """
    if not isinstance(ctx.data, dict) or ctx.layout not in (ctx.profile.layout, *ctx.profile.legacy_layouts):
        return
    value = ctx.data.get("description")
    if isinstance(value, str) and not value.strip():
        span = ctx.doc.value_span("description")
        yield Problem(span.start, span.end, "description is empty")


_CONTROL = re.compile(f"[{CONTROL_CLASS}]")


@rule("NL606", "control-character", ERROR)
def control_character(ctx: Context):
    """A front-matter value contains a control character (C0 or C1).

    **What it does.** Reports characters U+0000–U+001F (except tab and line breaks) and
    U+007F–U+009F in string values, after YAML has decoded escapes such as `\\x80`.

    **Why.** They are invisible and never belong in news copy; C1 characters (U+0080–U+009F)
    almost always mean UTF-8 text was decoded as Latin-1 (`Chinaâ\\x80\\x99s` for `China’s`).

    **Fix.** None here. Where the control characters are the leftovers of mojibake, rule
    `mojibake` reports and repairs the value instead, and this rule stays silent.
    """
    yaml_text = ctx.doc.yaml_text  # without escapes a value holds only characters of the text
    if "\\" not in yaml_text and not any(_CONTROL.match(c) for c in rare_characters(ctx)):
        return
    for path, entry in ctx.doc.entries.items():
        node = entry.node
        value = getattr(node, "value", None)
        if not isinstance(value, str) or not _CONTROL.search(value):
            continue
        found = set(_CONTROL.findall(value))
        from ..mojibake import find_mojibake

        repaired = "".join(r.original for r in find_mojibake(value, None) if r.confident)
        if found <= set(repaired):
            continue  # a Latin-1 leftover: the mojibake repair wins
        chars = sorted(f"U+{ord(c):04X}" for c in found)
        hint = " (UTF-8 text decoded as Latin-1?)" if any(c >= "\x80" for c in found) else ""
        yield Problem(entry.value.start, entry.value.end,
                      f"'{'.'.join(map(str, path))}' contains control characters {', '.join(chars)}{hint}")


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\r?\n)+")
_PARAGRAPH_BREAK = re.compile(r"\n+")
_ESCAPED = re.compile(r"\\.")


def _paragraph_breaks(text: str, start: int, end: int, style: str | None):
    """The spans of ``text[start:end]`` (a scalar of ``style``) that make a line break in its
    value, each with the edit that joins the two paragraphs (None in a literal block) and the
    edit's applicability."""
    if style == '"':  # an escaped `\n` run, or blank lines
        run: list = []
        for m in _ESCAPED.finditer(text, start, end):
            if m.group() == "\\n" and run and run[-1].end() == m.start():
                run.append(m)
                continue
            if run:
                yield _joined_escape(text, run)
            run = [m] if m.group() == "\\n" else []
        if run:
            yield _joined_escape(text, run)
    for m in _BLANK_LINES.finditer(text, start, end):
        # keep the first line break: a single folded break reads as a space (not in a `|` block)
        yield m.start() + 1, m.end(), None if style == "|" else Edit(m.start() + 1, m.end(), ""), SAFE


def _joined_escape(text: str, run: list):
    s, e = run[0].start(), run[-1].end()
    glue = "" if text[s - 1:s] == " " or text[e:e + 1] == " " else " "
    return s, e, Edit(s, e, glue), UNSAFE


@rule("NL610", "description-paragraphs", WARNING, fix=SAFE)
def description_paragraphs(ctx: Context):
    """`description` holds a blank line: the teaser becomes two paragraphs.

    **What it does.** Reports each blank line (or escaped `\\n`) inside the `description`
    value, which YAML turns into a line break in the loaded text (`…kill himself\\nThe maker…`).
    Mostly feed text copied verbatim (`…He sued…` / `The post … appeared first on …`).

    **Why.** The description is one paragraph: the meta description, feeds and social cards
    show the line break as-is or run the two paragraphs together without a space.

    **Example.**
    ```yaml
    description: 'OpenAI responds to lawsuit claiming its chatbot encouraged California
      teenager to kill himself

      The maker of ChatGPT has said the suicide of a 16-year-old was down to his “misuse”'
    ```

    **Fix.** Joins the paragraphs with a space. Safe for a blank line in a plain, quoted or
    folded (`>`) value (the empty line is removed; the line break left folds into a space);
    unsafe for an escaped `\\n` in a double-quoted value (replaced by a space); none for a
    literal (`|`) block. The fixed value is read back before the fix is offered.

    Not reported while the description is evidence of `not-translated` (the untranslated feed
    text of an article to regenerate: joining its paragraphs would edit text thrown away).
    """
    if not isinstance(ctx.data, dict) or ctx.layout not in (ctx.profile.layout, *ctx.profile.legacy_layouts):
        return
    if content.explained(ctx, "description"):
        return
    value, entry = ctx.data.get("description"), ctx.doc.entry("description")
    if not isinstance(value, str) or "\n" not in value.rstrip("\n") or entry is None:
        return
    style = getattr(entry.node, "style", None)
    found = sorted(_paragraph_breaks(ctx.text, entry.value.start, entry.value.end, style),
                   key=lambda b: b[0])
    core = value.rstrip("\n")
    paragraphs = _PARAGRAPH_BREAK.split(core)
    joined = " ".join(p.strip(" \t") if 0 < i < len(paragraphs) - 1 else
                      p.rstrip(" \t") if i == 0 else p.lstrip(" \t")
                      for i, p in enumerate(paragraphs)) + value[len(core):]
    edits = tuple(edit for _, _, edit, _ in found)
    # one read-back for all the edits (they are applied in one pass): linear in the breaks
    ok = (all(edits) and len(found) == len(paragraphs) - 1
          and reads_back(ctx.doc, edits, lambda data: data.get("description") == joined))
    for start, end, edit, applicability in found:
        fix = Fix((edit,), applicability, "join the description's paragraphs") if ok else None
        yield Problem(start, end, "description has a blank line: it is shown as two paragraphs; "
                      "join them into one", fix)
