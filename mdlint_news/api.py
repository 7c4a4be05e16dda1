"""The Python API: validate an article before writing it, fix text in memory, lint paths.

    >>> import mdlint_news
    >>> problems = mdlint_news.lint_text(text, path="2025-12-01-my-slug.md")
    >>> result = mdlint_news.fix_text(text)
    >>> result.text, [d.name for d in result.remaining]
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Union

import yaml

from . import parallel, project, runner
from .config import ConfigResolver, Settings, read_config
from .decoding import detect_newline
from .diagnostics import Diagnostic
from .discovery import discover
from .fixes import FixResult
from .fixes import fix_loop

if TYPE_CHECKING:  # pragma: no cover
    import frontmatter

Article = Union[str, "frontmatter.Post"]
Config = Union[Settings, str, Path, None]


def _settings(config: Config) -> Settings:
    if isinstance(config, Settings):
        return config
    if config is None:
        return Settings()
    return read_config(Path(config))


def article_text(article: Article) -> str:
    """The text of an article given as a string or a ``frontmatter.Post``. A Post is written the
    way the generator writes articles (PyYAML, keys sorted, unicode kept)."""
    if isinstance(article, str):
        return article
    metadata = yaml.dump(dict(article.metadata), Dumper=yaml.SafeDumper, default_flow_style=False,
                         allow_unicode=True, sort_keys=True)
    return f"---\n{metadata}---\n\n{article.content.rstrip()}\n"


def lint_text(article: Article, path: str | None = None, config: Config = None,
              now: datetime | None = None) -> list[Diagnostic]:
    """Lint one article (text or ``frontmatter.Post``); ``path`` enables the file-name rule.
    ``config`` is a :class:`Settings`, a path to a config file, or None for the defaults."""
    text = article_text(article)
    settings = _settings(config)  # a bad configuration raises ConfigError: the caller's to fix
    try:
        return runner.lint_text(text, path or "", settings, now)
    except Exception as exc:  # never a traceback for one bad article
        return [_internal_error(exc, path or "")]


def fix_text(article: Article, path: str | None = None, config: Config = None,
             unsafe: bool = False, now: datetime | None = None) -> FixResult:
    """Apply fixes in memory, to a fixed point. ``result.text`` is the fixed text (the original
    when a safety check refused the fixes: ``result.error`` says why)."""
    text = article_text(article)
    settings = _settings(config)

    def lint(t: str) -> list[Diagnostic]:
        return runner.lint_text(t, path or "", settings, now)

    try:
        return fix_loop(text, lint, unsafe, detect_newline(text))
    except Exception as exc:  # never a traceback for one bad article
        d = _internal_error(exc, path or "")
        return FixResult(text, text, [], [d], d.message)


def _internal_error(exc: Exception, path: str) -> Diagnostic:
    d = runner.located_error(f"{type(exc).__name__}: {exc}; please report this with the "
                              "article", path)
    return d


def lint_paths(paths: Iterable[str | Path], config: Config = None) -> list[Diagnostic]:
    """Lint files and folders as the command line does (configuration discovered per file
    unless ``config`` is given), the cross-file rules included: the files are compared with
    each other and with their folders' other articles. Never raises for a bad file: it becomes
    a diagnostic. Sorted by path, line, column and code, as the command line's report."""
    explicit = None if config is None or isinstance(config, Settings) else Path(config)
    resolver = ConfigResolver(explicit)
    real: set[str] = set()  # the files' real paths, for the cross-file index (as the CLI)
    items: list[parallel.Item] = []
    results: list[runner.FileResult] = []
    for p in discover([str(p) for p in paths], resolver, seen=real):
        settings = config if isinstance(config, Settings) else resolver.for_path(Path(p))
        result = runner.process_file(Path(p), settings, p)
        if not result.skipped:  # not an article (articles.py): as the command line, not compared
            items.append(parallel.Item(p, p, settings))
            results.append(result)
    project.cross_file(results, items, linted_real=real)  # the index uncached: the API writes no cache
    return sorted((d for r in results for d in r.diagnostics),
                  key=Diagnostic.sort_key)
