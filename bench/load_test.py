"""HTTP load test (issue 5, item 8): Locust against gunicorn on 127.0.0.1, on a database holding a data set.

`bench/run.py` runs it last, on the SF1 database the load wrote (`make bench`); alone:

    .venv/bin/python bench/load_test.py --database-url postgres://postgres@127.0.0.1:5432/duikou_bench_load

What it does:
1. prepares the database (not timed): a platform administrator `bench-load` with a random password, a write
   API token from `duikou api-token create`, the projects to read and to post against;
2. collects the static files into staticfiles/ (as a deployment does) and starts gunicorn (`--workers`,
   sync workers) on a free port of 127.0.0.1 with production settings (DEBUG off; HTTPS redirects and
   secure cookies off, as for plain HTTP on the loopback; the API rate limits raised out of the way —
   docs/security.md);
3. runs Locust headless (`bench/locustfile.py`): `--clients` clients, started at once, each in a closed loop
   without think time for `--seconds`: the overview dashboard, registry pages (projects, ledger, people,
   measurements, with filters and pages), API reads (a project, its ledger, a list page, the headline
   figures) and API writes (ledger postings, append-only), weighted 2 : 3 : 3 : 1;
4. stops gunicorn and checks the database: every posting Locust counted as a success is in the ledger,
   under the token, with its change-log row (a few more may be there: requests in flight when the run
   ended, which the server completed after Locust stopped counting).

It reports requests per second, errors (any non-2xx/3xx answer or connection failure; the goal is none) and
the median and 99th percentile per kind of request, as JSON with `--json`. The postings stay in the ledger
(it is append-only); run it on a database made for benchmarks.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's commands, next to the interpreter running us
USERNAME = "bench-load"
KINDS = ["dashboard", "list page", "API read", "API write"]
NOTE = "load test"


def log(message: str) -> None:
    print(f"[load_test] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(url: str, static_root: Path) -> dict:
    """Production settings for plain HTTP on the loopback, the rate limits out of the way."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "duikou.config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DUIKOU_API_RATE_USER": "1000000/min",
        "DUIKOU_API_RATE_ANON": "1000000/min",
        "DUIKOU_LOGIN_FAILURE_LIMIT": "1000",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections, as a deployment would set
    }


def prepare(url: str) -> dict:
    """The user, the token and the projects of the test (in this process, through Django)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from duikou.accounts.choices import Role
    from duikou.accounts.models import Membership
    from duikou.core.context import change_context
    from duikou.funds.services import first_open_day
    from duikou.projects.models import Project

    password = secrets.token_urlsafe(24)
    with change_context(source="command", note="bench/load_test.py"):
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.set_password(password)
        user.is_active = True
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"role": Role.PLATFORM_ADMIN, "organization": None}
        )
    created = subprocess.run(
        [
            str(BIN / "duikou"),
            "api-token",
            "create",
            USERNAME,
            "--scope",
            "write",
            "--days",
            "1",
            "--name",
            NOTE,
        ],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    token = next(line for line in created.stdout.split() if re.fullmatch(r"[0-9a-f]{8}\.\S+", line))
    project_ids = list(Project.objects.order_by("?").values_list("pk", flat=True)[:500])
    today = datetime.date.today()
    posting_projects = list(Project.objects.order_by("pk").values("pk", "programme_id", "supporter_id")[:8])
    value_date = max(first_open_day(p["programme_id"], p["supporter_id"], today) for p in posting_projects)
    list_paths = [
        "/projects/",
        "/projects/?plan_year=2024",
        "/projects/?page=20",
        "/projects/?q=学校",
        "/ledger/",
        "/ledger/?fiscal_year=2023&kind=arrived",
        "/people/",
        "/outcomes/",
    ]
    return {
        "username": USERNAME,
        "password": password,
        "token": token,
        "token_prefix": token.split(".")[0],
        "project_ids": project_ids,
        "posting_project_ids": [p["pk"] for p in posting_projects],
        "value_date": value_date.isoformat(),
        "note": NOTE,
        "list_paths": list_paths,
    }


def collect_static(env: dict) -> None:
    subprocess.run(
        [str(BIN / "duikou"), "collectstatic", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT
    )


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "duikou.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def run_locust(port: int, clients: int, seconds: int, config_path: Path, csv_prefix: Path) -> int:
    completed = subprocess.run(
        [
            str(BIN / "locust"),
            "--locustfile",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(clients),
            "--spawn-rate",
            str(clients),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env={**os.environ, "DUIKOU_LOAD_TEST_CONFIG": str(config_path)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):  # 1: some requests failed, which the figures report
        raise SystemExit(f"locust failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
    return completed.returncode


def read_stats(csv_prefix: Path) -> dict:
    """Locust's `<prefix>_stats.csv` by request kind (and "all"), and its failures."""
    kinds = {}
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            name = "all" if row["Name"] == "Aggregated" else row["Name"]
            kinds[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "requests_per_second": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
            }
    failures = []
    with open(f"{csv_prefix}_failures.csv", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            failures.append({"kind": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])})
    return {"kinds": kinds, "failures": failures}


