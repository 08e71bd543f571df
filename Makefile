# Duikou (对口) — the everyday commands. `make` alone lists them.
#
# Everything runs in the virtual environment .venv, created with the machine's
# python3.11 when missing. Packages are (re)installed only when pyproject.toml
# is newer than the stamp file .venv/.installed.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_SCALE ?= 1
DEMO_ADDRESS ?= 127.0.0.1:8000
PYTEST_ARGS ?=
LINT_PATHS := src tools bench

.DEFAULT_GOAL := help
.PHONY: help install demo test bench lint clean

help:
	@echo "Duikou (对口) — 常用命令 / commands"
	@echo ""
	@echo "  make install   创建 .venv 并安装依赖"
	@echo "                 create .venv and install the packages"
	@echo "  make demo      安装、建库、加载参考数据和演示数据集、创建演示账号，在 http://$(DEMO_ADDRESS) 启动"
	@echo "                 install, migrate, load reference data and the demo data set, create demo log-ins, serve"
	@echo "                 DEMO_SCALE=$(DEMO_SCALE)；默认 SQLite / SQLite unless DATABASE_URL is set"
	@echo "  make test      运行全部测试；设置 DATABASE_URL 时在 PostgreSQL 上运行"
	@echo "                 run the whole test suite; on PostgreSQL when DATABASE_URL points to one"
	@echo "                 PYTEST_ARGS='-x -k ledger' 传给 pytest / passed to pytest"
	@echo "  make bench     运行性能基准（写入 bench/results/latest.json）"
	@echo "                 run the benchmarks (writes bench/results/latest.json)"
	@echo "  make lint      代码检查：ruff check 与 ruff format --check（只报告，不改文件）"
	@echo "                 lint: ruff check and ruff format --check (report only, changes nothing)"
	@echo "  make clean     删除 .venv、SQLite 数据库和 staticfiles"
	@echo "                 remove .venv, the SQLite database and staticfiles"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e ".[dev]"
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/duikou migrate
	$(BIN)/duikou load-reference
	$(BIN)/duikou generate --scale $(DEMO_SCALE) --seed 1
	$(BIN)/duikou demo-accounts
	@echo ""
	@echo "Duikou: http://$(DEMO_ADDRESS)/admin/  (Ctrl-C 停止 / to stop)"
	$(BIN)/duikou runserver $(DEMO_ADDRESS) --noreload

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

# Runs both checks and fails if either reports something; never rewrites files.
lint: install
	@status=0; \
	$(BIN)/ruff check $(LINT_PATHS) || status=1; \
	$(BIN)/ruff format --check $(LINT_PATHS) || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) duikou.sqlite3* staticfiles
