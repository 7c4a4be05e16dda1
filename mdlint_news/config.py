"""Settings: defaults <- ``[tool.news-lint]`` in pyproject.toml or ``.news-lint.toml`` (the one
at the root of the file's repository, or found upward from the file outside a repository, or
given with ``--config``) <- command-line options. The trust model: docs/trust.md."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import config_errors
from . import jekyll, rules as rule_registry
from .profile import (LAYOUT_NAME, OVERRIDES, BodySettings, Profile, is_profile_file, layout_names,
                      load_profile, read_small_file)
from .reporters import visible

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = (".news-lint.toml", "pyproject.toml")
CONFIG_MAX_BYTES = 1_000_000
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
    # files to lint even when they are not articles (articles.py); globs as per-file-ignores
    include: list[str] = []
    respect_gitignore: bool = Field(True, alias="respect-gitignore")
    # excludes (and .gitignore) apply to paths named on the command line too (pre-commit's)
    force_exclude: bool = Field(False, alias="force-exclude")
    profile: str = "tech_news_article"
    max_file_size: int = Field(5_000_000, alias="max-file-size", gt=0)
    # symlinked articles and folders met while walking are skipped unless this is true; then
    # they are followed when their target lies inside the paths given, and --fix writes the target
    follow_symlinks: bool = Field(False, alias="follow-symlinks")
    cache_dir: Optional[str] = Field(None, alias="cache-dir")
    duplicates_index: Optional[list[str]] = Field(None, alias="duplicates-index")
    # profile overrides (see profile.OVERRIDES)
    timezone: Optional[str] = Field(None, examples=["Europe/Prague"])
    date_format: Optional[str] = Field(None, alias="date-format", examples=["%Y-%m-%d %H:%M:%S"])
    future_tolerance_hours: Optional[float] = Field(None, alias="future-tolerance-hours", examples=[24])
    slug_max_length: Optional[int] = Field(None, alias="slug-max-length", gt=0, examples=[50])
    category_max_length: Optional[int] = Field(None, alias="category-max-length", gt=0, examples=[20])
    author_min_importance: Optional[int] = Field(None, alias="author-min-importance", examples=[3])
    author_since: Optional[str] = Field(None, alias="author-since", examples=["2025-10-01"])
    line_endings: Optional[Literal["lf", "crlf", "auto"]] = Field(None, alias="line-endings",
                                                                   examples=["auto"])
    # the site's permalink pattern, when it is not in a Jekyll `_config.yml` beside the configuration
    site_permalink: Optional[str] = Field(None, alias="site-permalink",
                                          examples=["/:year/:month/:day/:title/"])
    # findings recorded here are not reported (--baseline overrides it; baseline.py)
    baseline: Optional[str] = Field(None, examples=[".news-lint-baseline.json"])
    # the lowest severity that fails the run (--fail-on overrides it)
    fail_on: Optional[Literal["error", "warning", "info"]] = Field(None, alias="fail-on",
                                                                   examples=["error"])

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _known_rules(cls, v):
        names = [n for r in rule_registry.RULES for n in (r.name, r.code)]
        for i, sel in enumerate(v or (), 1):
            if not rule_registry.matching(sel):
                hint = config_errors.did_you_mean(sel.strip().lower(), names)
                shown = visible(sel[:40]) + ("..." if len(sel) > 40 else "")  # a rule's name, not a secret
                raise ValueError(f"entry {i} ({shown!r}) matches no rule code, code prefix or name"
                                 f"{'; ' + hint if hint else ''} (`news-lint rules` lists them)")
        return v

    @field_validator("profile")
    @classmethod
    def _profile_name(cls, v: str) -> str:
        if not is_profile_file(v) and not LAYOUT_NAME.fullmatch(v):
            raise ValueError("must be a layout name (letters, digits, '_' and '-') or a path to a "
                             f".yaml file, for example `profile = \"{layout_names()[0]}\"`")
        if not is_profile_file(v) and v not in layout_names():
            hint = config_errors.did_you_mean(v, layout_names())
            raise ValueError(f"no shipped layout of that name{'; ' + hint if hint else ''} (shipped: "
                             f"{', '.join(layout_names())}; or name your own profile file, such as "
                             "`profile = \"site.yaml\"`)")
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
    # --exclude, --extend-exclude, --[no-]respect-gitignore, --[no-]force-exclude (when given)
    cli_files: dict = field(default_factory=dict)

    @property
    def baseline_path(self) -> Optional[Path]:
        """The configuration's ``baseline`` file (relative to its folder), if any."""
        return self.root / self.file.baseline if self.file.baseline else None

    @property
    def fail_on(self) -> str:
        """``fail-on`` of the configuration (``--fail-on`` wins, in the command line)."""
        return self.file.fail_on or "warning"

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
        if "site-permalink" not in overrides:
            overrides["site-permalink"] = jekyll.site_permalinks(self.root)
        name = self.file.profile
        if is_profile_file(name):
            name = os.path.realpath(self.root / name)  # a profile file is relative to its configuration
        try:
            return _load_profile(name, overrides)
        except (OSError, ValueError) as exc:
            where = f" in {_shown(self.source)}" if self.source else ""
            detail = (f"{exc.filename}: {exc.strerror}; `profile` names a YAML file relative to the "
                      f"configuration's folder, or a shipped layout ({', '.join(layout_names())})"
                      if isinstance(exc, OSError) else str(exc))
            detail = detail.replace(name, _shown(name))
            raise ConfigError(f"cannot load profile {self.file.profile!r}{where}: {detail}") from None

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
        base = self.cli_files.get("exclude")
        if base is None:
            base = self.file.exclude if self.file.exclude is not None else list(DEFAULT_EXCLUDE)
        return (*base, *self.file.extend_exclude, *self.cli_files.get("extend_exclude", ()))

    @property
    def respect_gitignore(self) -> bool:
        given = self.cli_files.get("respect_gitignore")
        return self.file.respect_gitignore if given is None else given

    @property
    def force_exclude(self) -> bool:
        given = self.cli_files.get("force_exclude")
        return self.file.force_exclude if given is None else given

    def is_included(self, path: Path | str) -> bool:
        """Whether an ``include`` glob selects the file (linted even if not an article)."""
        if not self.file.include:
            return False
        rel = _relative(path, self.root)
        return any(_glob_match(rel, pattern) for pattern in self.file.include)

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

    def with_cli(self, select=None, ignore=(), extend_select=(), follow_symlinks=None,
                 files: dict | None = None) -> "Settings":
        return Settings(self.file, self.root, self.source, select, list(ignore), list(extend_select),
                        follow_symlinks, {k: v for k, v in (files or {}).items() if v is not None})


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


