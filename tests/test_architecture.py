"""The architecture as the import graph shows it (issue 16; CONTRIBUTING.md): the core knows no
rule by name, modules use each other's public names only, no function grows past a screen
without saying why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mdlint_news.rules import RULES

PACKAGE = Path(__file__).resolve().parents[1] / "mdlint_news"
SOURCES = sorted(p for p in PACKAGE.rglob("*.py"))
CORE = [p for p in SOURCES if "rules" not in p.relative_to(PACKAGE).parts]
# Options of the configuration that are spelled like the rule they tune (`date-format` is both the
# profile's strftime format and rule NL301's name): configuration keys, not rule names.
CONFIG_KEYS = {"date-format", "line-endings"}
MAX_LINES = 60


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", CORE, ids=_rel)
def test_the_core_names_no_rule(path):
    """A rule's name or code as a string literal outside rules/ is coupling the import graph does
    not show: renaming the rule would break it silently. The core emits typed facts instead
    (document.IssueKind, schema.Fact, rules.base.RunEvent) and rules declare what they report."""
    names = {n for r in RULES for n in (r.code, r.name)} - CONFIG_KEYS
    found = [f"{_rel(path)}:{node.lineno}: {node.value!r}" for node in ast.walk(_tree(path))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and (node.value in names or re.fullmatch(r"NL\d{3}", node.value))]
    assert not found


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_no_private_name_of_another_module(path):
    """``from .x import _name``, ``x._name`` and the ``re``/``sre`` internals: what a module keeps
    private may change under its importers without notice."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] in ("sre_compile", "sre_parse", "sre_constants") or \
                    re.match(r"re\._", module):
                found.append(f"{node.lineno}: from {module}")
            found += [f"{node.lineno}: {a.name} from {module}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.startswith(("sre_", "re._"))]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.attr.startswith("_") and not node.attr.startswith("__") \
                and node.value.id not in ("self", "cls", "os", "sys"):
            # a local variable's attribute is its own business; a module's private name is not
            if node.value.id in _imported_modules(path):
                found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    assert not found, _module_of(path)


def _imported_modules(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.update(a.asname or a.name for a in node.names)
    return out


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_long_functions_say_why(path):
    """A function over MAX_LINES lines has a comment on its ``def`` line (or the line after it)
    saying why it must be long."""
    lines = path.read_text(encoding="utf-8").splitlines()
    long = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            said = any("#" in lines[i] for i in range(node.lineno - 1, min(node.lineno + 1, len(lines))))
            if n > MAX_LINES and not said:
                long.append(f"{node.name} ({n} lines)")
    assert not long, _rel(path)
