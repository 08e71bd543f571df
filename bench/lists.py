"""The list-page benchmark: server time of the registries' first page against hand-written SQL of the same
page, measured in the same run (issue 3: "docs/performance.md has the dashboard and list-page figures with
the ratio to hand-written SQL").

**Ours.** Django's test client requests the list page as a signed-in superuser — filters, the count, the
page of 50 rows with their joined names, the filter panel and the template — with persistent database
connections, like bench/dashboard.py.

**The baseline.** For each page, two statements written by hand and run through one persistent psycopg
connection: the count of matching rows, and the 50 rows shown (the same columns, joins, filter and order,
`LIMIT 50`). The page does more (the filter panel's choices, formatting, links, the template); the baseline
only reads. Before timing, the baseline's count is checked equal to the count the page states.

Usage (also run by bench/run.py after its load, on the loaded database):
    .venv/bin/python bench/lists.py --database-url postgres://postgres@127.0.0.1:5432/duikou_speed
        [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from dashboard import queries_of, setup_django, signed_in_client, summary, time_alternating

PAGE_SIZE = 50
SUPPORTER_KINDS = ("supporting_province", "supporting_city", "central_soe", "central_ministry")
FAMILY = (
    "WITH RECURSIVE family(id) AS (SELECT %(supporter)s::bigint UNION "
    "SELECT o.id FROM parties_organization o "
    "JOIN family f ON o.parent_id = f.id WHERE o.kind = ANY(%(supporter_kinds)s)) "
)
AREA = (
    "WITH RECURSIVE area(id) AS (SELECT %(division)s::bigint UNION "
    "SELECT d.id FROM geo_division d JOIN area a ON d.parent_id = a.id) "
)
PROJECT_COLUMNS = (
    "p.code, p.name, p.plan_year, s.name, d.name, c.name, p.status, p.aid_amount, p.total_investment "
    "FROM projects_project p JOIN parties_organization s ON s.id = p.supporter_id "
    "JOIN geo_division d ON d.id = p.division_id JOIN programmes_category c ON c.id = p.category_id"
)
ENTRY_COLUMNS = (
    "e.id, e.value_date, e.kind, e.amount, e.fiscal_year, s.name, d.name, p.code, e.document_reference "
    "FROM funds_ledgerentry e JOIN parties_organization s ON s.id = e.supporter_id "
    "JOIN geo_division d ON d.id = e.division_id LEFT JOIN projects_project p ON p.id = e.project_id"
)


def selections() -> list[dict]:
    """The pages timed: each list's default first page, and the filters officers use most."""
    from duikou.demo.generator import AS_OF
    from duikou.geo.models import Division
    from duikou.parties.models import Organization
    from duikou.projects.models import Project

    latest = Project.objects.order_by("-plan_year").values_list("plan_year", flat=True).first()
    zhejiang = Organization.objects.get(name="浙江省")
    kashgar = Division.objects.get(code="653100")
    # The data set ends on its as-of day; "today" would find nobody in post a year later.
    day = AS_OF
    params = {
        "year": latest,
        "supporter": zhejiang.pk,
        "supporter_kinds": list(SUPPORTER_KINDS),
        "division": kashgar.pk,
        "search": "%学校%",
        "day": day,
        "limit": PAGE_SIZE,
    }
    return [
        {
            "name": "projects, first page",
            "url": "/projects/",
            "query": {},
            "count": "SELECT count(*) FROM projects_project p",
            "rows": f"SELECT {PROJECT_COLUMNS} ORDER BY p.plan_year DESC, p.code, p.id LIMIT %(limit)s",
            "params": params,
        },
        {
            "name": "projects of a supporter (浙江省 and its cities) in a year, by 援助资金",
            "url": "/projects/",
            "query": {"plan_year": latest, "supporter": zhejiang.pk, "sort": "-aid_amount"},
            "count": FAMILY + "SELECT count(*) FROM projects_project p WHERE p.plan_year = %(year)s "
            "AND p.supporter_id IN (SELECT id FROM family)",
            "rows": FAMILY + f"SELECT {PROJECT_COLUMNS} WHERE p.plan_year = %(year)s "
            "AND p.supporter_id IN (SELECT id FROM family) "
            "ORDER BY p.aid_amount DESC, p.id DESC LIMIT %(limit)s",
            "params": params,
        },
        {
            "name": "projects under a prefecture (喀什地区) matching a word (学校)",
            "url": "/projects/",
            "query": {"division": kashgar.pk, "q": "学校"},
            "count": AREA
            + "SELECT count(*) FROM projects_project p WHERE p.division_id IN (SELECT id FROM area) "
            "AND (p.code ILIKE %(search)s OR p.name ILIKE %(search)s OR p.description ILIKE %(search)s "
            "OR p.document_reference ILIKE %(search)s OR p.flagship ILIKE %(search)s)",
            "rows": AREA + f"SELECT {PROJECT_COLUMNS} WHERE p.division_id IN (SELECT id FROM area) "
            "AND (p.code ILIKE %(search)s OR p.name ILIKE %(search)s OR p.description ILIKE %(search)s "
            "OR p.document_reference ILIKE %(search)s OR p.flagship ILIKE %(search)s) "
            "ORDER BY p.plan_year DESC, p.code, p.id LIMIT %(limit)s",
            "params": params,
        },
        {
            "name": "ledger, first page",
            "url": "/ledger/",
            "query": {},
            "count": "SELECT count(*) FROM funds_ledgerentry e",
            "rows": f"SELECT {ENTRY_COLUMNS} ORDER BY e.value_date DESC, e.id DESC LIMIT %(limit)s",
            "params": params,
        },
        {
            "name": "ledger, arrivals of a fiscal year",
            "url": "/ledger/",
            "query": {"kind": "arrived", "fiscal_year": latest},
            "count": "SELECT count(*) FROM funds_ledgerentry e WHERE e.kind = 'arrived' "
            "AND e.fiscal_year = %(year)s",
            "rows": f"SELECT {ENTRY_COLUMNS} WHERE e.kind = 'arrived' AND e.fiscal_year = %(year)s "
            "ORDER BY e.value_date DESC, e.id DESC LIMIT %(limit)s",
            "params": params,
        },
        {
            "name": "people in post on the data set's last day",
            "url": "/people/",
            "query": {"in_post_on": day.isoformat()},
            "count": "SELECT count(*) FROM talent_assignment a WHERE a.start_date <= %(day)s AND "
            "(a.actual_end >= %(day)s OR (a.actual_end IS NULL AND a.planned_end >= %(day)s))",
            "rows": "SELECT a.id, a.person_name, a.kind, b.name, s.name, d.name, a.host_unit, a.start_date, "
            "a.planned_end, a.actual_end FROM talent_assignment a LEFT JOIN programmes_batch b ON b.id = "
            "a.batch_id JOIN parties_organization s ON s.id = a.supporter_id JOIN geo_division d ON d.id = "
            "a.host_division_id WHERE a.start_date <= %(day)s AND (a.actual_end >= %(day)s OR "
            "(a.actual_end IS NULL AND a.planned_end >= %(day)s)) "
            "ORDER BY a.start_date DESC, a.person_name, a.id DESC LIMIT %(limit)s",
            "params": params,
        },
        {
            "name": "outcomes, first page",
            "url": "/outcomes/",
            "query": {},
            "count": "SELECT count(*) FROM outcomes_measurement m",
            "rows": "SELECT m.id, i.name, m.value, i.unit, m.period_start, m.period_end, s.name, d.name, "
            "p.code FROM outcomes_measurement m JOIN outcomes_indicator i ON i.id = m.indicator_id "
            "JOIN parties_organization s ON s.id = m.supporter_id "
            "JOIN geo_division d ON d.id = m.division_id "
            "LEFT JOIN projects_project p ON p.id = m.project_id "
            "ORDER BY m.period_end DESC, m.id DESC LIMIT %(limit)s",
            "params": params,
        },
    ]


