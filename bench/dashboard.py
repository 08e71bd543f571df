"""The dashboard benchmark: server time of the overview (and a supporter and a county page) against a
hand-written SQL aggregate of the same figures, measured in the same run (issue 3, item 6).

**Ours.** Django's test client requests the page as a signed-in superuser — middleware, session, the
view's queries and the template, everything but the network — with persistent database connections
(`DATABASE_CONN_MAX_AGE`), as a production server keeps them. Two requests warm up, then `--runs` timed
requests; the number of queries is counted on one more, untimed request.

**The baseline.** `baseline_statements()` below: the figures the page shows (the headline cards and the
data of every chart: funds by kind; projects by status; 开工率 and 完工率; 民生 / 基层 / 南疆 sums; people in
post and 人次 by kind; outcome sums; Σ 援助资金 by supporter, category, zone, county and by year × category;
planned and arrived by supporter), written by hand as a few grouped statements (GROUPING SETS, FILTER)
straight over the base tables — no rollups — and run through one persistent psycopg connection. The page
does more (names, links, targets, the template); the baseline only aggregates. Its results are checked
equal to the page's figures before anything is timed.

Page and baseline requests alternate, so both see the same machine. The ratio is p50 ÷ p50.

Usage (also run by bench/run.py after its load, on the loaded database):
    .venv/bin/python bench/dashboard.py --database-url postgres://postgres@127.0.0.1:5432/duikou_speed
        [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOSED = ("cancelled", "adjusted")
GOAL_MS = 100  # issue 3: "p50 ≤ 100 ms"
GOAL_RATIO = 2  # "... and no more than 2× the time of the hand-written SQL aggregate"
SUPPORTER_KINDS = ("supporting_province", "supporting_city", "central_soe", "central_ministry")
COUNTY_CODE = "653125"  # 莎车县: the county with the most 援助资金 in the data set


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# -- the hand-written SQL -----------------------------------------------------------------------------------
def baseline_statements(scope) -> list[tuple[str, str, dict]]:
    """(name, SQL, parameters) computing every figure of the page for `scope`, from the base tables."""
    from duikou.projects.choices import GRASSROOTS_LEVELS

    params = {
        "programme": scope.programme.pk,
        "as_of": scope.as_of,
        "people_date": scope.people_date,
        "supporter": scope.supporter.pk if scope.supporter else None,
        "division": scope.division.pk if scope.division else None,
        "first": scope.first_year,
        "last": scope.last_year,
        "first_day": datetime.date(scope.first_year, 1, 1) if scope.first_year else None,
        "last_day": datetime.date(scope.last_year, 12, 31) if scope.last_year else None,
        "closed": list(CLOSED),
        "grassroots": list(GRASSROOTS_LEVELS),
        "supporter_kinds": list(SUPPORTER_KINDS),
    }
    ctes = []
    if scope.supporter is not None:
        ctes.append(
            "family(id) AS (SELECT %(supporter)s::bigint UNION SELECT o.id FROM parties_organization o "
            "JOIN family f ON o.parent_id = f.id WHERE o.kind = ANY(%(supporter_kinds)s))"
        )
    if scope.division is not None:
        ctes.append(
            "area(id) AS (SELECT %(division)s::bigint UNION "
            "SELECT d.id FROM geo_division d JOIN area a ON d.parent_id = a.id)"
        )
    with_clause = ("WITH RECURSIVE " + ", ".join(ctes) + " ") if ctes else ""

    def scoped(alias: str, supporter="supporter_id", division="division_id") -> str:
        conditions = []
        if scope.supporter is not None:
            conditions.append(f"{alias}.{supporter} IN (SELECT id FROM family)")
        if scope.division is not None:
            conditions.append(f"{alias}.{division} IN (SELECT id FROM area)")
        return "".join(f" AND {condition}" for condition in conditions)

    def years(column: str) -> str:
        """The scope's years on a year column."""
        conditions = []
        if scope.first_year is not None:
            conditions.append(f"{column} >= %(first)s")
        if scope.last_year is not None:
            conditions.append(f"{column} <= %(last)s")
        return "".join(f" AND {condition}" for condition in conditions)

    def days(column: str) -> str:
        """The scope's years on a date column, as a range (no per-row EXTRACT, an index could serve it)."""
        conditions = []
        if scope.first_year is not None:
            conditions.append(f"{column} >= %(first_day)s")
        if scope.last_year is not None:
            conditions.append(f"{column} <= %(last_day)s")
        return "".join(f" AND {condition}" for condition in conditions)

    all_years = scope.first_year is None and scope.last_year is None
    statements = [
        (
            "ledger by supporter and kind",
            f"{with_clause}SELECT e.supporter_id, e.kind, SUM(e.amount) FROM funds_ledgerentry e "
            f"WHERE e.programme_id = %(programme)s{years('e.fiscal_year')} AND e.value_date <= %(as_of)s"
            f"{scoped('e')} GROUP BY e.supporter_id, e.kind",
        )
    ]
    active = "p.status <> ALL(%(closed)s)"
    project_sums = (
        f"COUNT(*) AS projects, COUNT(*) FILTER (WHERE {active}) AS active, "
        f"SUM(p.aid_amount) FILTER (WHERE {active}) AS aid, "
        f"SUM(p.aid_amount) FILTER (WHERE {active} AND c.counts_as_livelihood) AS livelihood, "
        f"SUM(p.aid_amount) FILTER (WHERE {active} AND p.implementation_level = ANY(%(grassroots)s))"
        f" AS grassroots, SUM(p.aid_amount) FILTER (WHERE {active} AND d.zone = 'south') AS south, "
        f"COUNT(*) FILTER (WHERE {active} AND p.construction_type = 'new') AS new, "
        f"COUNT(*) FILTER (WHERE {active} AND p.construction_type = 'new' AND p.actual_start <= %(as_of)s)"
        f" AS new_started, MIN(p.plan_year) FILTER (WHERE {active}) AS first_year, "
        f"MAX(p.plan_year) FILTER (WHERE {active}) AS last_year"
    )
    due = (
        f"COUNT(*) FILTER (WHERE {active}{days('p.planned_end')}) AS due, "
        f"COUNT(*) FILTER (WHERE {active}{days('p.planned_end')} "
        f"AND p.actual_end <= %(as_of)s) AS done"
    )
    breakdowns = "(p.status), (p.supporter_id), (p.category_id), (d.zone), (p.division_id), ()"
    grouping = "GROUPING(p.status, p.supporter_id, p.category_id, d.zone, p.division_id)"
    year = "GROUPING(p.plan_year), p.plan_year" if all_years else "1, NULL"
    select = f"SELECT {grouping}, {year}, p.status, p.supporter_id, p.category_id, d.zone, p.division_id"
    joins = (
        "FROM projects_project p JOIN geo_division d ON d.id = p.division_id "
        "JOIN programmes_category c ON c.id = p.category_id"
    )
    if all_years:
        # One scan of the projects gives everything: the year × category chart covers all years anyway.
        statements.append(
            (
                "projects",
                f"{with_clause}{select}, {project_sums}, {due} {joins} WHERE p.programme_id = %(programme)s"
                f"{scoped('p')} GROUP BY GROUPING SETS ({breakdowns}, (p.plan_year, p.category_id))",
            )
        )
    else:
        statements.append(
            (
                "projects of the plan years",
                f"{with_clause}{select}, {project_sums} {joins} WHERE p.programme_id = %(programme)s"
                f"{years('p.plan_year')}{scoped('p')} GROUP BY GROUPING SETS ({breakdowns})",
            )
        )
        statements.append(
            (
                "projects of every year: aid by year × category, completions",
                f"{with_clause}SELECT GROUPING(p.plan_year, p.category_id), p.plan_year, p.category_id, "
                f"SUM(p.aid_amount) FILTER (WHERE {active}), {due} FROM projects_project p "
                f"WHERE p.programme_id = %(programme)s{scoped('p')} "
                "GROUP BY GROUPING SETS ((p.plan_year, p.category_id), ())",
            )
        )
    statements.append(
        (
            "people",
            f"{with_clause}SELECT a.kind, "
            f"COUNT(*) FILTER (WHERE a.start_date <= %(as_of)s{days('a.start_date')}), "
            "COUNT(*) FILTER (WHERE a.start_date <= %(people_date)s AND (a.actual_end >= %(people_date)s "
            "OR (a.actual_end IS NULL AND a.planned_end >= %(people_date)s))) "
            f"FROM talent_assignment a WHERE a.programme_id = %(programme)s"
            f"{scoped('a', division='host_division_id')} GROUP BY a.kind",
        )
    )
    statements.append(
        (
            "outcomes",
            f"{with_clause}SELECT GROUPING(i.code, m.division_id), i.code, m.division_id, "
            "SUM(m.value) FILTER (WHERE i.aggregation = 'sum'), "
            "SUM(m.value) FILTER (WHERE i.code = 'jobs_created') "
            "FROM outcomes_measurement m JOIN outcomes_indicator i ON i.id = m.indicator_id "
            "LEFT JOIN projects_project p ON p.id = m.project_id "
            "WHERE (p.programme_id = %(programme)s OR m.project_id IS NULL) AND m.period_end <= %(as_of)s"
            f"{days('m.period_end')}{scoped('m')} "
            "GROUP BY GROUPING SETS ((i.code), (m.division_id))",
        )
    )
    return [(name, sql, params) for name, sql in statements]


