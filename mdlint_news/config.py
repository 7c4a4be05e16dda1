"""Settings: defaults <- ``[tool.news-lint]`` in pyproject.toml or ``.news-lint.toml`` (found
upward from each file, or given with ``--config``) <- command-line options."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import rules as rule_registry
from .profile import OVERRIDES, Profile, load_profile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = (".news-lint.toml", "pyproject.toml")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                   ".news-lint-cache", "_site", "build", "dist")


class ConfigError(Exception):
    """Bad configuration: reported with exit code 2."""


class FileConfig(BaseModel):
    """The keys allowed in ``[tool.news-lint]`` / ``.news-lint.toml``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    select: Optional[list[str]] = None
    ignore: list[str] = []
    extend_select: list[str] = Field([], alias="extend-select")
    per_file_ignores: dict[str, list[str]] = Field({}, alias="per-file-ignores")
    exclude: Optional[list[str]] = None
    extend_exclude: list[str] = Field([], alias="extend-exclude")
    profile: str = "tech_news_article"
    max_file_size: int = Field(5_000_000, alias="max-file-size", gt=0)
    # symlinked articles and folders met while walking are skipped unless this is true; then
    # they are followed when their target lies inside the paths given, and --fix writes the target
    follow_symlinks: bool = Field(False, alias="follow-symlinks")
    cache_dir: Optional[str] = Field(None, alias="cache-dir")
    duplicates_index: Optional[list[str]] = Field(None, alias="duplicates-index")
    # profile overrides (see profile.OVERRIDES)
    timezone: Optional[str] = None
    date_format: Optional[str] = Field(None, alias="date-format")
    future_tolerance_hours: Optional[float] = Field(None, alias="future-tolerance-hours")
    slug_max_length: Optional[int] = Field(None, alias="slug-max-length", gt=0)
    category_max_length: Optional[int] = Field(None, alias="category-max-length", gt=0)
    author_min_importance: Optional[int] = Field(None, alias="author-min-importance")
    author_since: Optional[str] = Field(None, alias="author-since")
    line_endings: Optional[str] = Field(None, alias="line-endings")

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _known_rules(cls, v):
        for sel in v or ():
            if not rule_registry.matching(sel):
                raise ValueError(f"{sel!r} matches no rule (see `news-lint rules`)")
        return v

    @field_validator("per_file_ignores")
    @classmethod
    def _known_rules_pfi(cls, v):
        for sels in v.values():
            cls._known_rules(sels)
        return v


