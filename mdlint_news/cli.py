"""Command line: argument parsing, exit codes, and the only place that prints."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Sequence

from . import __version__
from .config import ConfigError, ConfigResolver
from .diagnostics import Applicability, Diagnostic, Severity
from .discovery import discover
from .reporters import FORMATS, get_reporter, visible
from .reporters.text import fixes_listing
from .rules import RULES, lookup, matching, reporting
from .rules.base import RunEvent
from . import baseline, lexicon, parallel, project, terminal
from .runner import FileResult, fails

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2

EPILOG = """\
examples:
  news-lint content/                     lint every *.md under content/
  news-lint --diff content/              show what --fix would change, write nothing
  news-lint --fix content/               apply safe fixes in place
  news-lint --select NL3,slug-mismatch content/
  news-lint --output-format json content/ > report.json
  news-lint rules                        list every rule
  news-lint rule date-mismatch           show a rule's documentation
  news-lint schema tech_news_article     print the front-matter JSON Schema

exit codes: 0 no problems, 1 problems found (or --diff has changes), 2 usage,
configuration or internal error (NEWS_LINT_DEBUG=1 shows its traceback).
"""


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _selectors(value: str) -> list[str]:
    items = _csv(value)
    for item in items:
        if not matching(item):
            raise argparse.ArgumentTypeError(f"{item!r} matches no rule code, prefix or name "
                                             "(see `news-lint rules`)")
    return items


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        super().error(visible(message))


def paths_not_options(argv: list[str]) -> list[str]:
    """``argv`` with every argument that names an existing file or folder made a path that
    cannot be read as an option (``--output-file=README.md`` -> ``./--output-file=README.md``).
    pre-commit appends the names of committed files after the options: whatever a file is
    named, it is linted, never obeyed. Arguments after ``--`` are paths already; a ``--``
    that names a file ends the options and is linted too."""
    out = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + ["--", *([os.path.join(os.curdir, arg)] if _exists(arg) else []),
                          *argv[i + 1:]]
        if arg.startswith("-") and arg != "-" and _exists(arg):
            arg = os.path.join(os.curdir, arg)
        out.append(arg)
    return out


def _exists(path: str) -> bool:
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help beside options up to 28 columns long (``--stdin-filename NAME``), so --help stays
    one screen."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=28)


def check_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="news-lint", formatter_class=_HelpFormatter, epilog=EPILOG,
        description="Lint Markdown news articles with YAML front matter; fix what can be fixed.",
        usage="news-lint [options] [--] [PATH ...]\n       news-lint {rules,rule NAME,schema LAYOUT}")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders (default: .); - is standard input")
    g = p.add_argument_group("fixing")
    g.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    g.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    g.add_argument("--diff", action="store_true", help="print the diff --fix would make; write nothing")
    g.add_argument("--fix-only", action="store_true",
                   help="--fix; count, do not list, what remains (a hook)")
    g.add_argument("--follow-symlinks", action="store_true", default=None,
                   help="follow symlinks within the folders given")
    g = p.add_argument_group("rules")
    _file_selection(g)
    g.add_argument("--select", type=_selectors, metavar="RULES",
                   help="only these rules (codes, prefixes like NL3, names)")
    g.add_argument("--extend-select", type=_selectors, default=[], metavar="RULES")
    g.add_argument("--ignore", type=_selectors, default=[], metavar="RULES")
    g.add_argument("--jobs", "-j", type=int, metavar="N", default=None,
                   help="parallel processes (default: all cores)")
    g.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    g.add_argument("--cache-dir", metavar="DIR", help="result cache folder (default .news-lint-cache)")
    g.add_argument("--config", type=Path, metavar="FILE",
                   help="use this configuration file, none other")
    g = p.add_argument_group("output")
    g.add_argument("--output-format", choices=FORMATS, default=None, metavar="FORMAT",
                   help=f"{', '.join(FORMATS)} (default: full on a terminal, github under "
                        "GitHub Actions, else concise)")
    g.add_argument("--output-file", type=Path, metavar="FILE")
    g.add_argument("--stdin-filename", metavar="NAME",
                   help="lint stdin as NAME; --fix prints the fixed text")
    g.add_argument("--color", choices=terminal.COLOR_CHOICES, default="auto", metavar="WHEN",
                   help="auto, always or never (see NO_COLOR, FORCE_COLOR)")
    g.add_argument("--statistics", action="store_true", help="count problems per rule instead")
    g.add_argument("--show-fixes", action="store_true", help="list the fixes --fix applied")
    g.add_argument("-q", "--quiet", action="store_true", help="no summary, no progress bar")
    g.add_argument("--no-progress", action="store_true", help="no progress bar on a terminal")
    g.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems remain")
    g.add_argument("--exit-non-zero-on-fix", action="store_true",
                   help="exit 1 when --fix changed a file")
    g.add_argument("--fail-on", choices=[s.value for s in Severity], default=None, metavar="LEVEL",
                   help="lowest severity that exits 1 (default: warning)")
    g.add_argument("--baseline", type=Path, metavar="FILE", help="report only problems not in FILE")
    g.add_argument("--update-baseline", action="store_true", help="write today's problems to FILE")
    g.add_argument("--add-noqa", action="store_true", help="add a suppression for each problem")
    p.add_argument("--version", action="version", version=f"news-lint {__version__}")
    return p


def _file_selection(g) -> None:
    """--exclude GLOBS (replaces `exclude`), --extend-exclude GLOBS (adds to it),
    --[no-]respect-gitignore, --[no-]force-exclude (excludes and .gitignore apply to the files
    named too); the last three are listed in --exclude's help only (--help fits a screen)."""
    g.add_argument("--exclude", type=_csv, metavar="GLOBS",
                   help="leave these out (also: --extend-exclude, --force-exclude, "
                        "--no-respect-gitignore)")
    g.add_argument("--extend-exclude", type=_csv, metavar="GLOBS", help=argparse.SUPPRESS)
    g.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                   help=argparse.SUPPRESS)
    g.add_argument("--force-exclude", action=argparse.BooleanOptionalAction, default=None,
                   help=argparse.SUPPRESS)


