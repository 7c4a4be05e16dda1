"""The JSON Schema of a layout: Pydantic's export of the contract, plus every constraint of the
contract and profile that JSON Schema can state (patterns, lengths, ranges, item counts), human
titles and descriptions, and the draft 2020-12 ``$schema`` / ``$id``.

Only the exported document changes here; validation is the Pydantic models' own (schema.py).
Patterns use the regular-expression syntax common to ECMA-262 and Python (``[0-9]``, no Unicode
classes, no flags), and end with ``(?![\\s\\S])`` instead of ``$``, which in Python also matches
before a final line break.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .profile import Profile, load_profile
from .schema import MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# No host is known for this project: the $id is a URN naming the file, not a URL to fetch.
ID_PREFIX = "urn:mdlint-news:schemas:"
END = r"(?![\s\S])"

TEXT: dict[str, tuple[str, str]] = {
    "author": ("Author", "The author's name; present exactly when importance reaches the "
               "profile's author threshold (articles since the author policy date)."),
    "category": ("Category", "A lowercase label, at most the profile's length."),
    "companies": ("Companies", "Names of the companies the article is about (names, not sentences)."),
    "date": ("Date", "publishedAt written in the profile's time zone and date format."),
    "description": ("Description", "The teaser shown in lists and feeds; not empty."),
    "importance": ("Importance", "An integer in the profile's range."),
    "layout": ("Layout", "Which contract this article follows."),
    "original_title": ("Original title", "The title of the original story, as published."),
    "people": ("People", "Names of the people the article is about (names, not sentences)."),
    "publishedAt": ("Published at", "When the original story was published: ISO 8601 with an "
                    "explicit UTC offset, e.g. 2025-12-01T17:27:21+00:00."),
    "slug": ("Slug", "Lowercase letters, digits, '_' and single hyphens (the profile's digit "
             "prefix first when the title starts with a digit), at most the profile's length."),
    "source": ("Source", "Where the story comes from (NewsAPI's source, with an emoji)."),
    "title": ("Title", "The article's title."),
    "url": ("URL", "The original story: an absolute http(s) URL, without HTML entities such as &amp;."),
    "urlToImage": ("URL of the image", "An absolute http(s) URL, without HTML entities."),
    "urlToImageBackup": ("URL of the backup image", "An absolute http(s) URL, without HTML entities."),
    "emoji": ("Emoji", "The emoji shown before the source's name in the footer."),
    "id": ("Source id", "NewsAPI's source id; often null."),
    "name": ("Source name", "The source's name, as shown in the footer."),
    "source_url": ("Source URL", "The original story: an absolute http(s) URL."),
}
# the legacy layout's fields whose meaning differs from the modern one
LEGACY_TEXT = {"date": ("Date", "When the article was published (legacy articles vary in format)."),
               "source": ("Source", "The source's name.")}


def _ci(word: str) -> str:
    """``word`` matched without regard to case, without a flag: ``[aA][mM][pP]``."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


_ENTITY = "&(?:" + "|".join([_ci("amp"), _ci("lt"), _ci("gt"), _ci("quot"), _ci("apos"),
                              "#[0-9]+", "#[xX][0-9a-fA-F]+"]) + ");"
URL_PATTERN = (r"^(?![\s\S]*\s)(?![\s\S]*" + _ENTITY + ")" + _ci("http") + "[sS]?"
               + r"://[^\s/?#@]+(?:[/?#][\s\S]*)?" + END)
PUBLISHED_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                     r"(?:Z|[+-][0-9]{2}:?[0-9]{2})" + END)

_STRICT = {"Y": "[0-9]{4}", "m": "(?:0[1-9]|1[0-2])", "d": "(?:0[1-9]|[12][0-9]|3[01])",
           "H": "(?:[01][0-9]|2[0-3])", "M": "[0-5][0-9]", "S": "[0-5][0-9]", "y": "[0-9]{2}",
           "%": "%"}
# strptime also takes one digit where two are written (any format but the default's fast path)
_LOOSE = {**_STRICT, "m": "(?:0?[1-9]|1[0-2])", "d": "(?:0?[1-9]|[12][0-9]|3[01])",
          "H": "(?:[01]?[0-9]|2[0-3])", "M": "[0-5]?[0-9]", "S": "[0-5]?[0-9]"}
_SPECIAL = set(".^$*+?()[]{}|\\/")


