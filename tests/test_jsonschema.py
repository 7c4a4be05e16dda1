"""The committed JSON Schemas (schemas/<layout>.schema.json) judged by real validators: the
``check-jsonschema`` command and the ``jsonschema`` library. They must reject what the contract
rejects where JSON Schema can say it (a date not in the profile's format, a URL with ``&amp;``, a
bad slug) and accept the front matter of every article news-lint finds clean (the examples, the
real corpus in ../shared when present). The editor recipe's file must name real schema fields."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import jsonschema
import pytest
import yaml

from support import SHARED

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "examples" / "content"
CORPUS = SHARED / "corpus" / "marigold"
CHECK = Path(sys.executable).parent / "check-jsonschema"
FRONT_MATTER_CODES = tuple(f"NL{d}" for d in "1234567")  # front matter and encoding rules


def schema(layout: str) -> dict:
    return json.loads((SCHEMAS / f"{layout}.schema.json").read_text(encoding="utf-8"))


def front_matter(path: Path) -> dict:
    return frontmatter.loads(path.read_text(encoding="utf-8")).metadata


def clean_articles(folder: Path) -> list[Path]:
    """Articles in which news-lint finds no front-matter or encoding problem (NL1xx-NL7xx)."""
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json",
                           "--no-cache", "."], cwd=folder, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    dirty = {Path(i["path"]).name for i in json.loads(proc.stdout)
             if i["code"].startswith(FRONT_MATTER_CODES)}
    return sorted(p for p in folder.glob("*.md") if p.name not in dirty)


def check_jsonschema(layout: str, instances: list[Path]) -> subprocess.CompletedProcess:
    assert CHECK.exists(), "check-jsonschema is part of the test extra: pip install -e '.[test]'"
    return subprocess.run([str(CHECK), "--schemafile", str(SCHEMAS / f"{layout}.schema.json"),
                           *map(str, instances)], capture_output=True, text=True, timeout=300)


def write_instances(tmp_path: Path, articles: list[Path]) -> dict[str, list[Path]]:
    """Each article's front matter as a JSON file, grouped by layout."""
    out: dict[str, list[Path]] = {}
    for i, article in enumerate(articles):
        data = front_matter(article)
        target = tmp_path / f"{i:03d}.json"
        target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out.setdefault(data["layout"], []).append(target)
    return out


@pytest.mark.parametrize("layout", ["tech_news_article", "tech_news"])
def test_schema_declares_its_dialect_and_id(layout):
    s = schema(layout)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"{layout}.schema.json")
    jsonschema.Draft202012Validator.check_schema(s)


def test_titles_are_words_not_mangled_names():
    props = schema("tech_news_article")["properties"]
    assert props["publishedAt"]["title"] == "Published at"
    assert props["urlToImage"]["title"] == "URL of the image"
    assert props["original_title"]["title"] == "Original title"
    for name, prop in props.items():
        assert prop.get("title") and prop.get("description"), f"{name}: title and description"


BAD = {
    "date with dots": ("date", "10. 11. 2025"),
    "date without seconds": ("date", "2025-11-10 08:00"),
    "date month 13": ("date", "2025-13-10 08:00:00"),
    "date with a trailing newline": ("date", "2025-11-10 08:00:00\n"),
    "url with &amp;": ("url", "https://example.com/a?x=1&amp;y=2"),
    "url relative": ("url", "/story/1"),
    "url ftp": ("url", "ftp://example.com/x"),
    "url with a space": ("url", "https://example.com/a b"),
    "image url with &amp;": ("urlToImage", "https://example.com/i.jpg?w=1&amp;h=2"),
    "slug uppercase": ("slug", "Apple-news"),
    "slug double hyphen": ("slug", "apple--news"),
    "slug leading hyphen": ("slug", "-apple"),
    "slug with a space": ("slug", "apple news"),
    "slug too long": ("slug", "a" * 51),
    "slug with Czech uppercase": ("slug", "Čeština"),
    "publishedAt without offset": ("publishedAt", "2025-11-10T08:00:00"),
    "category uppercase": ("category", "Tech"),
    "category too long": ("category", "a" * 21),
    "category blank": ("category", "  "),
    "importance 6": ("importance", 6),
    "layout other": ("layout", "page"),
    "description empty": ("description", ""),
    "unknown key": ("summary", "x"),
    "too many people": ("people", ["A", "B", "C", "D"]),
}