def run_baseline(connection, selection) -> tuple[int, list]:
    with connection.cursor() as cursor:
        cursor.execute(selection["count"], selection["params"])
        count = cursor.fetchone()[0]
        cursor.execute(selection["rows"], selection["params"])
        rows = cursor.fetchall()
    return count, rows


def page_count(html: str) -> int:
    """The row count the page states ("共 1,234 条")."""
    match = re.search(r"共\s*([\d,]+)\s*条", html)
    if match is None:
        raise SystemExit("the list page states no row count")
    return int(match.group(1).replace(",", ""))


def measure(database_url: str, runs: int, log) -> dict:
    setup_django(database_url)
    import psycopg

    client = signed_in_client()
    results = []
    sql_connection = psycopg.connect(database_url, autocommit=True)
    try:
        for selection in selections():

            def page(selection=selection):
                response = client.get(selection["url"], selection["query"])
                if response.status_code != 200:
                    raise SystemExit(f"{selection['url']} answered {response.status_code}")
                return response.content.decode()

            count, rows = run_baseline(sql_connection, selection)
            shown = page_count(page())
            if shown != count or len(rows) != min(count, PAGE_SIZE):
                raise SystemExit(f"{selection['name']}: page shows {shown} rows, the baseline counts {count}")
            page_seconds, sql_seconds = time_alternating(
                page, lambda selection=selection: run_baseline(sql_connection, selection), runs
            )
            queries = queries_of(page)
            query = "&".join(f"{key}={value}" for key, value in selection["query"].items())
            result = {
                "name": selection["name"],
                "url": selection["url"] + (f"?{query}" if query else ""),
                "rows": count,
                "page": summary(page_seconds),
                "queries": len(queries),
                "sql": {**summary(sql_seconds), "statements": 2},
            }
            result["ratio"] = round(result["page"]["p50_ms"] / result["sql"]["p50_ms"], 2)
            results.append(result)
            log(
                f"  {result['name']}: page p50 {result['page']['p50_ms']} ms ({result['queries']} queries), "
                f"SQL p50 {result['sql']['p50_ms']} ms, ratio {result['ratio']}"
            )
    finally:
        sql_connection.close()
    return {
        "description": "server time of the registries' first page of 50 (Django test client, persistent "
        "connections) against hand-written SQL of the same count and rows, alternating",
        "runs": runs,
        "selections": results,
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
