"""Every operation of the OpenAPI schema × every role, against ``permission_matrix.MATRIX``.

Writes carry a valid body (``bodies.BODIES``) and path parameters point at real objects
(``bodies.PATHS``), so "allowed" means the role really did it (2xx) and "refused" means it was
refused with a request it would otherwise have been let through with. Each (operation, role)
request runs in a savepoint that is rolled back, so one role's successful write (a delete, a
withdrawal, a merge) never changes what the next role sees.

``MATRIX_VERBOSE=1 uv run pytest -s tests/security/test_permission_matrix.py`` prints every 400
with its field errors (how to find what a new body is missing).
"""

import os
import re
from pathlib import Path

import jsonschema
import pytest
import requests
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient
from schemathesis.core.transport import Response as SchemathesisResponse

from tests.security import permission_matrix
from tests.security.bodies import BODIES, NO_BODY, PATHS, QUERIES, Upload, send_kwargs
from tests.security.permission_matrix import MATRIX, ROLE_ORDER
from tests.security.test_schemathesis import OPERATIONS, SPEC

WRITES = ("POST", "PUT", "PATCH")
KEYS = {f"{op.method.upper()} {op.path}" for op in OPERATIONS}


def outcome(status: int) -> str:
    if 200 <= status < 300:
        return "O"
    if status in (400, 415):
        return "I"
    if status in (401, 403, 405):
        return "D"
    if status == 404:
        return "H"
    return f"<{status}>"


def test_every_operation_has_a_row():
    missing = sorted(KEYS - MATRIX.keys())
    assert not missing, "Operations without a row in permission_matrix.MATRIX:\n" + "\n".join(
        missing
    )
    assert all(len(row) == len(ROLE_ORDER) for row in MATRIX.values())


def test_every_write_has_a_valid_body():
    writes = {key for key in KEYS if key.split()[0] in WRITES}
    missing = sorted(writes - BODIES.keys() - NO_BODY)
    assert not missing, (
        "Write operations without a body in tests/security/bodies.py:\n" + "\n".join(missing)
    )
    assert not BODIES.keys() & NO_BODY
    stale = sorted((BODIES.keys() | NO_BODY | PATHS.keys() | QUERIES.keys()) - KEYS)
    assert not stale, "Entries in bodies.py for operations the schema does not have:\n" + "\n".join(
        stale
    )


def test_every_input_refusal_is_explained():
    """An I (400 to a valid request) is kept only where no valid request exists for that role,
    and the row says why in a comment."""
    lines = Path(permission_matrix.__file__).read_text().splitlines()
    unexplained = []
    for number, line in enumerate(lines):
        row = re.match(r'\s*"([A-Z]+ [^"]+)": "(\w+)",(.*)', line)
        explained = row and ("#" in row.group(3) or lines[number - 1].strip().startswith("#"))
        if row and "I" in row.group(2) and not explained:
            unexplained.append(row.group(1))
    assert not unexplained, "Rows with I and no comment saying why:\n" + "\n".join(unexplained)


def schema_violation(op, path: str, response) -> str:
    """schemathesis' response check on a Django test response: the status, content type and body
    the schema documents for it (successful writes with valid bodies are rare in fuzzing, so this
    is where their responses are checked)."""
    request = requests.Request(method=op.method.upper(), url=f"http://testserver{path}").prepare()
    converted = SchemathesisResponse(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=response.content,
        request=request,
        elapsed=0.0,
        verify=False,
        encoding="utf-8",
    )
    try:
        op.validate_response(converted)
    except BaseException as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        parts = getattr(exc, "exceptions", None) or [exc]
        return " | ".join(" ".join(str(part).split())[:300] for part in parts)
    return ""


def _path(op, world) -> str:
    key = f"{op.method.upper()} {op.path}"
    resource = op.path.split("/")[3]
    given = PATHS[key](world) if key in PATHS else {}
    path = op.path
    for parameter in op.path_parameters:
        value = given.get(parameter.name, world.ids.get(resource, 1))
        path = path.replace("{" + parameter.name + "}", str(value))
    return path


@pytest.mark.django_db
def test_permission_matrix(world):
    clients = {}
    for role in ROLE_ORDER:
        clients[role] = APIClient()
        clients[role].credentials(
            **{f"HTTP_{k.upper()}": v for k, v in world.headers(role).items()}
        )
    verbose = os.environ.get("MATRIX_VERBOSE")
    mismatches, violations = [], []
    for op in OPERATIONS:
        key = f"{op.method.upper()} {op.path}"
        got = ""
        for role in ROLE_ORDER:
            # Each row is rolled back; so are the rate-limit counts (core.throttle, in the cache).
            cache.clear()
            with transaction.atomic():
                path = _path(op, world)
                method = getattr(clients[role], op.method.lower())
                response = method(path, **send_kwargs(key, world))
                transaction.set_rollback(True)
            got += outcome(response.status_code)
            violation = schema_violation(op, path, response)
            documented = SPEC["paths"][op.path][op.method.lower()]["responses"]
            if str(response.status_code) not in documented:  # issue 20: every status documented
                violation += f" undocumented status {response.status_code}"
            if violation:
                violations.append(f"{key} as {role or 'anonymous'}: {violation}")
            if verbose and response.status_code in (400, 415) or response.status_code >= 500:
                detail = getattr(response, "data", None) or response.content[:300]
                print(f"{key} as {role}: {response.status_code} {detail}")
        expected = MATRIX.get(key)
        if expected is not None and got != expected:
            mismatches.append(f'"{key}": expected {expected}, got {got}')
    assert not mismatches, "\n".join(mismatches)
    assert not violations, "Responses that disagree with the schema:\n" + "\n".join(violations)


@pytest.mark.django_db
def test_valid_bodies_follow_the_documented_request_schema(world):
    """What the API accepts is what the schema documents: each JSON body of ``bodies.BODIES``
    (accepted with a 2xx by the roles allowed, see the matrix) validates against its operation's
    documented request body (a view that documents its output serializer as input fails here)."""
    wrong = []
    for key, build in BODIES.items():
        method, path = key.split()
        with transaction.atomic():
            body = build(world)
            transaction.set_rollback(True)
        if isinstance(body, Upload):
            continue
        content = SPEC["paths"][path][method.lower()]["requestBody"]["content"]
        schema = {**content["application/json"]["schema"], "components": SPEC["components"]}
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(body)]
        if errors:
            wrong.append(f"{key}: {'; '.join(errors)}")
    assert not wrong, "\n".join(wrong)