def check_postings(config: dict, posted: int) -> dict:
    """Every posting Locust saw succeed is in the ledger under the token, each with its change-log row."""
    from django.contrib.contenttypes.models import ContentType

    from duikou.core.models import ObjectChange
    from duikou.funds.models import LedgerEntry

    content_type = ContentType.objects.get_for_model(LedgerEntry)
    logged = ObjectChange.objects.filter(
        changed_object_type=content_type, api_token_prefix=config["token_prefix"], action="create"
    )
    entries = LedgerEntry.objects.filter(pk__in=logged.values("changed_object_id"), note=NOTE)
    return {
        "postings_answered_201": posted,
        "postings_in_ledger": entries.count(),
        "change_rows": logged.count(),
    }


def measure(url: str, *, seconds: int, clients: int, workers: int) -> dict:
    config = prepare(url)
    work = Path(tempfile.mkdtemp(prefix="duikou-load-"))
    try:
        config_path = work / "config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        # The deployment's STATIC_ROOT (staticfiles/, not committed): a later run copies only what changed.
        env = server_environment(url, ROOT / "staticfiles")
        log("collecting static files (not timed)")
        collect_static(env)
        port = free_port()
        log(f"starting gunicorn on 127.0.0.1:{port}, {workers} sync workers")
        server = start_gunicorn(env, port, workers)
        try:
            log(f"Locust: {clients} clients for {seconds} s")
            run_locust(port, clients, seconds, config_path, work / "locust")
        finally:
            server.terminate()
            server.wait(timeout=30)
        stats = read_stats(work / "locust")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    posted = stats["kinds"].get("API write", {"requests": 0, "failures": 0})
    check = check_postings(config, posted["requests"] - posted["failures"])
    errors = stats["kinds"]["all"]["failures"]
    from importlib.metadata import version

    result = {
        "locust_version": version("locust"),
        "seconds": seconds,
        "clients": clients,
        "gunicorn_workers": workers,
        "cpus": os.cpu_count(),
        "requests": stats["kinds"]["all"]["requests"],
        "requests_per_second": stats["kinds"]["all"]["requests_per_second"],
        "errors": errors,
        "kinds": {kind: stats["kinds"][kind] for kind in ["all", *KINDS, "log-in"] if kind in stats["kinds"]},
        "failures": stats["failures"],
        "postings": check,
        # A posting answered 201 is in the ledger; one more may be there whose answer the client dropped when
        # the run ended (Locust stops its clients mid-request), never fewer.
        "nothing_lost": check["postings_in_ledger"] == check["change_rows"] >= check["postings_answered_201"],
    }
    log(
        f"{result['requests']:,} requests, {result['requests_per_second']} req/s, {errors} errors; "
        f"postings {check['postings_answered_201']} answered, {check['postings_in_ledger']} in the ledger"
    )
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database holding a data set")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--runs", type=int, help="accepted for bench/run.py's time_pages; unused")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    args = parser.parse_args(argv)
    results = measure(args.database_url, seconds=args.seconds, clients=args.clients, workers=args.workers)
    print(json.dumps(results, ensure_ascii=False, sort_keys=True, indent=None if args.json else 2))


