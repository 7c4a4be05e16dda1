"""Formats that CI systems parse: GitHub workflow commands, GitLab Code Quality, SARIF 2.1.0,
JUnit XML, and JSON Lines."""

from __future__ import annotations

import hashlib
import os

from .. import __version__
from ..diagnostics import Diagnostic, Severity
from ..rules import BY_CODE
from ..runner import fails
from . import Reporter, json_text, visible
from .json import diagnostic_dict
from .text import notes as note_lines


def relative(path: str) -> str:
    """CI systems want paths relative to the checkout (the working directory)."""
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _gh_escape_data(s: str) -> str:
    """A message: control characters visible, but a newline stays one (%0A: a line break in the
    annotation, on one line of the log)."""
    return visible(s, keep="\n").replace("%", "%25").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return visible(s).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: annotations on the pull request's diff. GitHub shows
    10 annotations of each kind per step; the others are only lines of the log, where the
    properties are not shown: the message starts with ``path:line:col: CODE`` too. One
    annotation per problem: its related locations are lines of its message (``= note:``)."""

    name = "github"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        level = {"error": "error", "warning": "warning", "info": "notice"}
        for d in diagnostics:
            path = relative(d.path)
            props = [f"file={_gh_escape_prop(path)}", f"line={d.line}", f"col={d.column}",
                     f"endLine={d.end_line}", f"endColumn={d.end_column}",
                     f"title={_gh_escape_prop(f'{d.code} {d.name}')}"]
            message = "\n  ".join([f"{path}:{d.line}:{d.column}: {d.code} {d.message}",
                                    *note_lines(d)])
            self.stream.write(f"::{level[d.severity.value]} {','.join(props)}::"
                              f"{_gh_escape_data(message)}\n")


def fingerprint(d: Diagnostic) -> str:
    """Stable across unrelated edits: path, rule, the offending source line (not its number) and
    the column within it (two identical problems can share a line)."""
    basis = f"{d.path}\0{d.code}\0{d.data.get('source', '')}\0{d.column}\0{d.message}"
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class GitlabReporter(Reporter):
    """GitLab Code Quality report (a JSON array of issues) for the merge-request widget, which
    shows one location per issue: the related ones are named in the description."""

    name = "gitlab"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        severity = {"error": "major", "warning": "minor", "info": "info"}
        items = [{
            "description": f"{d.code} {d.message}{_see_also(d)}",
            "check_name": d.name,
            "fingerprint": fingerprint(d),
            "severity": severity[d.severity.value],
            "location": {"path": relative(d.path), "positions": {
                "begin": {"line": d.line, "column": d.column},
                "end": {"line": d.end_line, "column": d.end_column}}},
        } for d in diagnostics]
        self.stream.write(json_text(items, indent=2) + "\n")


def _see_also(d: Diagnostic) -> str:
    if not d.related:
        return ""
    return f" [related: {'; '.join(f'{r.line}:{r.column} {r.message}' for r in d.related)}]"


class SarifReporter(Reporter):
    """SARIF 2.1.0: rule metadata and fixes, for code scanning."""

    name = "sarif"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        used = sorted({d.code for d in diagnostics})
        rules = []
        for code in used:
            r = BY_CODE[code]
            rules.append({
                "id": r.code, "name": r.name,
                "shortDescription": {"text": r.headline},
                "fullDescription": {"text": r.doc},
                "help": {"text": r.doc, "markdown": r.doc},
                "defaultConfiguration": {"level": _level(r.severity.value)},
                "properties": {"fix": r.fix.value if r.fix else "none"},
            })
        index = {code: i for i, code in enumerate(used)}
        results = []
        for d in diagnostics:
            uri = _uri(d.path)
            result = {
                "ruleId": d.code, "ruleIndex": index[d.code], "level": _level(d.severity.value),
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": _region(d.line, d.column, d.end_line, d.end_column,
                                      d.data.get("source"))}}],
                "partialFingerprints": {"newsLint/v1": fingerprint(d)},
            }
            if d.related:
                result["relatedLocations"] = [{
                    "id": i, "message": {"text": r.message},
                    "physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(
                        r.line, r.column, r.end_line, r.end_column, r.source)}}
                    for i, r in enumerate(d.related)]
            if d.fix is not None:
                replacements = []
                for e, (s, t) in zip(d.fix.edits, d.data.get("edits", ())):
                    replacements.append({
                        "deletedRegion": {"startLine": s.line, "startColumn": s.column,
                                          "endLine": t.line, "endColumn": t.column},
                        "insertedContent": {"text": e.content}})
                result["fixes"] = [{
                    "description": {"text": f"{d.fix.message} ({d.fix.applicability.value})"},
                    "artifactChanges": [{"artifactLocation": {"uri": _uri(d.path)},
                                         "replacements": replacements}]}]
            results.append(result)
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "news-lint", "version": __version__,
                                    "informationUri": "https://pypi.org/project/mdlint-news/",
                                    "rules": rules}},
                "results": results,
            }],
        }
        self.stream.write(json_text(log, indent=2) + "\n")


def _region(line: int, column: int, end_line: int, end_column: int, source: str | None) -> dict:
    """A SARIF region: an empty span is widened to one column (SARIF wants end > start)."""
    region = {"startLine": line, "startColumn": column, "endLine": end_line,
              "endColumn": max(end_column, column + (1 if end_line == line else 0))}
    if source is not None:
        region["snippet"] = {"text": source}
    return region


def _level(severity: str) -> str:
    return {"error": "error", "warning": "warning", "info": "note"}[severity]


def _uri(path: str) -> str:
    """The path's very bytes, percent-encoded (a name that is not UTF-8 included)."""
    from urllib.parse import quote

    return quote(os.fsencode(relative(path)))


