"""schemathesis over the whole OpenAPI schema, as every role (issue 13): no server error, no
response that disagrees with the schema and no status the schema does not document (issue 20).

Bounded so that it runs in the normal suite: ``SCHEMATHESIS_EXAMPLES`` (default 5) rounds, each
drawing one generated request for every operation of the schema (so 5 generated requests per
operation), and each request is sent as every role of the cast (9), with ``{id}`` path parameters
pointing at real objects so that successful responses are checked too. Each request runs in a
savepoint rolled back after it, so what one role's request changed does not reach the next.

The schema documents no request examples, so schemathesis' explicit phase adds none here; the
explicit, valid requests are those of ``bodies.py``, which the permission matrix sends as every
role and checks with the same response check (``test_permission_matrix.schema_violation``).

CI runs it in the suite on both databases, as every role: 5 per operation on SQLite, 2 on
PostgreSQL (scripts/test). Raise the bound
locally with ``SCHEMATHESIS_EXAMPLES=50 uv run pytest tests/security/test_schemathesis.py``.
"""

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import ROLES

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
# status_code_conformance (issue 20): every status the API answers is documented for the operation
# (core.api.schema.error_responses_hook documents the error statuses once, for all of them).
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _load_spec() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec))


APP = get_wsgi_application()
SPEC = _load_spec()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _real_ids(case, world) -> None:
    """Point ``{id}``-style path parameters at the cast's objects (random ids are only 404s)."""
    resource = case.operation.path.split("/")[3]
    for name in list(case.path_parameters or {}):
        if resource in world.ids:
            case.path_parameters[name] = world.ids[resource]


def test_every_operation_is_covered():
    assert len(OPERATIONS) > 80


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: keep the run bounded
)
@given(data=st.data())
def test_no_server_error_and_no_schema_violation(data, world, keep_connection):
    failures = []
    headers = {role: world.headers(role) for role in ROLES}
    for operation in OPERATIONS:
        case = data.draw(operation.as_strategy(), label=f"{operation.method} {operation.path}")
        _real_ids(case, world)
        for role in ROLES:
            with transaction.atomic():
                response = case.call(headers=headers[role], app=APP)
                transaction.set_rollback(True)
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                first = str(exc).strip().splitlines()
                failures.append(
                    f"{operation.method.upper()} {case.formatted_path} as {role or 'anonymous'}: "
                    f"{response.status_code} {' '.join(first[:12])[:400]}"
                )
    assert not failures, "\n".join(failures)
