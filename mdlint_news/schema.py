"""The front-matter contract: Pydantic v2 models, one per layout.

Each field says what a value must be. Validation yields typed facts (:class:`SchemaError` with a
:class:`Fact`: a missing field, an unknown one, a value of the wrong type, or one of the named
constraints below); the rules in ``rules/`` map facts to diagnostics. Relations between fields
(``date`` vs ``publishedAt``, slug vs title, file name) are rules of their own in ``rules/``.

``news-lint schema LAYOUT`` prints a model's JSON Schema; ``schemas/<layout>.schema.json`` is that
output, committed for editors.
"""

from __future__ import annotations

import functools
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr,
                      ValidationError, ValidationInfo)
from pydantic_core import PydanticCustomError

from .document import IssueKind
from .profile import Profile

if TYPE_CHECKING:  # pragma: no cover
    from .rules.base import Context

# --------------------------------------------------------------------------- value checks


class Fact(Enum):
    """What a contract error says; the value is the Pydantic error type."""

    MISSING = "missing"  # a required field is absent
    UNKNOWN = "extra_forbidden"  # a field the layout does not have
    INVALID = "invalid"  # a value of the wrong type or shape (any other Pydantic error)
    DATE_FORMAT = "contract.date_format"
    PUBLISHED_FORMAT = "contract.published_format"
    IMPORTANCE_RANGE = "contract.importance_range"
    CATEGORY_FORMAT = "contract.category_format"
    SLUG_FORMAT = "contract.slug_format"
    LIST_ITEMS = "contract.list_items"
    URL = "contract.url"  # the article's own URL
    IMAGE_URL = "contract.image_url"


def _error(fact: Fact, message: str, context: dict | None = None) -> PydanticCustomError:
    return PydanticCustomError(fact.value, message, context)


def _profile(info: ValidationInfo) -> Profile:
    ctx = info.context or {}
    return ctx.get("profile") or Profile()


_URL = re.compile(r"^https?://[^\s/?#@]+(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)
_SPACE = re.compile(r"\s")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) URL a reader can open, or None."""
    if value != value.strip():
        return "has leading or trailing whitespace"
    if _SPACE.search(value):
        return "contains whitespace"
    if not _SCHEME.match(value):
        return "is relative: it must be absolute, starting with https:// or http://"
    if not _URL.match(value):
        return "is not an absolute http(s) URL with a host"
    m = _ENTITY.search(value)
    if m:
        return f"contains the HTML entity '{m.group()}': write the character itself"
    return None


def _url(fact: Fact):
    def check(value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise _error(fact, "URL {problem}", {"problem": problem})
        return value

    return AfterValidator(check)


_DEFAULT_DATE = "%Y-%m-%d %H:%M:%S"
_DEFAULT_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def parse_date(value: str, fmt: str) -> datetime:
    """``strptime``, with a fast path for the default format (strptime costs ~10 us a call)."""
    if fmt == _DEFAULT_DATE:
        if not _DEFAULT_DATE_RE.fullmatch(value):
            raise ValueError(value)
        return datetime.fromisoformat(value)
    return datetime.strptime(value, fmt)


def _date(value: str, info: ValidationInfo) -> str:
    fmt = _profile(info).date_format
    try:
        parse_date(value, fmt)
    except ValueError:
        example = datetime(2025, 12, 1, 17, 27, 21).strftime(fmt)
        raise _error(Fact.DATE_FORMAT, "'{value}' is not written as '{example}' ({fmt})",
                                  {"value": value, "example": example, "fmt": fmt}) from None
    return value


_PUBLISHED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


@functools.lru_cache(maxsize=256)  # read by the contract and by several rules of each file
def parse_published(value: str) -> datetime | None:
    """``publishedAt`` as an aware datetime, or None when it is not ISO 8601 with an offset."""
    if not _PUBLISHED.match(value):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def _published(value: str) -> str:
    if parse_published(value) is None:
        raise _error(
            Fact.PUBLISHED_FORMAT,
            "'{value}' is not ISO 8601 with an explicit offset, e.g. '2025-12-01T17:27:21+00:00'",
            {"value": value})
    return value


def _importance(value: int, info: ValidationInfo) -> int:
    r = _profile(info).importance
    if not r.min <= value <= r.max:
        raise _error(Fact.IMPORTANCE_RANGE, "importance {value} is outside {lo}..{hi}",
                                  {"value": value, "lo": r.min, "hi": r.max})
    return value


def _category(value: str, info: ValidationInfo) -> str:
    limit = _profile(info).category.max_length
    if not value.strip():
        raise _error(Fact.CATEGORY_FORMAT, "category is empty")
    if value != value.lower():
        raise _error(Fact.CATEGORY_FORMAT, "category '{value}' must be lowercase",
                                  {"value": value})
    if len(value) > limit:
        raise _error(Fact.CATEGORY_FORMAT,
                                  "category is {n} characters long, at most {limit} allowed",
                                  {"n": len(value), "limit": limit})
    return value


_PLAIN_SLUG = re.compile(r"[a-z0-9_]+(?:-[a-z0-9_]+)*-?")


def slug_problem(value: str, profile: Profile) -> str | None:
    if not value:
        return "is empty"
    if len(value) <= profile.slug.max_length:  # fast path: a plain ASCII slug
        rest = value[len(profile.slug.digit_prefix):] if value.startswith(profile.slug.digit_prefix) else value
        if _PLAIN_SLUG.fullmatch(rest):
            return None
    if len(value) > profile.slug.max_length:
        return f"is {len(value)} characters long, at most {profile.slug.max_length} allowed"
    rest = value[len(profile.slug.digit_prefix):] if value.startswith(profile.slug.digit_prefix) else value
    for ch in rest:
        if ch in "-_" or ch.isdigit():
            continue
        cat = unicodedata.category(ch)
        if not cat.startswith("L") and not cat.startswith("M"):
            return f"contains {ch!r}: only letters, digits, '_' and single hyphens are allowed"
        if ch != ch.lower():
            return f"contains the uppercase {ch!r}: slugs are lowercase"
    if "--" in value:
        return "contains a double hyphen"
    if value.startswith("-"):
        return "starts with a hyphen"
    return None


_NOT_SLUG = re.compile(r"[^\w\s-]")
_SLUG_GAPS = re.compile(r"[\s-]+")


def slugify(title: str, profile: Profile) -> str:
    """The generator's slug rule, applied to ``original_title``."""
    s = _NOT_SLUG.sub("", title.lower())
    s = _SLUG_GAPS.sub("-", s).strip("-")
    if s[:1].isdigit():
        s = profile.slug.digit_prefix + s
    return (s or profile.slug.empty)[: profile.slug.max_length]