class JunitReporter(Reporter):
    """JUnit XML: one test case per file, a failure per problem that fails the run (at or
    above ``fail-on``, as the exit code); the others (info notes by default) are the test
    case's ``system-out``, which leaves it passing."""

    name = "junit"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        files = summary.get("files") or sorted({d.path for d in diagnostics})
        threshold = summary.get("fail_on") or Severity.WARNING.value  # a value, or one per path
        fail_on_of = ((lambda f: Severity(threshold(f))) if callable(threshold)
                      else (lambda f, level=Severity(threshold): level))
        by_path: dict[str, list[Diagnostic]] = {}
        for d in diagnostics:
            by_path.setdefault(d.path, []).append(d)
        failures = sum(1 for f in files if fails(by_path.get(f, ()), fail_on_of(f)))
        from xml.etree import ElementTree as ET  # only for this format

        suites = ET.Element("testsuites", name="news-lint", tests=str(len(files)),
                            failures=str(failures))
        suite = ET.SubElement(suites, "testsuite", name="news-lint", tests=str(len(files)),
                              failures=str(failures), errors="0", skipped="0")
        for f in files:
            fail_on = fail_on_of(f)
            name = visible(f)  # XML 1.0 cannot hold most control characters, even escaped
            case = ET.SubElement(suite, "testcase", classname="news-lint", name=name, file=name)
            notes = []
            for d in by_path.get(f, ()):
                message = visible(d.message)
                text = "\n  ".join([f"{name}:{d.line}:{d.column}: {d.code} {d.severity.value}: "
                                    f"{message} ({d.name})", *note_lines(d)])
                if not fails((d,), fail_on):
                    notes.append(text)
                    continue
                failure = ET.SubElement(case, "failure", type=d.name,
                                        message=f"{d.line}:{d.column}: {d.code} {message}")
                failure.text = text
            if notes:
                ET.SubElement(case, "system-out").text = "\n".join(notes)
        ET.indent(suites)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(suites, encoding="unicode"))
        self.stream.write("\n")


class JsonLinesReporter(Reporter):
    """One JSON object per line (same fields as ``json``), for streaming consumers."""

    name = "json-lines"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        for d in diagnostics:
            self.stream.write(json_text(diagnostic_dict(d)) + "\n")
