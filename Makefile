# gongkai — `make demo` runs the main job on the bundled replica portal; `make test` runs every test.
# Both set up what they need first: Debian packages (apt-get), a virtualenv, the package itself.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# antiword/catdoc read old .doc attachments; poppler-utils for checking PDFs by hand; chromium and a
# CJK font open the diff reports in the browser tests.
APT_PACKAGES := antiword catdoc poppler-utils chromium fonts-wqy-zenhei

.PHONY: demo test lint setup system-packages bench clean-data replica-site

demo: setup
	$(VENV)/bin/gongkai run --data ./data

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

setup: system-packages $(STAMP)

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Regenerates crawler/replica/site from the seeds (needs LibreOffice and a CJK font to render PDFs).
replica-site: setup
	$(SUDO) apt-get install -y -q libreoffice-writer-nogui fonts-wqy-zenhei
	$(PY) -m crawler.replica.build

# Parsing accuracy on every annual-report fixture (seeds, real PDFs, replica truth files), then the
# diff reports' speed and memory on a synthetic archive of 20,000 documents over 60 nights.
bench: setup
	$(PY) benchmarks/accuracy.py
	$(PY) benchmarks/diff_scale.py

clean-data:
	rm -rf ./data
