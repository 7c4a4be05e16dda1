"""Reporters turn diagnostics into output; looked up by name (``--output-format``)."""

from __future__ import annotations

from typing import TextIO

from ..diagnostics import Diagnostic


class Reporter:
    """Base class: ``report`` receives every diagnostic of the run, sorted by path and position."""

    name = ""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:  # pragma: no cover
        raise NotImplementedError


FORMATS = ("full", "concise", "json", "json-lines", "github", "gitlab", "sarif", "junit")


def get_reporter(name: str) -> type[Reporter]:
    from .ci import GithubReporter, GitlabReporter, JsonLinesReporter, JunitReporter, SarifReporter
    from .full import FullReporter
    from .json import JsonReporter
    from .text import ConciseReporter

    reporters = {r.name: r for r in (FullReporter, ConciseReporter, JsonReporter, JsonLinesReporter,
                                      GithubReporter, GitlabReporter, SarifReporter, JunitReporter)}
    return reporters[name]
