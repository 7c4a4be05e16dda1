"""Write one value back exactly as the articles' own dumper would, for value-level fixes.

The articles come from ``yaml.dump(data, default_flow_style=False, allow_unicode=True)``: keys
sorted, 80-column folding with 2-space continuation, single quotes for timestamp-like strings.
Dumping the value under its own key path reproduces all of that; only the value's text is kept.
"""

from __future__ import annotations

from typing import Any

import yaml

from .diagnostics import Applicability, Fix
from .document import Document


def emit(path: tuple, value: Any) -> str:
    """The text PyYAML's dumper writes for ``value`` at ``path`` (no trailing newline)."""
    # Each key is dumped as a plain placeholder of its length: the value's folding depends only
    # on the column it starts at, and a key the dumper would quote (`<<`, `1`, `a: b`) or write
    # as a complex key (`? ...`, 128 characters or more) would not be found again.
    keys = ["k" * min(max(len(str(key)), 1), 100) for key in path]
    nested: Any = value
    for key in reversed(keys):
        nested = {key: nested}
    out = yaml.dump(nested, Dumper=yaml.SafeDumper, default_flow_style=False, allow_unicode=True,
                    sort_keys=True)
    prefix = "  " * (len(path) - 1) + f"{keys[-1]}:"
    i = out.index(prefix) + len(prefix)
    text = out[i:].rstrip("\n")
    return text[1:] if text.startswith(" ") else text


def replace_value(doc: Document, path: tuple, value: Any, message: str,
                  applicability: Applicability = Applicability.SAFE) -> Fix | None:
    """A fix that replaces the value at ``path`` (a top-level or nested mapping key) by ``value``."""
    entry = doc.entry(*path)
    if entry is None or entry.key is None or not all(isinstance(p, str) for p in path):
        return None
    return Fix.replace(entry.value.start, entry.value.end, emit(path, value), message, applicability)