def _slug(value: str, info: ValidationInfo) -> str:
    problem = slug_problem(value, _profile(info))
    if problem:
        raise _error(Fact.SLUG_FORMAT, "slug '{value}' {problem}",
                                  {"value": value, "problem": problem})
    return value


def name_problem(value: str, limits) -> str | None:
    if not value.strip():
        return "is empty"
    if len(value) > limits.max_length or len(value.split()) > limits.max_words:
        return "is a sentence, not a name"
    if value.rstrip().endswith((".", "!", "?", ":")) and len(value.split()) > 2:
        return "is a sentence, not a name"
    return None


def _names(field: str):
    """``list[str]`` of short names; item count and item shape limited by the profile."""

    def check(value: list[str], info: ValidationInfo) -> list[str]:
        limits = _profile(info).lists.get(field)
        if limits is None:
            return value
        if len(value) > limits.max_items:
            raise _error(Fact.LIST_ITEMS, "{field} has {n} items, at most {limit} allowed",
                                      {"field": field, "n": len(value), "limit": limits.max_items})
        return value

    return Annotated[list[Annotated[StrictStr, _name(field)]], AfterValidator(check)]


def _name(field: str):
    def check(value: str, info: ValidationInfo) -> str:
        limits = _profile(info).lists.get(field)
        problem = name_problem(value, limits) if limits else None
        if problem:
            raise _error(Fact.LIST_ITEMS, "{field} item '{value}' {problem}",
                                      {"field": field, "value": value[:80], "problem": problem})
        return value

    return AfterValidator(check)


NonEmpty = Annotated[StrictStr, Field(min_length=1)]
HttpUrl = StrictStr  # its JSON Schema pattern is added by schema_export

# --------------------------------------------------------------------------- models


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    emoji: NonEmpty
    id: Optional[StrictStr] = Field(..., description="NewsAPI source id; often null")
    name: NonEmpty


class TechNewsArticle(BaseModel):
    """The modern article, as the generator writes it (keys sorted by the dumper)."""

    model_config = ConfigDict(extra="forbid", title="tech_news_article")

    author: Optional[NonEmpty] = Field(None, description="present exactly when importance >= 3")
    category: Annotated[StrictStr, AfterValidator(_category)]
    companies: Optional[_names("companies")] = None
    date: Annotated[StrictStr, AfterValidator(_date),
                    Field(description="publishedAt in the profile's time zone")]
    description: StrictStr
    importance: Annotated[StrictInt, AfterValidator(_importance)]
    layout: Literal["tech_news_article"]
    original_title: NonEmpty
    people: Optional[_names("people")] = None
    publishedAt: Annotated[StrictStr, AfterValidator(_published),
                           Field(description="ISO 8601 with an explicit offset")]
    slug: Optional[Annotated[StrictStr, AfterValidator(_slug)]] = None
    source: Source
    title: NonEmpty
    url: Annotated[HttpUrl, _url(Fact.URL)]
    urlToImage: Optional[Annotated[HttpUrl, _url(Fact.IMAGE_URL)]] = None
    urlToImageBackup: Optional[Annotated[HttpUrl, _url(Fact.IMAGE_URL)]] = None



