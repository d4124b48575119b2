"""The administrator's public-transport page (issue 24): a dry run lists what a GTFS zip holds and
what is wrong with it, in Swedish; storing it queues the units' travel-time runs; only
administrators reach it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import OutboxMessage
from matching.transit.feeds import transit_feed_path
from tests.matching.gtfs_builder import gtfs_zip, small_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def upload(name="lan.zip", content=None):
    return SimpleUploadedFile(name, content if content is not None else gtfs_zip(small_county()))


def test_a_dry_run_reports_in_swedish_and_stores_nothing(var, admin_user, unit):
    response = as_user(admin_user).post(
        "/kollektivtrafik/", {"file": upload(), "dry_run": "on", "unit": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Provkörning: inget sparat" in page
    assert "<dt>Hållplatser</dt><dd>7</dd>" in page
    assert "1 förbokad, utesluten" in page  # the communal taxi
    assert "4 problem hittades" in page
    assert "rader med ett okänt stop_id" in page  # a problem, in Swedish
    assert not transit_feed_path(unit_id=None).exists()
    assert not OutboxMessage.objects.filter(task="matching.tasks.refresh_transit_matrix").exists()


def test_storing_for_every_unit_queues_their_runs(var, admin_user, unit, other_unit):
    client = as_user(admin_user)
    response = client.post("/kollektivtrafik/", {"file": upload(), "unit": ""})
    assert response.status_code == 302
    assert transit_feed_path(unit_id=None).is_file()
    queued = OutboxMessage.objects.filter(task="matching.tasks.refresh_transit_matrix")
    assert sorted(a[0] for a in queued.values_list("args", flat=True)) == sorted(
        u.pk for u in (unit, other_unit) if u.region_id == unit.region_id
    )
    page = client.get("/kollektivtrafik/").content.decode()
    assert "Delas av alla enheter" in page and "Från lan.zip" in page
    assert "Inte beräknade ännu" in page


def test_a_file_that_is_not_a_timetable_is_a_field_error(var, admin_user):
    client = as_user(admin_user)
    response = client.post("/kollektivtrafik/", {"file": upload("x.zip", b"hello"), "unit": ""})
    assert response.status_code == 200
    assert "En GTFS-fil är en zip-fil." in response.content.decode()
    import io
    import zipfile

    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "no timetable here")
    response = client.post(
        "/kollektivtrafik/", {"file": upload("y.zip", empty.getvalue()), "unit": ""}
    )
    assert response.status_code == 200
    assert "Filen kan inte användas" in response.content.decode()
    assert not transit_feed_path(unit_id=None).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin_user", 200), ("coordinator", 403), ("guide", 403), ("manager", 403), (None, 302)],
)
def test_only_administrators_reach_the_page(request, var, role, expected):
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    assert client.get("/kollektivtrafik/").status_code == expected
    assert client.post("/kollektivtrafik/berakna/").status_code == (
        302 if expected == 200 else expected
    )
