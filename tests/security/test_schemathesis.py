"""schemathesis over the whole OpenAPI schema, as every role (issue 13): no server error and no
response that disagrees with the schema. Bounded: a few examples per operation, each sent as
every role, with path ids pointing at real objects so that successful responses are checked too.

Runs in the normal suite (``pytest tests/security``); ``SCHEMATHESIS_EXAMPLES`` raises the bound.
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.security.conftest import ROLES

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "2"))


def _load_schema():
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    spec = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(spec)))


APP = get_wsgi_application()
schema = _load_schema()


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; the test database
    lives in the test's transaction, so keep it open (as Django's test client does)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _real_ids(case, world) -> None:
    """Point ``{id}``-style path parameters at the cast's objects (random ids are only 404s)."""
    resource = case.operation.path.split("/")[3]
    for name in list(case.path_parameters or {}):
        if resource in world.ids:
            case.path_parameters[name] = world.ids[resource]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@pytest.mark.django_db
def test_no_server_error_and_no_schema_violation(case, world, keep_connection):
    _real_ids(case, world)
    for role in ROLES:
        response = case.call(headers=world.headers(role), app=APP)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
