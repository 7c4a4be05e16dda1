# Two commands: `make demo` and `make test`. Each creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.news-lint-installed

.PHONY: demo test install schemas readme clean bench

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

# Speed and scale (prints a table; N=100000 for the scaling check) and the encoding benchmark.
N ?= 10000
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check check-jsonschema
	$(BIN)/python benchmarks/bench.py --n $(N)
	$(BIN)/python benchmarks/encoding_bench.py

# Regenerate the committed JSON Schemas and the README's rule list (tests fail when stale).
schemas: $(STAMP)
	$(BIN)/python -m mdlint_news.docgen schemas

readme: $(STAMP)
	$(BIN)/python -m mdlint_news.docgen readme

clean:
	rm -rf $(VENV) .pytest_cache .news-lint-cache