class TechNewsLegacy(BaseModel):
    """The legacy layout of the first weeks: lenient, only what every such file has."""

    model_config = ConfigDict(extra="allow", title="tech_news")

    layout: Literal["tech_news"]
    title: NonEmpty
    date: NonEmpty
    description: StrictStr
    source: Optional[StrictStr] = None
    source_url: Optional[Annotated[HttpUrl, _url(Fact.URL)]] = None


MODELS: dict[str, type[BaseModel]] = {"tech_news_article": TechNewsArticle, "tech_news": TechNewsLegacy}


# --------------------------------------------------------------------------- mapping errors


@dataclass(frozen=True)
class SchemaError:
    fact: Fact
    loc: tuple
    message: str
    start: int
    end: int
    input: Any = None


_FACTS = {f.value: f for f in Fact}


def _loc_text(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def validate(ctx: "Context") -> list[SchemaError]:
    """Validate the front matter against its layout's model; errors located in the file."""
    doc = ctx.doc
    if not isinstance(doc.data, dict):
        return []
    model = MODELS.get(ctx.layout or "")
    if model is None:
        return []
    try:
        model.model_validate(_as_meant(ctx), context={"profile": ctx.profile})
    except ValidationError as exc:
        return _map(ctx, exc.errors(include_url=False))
    return []


def _as_meant(ctx: "Context") -> dict:
    """The data with each unquoted value that YAML turned into a bool, number or date (where the
    contract wants text) put back as the text that was written: the contract then judges what
    the author meant, so quoting it (yaml-implicit-type's fix) reveals nothing new."""
    data = ctx.doc.data
    for issue in ctx.doc.issues:
        if issue.kind is not IssueKind.IMPLICIT_TYPE or issue.data.get("tag", "").endswith(":null"):
            continue
        path = issue.data.get("path")
        if not path or not expects_string(ctx.layout, path):
            continue
        data = _replaced(data, path, issue.data["raw"])
    return data


def _replaced(container, path: tuple, value):
    """A copy of ``container`` with the value at ``path`` replaced (copies only along the path)."""
    head, rest = path[0], path[1:]
    copy = dict(container) if isinstance(container, dict) else list(container)
    copy[head] = value if not rest else _replaced(copy[head], rest, value)
    return copy


def _map(ctx: "Context", errors: list[dict]) -> list[SchemaError]:
    doc = ctx.doc
    # values reported as implicit types (not null, and only where the contract wants text)
    implicit = {i.data.get("path") for i in doc.issues if i.kind is IssueKind.IMPLICIT_TYPE
                and not i.data.get("tag", "").endswith(":null")
                and expects_string(ctx.layout, i.data.get("path"))}
    out: list[SchemaError] = []
    seen: set = set()
    for err in errors:
        loc = tuple(err["loc"])
        etype = err["type"]
        fact = _FACTS.get(etype, Fact.INVALID)
        if loc in implicit and fact is Fact.INVALID:
            continue  # reported, with a fix, as an implicit type
        if (fact, loc) in seen:
            continue
        seen.add((fact, loc))
        where = _loc_text(loc)
        if fact is Fact.MISSING:
            span = doc.value_span(*loc) if len(loc) > 1 else doc.anchor_span()
            message = f"required field '{where}' is missing"
        elif fact is Fact.UNKNOWN:
            span = doc.key_span(*loc)
            message = f"unknown field '{where}' for layout '{ctx.layout}'"
        else:
            span = doc.value_span(*loc)
            message = err["msg"]
            if fact is Fact.INVALID:
                message = f"'{where}': {message[0].lower()}{message[1:]}"
        out.append(SchemaError(fact, loc, message, span.start, span.end, err.get("input")))
    return out


def _wants_str(annotation) -> bool | None:
    """True for str-typed annotations, False for other scalars, None for containers/models."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _wants_str(args[0])
    if origin is Literal:
        return all(isinstance(a, str) for a in args)
    if origin in (typing.Union, types.UnionType):
        kinds = {_wants_str(a) for a in args if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if annotation is str:
        return True
    return False if annotation in (int, float, bool) else None


@functools.lru_cache(maxsize=4096)
def expects_string(layout: str | None, path: tuple) -> bool:
    """Does the contract want a string at ``path`` (keys and list indexes)?"""
    model = MODELS.get(layout or "")
    annotation: Any = model
    for part in path:
        while typing.get_origin(annotation) in (Annotated, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return False
            annotation = field.annotation
        elif typing.get_origin(annotation) is list and isinstance(part, int):
            annotation = typing.get_args(annotation)[0]
        else:
            return False
    return _wants_str(annotation) is True


def json_schema(layout: str) -> dict:
    """The layout's JSON Schema with every constraint it can state (see schema_export)."""
    from .schema_export import json_schema as export

    return export(layout)
