"""Layout profiles: the site-specific settings of the contract, read from ``schemas/<layout>.yaml``."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .leaks import nested_repeat


def schemas_dir() -> Path:
    """``schemas/`` ships inside the wheel; in a source checkout it is the top-level folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("news-lint's schemas/ folder is missing from the installation")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class SlugSettings(_Model):
    max_length: int = Field(50, alias="max-length", ge=1)
    digit_prefix: str = Field("A-", alias="digit-prefix")
    empty: str = "article"


class AuthorSettings(_Model):
    min_importance: int = Field(3, alias="min-importance")
    since: date | None = None


class CategorySettings(_Model):
    max_length: int = Field(20, alias="max-length", ge=1)
    fallback: str = "tech"
    language: str = "cs"


class ImportanceSettings(_Model):
    min: int = 1
    max: int = 5


class ListSettings(_Model):
    max_items: int = Field(5, alias="max-items", ge=0)
    max_words: int = Field(6, alias="max-words", ge=1)
    max_length: int = Field(60, alias="max-length", ge=1)


# ----------------------------------------------------------------------------- `body:`
# The section is a free-form mapping in the Profile (a bad one is reported as its own
# configuration error); ``config`` validates it when it loads the profile, ``body.body_settings``
# when a profile was made otherwise.

_TRAIL = " \t:.;,!?–—-"


def section_key(s: str) -> str:
    """A heading as compared with the section names: no emphasis markers, no trailing
    punctuation, case-folded, without diacritics, single spaces."""
    s = s.strip().strip("*_").strip().rstrip(_TRAIL).strip("*_").strip()
    s = "".join(c for c in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(c))
    return " ".join(s.replace("’", "'").split())


class BulletRange(_Model):
    min: int = Field(0, ge=0)
    max: Optional[int] = Field(None, ge=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.max is not None and self.max < self.min:
            raise ValueError(f"bullets: max ({self.max}) is below min ({self.min})")
        return self


class SectionSpec(_Model):
    text: str = Field(min_length=1)
    variants: tuple[str, ...] = ()
    bullets: Optional[BulletRange] = None


class SectionSettings(_Model):
    level: int = Field(2, ge=1, le=6)
    min_importance: int = Field(3, alias="min-importance")
    items: tuple[SectionSpec, ...] = ()

    @field_validator("items")
    @classmethod
    def _unique(cls, v):
        keys = [section_key(s.text) for s in v]
        if len(set(keys)) != len(keys):
            raise ValueError("two sections have the same text")
        return v


PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\}")


class FooterSettings(_Model):
    separator: Optional[str] = "---"
    link: str = "[Číst původní článek]({url})"
    source: str = "**Zdroj:** {source.emoji} {source.name}"

    @field_validator("link", "source")
    @classmethod
    def _has_prefix(cls, v: str) -> str:
        m = PLACEHOLDER.search(v)
        if m is None or not v[:m.start()].strip():
            raise ValueError(f"{v!r} must start with fixed text followed by a {{field}} placeholder")
        return v


class UntranslatedSettings(_Model):
    fields: tuple[str, ...] = ("title", "description")
    language: str = "cs"
    foreign: str = "en"
    min_words: int = Field(3, alias="min-words", ge=1)


class LeakPattern(_Model):
    name: str
    pattern: str
    message: Optional[str] = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if nested_repeat(v):
            raise ValueError("the pattern repeats without bound something that itself "
                             "repeats without bound (like `(x+)+`): on some texts it runs for "
                             "hours (catastrophic backtracking); rewrite it without the nested "
                             "repetition")
        return v


class LeakSettings(_Model):
    fields: tuple[str, ...] = ()
    patterns: tuple[LeakPattern, ...] = ()


class BodySettings(_Model):
    """The profile's ``body:`` section. Everything is off unless configured."""

    since: Optional[date] = None
    sections: SectionSettings = SectionSettings()
    footer: Optional[FooterSettings] = None
    untranslated: Optional[UntranslatedSettings] = None
    leaks: LeakSettings = LeakSettings()



