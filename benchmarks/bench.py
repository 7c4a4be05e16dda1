"""Speed and scale benchmark: prints numbers, asserts nothing (these machines are noisy).

    python benchmarks/bench.py                 # 10,000 generated articles
    python benchmarks/bench.py --n 100000 --scaling   # time per file and peak RSS at 10k and 100k

What it measures, each as a whole process, in the same run, in --repeat interleaved rounds
(median and fastest wall time; each ratio is taken within a round, then its median printed):
  floor           read + split + libyaml CSafeLoader + a Pydantic v2 model, one core
  news-lint cold  every rule, no cache, all cores (--jobs default)
  news-lint warm  the same again with the cache filled, nothing changed
  check-jsonschema  front matter only, schema only (when installed), on extracted front matter
  one file        `news-lint one.md` (alone in its folder, no cache) against
                  `python -c "import pydantic, yaml"` (pydantic's import is lazy: no BaseModel),
                  against a program that only builds a one-field Pydantic model, and against
                  the floor program run on that one file; and the same file in its
                  10,000-article folder with the cache (what pre-commit does for one article)
plus peak RSS (largest single process) and the cost of each stage from one profiled run.
`--scaling` instead times cold runs at 10,000 and at --n articles (time per file, peak RSS).

The package's bytecode is compiled first (an installed package has it); the word lists
(mdlint_news/lexicon.py) are used from their usual place and compiled there if missing.

The articles are shaped like ../shared/corpus/marigold (templates: examples/content and, when
present, the corpus), each made unique (slug, title, url, dates), about 3 % with a defect of
each kind.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus" / "marigold"
sys.path.insert(0, str(ROOT))

FLOOR_SCRIPT = r'''
import sys, os, yaml
from typing import Optional
from pydantic import BaseModel, ConfigDict
Loader = yaml.CSafeLoader
class Source(BaseModel):
    emoji: str
    id: Optional[str] = None
    name: str
class Article(BaseModel):
    model_config = ConfigDict(extra="forbid")
    author: Optional[str] = None
    category: str
    companies: Optional[list[str]] = None
    date: str
    description: str
    importance: int
    layout: str
    original_title: str
    people: Optional[list[str]] = None
    publishedAt: str
    slug: Optional[str] = None
    source: Source
    title: str
    url: str
    urlToImage: Optional[str] = None
    urlToImageBackup: Optional[str] = None
ok = bad = 0
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name), "rb") as fh:
        text = fh.read().decode("utf-8")
    end = text.find("\n---\n", 4)
    try:
        Article.model_validate(yaml.load(text[4:end], Loader=Loader))
        ok += 1
    except Exception:
        bad += 1
print(ok, bad)
'''

ONE_FIELD_MODEL = """
import pydantic, yaml
from pydantic import BaseModel
class M(BaseModel):
    x: int
