"""Regression tests for the schema disagreements the permission matrix found once its requests
were valid (issue 13): each response is checked with schemathesis against the OpenAPI schema."""

import datetime as dt

import pytest

from tests.security.test_permission_matrix import schema_violation
from tests.security.test_schemathesis import SCHEMA, SPEC


def _operation(method: str, path: str):
    return SCHEMA[path][method]


@pytest.mark.django_db
def test_an_employer_without_owner_matches_the_schema(api, admin_user, unit):
    from tests.factories.employers import EmployerFactory

    employer = EmployerFactory(unit=unit, owner=None)
    path = f"/api/v1/employers/{employer.pk}/"
    response = api(admin_user).get(path)
    assert response.status_code == 200
    assert response.data["owner"] is None
    assert schema_violation(_operation("GET", "/api/v1/employers/{id}/"), path, response) == ""


@pytest.mark.django_db
def test_the_ocn_certificate_matches_the_schema(api, guide, participant):
    from core.models import OcnModule, OcnProgramme
    from matching.models import OcnCase

    programme = OcnProgramme.objects.create(code="T", name="Lager", occupational_area="Lager")
    module = OcnModule.objects.create(programme=programme, code="T1", name="Truck", level=2)
    case = OcnCase.objects.create(
        participant=participant,
        module=module,
        status="certified",
        certificate_number="T-1",
        certificate_issued_on=dt.date.today(),
        level=2,
    )
    path = f"/api/v1/ocn-cases/{case.pk}/certificate/"
    response = api(guide).get(path)
    assert response.status_code == 200
    assert response.data["certificate_number"] == "T-1"
    op = _operation("GET", "/api/v1/ocn-cases/{id}/certificate/")
    assert schema_violation(op, path, response) == ""


@pytest.mark.parametrize("path", ["/api/v1/consents/", "/api/v1/ocn-cases/"])
def test_creates_document_their_input_serializer_not_their_output(path):
    """The request body of a create is what the view reads (the output's read-only or
    server-set fields, e.g. ``recorded_by``, are not asked of the client)."""
    ref = SPEC["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    component = SPEC["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    assert "recorded_by" not in component.get("properties", {})
    assert "status" not in component.get("properties", {})
    assert "participant" in component["required"]


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["json", "multipart"])
def test_a_null_character_is_a_field_error_not_a_database_error(api, guide, content):
    """PostgreSQL cannot store NUL: a code with one (here the municipality, a lookup) used to
    reach the database and answer 500 there (found by schemathesis on PostgreSQL)."""
    from django.utils import translation

    body = {"first_name": "Sara", "last_name": "Lind", "municipality": "08\x0080"}
    response = api(guide).post("/api/v1/participants/", body, format=content)
    assert response.status_code == 400
    with translation.override("sv"):
        expected = translation.gettext("Null characters are not allowed.")
    assert response.data == {"municipality": [expected]}


@pytest.mark.django_db
def test_a_null_character_in_a_query_parameter_is_never_a_server_error(world):
    """Every query parameter of every GET (filters, search, ordering, codes) with a NUL in it,
    as staff and as an employer user: a 4xx or an answer, never a 500 (PostgreSQL)."""
    from rest_framework.test import APIClient

    from tests.security.test_schemathesis import OPERATIONS

    errors = []
    for role in ("coordinator", "employer_user"):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(world.users[role])
        for op in OPERATIONS:
            if op.method.upper() != "GET" or "{" in op.path:
                continue
            for parameter in op.query:
                response = client.get(op.path, {parameter.name: "08\x0080"})
                if response.status_code >= 500:
                    errors.append(f"{op.path}?{parameter.name} as {role}: {response.status_code}")
    assert not errors, "\n".join(errors)


@pytest.mark.django_db
def test_the_possible_duplicates_list_matches_the_schema(api, coordinator, unit):
    """The review list answers pairs (a, a_name, b, b_name, score); the schema documented one
    employer (``id``, ``name``, ...) and schemathesis refused the answer (issue 20)."""
    from tests.factories.employers import EmployerFactory

    EmployerFactory(unit=unit, name="Kalmar Lager AB", municipality_id="0880")
    EmployerFactory(unit=unit, name="Kalmar Lager", municipality_id="0880")
    path = "/api/v1/employers/possible-duplicates/"
    response = api(coordinator).get(path)
    assert response.status_code == 200 and len(response.json()) == 1
    assert set(response.json()[0]) == {"a", "a_name", "b", "b_name", "score"}
    assert schema_violation(_operation("GET", path), path, response) == ""


def test_every_operation_documents_its_error_statuses_in_the_one_shape():
    """schemathesis' status check (issue 20): 400, 401, 403, 404, 429 and 503 for every
    operation, 415 for those with a body, each in the ``Error`` shape."""
    missing = []
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            codes = {"400", "401", "403", "404", "429", "503"}
            if "requestBody" in operation:
                codes.add("415")
            for code in sorted(codes - set(operation["responses"])):
                missing.append(f"{method.upper()} {path} {code}")
            ref = operation["responses"]["403"]["content"]["application/json"]["schema"]
            assert ref == {"$ref": "#/components/schemas/Error"}, f"{method} {path}"
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_an_error_answer_matches_its_documented_shape(api, employer_user):
    path = "/api/v1/interactions/"
    response = api(employer_user).get(path)
    assert response.status_code == 403
    assert schema_violation(_operation("GET", path), path, response) == ""
