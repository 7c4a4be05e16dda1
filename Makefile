# Two commands: `make demo` and `make test`. Each creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.news-lint-installed

.PHONY: demo test install schemas readme clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Lint the bundled examples, then show the diff --fix would make (nothing is written).
demo: $(STAMP)
	@echo '$$ news-lint examples/content'
	@$(BIN)/news-lint examples/content || true
	@echo
	@echo '$$ news-lint --diff examples/content'
	@$(BIN)/news-lint --diff examples/content || true

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate the committed JSON Schemas and the README's rule list (tests fail when stale).
schemas: $(STAMP)
	$(BIN)/python -m mdlint_news.docgen schemas

readme: $(STAMP)
	$(BIN)/python -m mdlint_news.docgen readme

clean:
	rm -rf $(VENV) .pytest_cache .news-lint-cache