@pytest.fixture(scope="module")
def good() -> dict:
    clean = EXAMPLES / "2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md"
    data = front_matter(clean)
    assert data["layout"] == "tech_news_article"
    return data


def test_check_jsonschema_accepts_a_clean_example(good, tmp_path):
    target = tmp_path / "good.json"
    target.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    proc = check_jsonschema("tech_news_article", [target])
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("case", sorted(BAD))
def test_check_jsonschema_rejects(case, good, tmp_path):
    key, value = BAD[case]
    data = {**good, key: value}
    target = tmp_path / "bad.json"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = check_jsonschema("tech_news_article", [target])
    assert proc.returncode == 1, f"{case}: accepted\n{proc.stdout}{proc.stderr}"
    # and news-lint agrees: the same value is a problem of the contract
    errors = list(jsonschema.Draft202012Validator(schema("tech_news_article")).iter_errors(data))
    assert errors


def test_the_schema_accepts_every_clean_example(tmp_path):
    articles = clean_articles(EXAMPLES)
    assert len(articles) >= 2
    for layout, instances in write_instances(tmp_path, articles).items():
        proc = check_jsonschema(layout, instances)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def corpus_clean() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"shared/ corpus not present beside the repository ({CORPUS})")
    return clean_articles(CORPUS)


def test_the_schema_accepts_every_clean_corpus_article(corpus_clean, tmp_path):
    assert len(corpus_clean) >= 100
    groups = write_instances(tmp_path, corpus_clean)
    assert set(groups) == {"tech_news_article", "tech_news"}
    for layout, instances in groups.items():
        proc = check_jsonschema(layout, instances)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_agrees_with_news_lint_on_the_corpus_values():
    """Each corpus value news-lint's date-format, url, slug and category rules pass is accepted by
    the field's schema, and each value they reject (collected from the whole corpus) is rejected."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared/ corpus not present beside the repository ({CORPUS})")
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json",
                           "--no-cache", "--select", "date-format,url-invalid,slug-format",
                           "."], cwd=CORPUS, capture_output=True, timeout=300)
    flagged = {(Path(i["path"]).name, i["name"]) for i in json.loads(proc.stdout)}
    props = schema("tech_news_article")["properties"]
    rule_of = {"date": "date-format", "url": "url-invalid", "slug": "slug-format"}
    checked = 0
    for article in sorted(CORPUS.glob("*.md")):
        try:
            data = front_matter(article)
        except yaml.YAMLError:
            continue  # yaml-syntax: no values to compare
        if data.get("layout") != "tech_news_article":
            continue
        for key, rule in rule_of.items():
            if not isinstance(data.get(key), str):
                continue
            ok = jsonschema.Draft202012Validator(props[key]).is_valid(data[key])
            assert ok == ((article.name, rule) not in flagged), (article.name, key, data[key])
            checked += 1
    assert checked > 400


def test_editor_recipe_file_names_schema_fields():
    """docs/editor/frontmatter.json (Front Matter CMS content types) is valid JSON and each of
    its fields exists in the schema with a compatible type."""
    recipe = json.loads((ROOT / "docs" / "editor" / "frontmatter.json").read_text(encoding="utf-8"))
    types = recipe["frontMatter.taxonomy.contentTypes"]
    props = schema("tech_news_article")["properties"]
    required = set(schema("tech_news_article")["required"])
    article = next(t for t in types if t["name"] == "tech_news_article")
    names = {f["name"] for f in article["fields"]}
    assert names <= set(props), names - set(props)
    assert required <= names, f"required fields missing from the recipe: {required - names}"
    for f in article["fields"]:
        if f["name"] in required:
            assert f.get("required") is True, f["name"]
        if f["type"] == "fields":  # a mapping: its fields are the $defs model's
            ref = props[f["name"]]["$ref"].rsplit("/", 1)[1]
            sub = schema("tech_news_article")["$defs"][ref]["properties"]
            assert {g["name"] for g in f["fields"]} == set(sub)
    folders = recipe["frontMatter.content.pageFolders"]
    assert all(set(d["contentTypes"]) <= {t["name"] for t in types} for d in folders)
    assert (ROOT / "docs" / "editor.md").read_text(encoding="utf-8").count("frontmatter.json")
