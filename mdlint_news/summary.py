"""What the project rules compare: a file's ``Summary`` (named ``Value`` s), and the interface a
project rule module registers (``ProjectRules``). Imported by the rules: it imports none of
them. The phase that compares the summaries is ``project.py``; design: docs/cross-file.md."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from .diagnostics import Diagnostic
    from .project import Site
    from .rules.base import Context


class Value(NamedTuple):
    """One summarised value: its text, where it is (offsets; 1-based line and column of its
    start and end) and the key files are compared by (normalised, computed by the worker)."""

    text: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    key: str


class Summary(Mapping[str, Value]):
    """A file's summary: item name -> ``Value``. Frozen; stored as JSON (``to_json``)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Value] | None = None):
        self._items: dict[str, Value] = dict(items or {})

    def __getitem__(self, name: str) -> Value:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Summary({self._items!r})"

    def __reduce__(self):  # to and from the workers
        return Summary, (self._items,)

    def to_json(self) -> dict[str, list]:
        return {name: list(value) for name, value in self._items.items()}

    @classmethod
    def from_json(cls, data: Mapping) -> Summary:
        """A summary read back from JSON (the cache); empty when it is not one this version
        wrote."""
        try:
            return cls({k: Value(*v) for k, v in data.items() if k in _KEYS})
        except TypeError:
            return cls()


@dataclass(frozen=True)
class ProjectRules:
    """What a project rule module registers (``register``): ``keys``, the items of the summary
    it compares (in the order their hashes are stored); ``summarize(ctx)``, those items of one
    file; ``check(site)``, its diagnostics from the summaries of every file (``project.Site``)."""

    keys: tuple[str, ...]
    summarize: Callable[["Context"], Mapping[str, Value]]
    check: Callable[["Site"], list["Diagnostic"]]


_REGISTERED: list[ProjectRules] = []
_KEYS: tuple[str, ...] = ()


def register(rules: ProjectRules) -> ProjectRules:
    global _KEYS
    _REGISTERED.append(rules)
    _KEYS = tuple(k for r in _REGISTERED for k in r.keys)
    return rules


def registered() -> tuple[ProjectRules, ...]:
    return tuple(_REGISTERED)


def keys() -> tuple[str, ...]:
    """The items of a summary, in the order of ``hashes``."""
    return _KEYS


def summarize(ctx: "Context") -> Summary:
    """The summary of one file: the items of every project rule module."""
    return Summary({k: v for r in _REGISTERED for k, v in r.summarize(ctx).items()})


def hashes(summary: Mapping[str, Value]) -> tuple[int | None, ...]:
    """What is kept of the summary of a file with nothing to report (most files): a hash of
    each item's key, in ``keys()`` order (None: no such item). Files whose hashes meet another
    file's are summarised again before they are compared. The hash is the same in every
    process and run (it is stored in the cache)."""
    return tuple(stable_hash(summary[k].key) if k in summary else None for k in _KEYS)


def stable_hash(text: str) -> int:
    """A signed 64-bit hash of ``text`` (fits SQLite's INTEGER)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