def run_baseline(connection, statements) -> dict[str, list[tuple]]:
    results = {}
    with connection.cursor() as cursor:
        for name, sql, params in statements:
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results


# -- checking that the baseline computes the page's figures -------------------------------------------------
def baseline_figures(results: dict[str, list[tuple]], all_years: bool) -> dict:
    """The baseline's rows, shaped like the page's figures, for comparison."""
    zero = Decimal("0.00")
    figures = {"funds": {}, "supporter_ledger": {}, "status": {}, "supporters": {}, "categories": {}}
    figures.update(zones={}, divisions={}, by_year={}, outcomes={}, jobs={}, people={}, person_times={})
    for supporter_id, kind, total in results["ledger by supporter and kind"]:
        figures["funds"][kind] = figures["funds"].get(kind, zero) + total
        figures["supporter_ledger"][(supporter_id, kind)] = total
    rows = results["projects"] if all_years else results["projects of the plan years"]
    for row in rows:
        grouping, year_grouping, plan_year, status, supporter_id, category_id, zone, division_id = row[:8]
        projects, active, aid, livelihood, grassroots, south, new, new_started, first, last = row[8:18]
        # 1 = rolled up: status, supporter, category, zone, division, plan year
        bits = format(grouping, "05b") + str(year_grouping)
        if bits == "011111":
            figures["status"][status] = projects
        elif bits == "101111" and active:
            figures["supporters"][supporter_id] = (aid, active)
        elif bits == "110111" and active:
            figures["categories"][category_id] = (aid, active)
        elif bits == "111011" and active:
            figures["zones"][zone] = aid
        elif bits == "111101" and active:
            figures["divisions"][division_id] = (aid, active)
        elif bits == "111111":
            figures["totals"] = {
                "aid": aid or zero,
                "livelihood": livelihood or zero,
                "grassroots": grassroots or zero,
                "south": south or zero,
                "new": new,
                "new_started": new_started,
                "first": first,
                "last": last,
            }
            if all_years:
                figures["due"] = tuple(row[18:20])
        elif bits == "110110" and all_years and aid is not None:
            figures["by_year"][(plan_year, category_id)] = aid
    if not all_years:
        for grouping, plan_year, category_id, aid, due, done in results[
            "projects of every year: aid by year × category, completions"
        ]:
            if grouping == 0 and aid is not None:
                figures["by_year"][(plan_year, category_id)] = aid
            elif grouping == 3:
                figures["due"] = (due, done)
    for kind, person_times, in_post in results["people"]:
        if person_times:
            figures["person_times"][kind] = person_times
        figures["people"][kind] = in_post
    for grouping, code, division_id, total, jobs in results["outcomes"]:
        if grouping == 1 and total is not None:
            figures["outcomes"][code] = total
        elif grouping == 2 and jobs is not None:
            figures["jobs"][division_id] = jobs
    return figures


