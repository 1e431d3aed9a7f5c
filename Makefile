# Two commands on a fresh machine: `make run` (the app; demo mode without keys)
# and `make test` (the whole suite). Both set up what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# qasync must bind to PySide6 whatever else is installed.
export QT_API := pyside6

.PHONY: run test test-live lint fix bench screenshots package dist deb deb-test nsis-check release-dry-run smoke-frozen sandbox system-deps system-deps-test system-deps-build clean

run: system-deps $(VENV)/.app
	$(BIN)/aurora-desktop $(ARGS)

test: system-deps-test $(VENV)/.test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The contract against the real Creatify API (not part of `make test`): needs AURORA_API_ID and
# AURORA_API_KEY, and AURORA_LIVE_SPEND=1 to make one real one-second video. Records what it saw
# (never the keys) in tests/live/recorded/.
test-live: system-deps-test $(VENV)/.test
	@if [ -z "$$AURORA_API_ID" ] || [ -z "$$AURORA_API_KEY" ]; then \
		echo "make test-live: skipped, set AURORA_API_ID and AURORA_API_KEY (and AURORA_LIVE_SPEND=1 to spend)"; \
	else QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -p no:cacheprovider -o addopts="-ra" tests/live; fi

# Lint and types (ruff, mypy; settings in pyproject.toml). CI runs it before the tests.
lint: system-deps-test $(VENV)/.test
	$(BIN)/ruff check aurora_desktop tests build
	$(BIN)/ruff format --check aurora_desktop tests build
	$(BIN)/mypy
	@# The GitHub workflows, and with shellcheck (build/install-system-deps.sh --test) their run: blocks.
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/actionlint .github/workflows/ci.yml .github/workflows/release.yml
	@echo "actionlint: both workflows clean"

# What ruff can mend by itself (import order, formatting).
fix: $(VENV)/.test
	$(BIN)/ruff check --fix aurora_desktop tests build
	$(BIN)/ruff format aurora_desktop tests build

# Benchmarks print figures (ratios against a baseline measured in the same run); the runner
# writes what they printed into the README's benchmark block. The size figures need the frozen build.
bench: system-deps-test $(VENV)/.test package
	$(BIN)/python tests/benchmarks/run_all.py $(ARGS)

# The main states of the real window under a virtual screen, as PNGs in screenshots/.
screenshots: system-deps-test $(VENV)/.test
	xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'openbox & AURORA_THEME=light $(BIN)/python build/screenshots.py screenshots/light'  # with a window manager, as people have
	xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'openbox & AURORA_THEME=dark $(BIN)/python build/screenshots.py screenshots/dark'

# The frozen app: dist/aurora-desktop/ (onedir), then its headless smoke test.
VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' aurora_desktop/__init__.py)
package: system-deps-build $(VENV)/.build
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller aurora.spec
	@du -sh dist/aurora-desktop

smoke-frozen: package $(VENV)/.test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -p no:cacheprovider tests/e2e/test_frozen_app.py

# A tarball for Linux users: the onedir build, a .desktop entry and the icon (build/release.py's step).
dist: package
	$(BIN)/python build/release.py --steps tarball

# Linux packages and installers from the onedir build that `make package` made (not rebuilt here).
# The .deb: /opt/aurora-desktop, /usr/bin launcher, .desktop, hicolor icons, AppStream metainfo.
deb: $(VENV)/.app
	$(BIN)/python build/release.py --steps deb

# The .deb as a user gets it (as root): apt-get install, installed smoke test, validators, purge.
deb-test: deb
	sh build/linux/deb-test.sh dist/aurora-desktop_$(VERSION)_$(shell dpkg --print-architecture).deb

# The Windows installer script compiled with Debian's makensis on a stand-in payload.
nsis-check: $(VENV)/.test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -p no:cacheprovider tests/e2e/test_nsis_installer.py

# Every step of every OS's release, printed (build/release.py; docs/release.md).
release-dry-run: $(VENV)/.app
	$(BIN)/python build/release.py --dry-run --os all

sandbox: system-deps $(VENV)/.app
	$(BIN)/python -m aurora_desktop.sandbox --port 8765 $(ARGS)

system-deps:
	sh build/install-system-deps.sh

system-deps-test:
	sh build/install-system-deps.sh --test

system-deps-build:
	sh build/install-system-deps.sh --build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.app

$(VENV)/.build: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[build]'
	touch $@ $(VENV)/.app

clean:
	rm -rf $(VENV) build/__pycache__ build/pyinstaller .pytest_cache dist
