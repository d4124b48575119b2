"""The demo data's statistics render for the demo manager, with charts, and add up."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.demo
def test_demo_statistics_render_for_the_manager_with_charts():
    call_command("seed_demo", stdout=io.StringIO())
    chef = User.objects.get(username="chef")
    client = Client()
    client.force_login(chef)
    response = client.get("/statistik/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 4 and html.count("<rect") > 20
    visible = re.sub(r"<[^>]+>", " ", html)
    for code in ("behalla", "work_unsubsidised", "uppgift_saknas", "kvinna"):
        assert code not in visible

    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(chef)
    data = api.get("/api/v1/statistics/").json()
    rows = {
        r["key"]: [c["value"] for c in r["cells"]]
        for s in data["sections"]
        for t in s["tables"]
        if t["key"] == "participants"
        for r in t["rows"]
    }
    # the headline numbers add up per gender column and in total
    for column in range(5):
        assert rows["in_period"][column] == rows["active_at_end"][column] + rows["exited"][column]
    assert rows["exited"][4] >= 5 and rows["in_period"][4] >= 300

    overview = client.get("/oversikt/").content.decode()
    assert "behalla" not in re.sub(r"<[^>]+>", " ", overview)
    assert client.get("/statistik/rapport/").status_code == 200