class Profile(_Model):
    layout: str = "tech_news_article"
    legacy_layouts: tuple[str, ...] = Field(("tech_news",), alias="legacy-layouts")
    timezone: str = "UTC"
    date_format: str = Field("%Y-%m-%d %H:%M:%S", alias="date-format")
    future_tolerance_hours: float = Field(24, alias="future-tolerance-hours", ge=0)
    slug: SlugSettings = SlugSettings()
    filename: str = "{date}-{slug}.md"
    author: AuthorSettings = AuthorSettings()
    category: CategorySettings = CategorySettings()
    importance: ImportanceSettings = ImportanceSettings()
    lists: dict[str, ListSettings] = {}
    # language of each field's text, for the encoding repair's word model ("body": the Markdown
    # body; a field not named here: detected per line)
    languages: dict[str, str] = {}
    line_endings: Literal["lf", "crlf", "auto"] = Field("auto", alias="line-endings")
    # the site's permalink patterns (Jekyll's `_config.yml`, or the `site-permalink` key): when
    # they carry the date, a fix that moves an article's day changes its public URL
    site_permalink: str = Field("", alias="site-permalink")
    # sections, footer and content rules of the body: a BodySettings (see above)
    body: dict[str, Any] = {}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name, for example `UTC` or `Europe/Prague`")
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# Flat config keys that override profile settings: config key -> path in the profile.
OVERRIDES = {
    "timezone": ("timezone",),
    "date-format": ("date-format",),
    "future-tolerance-hours": ("future-tolerance-hours",),
    "slug-max-length": ("slug", "max-length"),
    "category-max-length": ("category", "max-length"),
    "author-min-importance": ("author", "min-importance"),
    "author-since": ("author", "since"),
    "line-endings": ("line-endings",),
    "site-permalink": ("site-permalink",),
}


LAYOUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
PROFILE_MAX_BYTES = 1_000_000


def is_profile_file(name: str) -> bool:
    """Whether a ``profile`` setting names a YAML file (else it is a layout name)."""
    return name.endswith((".yaml", ".yml"))


def read_small_file(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, checked through its descriptor (a
    FIFO or device is refused, never read). Raises OSError, or ValueError saying what is wrong."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path}: not a regular file")
        if st.st_size > limit:
            raise ValueError(f"{path}: over {limit:,} bytes")
        data = fh.read(st.st_size + 1)
    if len(data) > st.st_size:
        raise ValueError(f"{path}: changed while it was read")
    return data


@lru_cache(maxsize=1)
def layout_names() -> list[str]:
    """The layouts news-lint ships a profile for (``schemas/<layout>.yaml``)."""
    return sorted(p.stem for p in schemas_dir().glob("*.yaml"))


def load_raw(name_or_path: str) -> dict:
    """The mapping of a profile file or of a shipped layout. Errors name the file and a position,
    never a value (the file may be anything a configuration pointed at)."""
    if is_profile_file(name_or_path):
        path = Path(name_or_path)
    elif LAYOUT_NAME.fullmatch(name_or_path):
        path = schemas_dir() / f"{name_or_path}.yaml"
    else:
        raise ValueError("not a layout name (letters, digits, '_' and '-') nor a path to a .yaml file")
    data = read_small_file(path, PROFILE_MAX_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from None
    try:
        loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise ValueError(f"{path}: not valid YAML{where}") from None
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: a profile must be a mapping")
    return loaded


@lru_cache(maxsize=32)
def _build(name_or_path: str, overrides: tuple) -> Profile:
    raw = load_raw(name_or_path)
    for key, value in overrides:
        target = raw
        *parents, last = OVERRIDES[key]
        for p in parents:
            target = target.setdefault(p, {})
        target[last] = value
    return Profile.model_validate(raw)


def load_profile(name_or_path: str = "tech_news_article", overrides: dict | None = None) -> Profile:
    """Load a profile by layout name (from ``schemas/``) or by path, applying flat overrides."""
    return _build(name_or_path, tuple(sorted((overrides or {}).items())))
