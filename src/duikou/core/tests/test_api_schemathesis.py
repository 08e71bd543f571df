"""Generated requests against the OpenAPI schema find no server error (issue 4, items 6 and 8).

Schemathesis reads `/api/schema/` from the application itself (in-process, through WSGI: no server,
no network) and sends, for every operation, requests generated from the schema — valid ones and, for
the operations that take input, invalid ones — as a superuser with a token, against a small
generated data set. No answer may be a 5xx (`not_a_server_error`), and every answer must be what the
schema says: a documented status code and content type, a body of the documented shape. Requests
are derandomized, so a red run is reproducible; a failure prints the request as a curl command.
Marked `schemathesis` (about a minute): `pytest -m "not schemathesis"` leaves it out.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from duikou.checks.findings import run_checks
from duikou.core.api.testing import user_with
from duikou.core.choices import TokenScope
from duikou.core.context import change_context
from duikou.core.tokens import issue_token
from duikou.demo.generator import generate_dataset
from duikou.reference.loader import load_reference

EXAMPLES_PER_OPERATION = 40
SCALE = 0.002  # ~80 projects, ~900 ledger entries, ~100 people, ~200 measurements
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = pytest.mark.schemathesis


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        with change_context(source="test", note="schemathesis"):
            generate_dataset(scale=SCALE, seed=5, progress=lambda message: None)
            run_checks()  # findings for the findings endpoints to read and answer
        yield
        transaction.set_rollback(True)


@pytest.fixture
def application():
    """Django's WSGI application as a server runs it, but keeping the test's database connection.

    The handler closes "old" connections when a request starts and ends; inside the test's
    transaction that would close the connection that holds the data set (PostgreSQL). Django's own
    test client disconnects the same handler for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(dataset, db, settings):
    # Thousands of generated requests in a minute: the rate limits (tested in test_security.py) are off.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    user = user_with(username="schemathesis", is_superuser=True, is_staff=True)
    return issue_token(user, scope=TokenScope.WRITE)[1]


def test_no_operation_answers_with_a_server_error(application, token):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Token {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 57, [operation.label for operation in operations]  # every route of the API

    for operation in operations:
        strategies = [operation.as_strategy(schemathesis.GenerationMode.POSITIVE)]
        if operation.body or operation.query:
            strategies.append(operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def call(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        call()
