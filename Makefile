# Two commands: `make demo` and `make test` (`make sdist-test`: the suite from the sdist). Each creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.news-lint-installed

.PHONY: demo test install schemas readme clean bench bench-scaling fuzz sdist-test

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Lint the bundled examples (counts per rule, then every problem of one article), then show
# the diff --fix would make on all of them (nothing is written).
DEMO_ONE := examples/content/2025-12-06-openai-has-trained-its-llm-to-confess-to-bad-behav.md
demo: $(STAMP)
	@echo '$$ news-lint --statistics examples/content'
	@$(BIN)/news-lint --statistics examples/content || true
	@echo
	@echo '$$ news-lint --output-format full $(DEMO_ONE)'
	@$(BIN)/news-lint --output-format full $(DEMO_ONE) || true
	@echo '$$ news-lint --diff examples/content'
	@$(BIN)/news-lint --diff examples/content || true

test: $(STAMP)
	$(BIN)/python -m pytest

# The whole test suite from the unpacked sdist, with the sdist installed (and its test extra) in
# a fresh venv: what a packager gets. pre-commit installs hooks only from a git repository, so the
# unpacked tree is made one (the pre-commit tests try the hooks from it). ../shared is absent
# there: the corpus tests skip. `make test` checks the packaging quickly (tests/test_packaging.py).
SDIST_DIR := build/sdist-test
sdist-test: $(STAMP)
	rm -rf $(SDIST_DIR) && mkdir -p $(SDIST_DIR)
	$(BIN)/python -m build --sdist --outdir $(SDIST_DIR) .
	tar -xzf $(SDIST_DIR)/mdlint_news-*.tar.gz -C $(SDIST_DIR)
	$(PYTHON) -m venv $(SDIST_DIR)/venv
	$(SDIST_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check \
	  "$$(ls $(SDIST_DIR)/mdlint_news-*.tar.gz)[test]"
	cd $(SDIST_DIR)/mdlint_news-*/ && git init -q && git add -A \
	  && git -c user.name=sdist -c user.email=sdist@localhost commit -q -m sdist \
	  && ../venv/bin/pytest -p no:cacheprovider

# Speed and scale (prints a table) and the encoding benchmark; `make bench-scaling` times
# 10,000 against 100,000 articles and reports peak memory (about 400 MB of files, a few minutes).
N ?= 10000
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check check-jsonschema
	$(BIN)/python benchmarks/bench.py --n $(N)
	$(BIN)/python benchmarks/encoding_bench.py

bench-scaling: $(STAMP)
	$(BIN)/python benchmarks/bench.py --n 100000 --scaling

# Long fuzzing run (FUZZ_SECONDS, default 300; FUZZ_TARGET=all|text|unsafe|bytes|linear): the
# property checks of tests/test_properties.py on random examples (arbitrary bytes, YAML, Markdown,
# mutations of real articles), failures shrunk and printed; reports the examples tried. `linear`:
# random articles grown to 0.25 and 1 MB cost about as much per MB at both sizes, in time and
# in memory (the ratio check of benchmarks/linearity_bench.py, on random inputs).
# Hypothesis-based, not atheris: both were tried here; atheris ran ~10 examples/s (its
# instrumentation slows every call, and byte mutations rarely make YAML that parses) and found
# nothing in 60 s, while the structured hypothesis generators run 15-40 examples/s and found
# every bug listed in tests/test_properties.py within minutes.
FUZZ_SECONDS ?= 300
FUZZ_TARGET ?= all
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py --seconds $(FUZZ_SECONDS) --target $(FUZZ_TARGET)

# Regenerate the committed JSON Schemas and the README's rule list (tests fail when stale).
schemas: $(STAMP)
	$(BIN)/python -m mdlint_news.docgen schemas

readme: $(STAMP)
	$(BIN)/python -m mdlint_news.docgen readme

clean:
	rm -rf $(VENV) .pytest_cache .news-lint-cache
