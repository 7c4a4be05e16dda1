"""What a rule is: a code, a kebab-case name, a severity, a docstring that is its documentation,
and a generator ``check(ctx)`` that yields :class:`Problem` s. ``@rule`` registers it."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple

from ..diagnostics import Applicability, Fix, LineIndex, Related, Severity

if TYPE_CHECKING:  # pragma: no cover
    from ..decoding import Decoded
    from ..document import Document, IssueKind
    from ..profile import Profile
    from ..schema import Fact, SchemaError

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SAFE, UNSAFE, DISPLAY_ONLY = Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY


class Problem(NamedTuple):
    start: int
    end: int
    message: str
    fix: Fix | None = None
    severity: Severity | None = None  # None: the rule's own severity
    related: tuple[Related, ...] = ()  # the evidence elsewhere in the file (spans with a note)


class Origin(Enum):
    """Where a rule's findings come from."""

    FILE = "file"  # its check(ctx), run on each file
    PROJECT = "project"  # the cross-file phase, from every file's summary; check() only documents
    RUN = "run"  # the runner itself (a fact it meets: ``reports``); check() only documents


class RunEvent(Enum):
    """What the runner meets on a file, reported by the rule that declares ``reports=`` it."""

    UNREADABLE = "unreadable"  # the file cannot be read as a text article
    CRASH = "crash"  # news-lint failed on the file, or refused to write its fixes
    UNUSED_SUPPRESSION = "unused-suppression"  # a suppression comment that suppresses nothing


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Callable[["Context"], Iterable[Problem]]
    doc: str
    fix: Applicability | None  # the best applicability its fixes can have; None: no fix
    family: str
    origin: Origin = Origin.FILE
    reports: Enum | None = None  # the typed fact of the core this rule reports (RUN rules)
    cacheable: bool = True  # False: its findings depend on the time or on luck, not on the file
    suppressible: bool = True  # False: no suppression comment hides it
    excludes: frozenset[str] = frozenset()  # codes of rules that report the same root cause

    @property
    def headline(self) -> str:
        """The first line of its documentation."""
        return self.doc.strip().splitlines()[0] if self.doc else ""


RULES: list[Rule] = []


def rule(code: str, name: str, severity: Severity, fix: Applicability | None = None, *,
         origin: Origin = Origin.FILE, reports: Enum | None = None, cacheable: bool = True,
         suppressible: bool = True, excludes: Iterable[str] = ()):
    """Register ``fn`` as a rule; its docstring is the rule's documentation. A rule whose findings
    come from elsewhere (``origin``) has a check that only documents it: ``return ()``."""

    def register(fn):
        family = fn.__module__.rsplit(".", 1)[-1]
        RULES.append(Rule(code, name, severity, fn, inspect.getdoc(fn) or "", fix, family, origin,
                          reports, cacheable, suppressible, frozenset(excludes)))
        return fn

    return register


@dataclass
class Context:
    """Everything a rule may look at for one file. Pure data: no I/O."""

    doc: "Document"
    profile: "Profile"
    path: str = ""  # as given by the user; used by filename rules
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    decoded: "Decoded | None" = None  # how the file's bytes were read (None: text given directly)
    enabled: frozenset[str] | None = None  # codes of the rules run on this file (None: all)

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def data(self) -> dict | None:
        return self.doc.data

    def once(self, key: str, compute: Callable[["Context"], object]):
        """``compute(self)``, computed once per file and kept under ``key`` (for what several
        rules need: the expected date, the source title, the rare characters ...)."""
        cache = self.__dict__
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]

    def runs(self, check: Callable[["Context"], Iterable[Problem]]) -> bool:
        """Whether the rule whose check function is ``check`` runs on this file: a rule that
        reports the root cause of other rules' findings keeps them quiet only when it runs."""
        if self.enabled is None:
            return True
        return any(r.check is check and r.code in self.enabled for r in RULES)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.doc.text)

    def line_of(self, offset: int) -> int:
        return self.lines.position(offset).line

    @cached_property
    def layout(self) -> str | None:
        data = self.doc.data
        value = data.get("layout") if isinstance(data, dict) else None
        return value if isinstance(value, str) else None

    @cached_property
    def schema_errors(self) -> list["SchemaError"]:
        from ..schema import validate

        return validate(self)

    def errors_for(self, fact: "Fact") -> list["SchemaError"]:
        """The contract's errors of one kind (``schema.Fact``)."""
        return [e for e in self.schema_errors if e.fact is fact]

    def issues(self, kind: "IssueKind"):
        """The front matter's parse issues of one kind (``document.IssueKind``)."""
        return [i for i in self.doc.issues if i.kind is kind]

    @property
    def modern(self) -> bool:
        """The front matter parsed and follows the modern article layout."""
        return self.doc.data is not None and self.layout == self.profile.layout