if __name__ == "__main__":
    main()


# -- docs/performance.md ----------------------------------------------------------------------------------
LOAD_TEST_DOC_START = "<!-- bench:load-test:start -->"
LOAD_TEST_DOC_END = "<!-- bench:load-test:end -->"
LOAD_TEST_SECTION = """{start}
## HTTP load test: gunicorn under {clients} concurrent clients / 并发负载测试

Measured by `{command}` on {date} at commit {commit}; `bench/load_test.py` on the database the load above
wrote (alone: `.venv/bin/python bench/load_test.py --database-url postgres://…`). [Locust]({locust_url})
{locust_version}, headless, drives gunicorn ({workers} sync workers, production settings: DEBUG off, static
files collected, persistent database connections; on plain HTTP the HTTPS redirect and secure cookies are off,
and the API rate limits are raised out of the way) on 127.0.0.1, on the same {cpus} cores as Locust and
PostgreSQL. {clients} clients start at once, each signs in through the log-in page (a session, CSRF) and holds
a write API token, then loops **without think time** for {seconds} s — a closed loop that keeps the server
saturated, so the latencies include queueing behind the other clients — over: the overview dashboard (one
year, all years), registry pages (projects, ledger, people, measurements; filters, a search, a deep page),
API reads (a project, its ledger, a list page of 50, the headline figures) and API writes (ledger postings,
append-only), weighted 2 : 3 : 3 : 1.

| request | requests | per second | errors | p50 ms | p99 ms | max ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{rows}

**Goal** (issue 5, item 8): zero errors: {verdict}. Postings: {postings[postings_answered_201]} answered
201, {postings[postings_in_ledger]} in the ledger under the test's token, each with its change-log row
({lost_verdict}; a posting in flight when the run ended is in the ledger without Locust having counted its
answer). The log-in rows are the {clients} sign-ins at the start: Argon2id password hashing (docs/security.md)
takes its time on purpose, and {clients} of them at once queue on {cpus} cores.{load_average}
{end}"""


def render_load_test_section(results: dict) -> str:
    """The load test's section of docs/performance.md, markers included."""
    load = results["benchmarks"]["load_test"]
    labels = {
        "dashboard": "dashboard (overview)",
        "list page": "list pages",
        "API read": "API reads",
        "API write": "API writes (ledger postings)",
        "log-in": "log-in (once per client)",
        "all": "**all**",
    }
    rows = []
    for kind in [*KINDS, "log-in", "all"]:
        figures = load["kinds"].get(kind)
        if figures is None:
            continue
        rows.append(
            f"| {labels[kind]} | {figures['requests']:,} | {figures['requests_per_second']} | "
            f"{figures['failures']} | {figures['p50_ms']:.0f} | {figures['p99_ms']:.0f} | "
            f"{figures['max_ms']:.0f} |"
        )
    return LOAD_TEST_SECTION.format(
        start=LOAD_TEST_DOC_START,
        end=LOAD_TEST_DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`",
        locust_url="https://locust.io/",
        locust_version=load.get("locust_version", ""),
        workers=load["gunicorn_workers"],
        cpus=load["cpus"],
        clients=load["clients"],
        seconds=load["seconds"],
        rows="\n".join(rows),
        verdict="**met** (0 errors)" if load["errors"] == 0 else f"**missed** ({load['errors']} errors)",
        postings=load["postings"],
        lost_verdict="nothing lost" if load["nothing_lost"] else "**postings missing**",
        load_average=(
            f" Load average {load['load_average_at_start']} at the start,"
            f" {load['load_average_after']} at the end."
            if "load_average_at_start" in load
            else ""
        ),
    )