def _load_profile(name: str, overrides: dict) -> Profile:
    """The profile with its ``body:`` section checked; errors name keys, never values. A key
    that a configuration key overrides is named as that configuration key."""
    from .body import body_settings

    by_path = {path: key for key, path in OVERRIDES.items() if key in overrides}

    def where(loc: tuple) -> Optional[str]:
        key = by_path.get(tuple(str(p) for p in loc))
        return f"{key} (in the configuration)" if key else None

    try:
        profile = load_profile(name, overrides)
    except ValidationError as exc:
        raise ValueError("invalid profile\n" + "\n".join(
            config_errors.error_lines(exc, Profile, where=where, style="yaml"))) from None
    try:
        BodySettings.model_validate(profile.body or {})
    except ValidationError as exc:
        raise ValueError("invalid `body:` section\n" + "\n".join(
            config_errors.error_lines(exc, BodySettings, "body.", style="yaml"))) from None
    body_settings(profile)  # the body rules' section: a bad one is a config error, now
    return profile


def _shown(path) -> str:
    """A path as messages print it: control characters (a newline too) escaped, so that the
    only line breaks of a configuration error are its own."""
    return visible(os.fspath(path))


def _inside(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def _confine(settings: Settings) -> None:
    """A discovered configuration names only paths inside its folder (after symlinks)."""
    base = os.path.realpath(settings.root)
    named = [("profile", settings.file.profile)] if is_profile_file(settings.file.profile) else []
    named += [("cache-dir", settings.file.cache_dir)] if settings.file.cache_dir else []
    named += [("baseline", settings.file.baseline)] if settings.file.baseline else []
    named += [("duplicates-index", d) for d in settings.file.duplicates_index or ()]
    for key, value in named:
        if not _inside(os.path.realpath(os.path.join(base, value)), base):
            raise ConfigError(
                f"{_shown(settings.source)}: {key} {value!r} is outside the project "
                f"({_shown(base)}); a discovered configuration may only name paths inside its folder (a file outside "
                "it can be used with --config)")


def _read_toml(path: Path) -> dict:
    """The TOML of a configuration file (a regular file of at most CONFIG_MAX_BYTES)."""
    try:
        return tomllib.loads(read_small_file(path, CONFIG_MAX_BYTES).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {_shown(path)}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_shown(path)}: {_toml_error(exc, path)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{_shown(path)}: invalid TOML: not UTF-8 text") from None
    except ValueError as exc:
        raise ConfigError(f"cannot read {_shown(str(exc))}") from None


_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def _toml_error(exc: Exception, path: Path) -> str:
    """tomllib's message with its position first: ``invalid TOML at line L, column C: ...``
    (the end of the document is given as its line and column too)."""
    text = str(exc)
    m = _TOML_AT.search(text)
    if m is None:
        return f"invalid TOML: {text}; fix the syntax (https://toml.io)"
    if m.group(1):
        line, column = m.group(1), m.group(2)
    else:
        data = read_small_file(path, CONFIG_MAX_BYTES).decode("utf-8", "replace")
        line, column = data.count("\n") + 1, len(data) - data.rfind("\n")
    return (f"invalid TOML at line {line}, column {column}: {text[:m.start()]}; fix the syntax "
            "(https://toml.io) and run news-lint again")


def read_config(path: Path, discovered: bool = False) -> Settings:
    """Read one configuration file. Raises ConfigError with a message that says what to change.
    A ``discovered`` one (not named by the user) must lie, and name paths, inside its folder."""
    if discovered and not _inside(os.path.realpath(path), os.path.realpath(path.parent)):
        raise ConfigError(f"{_shown(path)} is a symbolic link to a file outside its folder; not "
                          "read (name that file with --config to use it)")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("news-lint", {})
    try:
        fc = FileConfig.model_validate(data)
    except ValidationError as exc:
        section = "[tool.news-lint]" if path.name == "pyproject.toml" else ""
        where = f"{_shown(path)} {section}".rstrip()
        lines = config_errors.table_hint(path.name, data, config_errors.error_lines(exc, FileConfig))
        raise ConfigError(f"{where}: invalid configuration\n" + "\n".join(lines)) from None
    settings = Settings(fc, path.parent.resolve(), path)
    if discovered:
        _confine(settings)
    settings.profile  # noqa: B018  (validate the profile and overrides now: exit 2, not per file)
    return settings


def _has_config(path: Path, strict: bool = True) -> bool:
    """Whether the file configures news-lint. A pyproject.toml that is not valid TOML is an
    error when ``strict`` (the project's own file may hold the table: as ruff, say so rather
    than lint with the defaults); else (a folder whose configuration is ignored anyway) no."""
    if path.name == "pyproject.toml":
        try:
            return "news-lint" in _read_toml(path).get("tool", {})
        except ConfigError:
            if strict:
                raise
            return False
    return True


def _config_in(folder: Path, strict: bool = True) -> Optional[Path]:
    """The configuration file in ``folder``, if there is one."""
    for name in CONFIG_FILES:
        candidate = folder / name
        if candidate.is_file() and _has_config(candidate, strict):
            return candidate
    return None


def _is_submodule(dot_git: Path) -> bool:
    """Whether ``dot_git`` is a submodule's ``.git`` file: its ``gitdir:`` lies in the
    ``modules/`` folder of a git directory (a worktree's lies in its ``worktrees/``)."""
    try:
        text = read_small_file(dot_git, 4096).decode("utf-8", "replace")
    except (OSError, ValueError):  # a folder (a clone), or nothing git wrote
        return False
    if not text.startswith("gitdir:"):
        return False
    gitdir = Path(os.path.normpath(dot_git.parent / text[7:].splitlines()[0].strip()))
    return any(a.name == "modules" and (a.parent / "HEAD").is_file() for a in gitdir.parents)


def _not_yours(config: Path) -> Optional[str]:
    """Why another user may have written ``config`` (as git's safe.directory: it or its folder
    is owned by another user than you or root, or writable by others); None if nobody could."""
    if not hasattr(os, "geteuid"):
        return None
    try:
        own, folder = os.stat(config), os.stat(config.parent)
    except OSError:
        return None  # reading it reports the error
    for what, st in (("it", own), ("its folder", folder)):
        if st.st_uid not in (os.geteuid(), 0):
            return f"{what} is owned by another user (uid {st.st_uid})"
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH | stat.S_ISVTX):
            return f"{what} can be written by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _home() -> Optional[Path]:
    try:
        return Path(os.path.abspath(Path.home()))
    except (RuntimeError, KeyError):
        return None


class ConfigResolver:
    """Finds the configuration that applies to each file, walking up from its folder; cached."""

    def __init__(self, explicit: Optional[Path] = None, cli: dict[str, Any] | None = None):
        self.cli = cli or {}
        self.explicit = self._apply(read_config(explicit)) if explicit else None
        self._by_dir: dict[Path, Settings] = {}
        self._by_head: dict[str, Settings] = {}
        self._repo_of: dict[Path, Optional[Path]] = {}
        self._ignored: set[Path] = set()
        self._home = _home()
        self._default = self._apply(Settings())

    def _apply(self, s: Settings) -> Settings:
        return s.with_cli(self.cli.get("select"), self.cli.get("ignore", ()),
                          self.cli.get("extend_select", ()), self.cli.get("follow_symlinks"),
                          self.cli.get("files"))

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
        """In a repository, the configuration at its root (others are ignored, with a warning);
        outside one, the nearest upward, up to the home folder or the filesystem root."""
        repo = self._repository(folder)
        chain: list[Path] = []
        while True:
            hit = self._by_dir.get(folder)
            if hit is not None:
                break
            chain.append(folder)
            if repo is not None and folder != repo:
                self._warn_ignored(_config_in(folder, strict=False), repo)
                folder = folder.parent
                continue
            own = _config_in(folder)
            if own is not None and repo is None and self._distrusted(own):
                own = None
            if own is not None:
                hit = self._apply(read_config(own, discovered=True))
                break
            if repo is not None or folder.parent == folder or folder == self._home:
                hit = self._default
                break
            folder = folder.parent
        for f in chain:
            self._by_dir[f] = hit
        return hit

    def _repository(self, folder: Path) -> Optional[Path]:
        """The root of the repository holding ``folder``: the nearest folder upward that holds
        ``.git`` (a folder, or the file of a worktree), past submodules (their superproject's);
        None outside any."""
        chain: list[Path] = []
        submodule: Optional[Path] = None  # the root if no superproject is found above it
        while folder not in self._repo_of:
            chain.append(folder)
            if os.path.lexists(folder / ".git"):
                if not _is_submodule(folder / ".git"):
                    found = folder
                    break
                submodule = folder
            if folder.parent == folder:
                found = None
                break
            folder = folder.parent
        else:
            found = self._repo_of[folder]
        for f in chain:
            self._repo_of[f] = found
        if found is None and submodule is not None:  # no superproject above: the submodule's root
            for f in chain[:chain.index(submodule) + 1]:
                self._repo_of[f] = submodule
        return self._repo_of[chain[0]] if chain else found

    def _warn_ignored(self, config: Optional[Path], repo: Path) -> None:
        if config is None or config in self._ignored:
            return
        self._ignored.add(config)
        print(f"news-lint: ignoring {_shown(config)}: in a repository only the configuration at "
              f"its root ({_shown(repo)}) applies (docs/trust.md); move these settings there "
              "(per-file-ignores for a folder) or name the file with --config", file=sys.stderr)

    def _distrusted(self, config: Path) -> bool:
        """Whether ``config`` (outside a repository) may come from another user: then it is
        ignored, with one warning."""
        reason = _not_yours(config)
        if reason is not None and config not in self._ignored:
            self._ignored.add(config)
            print(f"news-lint: ignoring {_shown(config)}: {reason}, so another user may have "
                  "written it (docs/trust.md); make it and its folder yours and not writable by "
                  "others, or name it with --config", file=sys.stderr)
        return reason is not None
