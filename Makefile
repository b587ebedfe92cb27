# crmlab — the two commands people need are `make lab` and `make test`.
# Both work on a fresh machine with nothing but python3: they create .venv,
# install crmlab and its dependencies into it, then do their job.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS ?= test,instructor,browser,hub
PORT   ?= 8888
JOBS   ?= 2
# Workers of the browser run (a third only added load on two cores).
BROWSER_JOBS ?= 2
# Deterministic outputs: no hash randomisation.
export PYTHONHASHSEED := 0

# The Chinese edition (zh/) is generated from the English notebooks and the catalogues in locale/ (make editions).
NOTEBOOKS := $(wildcard notebooks/*.ipynb) $(wildcard cases/*.ipynb) $(wildcard zh/notebooks/*.ipynb) $(wildcard zh/cases/*.ipynb)
# make lab EDITION=zh opens the Chinese edition (not LANG: that is the locale's).
EDITION ?= en
EDITIONS := en zh
START_en := notebooks/00_start_here.ipynb
START_zh := zh/notebooks/00_start_here.ipynb
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

.PHONY: help install proxy lab test unit nbval notebooks datasets bench clean browser-test book editions

help:
	@echo "make lab        open the workbook in JupyterLab (prints the URL); make lab EDITION=zh opens the Chinese edition"
	@echo "make test       run every test: unit tests, doctests, the notebooks (nbval) and, with Chromium, the browser tests"
	@echo "make notebooks  re-execute every notebook in place (after changing crmlab)"
	@echo "make editions   re-extract the translation catalogues, rebuild zh/ from them and compile crmlab.mo"
	@echo "make datasets   rebuild datasets/*.csv from the seeded generator"
	@echo "make bench      run the benchmark scripts"
	@echo "make browser-test  drive every widget in Chromium (JupyterLab, Voila) and check the HTML book"
	@echo "make book       publish the notebooks and cases (stored outputs) as a Jupyter Book in build/ (own venv: .bookvenv)"
	@echo "make proxy      install configurable-http-proxy (npm) into node_modules/ for the local hub test"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)

# JupyterHub's proxy, from the npm registry at the version package-lock.json pins, into node_modules/
# (for tests/hub/). Without node/npm, or when the registry cannot be reached, the hub test is skipped
# and says why; nothing else depends on it.
PROXY_STAMP := node_modules/.installed-stamp
$(PROXY_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@ \
			|| echo "warning: npm ci failed; the hub test will be skipped"; \
	else echo "warning: npm not found; the hub test will be skipped"; fi

proxy: $(PROXY_STAMP)

lab: $(STAMP)
	@$(if $(filter $(EDITION),$(EDITIONS)),true,echo "EDITION must be one of: $(EDITIONS); got '$(EDITION)'" >&2; exit 2)
	@echo "Starting JupyterLab on http://127.0.0.1:$(PORT)/lab — open the URL printed below (with its token)."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) \
		--ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/$(START_$(EDITION))

# The unit tests, doctests and every notebook (nbval) first, then the browser tests (JupyterLab, Voila and the
# book in Chromium; without Chromium they are skipped and `-rs` says why) in a pytest of their own: Playwright
# keeps an event loop running in its workers, which the planners' unit tests must not see. Each run spreads
# its tests over JOBS workers a unit at a time (a file; in the browser tests a notebook or a Voila app; see
# conftest.py), slowest first. The two runs do not overlap: on two cores both are CPU-bound, so running them
# together took longer (12 min 42 s against 11 min 49 s) and starved tests that have time limits.
test: $(STAMP) $(PROXY_STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope -rs --durations=10 --ignore=tests/browser tests crmlab \
		$(NOTEBOOKS) $(NBVAL)
	$(BIN)/python -m pytest -n $(BROWSER_JOBS) --dist loadscope -rs --durations=10 tests/browser

unit: $(STAMP) $(PROXY_STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope -rs --ignore=tests/browser tests crmlab

nbval: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope $(NOTEBOOKS) $(NBVAL)

notebooks: $(STAMP)
	$(BIN)/python -m crmlab.execute $(NOTEBOOKS)

# After editing English prose: `make editions`, translate what `python -m crmlab.editions check` lists (in
# locale/zh/ and crmlab/locale/zh/), `make editions` again, then `make notebooks`.
editions: $(STAMP)
	$(BIN)/python -m crmlab.editions update
	$(BIN)/python -m crmlab.editions build
	$(BIN)/python -m crmlab.editions compile

datasets: $(STAMP)
	$(BIN)/python datasets/generate.py

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

BOOK ?= build

browser-test: $(STAMP) $(PROXY_STAMP)
	$(BIN)/python -m pytest -n $(BROWSER_JOBS) --dist loadscope -rs tests/browser

# Jupyter Book 1.x pins Sphinx 7 and docutils 0.21, older than what the test tools may bring, so the
# book gets its own venv; MathJax 3 comes from npm (crmlab/book/package.json) into the site's _static.
BOOK_VENV  ?= .bookvenv
BOOK_STAMP := $(BOOK_VENV)/.installed-stamp

$(BOOK_STAMP): pyproject.toml crmlab/book/package.json crmlab/book/package-lock.json
	$(PYTHON) -m venv $(BOOK_VENV)
	$(BOOK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BOOK_VENV)/bin/python -m pip install --quiet -e ".[book,instructor]"
	npm ci --no-audit --no-fund --prefix crmlab/book
	@touch $(BOOK_STAMP)

book: $(BOOK_STAMP)
	$(BOOK_VENV)/bin/crmlab run --out $(BOOK)

clean:
	rm -rf $(VENV) build test-artifacts .pytest_cache node_modules
