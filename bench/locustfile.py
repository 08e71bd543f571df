"""The clients of the HTTP load test (bench/load_test.py runs Locust with this file; not run alone).

Each simulated client signs in through the log-in page (a real session, CSRF and all) and holds the API
token the load test issued, then loops without pause over a mix of what officers and scripts do: the
overview dashboard, registry pages, API reads, and ledger postings through the API (append-only: every
posting is a new row, checked afterwards). Requests are grouped by kind, so Locust's statistics give each
kind its own count, failures and percentiles.

The load test passes its facts (user, password, token, project ids) in the file named by
`DUIKOU_LOAD_TEST_CONFIG`.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(open(os.environ["DUIKOU_LOAD_TEST_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_postings = itertools.count(1)


class Officer(FastHttpUser):
    """One client: a signed-in browser session and an API token; no think time (a closed loop)."""

    wait_time = constant(0)

    def on_start(self):
        self.api_headers = {"Authorization": f"Token {CONFIG['token']}", "Accept": "application/json"}
        self.random = random.Random()
        page = self.client.get("/accounts/login/", name="log-in")
        token = CSRF_INPUT.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            data={
                "username": CONFIG["username"],
                "password": CONFIG["password"],
                "csrfmiddlewaretoken": token,
            },
            name="log-in",
        )

    # -- pages, with the session ---------------------------------------------------------------------------
    @task(2)
    def dashboard(self):
        year = self.random.choice(["", "?year=2024", "?year=2023"])
        self.client.get(f"/{year}", name="dashboard")

    @task(3)
    def list_page(self):
        path = self.random.choice(CONFIG["list_paths"])
        self.client.get(path, name="list page")

    # -- the API, with the token ---------------------------------------------------------------------------
    @task(3)
    def api_read(self):
        project = self.random.choice(CONFIG["project_ids"])
        path = self.random.choice(
            [
                f"/api/projects/{project}/",
                f"/api/ledger-entries/?project={project}",
                "/api/projects/?page_size=50",
                "/api/stats/",
            ]
        )
        self.client.get(path, headers=self.api_headers, name="API read")

    @task(1)
    def api_write(self):
        project = self.random.choice(CONFIG["posting_project_ids"])
        number = next(_postings)
        self.client.post(
            "/api/ledger-entries/",
            json={
                "project": project,
                "kind": "arrived",
                "amount": f"{1000 + number % 997}.{number % 100:02d}",
                "value_date": CONFIG["value_date"],
                "note": CONFIG["note"],
            },
            headers=self.api_headers,
            name="API write",
        )