def check_baseline(scope, figures: dict) -> None:
    """Stop the run if the baseline does not compute what the page shows."""
    from duikou.dashboards import charts, summaries
    from duikou.dashboards.queries import headline_figures

    page = headline_figures(scope)
    problems = []

    def same(label, ours, theirs):
        if ours != theirs:
            problems.append(f"{label}: page {ours!r} ≠ SQL {theirs!r}")

    funds, totals = page["funds"], figures["totals"]
    same("planned", funds["planned"], figures["funds"].get("plan", 0) + figures["funds"].get("adjustment", 0))
    same("arrived", funds["arrived"], figures["funds"].get("arrived", 0))
    same("spent", funds["spent"], figures["funds"].get("spent", 0))
    same(
        "projects by status", {k: v for k, v in page["projects"]["by_status"].items() if v}, figures["status"]
    )
    same("new, new started", (page["projects"]["new_planned"], page["projects"]["new_started"]),
         (totals["new"], totals["new_started"]))  # fmt: skip
    same(
        "due, completed",
        (page["projects"]["due_to_complete"], page["projects"]["completed_of_due"]),
        figures["due"],
    )
    same("aid", page["shares"]["aid_total"], totals["aid"])
    for key in ("livelihood", "grassroots", "south"):
        same(key, page["shares"][key]["amount"], totals[key])
    same("people in post", page["people"]["in_post"], sum(figures["people"].values()))
    same("person-times by kind", page["people"]["person_times_by_kind"], figures["person_times"])
    outcomes = page["outcomes"]
    same("jobs", outcomes["jobs_created"], int(figures["outcomes"].get("jobs_created") or 0))
    same("beneficiaries", outcomes["beneficiaries"], int(figures["outcomes"].get("beneficiaries") or 0))
    same(
        "categories",
        {r["id"]: (r["aid"], r["projects"]) for r in charts.by_category(scope)},
        figures["categories"],
    )
    same("zones", {r["zone"]: r["aid"] for r in charts.by_zone(scope)}, figures["zones"])
    by_year = charts.funds_by_year_and_category(scope)
    ours = {
        (year, series["id"]): value
        for series in by_year["series"]
        for year, value in zip(by_year["years"], series["data"], strict=True)
        if (year, series["id"]) in figures["by_year"] or value
    }
    same("aid by year × category", ours, figures["by_year"])
    # Supporters and counties: the page folds cities into their province and regiments into their division.
    top = charts._top_supporter_of()
    folded: dict[int, list] = {}
    for supporter_id, (aid, count) in figures["supporters"].items():
        row = folded.setdefault(top[supporter_id].pk, [0, 0, 0, 0])
        row[0] += aid or 0
        row[1] += count
    for (supporter_id, kind), total in figures["supporter_ledger"].items():
        if kind in ("plan", "adjustment", "arrived"):
            row = folded.setdefault(top[supporter_id].pk, [0, 0, 0, 0])
            row[3 if kind == "arrived" else 2] += total
    same(
        "supporters",
        {r["id"]: [r["aid"], r["projects"], r["planned"], r["arrived"]] for r in charts.by_supporter(scope)},
        folded,
    )
    divisions = summaries.divisions(scope)
    drawn: dict[int, list] = {}

    def drawn_as(division_id):
        division = divisions[division_id]
        return division.parent_id if division.level == "regiment" else division_id

    for division_id, (aid, count) in figures["divisions"].items():
        if divisions[division_id].level in ("county", "xpcc_division", "regiment"):
            row = drawn.setdefault(drawn_as(division_id), [0, 0, 0])
            row[0] += aid or 0
            row[1] += count
    jobs: dict[int, Decimal] = {}
    for division_id, total in figures["jobs"].items():
        if divisions[division_id].level in ("county", "xpcc_division", "regiment"):
            jobs[division_id] = total
            drawn.setdefault(drawn_as(division_id), [0, 0, 0])
    for division_id, total in jobs.items():
        drawn[drawn_as(division_id)][2] += int(total)
    same(
        "counties", {r["id"]: [r["aid"], r["projects"], r["jobs"]] for r in charts.by_division(scope)}, drawn
    )
    if problems:
        raise SystemExit("the SQL baseline does not compute the page's figures:\n  " + "\n  ".join(problems))


