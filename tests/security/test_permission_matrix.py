"""Every operation of the OpenAPI schema × every role, against ``permission_matrix.MATRIX``."""

import pytest
from rest_framework.test import APIClient

from tests.security.permission_matrix import MATRIX, ROLE_ORDER
from tests.security.test_schemathesis import OPERATIONS

WRITES = ("post", "put", "patch")


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
    keys = {f"{op.method.upper()} {op.path}" for op in OPERATIONS}
    missing = sorted(keys - MATRIX.keys())
    assert not missing, "Operations without a row in permission_matrix.MATRIX:\n" + "\n".join(
        missing
    )
    assert all(len(row) == len(ROLE_ORDER) for row in MATRIX.values())


@pytest.mark.django_db
def test_permission_matrix(world):
    mismatches = []
    for op in OPERATIONS:
        key = f"{op.method.upper()} {op.path}"
        path = op.path
        resource = path.split("/")[3]
        for parameter in op.path_parameters:
            path = path.replace("{" + parameter.name + "}", str(world.ids.get(resource, 1)))
        got = ""
        for role in ROLE_ORDER:
            client = APIClient()
            headers = world.headers(role)
            if headers:
                client.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
            method = getattr(client, op.method.lower())
            response = (
                method(path, {}, format="json") if op.method.lower() in WRITES else method(path)
            )
            got += outcome(response.status_code)
        expected = MATRIX.get(key)
        if expected is not None and got != expected:
            mismatches.append(f"{key}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)
