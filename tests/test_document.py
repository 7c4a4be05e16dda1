"""The document model: ``mdlint_news.document.parse(text)``: front-matter block, YAML spans,
recorded parse issues, headings."""

from __future__ import annotations

import time

import pytest

from mdlint_news.document import parse
from mdlint_news.runner import lint_text
from mdlint_news.rules import reporting

from support import ARTICLE_NAME


def span_text(doc, span) -> str:
    return doc.text[span.start:span.end]


def line_no(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def rules_of(doc) -> list[str]:
    return [reporting(i.kind).name for i in doc.issues]


def problems(doc) -> list:
    """Issues other than yaml-implicit-type, which is recorded for every non-string scalar (such
    as ``importance: 3``) and filtered by the rule against the contract."""
    return [i for i in doc.issues if reporting(i.kind).name != "yaml-implicit-type"]


# --------------------------------------------------------------------------- spans


def test_spans_of_top_level_keys_and_values(valid_article):
    doc = parse(valid_article())
    assert problems(doc) == []
    e = doc.entry("title")
    assert span_text(doc, e.key) == "title"
    assert span_text(doc, e.value) == "Apple vydal novou věc"
    # a quoted value's span includes its quotes: a fix replaces the value as written
    assert span_text(doc, doc.value_span("date")) == "'2025-12-01 17:27:21'"
    # a folded multi-line value spans its continuation line
    desc = span_text(doc, doc.value_span("description"))
    assert desc.startswith("Apple vydal") and desc.endswith("obsahu.") and "\n  " in desc
    assert doc.data["description"].endswith("délky i obsahu.")


def test_spans_of_nested_keys_and_list_items(valid_article):
    doc = parse(valid_article(companies="\n- Apple\n- Samsung Electronics"))
    name = doc.entry("source", "name")
    assert span_text(doc, name.key) == "name"
    assert span_text(doc, name.value) == "The Verge"
    assert doc.text[:name.key.start].endswith("\n  ")  # the indented line under source:
    assert span_text(doc, doc.value_span("source", "id")) == "the-verge"
    assert span_text(doc, doc.value_span("companies", 0)) == "Apple"
    assert span_text(doc, doc.value_span("companies", 1)) == "Samsung Electronics"
    assert doc.entry("companies", 1).key is None  # list items have no key
    assert doc.data["companies"] == ["Apple", "Samsung Electronics"]


def test_spans_with_crlf_line_ends(valid_article):
    text = valid_article(newline="\r\n")
    doc = parse(text)
    assert problems(doc) == []
    assert span_text(doc, doc.value_span("date")) == "'2025-12-01 17:27:21'"
    assert span_text(doc, doc.value_span("source", "name")) == "The Verge"
    assert doc.body.startswith("\r\n## Souhrn") or doc.body.startswith("## Souhrn")


def test_missing_key_falls_back_to_closing_delimiter_or_parent(valid_article):
    doc = parse(valid_article(drop=("title",)))
    assert span_text(doc, doc.value_span("title")) == "---"
    assert doc.value_span("title") == doc.close_span
    doc = parse(valid_article(source="\n  id: the-verge\n  name: The Verge"))
    assert span_text(doc, doc.value_span("source", "emoji")) == "source"


def test_missing_field_is_reported_at_the_closing_delimiter(valid_article):
    text = valid_article(drop=("title",))
    found = [d for d in lint_text(text, ARTICLE_NAME) if d.name == "missing-field"]
    assert len(found) == 1 and "title" in found[0].message
    closing = text.index("\n---\n") + 1
    assert found[0].line == line_no(text, closing) and found[0].column == 1


def test_body_starts_after_the_closing_delimiter(valid_article):
    doc = parse(valid_article())
    assert doc.body.startswith("\n## Souhrn")
    assert doc.text[doc.close_span.start:doc.close_span.end] == "---"
    assert doc.open_span.start == 0 and span_text(doc, doc.open_span) == "---"


# --------------------------------------------------------------------------- broken blocks


def test_unterminated_front_matter_is_one_yaml_syntax_issue_at_the_opening_line():
    text = "---\ntitle: x\nlayout: tech_news_article\n\n# Body\n\nText: more\n"
    doc = parse(text)
    assert rules_of(doc) == ["yaml-syntax"]
    assert doc.issues[0].start == 0 and "not closed" in doc.issues[0].message
    assert doc.close_span is None and doc.data is None
    found = lint_text(text, "x.md")
    assert [(d.name, d.line) for d in found] == [("yaml-syntax", 1)]


@pytest.mark.parametrize("text, fmt", [
    ('+++\ntitle = "Článek"\ndate = 2025-12-01\n+++\n\nBody\n', "TOML"),
    ('{\n  "title": "Článek",\n  "layout": "tech_news_article"\n}\n\nBody\n', "JSON"),
])
def test_toml_and_json_front_matter(text, fmt):
    doc = parse(text)
    assert doc.fm_format == fmt
    assert rules_of(doc) == ["frontmatter-format"]
    assert fmt in doc.issues[0].message
    names = [d.name for d in lint_text(text, "x.md")]
    assert names == ["frontmatter-format"]


def test_no_front_matter():
    doc = parse("# Title\n\nText\n")
    assert rules_of(doc) == ["frontmatter-missing"]
    assert not doc.has_frontmatter and doc.data is None


def test_merge_conflict_markers_in_front_matter():
    text = ("---\ntitle: a\n<<<<<<< HEAD\ndescription: one\n=======\ndescription: two\n"
            ">>>>>>> other\n---\nBody\n")
    doc = parse(text)
    assert rules_of(doc) == ["yaml-syntax"]
    assert line_no(text, doc.issues[0].start) == 3
    assert span_text(doc, doc.issues[0]) == "<<<<<<< HEAD"


def test_syntax_error_located_where_the_parser_stopped():
    text = '---\ntitle: ok\ndescription: "unclosed\nslug: x\n---\nBody\n'
    doc = parse(text)
    assert rules_of(doc) == ["yaml-syntax"]
    assert 3 <= line_no(text, doc.issues[0].start) <= 5
    assert doc.data is None


def test_front_matter_that_is_not_a_mapping():
    doc = parse("---\n- a\n- b\n---\nBody\n")
    assert rules_of(doc) == ["yaml-syntax"] and doc.data is None


def test_python_tags_are_refused_not_constructed():
    doc = parse("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert rules_of(doc) == ["yaml-syntax"] and doc.data is None


def test_deep_nesting_is_an_issue_not_a_recursion_error():
    text = "---\nk: " + "[" * 2000 + "]" * 2000 + "\n---\n"
    doc = parse(text)
    assert "yaml-syntax" in rules_of(doc) and doc.data is None


def test_empty_front_matter_is_empty_data():
    doc = parse("---\n---\nBody\n")
    assert doc.issues == [] and doc.data == {}


# --------------------------------------------------------------------------- what YAML would hide


def test_billion_laughs_is_not_expanded():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        p, c = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{c}: &{c} [{','.join(['*' + p] * 9)}]")
    text = "---\n" + "\n".join(lines) + "\n---\nBody\n"
    t0 = time.perf_counter()
    doc = parse(text)
    found = lint_text(text, "bomb.md")
    assert time.perf_counter() - t0 < 2.0
    assert "yaml-alias" in rules_of(doc)
    assert doc.data is None  # nothing was built from it
    assert "yaml-alias" in {d.name for d in found}
    first = next(i for i in doc.issues if reporting(i.kind).name == "yaml-alias")
    assert line_no(text, first.start) == 2 and span_text(doc, first) == "&a"


def test_single_alias_is_reported():
    text = "---\nurl: &u https://example.com/a\nurlToImage: *u\n---\n"
    doc = parse(text)
    found = [i for i in doc.issues if reporting(i.kind).name == "yaml-alias"]
    assert {line_no(text, i.start) for i in found} == {2, 3}


def test_ampersand_and_star_in_values_are_not_aliases():
    doc = parse("---\ntitle: Rock & Roll *live*\nurl: https://x.com/?a=1&b=2\n---\n")
    assert doc.issues == []
    assert doc.data == {"title": "Rock & Roll *live*", "url": "https://x.com/?a=1&b=2"}


def test_duplicate_keys_are_recorded():
    text = "---\ntitle: První\nslug: x\ntitle: Druhá\nsource:\n  name: A\n  name: B\n---\n"
    doc = parse(text)
    dups = [i for i in doc.issues if reporting(i.kind).name == "duplicate-key"]
    assert [i.data["path"] for i in dups] == [("title",), ("source", "name")]
    assert line_no(text, dups[0].start) == 4 and line_no(text, dups[0].data["first"].start) == 2
    assert line_no(text, dups[1].start) == 7 and line_no(text, dups[1].data["first"].start) == 6
    assert doc.data["title"] == "Druhá"  # what YAML keeps; the first value is the one lost


def test_implicit_types_are_recorded_with_what_was_written():
    text = "---\ndate: 2025-11-25 15:18:30\ntitle: no\nimportance: 3\n---\n"
    doc = parse(text)
    implicit = {i.data["path"]: i for i in doc.issues if reporting(i.kind).name == "yaml-implicit-type"}
    assert implicit[("date",)].data["raw"] == "2025-11-25 15:18:30"
    assert implicit[("date",)].data["tag"].endswith(":timestamp")
    assert implicit[("title",)].data["value"] is False
    assert span_text(doc, implicit[("title",)]) == "no"


# --------------------------------------------------------------------------- headings


def test_headings_outside_fenced_code_blocks():
    text = (
        "---\ntitle: x\n# a YAML comment, not a heading\n---\n"
        "# Title\n"
        "text\n"
        "```python\n# a comment in code\n```\n"
        "## Second ##\n"
        "~~~~\n# not\n~~~\n# still code: the fence is shorter than the opening one\n~~~~\n"
        "   ### Indented three\n"
        "    # four spaces: code, not a heading\n"
        "#hashtag is not a heading\n"
        "````\n```\n# inside a longer fence\n````\n"
        "```\n```js\n# a fence with an info string does not close a block\n```\n"
        "###### Six\n"
        "####### seven is not a heading\n"
    )
    doc = parse(text)
    got = [(h.level, h.text) for h in doc.headings]
    assert got == [(1, "Title"), (2, "Second"), (3, "Indented three"), (6, "Six")]
    h = doc.headings[1]
    assert text[h.text_start:h.text_end] == "Second"
    assert text[h.start:h.end] == "## Second ##"


def test_headings_with_crlf_have_no_carriage_return():
    text = "---\r\ntitle: x\r\n---\r\n## Souhrn\r\nText\r\n```\r\n## code\r\n```\r\n## Proč\r\n"
    doc = parse(text)
    assert [(h.level, h.text) for h in doc.headings] == [(2, "Souhrn"), (2, "Proč")]
    assert all("\r" not in text[h.start:h.end] for h in doc.headings)


def test_headings_of_the_valid_article(valid_article):
    doc = parse(valid_article())
    assert [h.text for h in doc.headings] == ["Souhrn", "Klíčové body", "Podrobnosti",
                                              "Proč je to důležité"]
    assert {h.level for h in doc.headings} == {2}


def _tags(node, out):
    import yaml

    out.append((type(node).__name__, node.tag,
                node.value if isinstance(node, yaml.ScalarNode) else None))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _tags(k, out)
            _tags(v, out)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _tags(v, out)
    return out


@pytest.mark.parametrize("src", [
    "a: ", "a: ''", "a:\n  - ''\n  -\n", "- a\n- 2\n- - 3\n", "? [a, b]\n: c\n",
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2024-01-01\nf: 0x1F\ng: .inf\nh: <<\ni: '1'\nj: !!str 1\n"
    "k: [1, x, {y: null}]\nl: =\nm: 1:20\nn: yes\no: Off\np: -.5e3\nq: 0o17\nr: \"2\"\ns: |\n  1\n",
    "date: 2025-11-25 10:00:00\npublishedAt: 2025-11-25T09:00:00Z\nimportance: 4\nx: +12\ny: NULL\n",
])
def test_fast_resolver_gives_the_stock_loaders_tags(src, valid_article):
    """document.Loader resolves tags with less Python per node; the tags are PyYAML's own."""
    import yaml

    from mdlint_news.document import Loader

    article = valid_article()
    for text in (src, article[4:article.find("\n---", 4)]):
        stock = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for _ in range(2):  # the second time from the tags remembered for short plain scalars
            ours = yaml.compose(text, Loader=Loader)
            assert _tags(ours, []) == _tags(stock, [])
            assert len(_tags(ours, [])) > 1


def test_remembered_plain_scalar_tags_stay_right_past_the_bound():
    """The resolver remembers the tags of at most 4096 short plain scalars; past that it starts
    again, and every tag is still the stock loader's."""
    import random

    import yaml

    from mdlint_news.document import Loader

    rng = random.Random(5)
    pieces = ["1", "0", "x", ".", "e", "5", "-1", "yes", "no", "~", "null", "_", "0x", "inf", "+", "12:30"]
    for _ in range(6):
        src = "\n".join(f"k{i}: {''.join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))}"
                        for i in range(1500))
        stock = yaml.compose(src, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        assert _tags(yaml.compose(src, Loader=Loader), []) == _tags(stock, [])
    assert 0 < len(Loader._plain) <= 4096
