"""Configuration errors as people read them: per problem the key, what is allowed and a
suggestion ("did you mean `ignore`?", an example line). Never Pydantic's own text, never the
value that was given (a configuration may hold secrets), never a regular expression."""

from __future__ import annotations

import difflib
import json
from typing import Any, Callable, Iterable, Optional

from pydantic import BaseModel, ValidationError

from .reporters import visible

_KIND = {
    "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "string_type": "a string in quotes", "bool_type": "true or false",
    "bool_parsing": "true or false", "list_type": "a list, such as [\"a\", \"b\"]",
    "tuple_type": "a list, such as [\"a\", \"b\"]", "dict_type": "a table (a mapping of keys)",
    "model_type": "a table (a mapping of keys)", "model_attributes_type": "a table (a mapping of keys)",
    "date_type": "a date written YYYY-MM-DD", "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date written YYYY-MM-DD",
    "missing": "a value (the key is required)",
}
_BOUNDS = {"greater_than": ("gt", "a number greater than {}"),
           "greater_than_equal": ("ge", "a number of at least {}"),
           "less_than": ("lt", "a number less than {}"),
           "less_than_equal": ("le", "a number of at most {}")}


def did_you_mean(word: str, allowed: Iterable[str]) -> str:
    """`` did you mean `x`?`` for the closest of ``allowed``, or ''."""
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts, as written in files (aliases)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _field(model: Optional[type], key: str):
    if model is None or not isinstance(model, type) or not issubclass(model, BaseModel):
        return None
    for name, f in model.model_fields.items():
        if key in (name, f.alias):
            return f
    return None


def model_at(model: type[BaseModel], path: tuple) -> Optional[type[BaseModel]]:
    """The nested model holding the key at ``path`` (its parents' models), or None."""
    for part in path:
        f = _field(model, str(part))
        ann = getattr(f, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def allowed(err: dict) -> str:
    """What the key accepts, from the error's type and context (never its input)."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _BOUNDS:
        name, text = _BOUNDS[kind]
        return text.format(ctx.get(name))
    if kind in ("literal_error", "enum"):
        return f"one of {ctx.get('expected')}"
    if kind == "value_error":  # a validator's own message: the value it may quote is cut out
        text, given = str(ctx.get("error", "a value of the documented form")), err.get("input")
        if isinstance(given, str) and given:
            text = text.replace(repr(given), "the value")
            text = text.replace(given, "...") if len(given) >= 4 else text
        return text
    return _KIND.get(kind, "a value of the documented form (see the Configuration section of the README)")


def example(model: Optional[type[BaseModel]], key: str, style: str = "toml") -> str:
    """``key = value`` from the field's ``examples`` or its default, or ''."""
    f = _field(model, key)
    if f is None:
        return ""
    value: Any = (f.examples or [None])[0]
    if value is None and not f.is_required():
        value = f.default
    if value is None or value == [] or value == {} or isinstance(value, BaseModel):
        return ""
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, bool) else str(value).lower()
    return f"{key} = {shown}" if style == "toml" else f"{key}: {shown}"


def error_lines(exc: ValidationError, model: type[BaseModel], prefix: str = "",
                where: Optional[Callable[[tuple], Optional[str]]] = None, style: str = "toml") -> list[str]:
    """``  key: problem; suggestion`` per error. ``where(loc)`` may name the key as the user
    wrote it elsewhere (a configuration key that overrides a profile setting)."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        shown = (where(loc) if where else None) or prefix + key
        lines.append(f"  {visible(shown)}: {_problem(err, model, loc, style)}")
    return lines


def _problem(err: dict, model: type[BaseModel], loc: tuple, style: str) -> str:
    parent = model_at(model, loc[:-1])
    last = str(loc[-1]) if loc else ""
    if err["type"] == "extra_forbidden":
        keys = keys_of(parent) if parent is not None else []
        hint = did_you_mean(last, keys)
        listed = f" (allowed: {', '.join(keys)})" if keys else ""
        return "unknown key" + (f"; {hint}" if hint else "") + listed
    if err["type"] == "value_error":  # our validators' messages say what to do
        return allowed(err)
    text = f"must be {allowed(err)}"
    sample = example(parent, last, style)
    return text + (f", for example `{sample}`" if sample else "")


_TABLE = "tool.news-lint"


def table_hint(file_name: str, data: dict, lines: list[str]) -> list[str]:
    """``lines`` with the ``tool: unknown key`` of a .news-lint.toml that holds pyproject.toml's
    ``[tool.news-lint]`` table replaced by where its keys go (their names, never their values)."""
    tool = data.get("tool") if file_name != "pyproject.toml" else None
    if not isinstance(tool, dict) or "news-lint" not in tool:
        return lines
    table = tool["news-lint"]
    names = [visible(str(k))[:60] for k in table] if isinstance(table, dict) else []
    keys = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    hint = (f"  {_TABLE}: in {visible(file_name)} the keys go at the top level, with no "
            f"[{_TABLE}] header (that table is for pyproject.toml)"
            + (f"; move {keys} up and remove the header" if names else ""))
    return [hint if line.startswith("  tool: ") else line for line in lines]