@dataclass
class Settings:
    """Effective settings for the files under one configuration."""

    file: FileConfig = field(default_factory=FileConfig)
    root: Path = field(default_factory=Path.cwd)  # folder of the config file (globs are relative to it)
    source: Optional[Path] = None  # the config file, if any
    # command-line overrides
    cli_select: Optional[list[str]] = None
    cli_ignore: list[str] = field(default_factory=list)
    cli_extend_select: list[str] = field(default_factory=list)
    cli_follow_symlinks: Optional[bool] = None  # --follow-symlinks

    @property
    def follow_symlinks(self) -> bool:
        return self.cli_follow_symlinks if self.cli_follow_symlinks is not None \
            else self.file.follow_symlinks

    @cached_property
    def profile(self) -> Profile:
        overrides = {}
        for key in OVERRIDES:
            value = getattr(self.file, key.replace("-", "_"), None)
            if value is not None:
                overrides[key] = value
        try:
            name = self.file.profile
            if name.endswith((".yaml", ".yml")) and not os.path.isabs(name):
                name = str(self.root / name)  # a profile file is relative to its configuration
            profile = load_profile(name, overrides)
            from .rules.headings import body_settings

            body_settings(profile)  # the body rules' section: a bad one is a config error, now
            return profile
        except (OSError, ValueError) as exc:
            where = f" in {self.source}" if self.source else ""
            raise ConfigError(f"cannot load profile {self.file.profile!r}{where}: {exc}") from None

    @cached_property
    def enabled(self) -> frozenset[str]:
        """Codes of the enabled rules."""
        select = self.cli_select if self.cli_select is not None else (self.file.select or ["ALL"])
        codes = {r.code for s in select for r in rule_registry.matching(s)}
        codes |= {r.code for s in [*self.file.extend_select, *self.cli_extend_select]
                  for r in rule_registry.matching(s)}
        codes -= {r.code for s in [*self.file.ignore, *self.cli_ignore] for r in rule_registry.matching(s)}
        return frozenset(codes)

    def ignored_for(self, path: Path | str) -> frozenset[str]:
        """Codes ignored for this file by ``per-file-ignores``."""
        if not self.file.per_file_ignores:
            return frozenset()
        rel = _relative(path, self.root)
        out: set[str] = set()
        for pattern, sels in self.file.per_file_ignores.items():
            if _glob_match(rel, pattern):
                out |= {r.code for s in sels for r in rule_registry.matching(s)}
        return frozenset(out)

    @cached_property
    def exclude(self) -> tuple[str, ...]:
        base = self.file.exclude if self.file.exclude is not None else list(DEFAULT_EXCLUDE)
        return tuple(base) + tuple(self.file.extend_exclude)

    def is_excluded(self, path: Path | str) -> bool:
        """Whether an ``exclude`` pattern matches the path (relative to the configuration's
        folder), a folder it is in, or one of its parts."""
        return self._excluder.excluded(self.relative(path))

    def relative(self, path: Path | str) -> str:
        """The path as ``exclude`` patterns see it (relative to the configuration's folder)."""
        return _relative(path, self.root)

    def is_excluded_in(self, folder: str, name: str) -> bool:
        """``is_excluded(folder/name)`` for a file ``name`` in a folder that ``is_excluded``
        does not exclude (``folder``: its ``relative``); the folder's parts are not matched
        again (discovery asks this for every file of a folder)."""
        return self._excluder.excluded_in(folder, name)

    @cached_property
    def _excluder(self) -> "_Excluder":
        return _Excluder(self.exclude)

    def with_cli(self, select=None, ignore=(), extend_select=(), follow_symlinks=None) -> "Settings":
        return Settings(self.file, self.root, self.source, select, list(ignore), list(extend_select),
                        follow_symlinks)


def _relative(path: Path | str, root: Path) -> str:
    path = path if isinstance(path, Path) else Path(path)
    full, base = os.path.abspath(path), _abs(root)
    if full.startswith(base) and full[len(base):len(base) + 1] == os.sep:
        return full[len(base) + 1:].replace(os.sep, "/")
    if full == base:
        return "."
    return path.as_posix()


@lru_cache(maxsize=64)
def _abs(root: Path) -> str:
    return os.path.abspath(root)


def _glob_match(rel: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    return (fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, pattern + "/*")
            or PurePosixPath(rel).match(pattern))


