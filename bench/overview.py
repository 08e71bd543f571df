"""Server time of the overview page, for a year and for all years (a first figure; issue 3 adds the baseline).

Run against a database holding SF1:
    DATABASE_URL=postgres://… .venv/bin/duikou shell -c "exec(open('bench/overview.py').read())"
It renders the page through Django's test client as the demo admin and prints p50 / min / max of 9 runs
and the number of queries.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client()
client.force_login(get_user_model().objects.get(username="admin"))
for year in ("2024", "all"):
    client.get("/", {"year": year})  # warm caches: the first request imports and compiles templates
    seconds = []
    for _ in range(9):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/", {"year": year})
        seconds.append(time.perf_counter() - started)
    assert response.status_code == 200
    print(
        f"year={year}: p50 {statistics.median(seconds) * 1000:.0f} ms, min {min(seconds) * 1000:.0f} ms, "
        f"max {max(seconds) * 1000:.0f} ms, {len(queries)} queries"
    )
