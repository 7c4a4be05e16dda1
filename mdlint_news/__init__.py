"""news-lint: lint and fix Markdown news articles with YAML front matter.

Python API (see ``mdlint_news.api``): :func:`lint_text`, :func:`fix_text`, :func:`lint_paths`.
"""

__version__ = "0.1.0"

from .api import fix_text, lint_paths, lint_text  # noqa: E402
from .diagnostics import Applicability, Diagnostic, Edit, Fix, Severity  # noqa: E402

__all__ = ["lint_text", "fix_text", "lint_paths", "Diagnostic", "Fix", "Edit", "Applicability",
           "Severity", "__version__"]