def date_pattern(fmt: str) -> str | None:
    """A pattern for strftime format ``fmt``; None when it uses a directive not mapped here."""
    table = _STRICT if fmt == "%Y-%m-%d %H:%M:%S" else _LOOSE
    out, i = ["^"], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%":
            part = table.get(fmt[i + 1:i + 2])
            if part is None:
                return None
            out.append(part)
            i += 2
            continue
        out.append("\\" + ch if ch in _SPECIAL else ch)
        i += 1
    return "".join(out) + END


def _char_class(codes: list[int]) -> str:
    """``\\uXXXX`` ranges of the sorted code points ``codes`` (the inside of a ``[...]``)."""
    parts, start = [], None
    for i, c in enumerate(codes):
        if start is None:
            start = c
        if i + 1 == len(codes) or codes[i + 1] != c + 1:
            parts.append(f"\\u{start:04x}" if start == c else f"\\u{start:04x}-\\u{c:04x}")
            start = None
    return "".join(parts)


# Latin, Greek, Cyrillic, Armenian; general punctuation, currency, letterlike symbols, arrows
_SCANNED = [*range(0x80, 0x530), *range(0x2000, 0x2c00)]


def _uppercase() -> list[int]:
    return [c for c in _SCANNED if chr(c) != chr(c).lower()]


def _not_slug_chars() -> list[int]:
    """Characters beyond ASCII that a slug may not hold: uppercase, and all that is not a letter,
    a mark or a digit (the slug rule's own test, over the scanned blocks)."""
    def bad(ch: str) -> bool:
        return ch != ch.lower() or not (ch.isdigit() or unicodedata.category(ch)[0] in "LM")
    return [c for c in _SCANNED if bad(chr(c))]


def slug_pattern(prefix: str) -> str:
    lead = "".join("\\" + c if c in _SPECIAL else c for c in prefix)
    body = "(?:[a-z0-9_-]|[^\\u0000-\\u007f" + _char_class(_not_slug_chars()) + "])*"
    return f"^(?!-)(?![\\s\\S]*--)(?:{lead})?{body}{END}"


def lowercase_pattern() -> str:
    return r"^(?=[\s\S]*\S)[^A-Z" + _char_class(_uppercase()) + "]*" + END


def name_pattern(max_words: int) -> str:
    return r"^\s*\S+(?:\s+\S+){0," + str(max_words - 1) + r"}\s*" + END


def _branch(prop: dict) -> dict:
    """The non-null branch of an optional property (the property itself when not optional)."""
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return option
    return prop


def _constraints(profile: Profile) -> dict[str, dict[str, Any]]:
    url = {"type": "string", "pattern": URL_PATTERN}
    out: dict[str, dict[str, Any]] = {
        "url": url, "urlToImage": url, "urlToImageBackup": url, "source_url": url,
        "publishedAt": {"pattern": PUBLISHED_PATTERN},
        "slug": {"minLength": 1, "maxLength": profile.slug.max_length,
                 "pattern": slug_pattern(profile.slug.digit_prefix)},
        "category": {"maxLength": profile.category.max_length, "pattern": lowercase_pattern()},
        "importance": {"minimum": profile.importance.min, "maximum": profile.importance.max},
        "description": {"pattern": r"\S"},
    }
    pattern = date_pattern(profile.date_format)
    if pattern:
        out["date"] = {"pattern": pattern}
    for field, limits in profile.lists.items():
        out[field] = {"maxItems": limits.max_items,
                      "items": {"type": "string", "maxLength": limits.max_length,
                                "pattern": name_pattern(limits.max_words)}}
    return out


def _decorate(properties: dict, text: dict, constraints: dict) -> None:
    for name, prop in properties.items():
        title, description = text.get(name, (None, None))
        if title:
            prop["title"], prop["description"] = title, description
        extra = constraints.get(name)
        if extra:
            _branch(prop).update(extra)


def json_schema(layout: str, profile: Profile | None = None) -> dict:
    """The JSON Schema of ``layout`` under ``profile`` (default: the layout's shipped profile)."""
    profile = profile or load_profile()
    schema = MODELS[layout].model_json_schema()
    legacy = layout != profile.layout
    text = {**TEXT, **LEGACY_TEXT} if legacy else TEXT
    constraints = _constraints(profile)
    if legacy:
        constraints = {"source_url": constraints["source_url"]}
    _decorate(schema["properties"], text, constraints)
    for definition in schema.get("$defs", {}).values():
        _decorate(definition.get("properties", {}), text, {})
    return {"$schema": DIALECT, "$id": f"{ID_PREFIX}{layout}.schema.json", **schema}