class Where:
    """What the run is doing, for the one-line message of an unexpected error."""

    def __init__(self) -> None:
        self.doing = "starting"
        self.files: list[str] = []
        self.done = -1  # while linting: how many files have their result

    def __str__(self) -> str:
        if 0 <= self.done < len(self.files):
            rest = len(self.files) - self.done - 1
            after = f" (or one of the {_plural(rest, 'file')} after it)" if rest else ""
            return f"linting {visible(self.files[self.done])}{after}"
        return visible(self.doing)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    where = Where()
    try:
        if argv and argv[0] in ("rules", "rule", "schema") and not _exists(argv[0]):
            return _subcommand(argv)
        parser = check_parser()
        args = parser.parse_args(paths_not_options(argv))
        if terminal.stdin_usage(args):
            parser.error(terminal.stdin_usage(args))
        if args.add_noqa and terminal.reads_stdin(args):  # there is no file to write them to
            parser.error("--add-noqa is not supported with standard input: give the files' paths")
        return _check(args, where)
    except ConfigError as exc:
        message = visible(str(exc), keep="\n")  # its own lines (config.py escapes paths and keys)
        print(f"news-lint: configuration error: {message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("news-lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # never a traceback, never 1 (which means "problems found")
        return _internal_error(exc, where)


def _internal_error(exc: Exception, where: Where) -> int:
    if os.environ.get("NEWS_LINT_DEBUG", "") not in ("", "0"):
        traceback.print_exc()
    detail = visible(f"{type(exc).__name__}: {exc}")
    detail = detail if len(detail) <= 300 else detail[:300] + "..."
    print(f"news-lint: internal error while {where}: {detail}; please report it "
          "(NEWS_LINT_DEBUG=1 prints the traceback)", file=sys.stderr)
    return EXIT_ERROR


def _subcommand(argv: list[str]) -> int:
    cmd, rest = argv[0], argv[1:]
    if cmd == "rules":
        width = max(len(r.name) for r in RULES)
        for r in RULES:
            fix = {Applicability.SAFE: "[*]", Applicability.UNSAFE: "[-]"}.get(r.fix, "   ")
            print(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {fix}  {r.headline}")
        print("\n[*] safe fix (applied by --fix)   [-] unsafe fix (needs --unsafe-fixes)")
        return EXIT_OK
    if cmd == "rule":
        if len(rest) != 1:
            print("usage: news-lint rule NAME-OR-CODE", file=sys.stderr)
            return EXIT_ERROR
        r = lookup(rest[0])
        if r is None:
            print(f"news-lint: no rule {rest[0]!r} (see `news-lint rules`)", file=sys.stderr)
            return EXIT_ERROR
        fix = f", {r.fix.value} fix" if r.fix else ""
        print(f"{r.code} {r.name} ({r.severity.value}{fix})\n\n{r.doc}")
        return EXIT_OK
    from .schema import MODELS, json_schema

    if len(rest) != 1 or rest[0] not in MODELS:
        print(f"usage: news-lint schema {{{','.join(MODELS)}}}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(json_schema(rest[0]), indent=2, ensure_ascii=False))
    return EXIT_OK


def default_format(stream) -> str:
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "full" if hasattr(stream, "isatty") and stream.isatty() else "concise"


PROGRESS_MIN_FILES = 200


def _progress(total: int, args: argparse.Namespace):
    """A progress bar on stderr for long runs on a terminal; a no-op callable otherwise."""
    if args.quiet or args.no_progress or total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        MofNCompleteColumn(), TimeRemainingColumn(),
                        console=_stderr_console(args.color), transient=True)
    return progress


def _stderr_console(color: str = "auto"):
    from rich.console import Console

    if color == "auto":  # rich reads NO_COLOR and FORCE_COLOR itself
        return Console(stderr=True)
    return Console(stderr=True, force_terminal=True,
                   color_system="auto" if color == "always" else None)


def _note(message: str) -> None:
    """A line on stderr about what takes a while (never on stdout, where reports go)."""
    print(f"news-lint: {visible(message)}", file=sys.stderr, flush=True)


def _check(args: argparse.Namespace, where: Where) -> int:
    """parse (done) -> find the files -> run -> report -> exit code."""
    resolver = _resolver(args)
    if terminal.reads_stdin(args):
        return _check_stdin(args, resolver, where)
    files, missing, real = _find(args, resolver, where)
    if missing and not files:
        return EXIT_ERROR
    results, items = _run(args, resolver, files, real, where)
    return _finish(args, resolver, results, items, missing, where)


def _resolver(args: argparse.Namespace) -> ConfigResolver:
    """The configuration of each file: its folder's, with the command line's options on top."""
    lexicon.set_notice(_note)
    if args.output_format is None:
        args.output_format = default_format(sys.stdout if args.output_file is None else None)
    args.fix = args.fix or args.fix_only
    cli = {"select": args.select, "ignore": args.ignore, "extend_select": args.extend_select,
           "follow_symlinks": args.follow_symlinks,
           "files": {"exclude": args.exclude, "extend_exclude": args.extend_exclude,
                     "respect_gitignore": args.respect_gitignore,
                     "force_exclude": args.force_exclude}}
    return ConfigResolver(args.config, cli)


def _find(args: argparse.Namespace, resolver: ConfigResolver, where: Where
          ) -> tuple[list[str], list[str], set[str]]:
    """The files to check, the paths given that cannot be reached (said on stderr), and the
    files' real paths (for the cross-file index)."""
    where.doing = f"looking for files in {', '.join(args.paths or ['.'])}"
    missing: list[str] = []  # paths that do not exist or cannot be reached
    # as strings: a Path object costs several times the memory, and 100,000 of them show
    real: set[str] = set()
    files = list(discover(args.paths or ["."], resolver,
                          lambda p, why: missing.append(f"{p}: {why}"), real,
                          lambda why: print(f"news-lint: warning: {visible(why)}", file=sys.stderr)))
    for m in missing:
        print(f"news-lint: {visible(m)}", file=sys.stderr)
    if not files and not missing:  # as ruff: a warning, exit 0 (nothing checked is no problem
        # found); an empty report all the same ([] for JSON, a SARIF file to upload), no summary
        print(f"news-lint: warning: no Markdown articles found under "
              f"{visible(', '.join(args.paths or ['.']))}; nothing was checked", file=sys.stderr)
        args.quiet = True
    return files, missing, real


def _run(args: argparse.Namespace, resolver: ConfigResolver, files: list[str], real: set[str],
         where: Where) -> tuple[list[FileResult], list[parallel.Item]]:
    """Lint (fix) every file, then the cross-file phase; the results and the items that are
    articles (a file that is not one is skipped: ``args.skipped``)."""
    items = [parallel.Item(path, path, resolver.for_file(path)) for path in files]
    # --diff writes nothing, also when given with --fix (ruff's meaning)
    opts = parallel.RunOptions(fix=args.fix and not args.diff, diff=args.diff,
                               unsafe=args.unsafe_fixes, use_cache=not args.no_cache,
                               cache_dir=args.cache_dir)
    where.files = files
    results, clean = _lint(items, opts, args, where)
    args.skipped = [r.path for r in results if r.skipped]  # not articles (articles.py)
    if args.skipped:
        results = [r for r in results if not r.skipped]
        skipped = set(args.skipped)
        items = [item for item in items if item.display not in skipped]
    where.doing = "comparing the articles with each other (duplicates)"
    project.cross_file(results, items, parallel.index_cache(items, opts), clean, real)
    where.doing = "saving the cache"
    parallel.prune_caches()
    return results, items


def _finish(args: argparse.Namespace, resolver: ConfigResolver, results: list[FileResult],
            items: list[parallel.Item], missing: list[str], where: Where) -> int:
    """The baseline, --update-baseline, --add-noqa, or the report; the exit code."""
    where.doing = f"writing the report to {args.output_file or 'standard output'}"
    diagnostics = sorted((d for r in results for d in r.diagnostics),
                         key=Diagnostic.sort_key)
    if args.update_baseline:
        print(baseline.record(args.baseline, items, diagnostics), file=sys.stderr)
        return EXIT_ERROR if missing else EXIT_OK
    diagnostics, args.baseline_note = baseline.apply(args.baseline, items, diagnostics)
    if args.add_noqa:
        return _add_noqa(items, diagnostics, missing)
    args.threshold = _threshold(args, resolver)
    if not _report(args, results, diagnostics, [item.display for item in items]):
        return EXIT_ERROR
    return _exit_code(args, results, diagnostics, missing, resolver)


def _threshold(args: argparse.Namespace, resolver: ConfigResolver):
    """The file's ``fail-on``: the command line's, else its configuration's."""
    return lambda path: args.fail_on or resolver.for_file(path).fail_on


def _check_stdin(args: argparse.Namespace, resolver: ConfigResolver, where: Where) -> int:
    """``-`` / ``--stdin-filename``: one text, no cache, no cross-file rules; with --fix the
    text (fixed or not) on standard output and the report on stderr, as ruff and black do.
    NAME's configuration, baseline, --force-exclude and skipping apply, as to a file."""
    name = args.stdin_filename or terminal.STDIN
    settings = resolver.for_file(args.stdin_filename or "-")
    opts = parallel.RunOptions(fix=args.fix and not args.diff, diff=args.diff,
                               unsafe=args.unsafe_fixes, use_cache=False)
    if terminal.stdin_excluded(args, settings):  # as ruff: nothing linted, nothing said
        if opts.fix:
            terminal.pass_rest_through()
        return EXIT_OK
    where.doing = "linting standard input"
    result, fixed = terminal.lint_stdin(args, settings, opts)
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    if opts.fix:
        sys.stdout.buffer.write(fixed)
        terminal.pass_rest_through()
        sys.stdout.flush()
    args.skipped = [name] if result.skipped else []
    files = [] if result.skipped else [name]
    diagnostics, args.baseline_note = baseline.apply(args.baseline, [(result.path, name, settings)],
                                                     diagnostics)
    args.threshold = _threshold(args, resolver)
    with contextlib.redirect_stdout(sys.stderr) if opts.fix else contextlib.nullcontext():
        if not _report(args, [result], diagnostics, files):
            return EXIT_ERROR
    return _exit_code(args, [result], diagnostics, [], resolver)


def _add_noqa(items: list, diagnostics: list, missing: list[str]) -> int:
    from . import noqa

    done = noqa.add(items, diagnostics)
    for error in done.errors:
        print(f"news-lint: {error}", file=sys.stderr)
    left = (f"; {_plural(done.left, 'problem')} could not take one ({done.across} found across "
            f"files, which comments do not suppress: use --baseline; {done.left - done.across} "
            "where a comment would change the article or its checks)") if done.left else ""
    print(f"Added suppressions for {_plural(done.added, 'problem')} in "
          f"{_plural(done.files, 'file')}{left}.", file=sys.stderr)
    return EXIT_ERROR if done.errors or missing else EXIT_OK


def _lint(items: list, opts: parallel.RunOptions, args: argparse.Namespace, where: Where
          ) -> tuple[list[FileResult], dict[str, tuple]]:
    """Every file's result: those with something to report, and the others' cross-file
    summaries (only a compact one is kept)."""
    results: list[FileResult] = []
    clean: dict[str, tuple] = {}
    progress = _progress(len(items), args)
    task = None
    # The objects made so far live to the end: the collector need not scan them again (nor the
    # pool's forked workers touch, and so copy, their pages); results hold no cycles.
    gc.freeze()
    gc.disable()
    where.done = 0
    try:
        stream = parallel.run(items, opts, args.jobs)
        if progress is not None:  # started after the pool forked: its refresh thread is ours
            progress.start()
            task = progress.add_task("Linting", total=len(items))
        for result in stream:
            if isinstance(result, parallel.Clean):  # a file with nothing to report
                clean[result.path] = result.hashes
            else:
                results.append(result)
            where.done += 1
            if progress is not None:
                progress.advance(task)
    finally:
        gc.unfreeze()
        gc.enable()
        if progress is not None:
            progress.stop()
    where.done = -1
    return results, clean


def _report(args: argparse.Namespace, results: list[FileResult], diagnostics: list,
            files: list[str]) -> bool:
    """Write the report (and the diff, the fixes, the summary); False when it could not be
    written (said on stderr)."""
    target = args.output_file or "standard output"
    if not args.output_file and sys.stdout is None:  # started with its standard output closed
        print("news-lint: cannot write the report: standard output is closed", file=sys.stderr)
        return False
    try:
        out = open(args.output_file, "w", encoding="utf-8") if args.output_file else sys.stdout
    except OSError as exc:
        print(f"news-lint: cannot write {visible(str(target))}: {exc.strerror or exc}",
              file=sys.stderr)
        return False
    try:
        try:
            _write(out, args, results, diagnostics, files)
            out.flush()
        finally:
            if out is not sys.stdout:
                out.close()
    except BrokenPipeError:
        raise
    except OSError as exc:
        print(f"news-lint: cannot write the report to {visible(str(target))}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _write(out, args: argparse.Namespace, results: list[FileResult], diagnostics: list,
           files: list[str]) -> None:
    if args.diff:
        tty = hasattr(out, "isatty") and out.isatty()  # a person reads it: nothing steers the terminal
        for r in results:
            if r.diff:
                out.write(visible(r.diff, keep="\n") if tty else r.diff)
    if args.statistics:
        out.write(_statistics(diagnostics))
    elif not args.diff:
        color = terminal.color_enabled(args.color, out)
        listed = [] if args.fix_only else diagnostics  # the check hook lists what remains
        get_reporter(args.output_format)(out, color).report(
            listed, {"files": files, "fail_on": args.threshold})
    text_out = args.output_format in ("concise", "full") and not args.output_file
    listing = _show_fixes(args, results) if args.show_fixes and args.fix else ""
    if listing:
        print(listing, file=out if text_out else sys.stderr)
    if not args.quiet:
        summary = _summary(args, results, diagnostics, len(files))
        print(summary, file=out if text_out and not args.diff else sys.stderr)


def _exit_code(args: argparse.Namespace, results: list[FileResult], diagnostics: list,
               missing: list[str], resolver: ConfigResolver) -> int:
    crash = reporting(RunEvent.CRASH).code
    if any(d.code == crash for d in diagnostics) or any(r.write_error for r in results):
        return EXIT_ERROR
    if missing:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.exit_non_zero_on_fix and any(r.changed for r in results):
        return EXIT_PROBLEMS
    if args.fix_only:
        return EXIT_OK
    if args.diff:
        return EXIT_PROBLEMS if any(r.changed for r in results) else EXIT_OK
    failing = any(fails((d,), Severity(args.threshold(d.path)))
                  for d in diagnostics)
    return EXIT_PROBLEMS if failing else EXIT_OK


def _statistics(diagnostics) -> str:
    """ruff-style counts per rule: count, code, name, fixable marker."""
    counts: dict[str, list] = {}
    for d in diagnostics:
        row = counts.setdefault(d.code, [0, d.name, False])
        row[0] += 1
        row[2] = row[2] or (d.fix is not None and d.fix.applicability is Applicability.SAFE)
    lines = [f"{n:>6}  {code}  {'[*]' if fix else '   '} {name}"
             for code, (n, name, fix) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    return "\n".join(lines) + ("\n" if lines else "")


def _show_fixes(args, results: list[FileResult]) -> str:
    """The fixes applied, each once (empty when none: the summary says so)."""
    return "\n".join(line for r in results if r.changed for line in fixes_listing(r.path, r.fixed))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(args, results: list[FileResult], diagnostics, n_files: int) -> str:
    lines = []
    if args.fix or args.diff:
        n_fixed = sum(len(r.fixed) for r in results)
        n_changed = sum(1 for r in results if r.changed)
        verb = "Would fix" if args.diff else "Fixed"
        lines.append(f"{verb} {_plural(n_fixed, 'problem')} in {_plural(n_changed, 'file')}."
                     if n_fixed or n_changed else
                     "No fixes to apply." if args.diff else "No fixes applied.")
    if args.diff:
        return "\n".join(lines)
    if args.fix_only:
        if diagnostics:
            n = len(diagnostics)
            lines.append(f"{_plural(n, 'problem')} {'remains' if n == 1 else 'remain'} in "
                         f"{_plural(len({d.path for d in diagnostics}), 'file')}: "
                         "`news-lint` lists them.")
        return "\n".join(lines)  # the skipped files: the check's summary says it
    by_sev = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    with_problems = len({d.path for d in diagnostics})
    if diagnostics:
        parts = ", ".join(f"{_plural(n, s.value) if s.value != 'info' else f'{n} info'}"
                          for s, n in by_sev.items() if n)
        lines.append(f"Found {_plural(len(diagnostics), 'problem')} ({parts}) in "
                     f"{with_problems} of {_plural(n_files, 'file')}.")
    elif not n_files and getattr(args, "skipped", None):
        lines.append("No articles checked.")
    else:
        lines.append(f"All checks passed ({_plural(n_files, 'file')}).")
    if getattr(args, "baseline_note", ""):
        lines.append(args.baseline_note)
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.UNSAFE)
    if safe and not args.fix:
        lines.append(f"[*] {safe} fixable with --fix (preview with --diff).")
    if unsafe and not args.unsafe_fixes:
        lines.append(f"[-] {unsafe} more fixable with --fix --unsafe-fixes.")
    return "\n".join(lines + _skipped_line(args))


def _skipped_line(args) -> list[str]:
    if not getattr(args, "skipped", None):
        return []
    return [f"{_plural(len(args.skipped), 'file')} skipped: not articles (no front matter, or a "
            "layout without a profile); `include` in the configuration selects them."]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