class _Excluder:
    """``_glob_match`` of every pattern, or ``fnmatch`` of a pattern on any part of the path, as
    two compiled regular expressions (a folder of 10,000 files is matched in milliseconds);
    patterns of several parts keep pathlib's right-anchored ``match``."""

    def __init__(self, patterns: tuple[str, ...]):
        pats = [p.rstrip("/") for p in patterns]
        whole = [fnmatch.translate(p) for p in pats] + [fnmatch.translate(p + "/*") for p in pats]
        self.whole = re.compile("|".join(whole)) if whole else None
        self.part = re.compile("|".join(fnmatch.translate(p) for p in patterns)) if patterns else None
        single = [fnmatch.translate(p) for p in pats if "/" not in p]
        self.last = re.compile("|".join(single)) if single else None  # pathlib's match of one part
        self.multi = [p for p in pats if "/" in p]  # pathlib matches the last parts, part by part

    def excluded(self, rel: str) -> bool:
        if self.whole is None:
            return False
        parts = [p for p in rel.split("/") if p and p != "."]
        if rel.startswith("/"):  # pathlib's root is a part too ('//' is kept, '///' is '/')
            parts.insert(0, "//" if rel[:2] == "//" and rel[2:3] != "/" else "/")
        return self._matches(rel, parts)

    def excluded_in(self, folder: str, name: str) -> bool:
        """``excluded(folder + "/" + name)`` when ``excluded(folder)`` is False (or ``folder``
        has no parts) and ``name`` is a file name: only the name is a new part."""
        if self.whole is None:
            return False
        rel = name if folder in (".", "") else folder + name if folder.endswith("/") else f"{folder}/{name}"
        return self._matches(rel, [name])

    def _matches(self, rel: str, parts: list[str]) -> bool:
        """A pattern matches the whole of ``rel``, one of ``parts`` (the parts of ``rel`` still
        to look at), or, as pathlib's match, its last part or last parts."""
        if self.whole.match(rel) or any(self.part.match(p) for p in parts):
            return True
        if self.last is not None and parts and self.last.match(parts[-1]):
            return True
        if self.multi:
            pure = PurePosixPath(rel)
            return any(pure.match(p) for p in self.multi)
        return False


def read_config(path: Path) -> Settings:
    """Read one configuration file. Raises ConfigError with a message that says what to change."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("news-lint", {})
    try:
        fc = FileConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"])
            msg = "unknown option" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"  {key}: {msg}")
        section = "[tool.news-lint]" if path.name == "pyproject.toml" else ""
        raise ConfigError(f"{path}{' ' + section if section else ''}: invalid configuration\n"
                          + "\n".join(lines)) from None
    settings = Settings(fc, path.parent.resolve(), path)
    settings.profile  # noqa: B018  (validate the profile and overrides now: exit 2, not per file)
    try:
        Profile.model_validate(settings.profile.model_dump(by_alias=True))
    except ValidationError as exc:  # pragma: no cover - load_profile validates already
        raise ConfigError(str(exc)) from None
    return settings


def _has_config(path: Path) -> bool:
    if path.name == "pyproject.toml":
        try:
            with open(path, "rb") as fh:
                return "news-lint" in tomllib.load(fh).get("tool", {})
        except (OSError, tomllib.TOMLDecodeError):
            return False
    return True


class ConfigResolver:
    """Finds the configuration that applies to each file, walking up from its folder; cached."""

    def __init__(self, explicit: Optional[Path] = None, cli: dict[str, Any] | None = None):
        self.cli = cli or {}
        self.explicit = self._apply(read_config(explicit)) if explicit else None
        self._by_dir: dict[Path, Settings] = {}
        self._by_head: dict[str, Settings] = {}
        self._default = self._apply(Settings())

    def _apply(self, s: Settings) -> Settings:
        return s.with_cli(self.cli.get("select"), self.cli.get("ignore", ()),
                          self.cli.get("extend_select", ()), self.cli.get("follow_symlinks"))

    def for_path(self, path: Path) -> Settings:
        if self.explicit is not None:
            return self.explicit
        folder = Path(os.path.abspath(path if path.is_dir() else path.parent))
        return self._for_dir(folder)

    def for_file(self, path: Path | str) -> Settings:
        """``for_path`` of a path known to be a file (no stat), cached by its folder's name."""
        if self.explicit is not None:
            return self.explicit
        head = os.path.dirname(os.fspath(path))
        hit = self._by_head.get(head)
        if hit is None:
            hit = self._by_head[head] = self._for_dir(Path(os.path.abspath(head or ".")))
        return hit

    def _for_dir(self, folder: Path) -> Settings:
        hit = self._by_dir.get(folder)
        if hit is not None:
            return hit
        found = None
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and _has_config(candidate):
                found = self._apply(read_config(candidate))
                break
        if found is None:
            found = self._for_dir(folder.parent) if folder.parent != folder else self._default
        self._by_dir[folder] = found
        return found
