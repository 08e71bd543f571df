# Duikou (对口) — the everyday commands. `make` alone lists them.
#
# Everything runs in the virtual environment .venv, created with the machine's
# python3.11 when missing. Packages are (re)installed only when pyproject.toml
# is newer than the stamp file .venv/.installed. The front-end assets (Tabler,
# ECharts) are installed from frontend/package-lock.json with `npm ci` and copied
# into src/duikou/static/vendor/, again only when the lock file is newer than the
# stamp file there (see frontend/README.md).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_SCALE ?= 1
DEMO_ADDRESS ?= 127.0.0.1:8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
LINT_PATHS := src tools bench
VENDOR := src/duikou/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed
SCREENSHOTS_URL ?= http://$(DEMO_ADDRESS)

.DEFAULT_GOAL := help
.PHONY: help install frontend demo test bench lint screenshots clean

help:
	@echo "Duikou (对口) — 常用命令 / commands"
	@echo ""
	@echo "  make install   创建 .venv 并安装依赖，包括前端资源（需要 npm）"
	@echo "                 create .venv and install the packages, front-end assets included (needs npm)"
	@echo "  make frontend  用 npm ci 安装 Tabler 和 ECharts 并复制到 $(VENDOR)/"
	@echo "                 install Tabler and ECharts with npm ci and copy them into $(VENDOR)/"
	@echo "  make demo      安装、建库、加载参考数据和演示数据集、创建演示账号，在 http://$(DEMO_ADDRESS) 启动（含后台任务进程）"
	@echo "                 install, migrate, load reference data and the demo data set, create demo log-ins, serve"
	@echo "                 (with the background worker for large imports and exports)"
	@echo "                 DEMO_SCALE=$(DEMO_SCALE)；默认 SQLite / SQLite unless DATABASE_URL is set"
	@echo "  make test      运行全部测试；设置 DATABASE_URL 时在 PostgreSQL 上运行"
	@echo "                 run the whole test suite; on PostgreSQL when DATABASE_URL points to one"
	@echo "                 PYTEST_ARGS='-x -k ledger' 传给 pytest / passed to pytest"
	@echo "  make bench     运行性能基准：SF1 加载、概览页与手写 SQL 对比（写入 bench/results/latest.json）"
	@echo "                 run the benchmarks: SF1 load, dashboard pages against hand-written SQL"
	@echo "                 (writes bench/results/latest.json); BENCH_ARGS='--repeat 3' 传给 / passed to bench/run.py"
	@echo "  make lint      代码检查：ruff check 与 ruff format --check（只报告，不改文件）"
	@echo "                 lint: ruff check and ruff format --check (report only, changes nothing)"
	@echo "  make screenshots  对运行中的 make demo 截图，保存到 docs/screenshots/（需要 chromium）"
	@echo "                 screenshots of a running make demo ($(SCREENSHOTS_URL)) into docs/screenshots/"
	@echo "  make clean     删除 .venv、SQLite 数据库、staticfiles 和前端资源"
	@echo "                 remove .venv, the SQLite database, staticfiles and the front-end assets"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e ".[dev]"
	touch $@

install: $(STAMP) frontend

frontend: $(VENDOR_STAMP)

# npm ci installs exactly the lock file into frontend/node_modules; copy-assets.mjs empties
# $(VENDOR) and copies the files the templates use (never committed, never from a CDN).
$(VENDOR_STAMP): frontend/package-lock.json frontend/package.json frontend/copy-assets.mjs
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js >= 18 and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund && node copy-assets.mjs
	touch $@

demo: install
	$(BIN)/duikou migrate
	$(BIN)/duikou load-reference
	$(BIN)/duikou generate --scale $(DEMO_SCALE) --seed 1
	$(BIN)/duikou demo-accounts --address $(DEMO_ADDRESS)
	@echo ""
	@# A port alone means 127.0.0.1, as for runserver.
	@case "$(DEMO_ADDRESS)" in *:*) address="$(DEMO_ADDRESS)";; *) address="127.0.0.1:$(DEMO_ADDRESS)";; esac; \
	echo "Duikou: http://$$address/  (Ctrl-C 停止 / to stop)"
	@# The background worker (large imports and exports, docs/guide/imports.md) runs beside the server in
	@# the same shell and is stopped with it, however the server ends.
	@$(BIN)/duikou db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/duikou runserver $(DEMO_ADDRESS) --noreload

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# BENCH_ARGS="--repeat 3" or "--scale 0.1 --dashboard-runs 5": passed to bench/run.py (see bench/README.md).
# The benchmarks' own tools (Locust for the HTTP load test) are the `bench` extra, installed here only.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -e ".[dev,bench]"
	touch $@

bench: install $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Against a server started with `make demo` in another terminal; see docs/screenshots/README.md.
screenshots: install
	$(BIN)/python tools/screenshots.py --url $(SCREENSHOTS_URL)

# Runs both checks and fails if either reports something; never rewrites files.
lint: install
	@status=0; \
	$(BIN)/ruff check $(LINT_PATHS) || status=1; \
	$(BIN)/ruff format --check $(LINT_PATHS) || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) duikou.sqlite3* staticfiles frontend/node_modules $(VENDOR)
