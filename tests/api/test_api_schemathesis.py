"""Schemathesis against /api/schema/, through the WSGI app (no server): for every operation,
generated requests as an officer and as an enterprise user get no 5xx and answers that match
the schema (status codes, content types, bodies, headers). Kept fast for CI: a few examples
per operation (``SCHEMATHESIS_MAX_EXAMPLES``, default 8)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from laichau_nsc.api.authentication import token_create
from laichau_nsc.wsgi import application
from tests.api.conftest import records_for
from tests.programs.training_factories import CourseFactory
from tests.standards.factories import CertificationBodyFactory, StandardFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
)


@pytest.fixture
def wsgi_calls_keep_the_test_connection():
    """Calls through the WSGI app, like the test client's, must not close the test's database
    connection at the end of each request (Django's request_finished → close_old_connections:
    inside the test's transaction that breaks the tests that run after this one)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, wsgi_calls_keep_the_test_connection, enterprise_a, enterprise_b, ent_a):
    standard, body, course = StandardFactory(), CertificationBodyFactory(), CourseFactory()
    records_for(enterprise_a, standard, body, course)
    records_for(enterprise_b, standard, body, course)
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def _token(user) -> dict[str, str]:
    _token, key = token_create(user=user, name="schemathesis")
    return {"Authorization": f"Token {key}"}


def _run_every_operation(schema, headers: dict[str, str]) -> list[str]:
    """Each operation's generated cases, called and checked; returns the failures."""
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30  # the whole API, not an empty schema

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.validate_response(case.call(headers=headers), checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    return failures


@pytest.fixture
def unthrottled(settings):
    # Throttling would answer 429 to a fast generator; it has its own test.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100000/min", "api_anon": "100000/min"},
    }


@pytest.mark.parametrize("persona", ["officer", "ent_a"])
def test_api_conforms_to_its_schema(api_schema, unthrottled, request, persona):
    headers = _token(request.getfixturevalue(persona))
    failures = _run_every_operation(api_schema, headers)
    assert not failures, "\n\n".join(failures)