# -- timing -------------------------------------------------------------------------------------------------
def summary(seconds: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "min_ms": round(min(seconds) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        "samples_ms": [round(s * 1000, 1) for s in seconds],
    }


def selections() -> list[dict]:
    """The pages measured: the overview for the latest year and for all years, a supporter, a county."""
    from django.db.models import Count, Max

    from duikou.geo.models import Division
    from duikou.parties.models import Organization
    from duikou.programmes.models import Programme
    from duikou.projects.models import Project

    programme = Programme.objects.get(code="xinjiang")
    latest = Project.objects.filter(programme=programme).aggregate(latest=Max("plan_year"))["latest"]
    # The 援疆省市 with the most supporting cities under it (their projects count as its own).
    supporter = (
        Organization.objects.supporters()
        .filter(parent__isnull=True)
        .annotate(cities=Count("children"))
        .order_by("-cities", "pk")
        .first()
    )
    county = Division.objects.get(code=COUNTY_CODE)
    return [
        {"name": "overview, one year", "url": "/", "query": {"year": latest}, "years": latest},
        {"name": "overview, all years", "url": "/", "query": {"year": "all"}, "years": None},
        {
            "name": f"supporter page ({supporter.name}), one year",
            "url": f"/supporters/{supporter.pk}/",
            "query": {"year": latest},
            "years": latest,
            "supporter": supporter,
        },
        {
            "name": f"county page ({county.name}), one year",
            "url": f"/divisions/{county.code}/",
            "query": {"year": latest},
            "years": latest,
            "division": county,
        },
    ]


def time_rebuild() -> float:
    """Seconds to recompute every rollup from the base tables (rolled back: the rollups stay as they were)."""
    from django.db import transaction

    from duikou.dashboards import rollups

    with transaction.atomic():
        started = time.perf_counter()
        rollups.rebuild()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return round(seconds, 2)


def signed_in_client():
    """Django's test client signed in as the benchmark's superuser (created once in the database)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first() or user_model.objects.create_superuser(
        "bench", password=None
    )
    client = Client()
    client.force_login(user)
    return client


def time_alternating(page, baseline, runs: int) -> tuple[list[float], list[float]]:
    """Two warm-up rounds (templates compiled, connections opened, caches filled), then `runs` timed
    rounds of the page and the baseline, alternating so both see the same machine."""
    for _ in range(2):
        page()
        baseline()
    page_seconds, baseline_seconds = [], []
    for _ in range(runs):
        started = time.perf_counter()
        page()
        page_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline()
        baseline_seconds.append(time.perf_counter() - started)
    return page_seconds, baseline_seconds


def queries_of(page) -> list:
    """The queries one more (untimed) request sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page()
    return queries


def measure(database_url: str, runs: int, log) -> dict:
    setup_django(database_url)
    import psycopg

    from duikou.dashboards.queries import Scope
    from duikou.programmes.models import Programme

    client = signed_in_client()
    programme = Programme.objects.get(code="xinjiang")
    results = []
    sql_connection = psycopg.connect(database_url, autocommit=True)
    try:
        for selection in selections():
            scope = Scope(
                programme=programme,
                first_year=selection["years"],
                last_year=selection["years"],
                supporter=selection.get("supporter"),
                division=selection.get("division"),
                as_of=datetime.date.today(),  # as the page does
            )
            statements = baseline_statements(scope)
            check_baseline(
                scope, baseline_figures(run_baseline(sql_connection, statements), selection["years"] is None)
            )

            def page(selection=selection):
                response = client.get(selection["url"], selection["query"])
                if response.status_code != 200:
                    raise SystemExit(f"{selection['url']} answered {response.status_code}")

            page_seconds, sql_seconds = time_alternating(
                page, lambda statements=statements: run_baseline(sql_connection, statements), runs
            )
            queries = queries_of(page)
            result = {
                "name": selection["name"],
                "url": selection["url"] + "?" + "&".join(f"{k}={v}" for k, v in selection["query"].items()),
                "page": summary(page_seconds),
                "queries": len(queries),
                "sql": {**summary(sql_seconds), "statements": len(statements)},
            }
            result["ratio"] = round(result["page"]["p50_ms"] / result["sql"]["p50_ms"], 2)
            results.append(result)
            log(
                f"  {result['name']}: page p50 {result['page']['p50_ms']} ms ({result['queries']} queries), "
                f"SQL p50 {result['sql']['p50_ms']} ms, ratio {result['ratio']}"
            )
    finally:
        sql_connection.close()
    overview = [r for r in results if r["name"].startswith("overview")]
    return {
        "rebuild_seconds": time_rebuild(),
        "description": "server time of the dashboard pages (Django test client, persistent connections) "
        "against a hand-written SQL aggregate of the same figures over the base tables, alternating",
        "runs": runs,
        "selections": results,
        "goal": {
            "description": "overview at SF1 on PostgreSQL: p50 ≤ 100 ms and ≤ 2× the hand-written SQL "
            "(issue 3)",
            "limit_ms": GOAL_MS,
            "limit_ratio": GOAL_RATIO,
            "met": all(r["page"]["p50_ms"] <= GOAL_MS and r["ratio"] <= GOAL_RATIO for r in overview),
        },
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database holding a data set")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page (and SQL runs)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    args = parser.parse_args(argv)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    results = measure(args.database_url, args.runs, log)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
