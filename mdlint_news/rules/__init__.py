"""The rule registry. Every rule lives in one of the family modules below; its docstring is its
documentation (``news-lint rule NAME``) and the README's rule list is generated from it.

| family | codes | module |
|---|---|---|
| file and run | NL0xx, NL9xx | ``meta.py`` |
| front matter and YAML | NL1xx | ``frontmatter.py`` |
| the Pydantic contract | NL2xx | ``contract.py`` |
| dates | NL3xx | ``dates.py`` |
| URLs | NL4xx | ``urls.py`` |
| slug and file name | NL5xx | ``slug.py`` |
| single fields | NL601-NL606, NL610 | ``fields.py`` |
| the outlet in title and companies | NL608, NL609 | ``outlet.py`` |
| characters and encoding | NL701-NL708 | ``encoding.py`` |
| words in another script | NL709 | ``script.py`` |
| body: sections and headings | NL80x | ``headings.py`` |
| body: footer | NL82x | ``footer.py``, ``rendered.py`` (the page as rendered) |
| body: content (fallback, untranslated, leaks) | NL841-NL845 | ``content.py`` |
| body: a teaser instead of the article | NL846 | ``teaser.py`` |
| across files (duplicates, cut category, boilerplate) | NL86x, NL607 | ``crossfile.py`` |
"""

from __future__ import annotations

from . import contract, crossfile, dates, encoding, fields, frontmatter, meta, outlet, script, slug, urls  # noqa: F401,E501  (registration)
from . import content, footer, headings, rendered, teaser  # noqa: F401  (registration: body rules)
from .base import RULES, Rule

RULES.sort(key=lambda r: r.code)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
assert len(BY_CODE) == len(RULES) and len(BY_NAME) == len(RULES), "duplicate rule code or name"


BY_FACT: dict[object, Rule] = {r.reports: r for r in RULES if r.reports is not None}
assert len(BY_FACT) == len([r for r in RULES if r.reports is not None]), "two rules report one fact"


def reporting(fact) -> Rule:
    """The rule that reports a typed fact of the core (``document.IssueKind``, ...)."""
    return BY_FACT[fact]


def lookup(name_or_code: str) -> Rule | None:
    return BY_CODE.get(name_or_code.upper()) or BY_NAME.get(name_or_code.lower())


def matching(selector: str) -> list[Rule]:
    """Rules a selector names: a code, a code prefix (``NL3``), a name, or ``ALL``."""
    s = selector.strip()
    if s.upper() == "ALL":
        return list(RULES)
    if s.lower() in BY_NAME:
        return [BY_NAME[s.lower()]]
    return [r for r in RULES if r.code.startswith(s.upper())]