M(x=1)
"""

DEFECTS = ("date-mismatch", "heading-level", "url-entity", "mojibake", "duplicate-key",
           "missing-field", "implicit-type", "footer-link", "slug", "category")


def templates() -> list[str]:
    paths = list((ROOT / "examples" / "content").glob("*.md"))
    if SHARED.is_dir():
        paths += sorted(SHARED.glob("*.md"))
    out = []
    from mdlint_news.runner import lint_text

    for p in paths:
        text = p.read_text(encoding="utf-8", errors="replace")
        if "layout: tech_news_article" not in text:
            continue
        if any(d.severity.value == "error" for d in lint_text(text)):
            continue  # templates are clean; defects are planted on purpose
        out.append(text)
    return out


def _damage_cp1254(s: str) -> str:
    raw = s.encode("utf-8").decode("cp1254", errors="ignore")
    return raw.replace("\u00ad", "")


def make_article(tpl: str, i: int, rng: random.Random, defect: str | None,
                 n: int = 10_000) -> tuple[str, str]:
    """A unique article from a template: its own slug, original title, title and url; the
    template's dates are kept (the author and body policies depend on them)."""
    slug = f"story-{i:06d}-" + rng.choice(["apple", "nvidia", "openai", "eu-ai-act", "tesla"])
    text = re.sub(r"(?m)^slug: .*$", f"slug: {slug}", tpl)
    if "\nslug: " not in text:
        text = text.replace("\nsource:", f"\nslug: {slug}\nsource:", 1)
    text = re.sub(r"(?m)^original_title: .*(\n  .*)*", f"original_title: {slug.replace('-', ' ')}",
                  text)
    # a number in front of the title keeps it unique and valid YAML, quoted or not
    text = re.sub(r"(?m)^title: (['\"]?)", lambda m: f"title: {m.group(1)}{i} ", text, count=1)
    published = re.search(r"(?m)^publishedAt: '(\d{4}-\d{2}-\d{2})", text).group(1)
    url = f"https://news.example.com/{i}/{slug}"
    old_url = re.search(r"(?m)^url: (.*)$", text).group(1)
    text = text.replace(old_url, url)
    if defect == "date-mismatch":
        text = re.sub(r"(?m)^date: '(.*) (\d\d):", lambda m: f"date: '{m.group(1)} {(int(m.group(2)) + 1) % 24:02d}:", text)
    elif defect == "heading-level":
        text = text.replace("\n## ", "\n### ")
    elif defect == "url-entity":
        text = text.replace(f"url: {url}", f"url: {url}?a=1&amp;b=2")
    elif defect == "mojibake":
        lines = text.split("\n")
        body = [n for n, l in enumerate(lines) if len(l) > 40 and not l.startswith(("url", "---"))]
        n = body[len(body) // 2]
        lines[n] = _damage_cp1254(lines[n])
        text = "\n".join(lines)
    elif defect == "duplicate-key":
        text = text.replace("\ncategory: ", "\ncategory: ai\ncategory: ", 1)
    elif defect == "missing-field":
        text = re.sub(r"(?m)^description: .*(\n  .*)*\n", "", text, count=1)
    elif defect == "implicit-type":
        text = re.sub(r"(?m)^date: '(.*)'$", r"date: \1", text)
    elif defect == "footer-link":
        text = text.replace(f"]({url})", f"]({url}/old)")
    elif defect == "slug":
        text = text.replace(f"slug: {slug}", f"slug: {slug}-x")
    elif defect == "category":
        text = re.sub(r"(?m)^category: .*$", "category: Kybernetická Bezpečnost A Další", text)
    name = f"{published}-{slug}.md"
    return name, text


def generate(folder: Path, n: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    tpls = templates()
    counts = {d: 0 for d in DEFECTS}
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        defect = None
        if rng.random() < 0.03:
            defect = DEFECTS[rng.randrange(len(DEFECTS))]
            counts[defect] += 1
        name, text = make_article(tpls[i % len(tpls)], i, rng, defect, n)
        (folder / name).write_text(text, encoding="utf-8")
    return {"templates": len(tpls), "defects": counts}


# A small, freshly started process runs the command and reports its children's usage: the
# peak RSS of a child forked from this (large) benchmark process would count our pages too.
WRAP = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "wall = time.perf_counter() - t\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print('USAGE', wall, r.ru_utime + r.ru_stime, r.ru_maxrss, p.returncode, file=sys.stderr)\n"
)


def timed(cmd: list[str], cwd: Path | None = None) -> dict:
    """Wall time, CPU (all processes of the command) and peak RSS (its largest process)."""
    proc = subprocess.run([sys.executable, "-c", WRAP, *cmd], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    line = [l for l in proc.stderr.splitlines() if l.startswith("USAGE ")][-1].split()
    return {"wall": float(line[1]), "cpu": float(line[2]), "rss_mb": int(line[3]) / 1024,
            "rc": int(line[4]), "err": proc.stderr[-2000:]}


def median_of(runs: list[dict]) -> dict:
    out = dict(runs[0])
    for k in ("wall", "cpu"):
        out[k] = statistics.median(r[k] for r in runs)
    out["rss_mb"] = max(r["rss_mb"] for r in runs)
    return out


def stage_costs(folder: Path, limit: int = 2000) -> dict[str, float]:
    """Seconds per stage over ``limit`` files, from one cProfile run in this process."""
    from mdlint_news.config import Settings
    from mdlint_news.reporters import get_reporter
    from mdlint_news.runner import process_file
    import io

    files = sorted(folder.iterdir())[:limit]
    settings = Settings()
    prof = cProfile.Profile()
    prof.enable()
    results = [process_file(p, settings, str(p)) for p in files]
    get_reporter("concise")(io.StringIO()).report([d for r in results for d in r.diagnostics], {})
    prof.disable()
    st = pstats.Stats(prof).stats
    stages = {
        "decode": lambda f, n: f.endswith("decoding.py") and n == "decode",
        "yaml + document": lambda f, n: f.endswith("document.py") and n == "parse",
        "schema (pydantic)": lambda f, n: f.endswith("schema.py") and n == "validate",
        "encoding rules": lambda f, n: f.endswith(os.path.join("rules", "encoding.py")) and n in
        ("mojibake", "invisible_character", "replacement_character", "mixed_script_word",
         "line_endings", "unicode_normalization", "not_utf8", "bom"),
        "body rules": lambda f, n: any(f.endswith(os.path.join("rules", m)) for m in
                                       ("headings.py", "footer.py", "content.py")) and not n.startswith("_"),
        "reporting": lambda f, n: f.endswith(os.path.join("reporters", "text.py")) and n == "report",
        "whole file": lambda f, n: f.endswith("runner.py") and n == "process_file",
    }
    out = {}
    for name, pick in stages.items():
        out[name] = sum(v[3] for (f, _, n), v in st.items() if pick(f, n)) / len(files)
    return out


def scaling(n: int, small: int = 10_000, repeat: int = 3) -> int:
    """Time and peak RSS at ``small`` and ``n`` articles: is the time per file the same, does
    the memory stay flat? The small set is every (n/small)-th article of the large one
    (hard-linked), so both hold the same mix: the generated names sort by their template's date,
    and a prefix would hold only the earliest, shorter, articles. Each size runs ``repeat``
    times, interleaved; the fastest run of each counts (this machine's noise only adds time)."""
    tmp = Path(tempfile.mkdtemp(prefix="news-lint-scale-"))
    try:
        big, sub = tmp / "big", tmp / "small"
        t = time.perf_counter()
        generate(big, n)
        sub.mkdir()
        for p in sorted(big.iterdir())[::max(1, n // small)][:small]:
            os.link(p, sub / p.name)
        sizes = {f: sum(p.stat().st_size for p in f.iterdir()) / len(os.listdir(f)) for f in (sub, big)}
        print(f"generated {n:,} articles in {time.perf_counter() - t:.0f} s; mean size "
              f"{sizes[sub]:,.0f} bytes in the {small:,} sample, {sizes[big]:,.0f} in all")
        py = sys.executable
        floor_py = tmp / "floor.py"
        floor_py.write_text(FLOOR_SCRIPT)
        cmd = [py, "-m", "mdlint_news", "-q", "--statistics", "--no-cache"]
        sets = ((f"{small:,}", sub, small), (f"{n:,}", big, n))
        runs: dict[str, list] = {label: [] for label, _, _ in sets}
        for _ in range(repeat):
            for label, folder, count in sets:
                runs[label].append((timed(cmd + [str(folder)]), timed([py, str(floor_py), str(folder)])))
        rows = {}
        for label, folder, count in sets:
            ours = min((r for r, _ in runs[label]), key=lambda r: r["wall"])
            ours = {**ours, "rss_mb": max(r["rss_mb"] for r, _ in runs[label])}
            floor = min((f for _, f in runs[label]), key=lambda f: f["wall"])
            rows[label] = (count, ours, floor)
        print(f"\n{'articles':>10} {'news-lint s':>12} {'us/file':>8} {'peak RSS MB':>12} "
              f"{'floor s':>8} {'floor us/file':>13}   (fastest of {repeat} runs each)")
        for label, (count, r, f) in rows.items():
            print(f"{label:>10} {r['wall']:12.2f} {r['wall'] / count * 1e6:8.0f} {r['rss_mb']:12.0f} "
                  f"{f['wall']:8.2f} {f['wall'] / count * 1e6:13.0f}")
        (c1, r1, f1), (c2, r2, f2) = rows.values()
        print(f"\ntime per file at {n:,} / at {small:,}: {r2['wall'] / c2 / (r1['wall'] / c1):.2f} "
              f"(linear within 10 %: <= 1.10; the floor's own: {f2['wall'] / c2 / (f1['wall'] / c1):.2f}); "
              f"peak RSS {r2['rss_mb']:.0f} MB (target < 300)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    ap.add_argument("--scaling", action="store_true",
                    help="only the scaling check: cold runs at 10,000 and at --n articles")
    args = ap.parse_args()
    # An installed package has its bytecode compiled (pip does it); an editable checkout may
    # not (PYTHONDONTWRITEBYTECODE), and recompiling the sources would count in every start.
    import compileall

    compileall.compile_dir(str(ROOT / "mdlint_news"), quiet=1)
    from mdlint_news import lexicon

    print(f"word lists: {lexicon.default_path()} (compiled once per machine, on first need)")
    if args.scaling:
        return scaling(args.n, repeat=args.repeat)

    tmp = Path(tempfile.mkdtemp(prefix="news-lint-bench-"))
    folder = args.keep or tmp / "articles"
    try:
        t = time.perf_counter()
        info = generate(folder, args.n)
        print(f"generated {args.n:,} articles from {info['templates']} templates in "
              f"{time.perf_counter() - t:.1f} s; defects: {info['defects']}")
        py = sys.executable
        floor_py = tmp / "floor.py"
        floor_py.write_text(FLOOR_SCRIPT)
        cmd = [py, "-m", "mdlint_news", "-q", "--statistics"]
        cache = tmp / "cache"
        one = sorted(folder.iterdir())[0]
        alone = tmp / "alone"
        alone.mkdir()
        shutil.copy(one, alone / one.name)
        timed(cmd + ["--cache-dir", str(cache), str(folder)])  # fill the cache
        # The commands are run in interleaved rounds and each ratio is taken within a round
        # (this machine's speed drifts by 2x over minutes: ratios of medians taken minutes
        # apart would mostly measure the drift).
        commands = {
            "floor (1 core)": [py, str(floor_py), str(folder)],
            "news-lint cold, all cores": cmd + ["--no-cache", str(folder)],
            "news-lint warm (cache)": cmd + ["--cache-dir", str(cache), str(folder)],
        }
        one_file = {
            "one file: import pydantic, yaml": [py, "-c", "import pydantic, yaml"],
            # the least a program with a Pydantic model does: import BaseModel, build a model
            # with one field, validate a value
            "one file: a one-field Pydantic model": [py, "-c", ONE_FIELD_MODEL],
            # the floor program on the one file: what any Pydantic-model check of one article
            # costs (`import pydantic` alone is lazy: it does not import BaseModel)
            "one file: floor program": [py, str(floor_py), str(alone)],
            "one file: news-lint": cmd + ["--no-cache", str(alone / one.name)],
            # what pre-commit does: one staged file, compared with its 10,000 neighbours (their
            # front matter indexed once into the cache, then reused while unchanged)
            "one file: in the folder (pre-commit)": cmd + ["--cache-dir", str(cache), str(one)],
        }
        timed(one_file["one file: in the folder (pre-commit)"])  # index the neighbours once
        runs: dict[str, list[dict]] = {name: [] for name in [*commands, *one_file]}
        for _ in range(args.repeat):
            for name, c in commands.items():
                runs[name].append(timed(c))
        for _ in range(max(5, args.repeat)):
            for name, c in one_file.items():
                runs[name].append(timed(c))
        runs["news-lint cold, 1 core"] = [timed(cmd + ["--no-cache", "--jobs", "1", str(folder)])]
        cj = shutil.which("check-jsonschema") or (
            str(Path(py).parent / "check-jsonschema") if (Path(py).parent / "check-jsonschema").exists() else None)
        if cj:
            fm = tmp / "frontmatter"
            fm.mkdir()
            for p in sorted(folder.iterdir()):
                text = p.read_text(encoding="utf-8")
                (fm / (p.stem + ".yaml")).write_text(text[4:text.find("\n---\n", 4) + 1], encoding="utf-8")
            files = [str(p) for p in sorted(fm.iterdir())]
            # in a round of its own: check-jsonschema, then news-lint cold again
            runs["check-jsonschema (fm only)"] = [timed(
                [cj, "--schemafile", str(ROOT / "schemas" / "tech_news_article.schema.json"), *files])]
            runs["news-lint cold, all cores"].append(timed(commands["news-lint cold, all cores"]))
        rows = {name: median_of(r) for name, r in runs.items()}

        print(f"\n{'measurement':38} {'wall s':>7} {'fastest':>8} {'cpu s':>7} {'ms/file':>8} "
              f"{'peak RSS MB':>12}   (wall: median of the runs)")
        for name, r in rows.items():
            per = r["wall"] / (1 if name.startswith("one file") else args.n) * 1000
            fastest = min(x["wall"] for x in runs[name])
            print(f"{name:38} {r['wall']:7.2f} {fastest:8.2f} {r['cpu']:7.2f} {per:8.3f} {r['rss_mb']:12.0f}")

        def ratio(num: str, den: str) -> str:
            """Median and range of num/den over the rounds that ran both."""
            rs = [a["wall"] / b["wall"] for a, b in zip(runs[num], runs[den])]
            return f"{statistics.median(rs):.2f} ({min(rs):.2f}-{max(rs):.2f}, {len(rs)} rounds)"

        imp = "one file: import pydantic, yaml"
        print("\nratios, each within a round:")
        for label, num, den, note in (
                ("cold, all cores / floor", "news-lint cold, all cores", "floor (1 core)", "target <= 1.0"),
                ("warm / cold", "news-lint warm (cache)", "news-lint cold, all cores", "target <= 0.25"),
                ("one file / import", "one file: news-lint", imp, "target <= 1.3"),
                ("one-field model / import", "one file: a one-field Pydantic model", imp,
                 "any program with a Pydantic model: the import target's floor"),
                ("floor program / import", "one file: floor program", imp, ""),
                ("one file / floor program", "one file: news-lint", "one file: floor program", "")):
            print(f"  {label:26} {ratio(num, den):28} {note}".rstrip())
        if cj:
            rs = runs["check-jsonschema (fm only)"][0]["wall"] / runs["news-lint cold, all cores"][-1]["wall"]
            print(f"  {'check-jsonschema / cold':26} {f'{rs:.1f}x (the run right after it)':28} target >= 15")
        else:
            print("  check-jsonschema: not installed (pip install check-jsonschema to compare)")
        print("\nper stage, one profiled run (in-process, one core, profiler overhead included):")
        for name, sec in stage_costs(folder).items():
            print(f"  {name:20} {sec * 1e6:8.0f} us/file")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # --keep keeps the articles, not this scratch folder
    return 0


if __name__ == "__main__":
    sys.exit(main())
