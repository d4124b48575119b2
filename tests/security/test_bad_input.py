"""Bad input is a 400 naming the field, never a 500 (issue 20): ids past 64 bits in every body
field and query parameter, measurement values with keys that are not indicators."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.security.bodies import BODIES, PATHS, Upload
from tests.security.test_schemathesis import OPERATIONS

HUGE = 2**70  # past any integer column (PostgreSQL bigint, SQLite's 64-bit INTEGER)


def _overflowed(value):
    """The value with every integer in it replaced by HUGE (None when it holds none)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return HUGE
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return [*value[:-1], HUGE]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        inner = _overflowed(value[0])
        return [inner] if inner is not None else None
    if isinstance(value, dict):
        for key, inner in value.items():
            changed = _overflowed(inner)
            if changed is not None:
                return {**value, key: changed}
    return None


def _client(world, role):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.users[role])
    return client


@pytest.mark.django_db
def test_an_id_past_64_bits_in_any_body_field_is_a_field_error(world):
    """Each integer (an id, a list of ids, a nested id) of each valid body, one at a time, set
    to 2**70, sent as the administrator: a 400 naming that field (or a refusal), never a 500."""
    client = _client(world, "admin_user")
    errors = []
    for key, build in BODIES.items():
        method, path = key.split()
        with transaction.atomic():
            body = build(world)
            given = PATHS[key](world) if key in PATHS else {}
            transaction.set_rollback(True)
        if isinstance(body, Upload):
            continue
        resource = path.split("/")[3]
        for name in [p.strip("{}") for p in path.split("/") if p.startswith("{")]:
            path = path.replace("{" + name + "}", str(given.get(name, world.ids.get(resource, 1))))
        for field, value in body.items():
            changed = _overflowed(value)
            if changed is None:
                continue
            with transaction.atomic():
                BODIES[key](world)  # the state the operation needs
                response = getattr(client, method.lower())(
                    path, {**body, field: changed}, format="json"
                )
                transaction.set_rollback(True)
            if response.status_code >= 500:
                errors.append(f"{key} {field}: {response.status_code}")
            elif response.status_code == 400 and field not in response.json():
                errors.append(f"{key} {field}: 400 names {sorted(response.json())}")
    assert not errors, "\n".join(errors)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin_user", "coordinator", "employer_user"])
def test_an_id_past_64_bits_in_any_query_parameter_is_never_a_server_error(world, role):
    client = _client(world, role)
    errors = []
    for op in OPERATIONS:
        if op.method.upper() != "GET" or "{" in op.path:
            continue
        for parameter in op.query:
            response = client.get(op.path, {parameter.name: str(HUGE)})
            if response.status_code >= 500:
                errors.append(f"{op.path}?{parameter.name}: {response.status_code}")
    assert not errors, "\n".join(errors)


@pytest.mark.django_db
def test_an_id_past_64_bits_in_the_path_is_a_404(world):
    client = _client(world, "admin_user")
    errors = []
    for op in OPERATIONS:
        if op.method.upper() != "GET" or "{" not in op.path:
            continue
        path = op.path
        for parameter in op.path_parameters:
            path = path.replace("{" + parameter.name + "}", str(HUGE))
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
    assert not errors, "\n".join(errors)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "abc", " ", "1.5", "99999999999999999999999", "9" * 5000])
@pytest.mark.parametrize("rater", ["guide", "participant"])
def test_measurement_values_with_a_key_that_is_no_indicator_name_values(
    participant, guide, api, key, rater
):
    from matching.models import ProgressionIndicator, ProgressionMeasurement

    measurement = ProgressionMeasurement.objects.create(
        participant=participant, kind="interval", taken_on="2026-03-01"
    )
    indicator = ProgressionIndicator.objects.filter(active=True).first()
    response = api(guide).post(
        f"/api/v1/progression/measurements/{measurement.pk}/",
        {"rater": rater, "values": {str(indicator.pk): 5, key: 5}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["values"]
    assert not measurement.answers.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", ["abc", "2026-Qx", "99999999999999999999-Q1"])
def test_a_quarter_that_is_no_quarter_is_a_form_error(client, manager, quarter):
    from django.urls import reverse

    client.force_login(manager)
    page = client.get(reverse("portal:fidelity"), {"quarter": quarter})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and "2026-Q2" in html and f'value="{quarter}"' in html
    for kind in ("csv", "xlsx"):
        export = client.get(reverse("portal:fidelity_export", args=[kind]), {"quarter": quarter})
        assert export.status_code == 400 and 'role="alert"' in export.content.decode()
    assert client.get("/api/v1/fidelity/", {"quarter": quarter}).status_code == 400


@pytest.mark.parametrize(
    "exc",
    [
        OverflowError("Python int too large to convert to SQLite INTEGER"),
        __import__("django.db").db.DataError("bigint out of range"),
    ],
)
def test_a_number_the_database_cannot_hold_is_a_400_in_the_one_error_shape(exc):
    """The safety net under the fields: an overflow that reaches a query is the client's input."""
    from core.api.exceptions import exception_handler

    response = exception_handler(exc, {})
    assert response is not None and response.status_code == 400
    assert list(response.data) == ["non_field_errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin_user", "employer_user"])
def test_every_documented_query_parameter_is_known(world, role):
    """The one check of unknown query parameters (core.api.filters) must know every parameter
    the schema documents, for every GET of the API (list and detail)."""
    from django.utils import translation

    from tests.security.test_schemathesis import SPEC

    client = _client(world, role)
    with translation.override("sv"):
        unknown = translation.gettext("Unknown query parameter.")
    refused = []
    for path, operations in SPEC["paths"].items():
        if "get" not in operations:
            continue
        resource = path.split("/")[3]
        concrete = path
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "path":
                concrete = concrete.replace(
                    "{" + parameter["name"] + "}", str(world.ids.get(resource, 1))
                )
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            response = client.get(concrete, {parameter["name"]: "1"})
            if response.status_code == 400 and unknown in str(response.json()):
                refused.append(f"{path}?{parameter['name']}")
    assert not refused, "\n".join(refused)
