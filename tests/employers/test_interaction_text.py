"""Who reads the free text of the contact log (issue 20).

Notes and next steps are where staff write what was said about participants and their needs, so
they stay in the unit that wrote them. A regional administrator oversees the region's log (date,
kind, employer, unit, who, next step due/done) but reads the text only of their own unit's
entries; unit staff read their own unit's entries only; the administrator reads all; employer
users none. Checked in the API (list, detail, search) and on the employer page.
"""

import datetime as dt

import pytest
from django.test import Client

from employers.models import Interaction
from tests.factories.employers import InteractionFactory

pytestmark = pytest.mark.django_db

KALMAR_NOTE = "Kalmar: handledaren kan ta emot en person med hörselnedsättning"
TORSAS_NOTE = "Torsås: deltagaren har epilepsi, vill undvika höga höjder"
TORSAS_STEP = "Ring om praktik för deltagaren med epilepsi"


@pytest.fixture
def log(shared_employer, coord_k, coord_t, participant_t):
    kalmar = InteractionFactory(
        employer=shared_employer, by=coord_k, notes=KALMAR_NOTE, next_step="Skicka avtal"
    )
    torsas = InteractionFactory(
        employer=shared_employer,
        by=coord_t,
        notes=TORSAS_NOTE,
        next_step=TORSAS_STEP,
        next_step_due=dt.date.today() + dt.timedelta(days=3),
    )
    torsas.participants.add(participant_t)
    return {"kalmar": kalmar, "torsas": torsas}


def _rows(api, user, **query):
    response = api(user).get("/api/v1/interactions/", query)
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def test_the_regional_administrator_sees_other_units_entries_without_their_text(
    api, regional_admin_k, log, participant_t
):
    rows = _rows(api, regional_admin_k)
    torsas = rows[log["torsas"].pk]
    assert torsas["kind"] == "call" and torsas["next_step_due"] and torsas["unit"]
    assert torsas["notes"] == "" and torsas["next_step"] == "" and torsas["participants"] == []
    assert torsas["text_withheld"] is True
    own = rows[log["kalmar"].pk]
    assert own["notes"] == KALMAR_NOTE and own["next_step"] == "Skicka avtal"
    assert own["text_withheld"] is False
    detail = api(regional_admin_k).get(f"/api/v1/interactions/{log['torsas'].pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "epilepsi" not in body and detail.json()["notes"] == ""


def test_the_regional_administrator_cannot_search_other_units_text(api, regional_admin_k, log):
    assert _rows(api, regional_admin_k, search="epilepsi") == {}
    assert set(_rows(api, regional_admin_k, search="Kalmar Hamn")) == {
        log["kalmar"].pk,
        log["torsas"].pk,
    }


def test_the_regional_administrator_page_keeps_other_units_text(
    client, regional_admin_k, shared_employer, log
):
    client.force_login(regional_admin_k)
    page = client.get(f"/arbetsgivare/{shared_employer.pk}/").content.decode()
    assert KALMAR_NOTE in page
    assert "epilepsi" not in page
    assert "Stannar inom enheten" in page  # Swedish label, never a raw code


@pytest.mark.parametrize(
    ("who", "sees_text"),
    [
        ("coord_k", {"kalmar"}),  # own unit only; Torsås' entry is not listed at all
        ("manager_k", {"kalmar"}),
        ("coord_t", {"torsas"}),
        ("guide_t", {"torsas"}),
        ("superadmin", {"kalmar", "torsas"}),
    ],
)
def test_unit_staff_and_the_administrator_read_the_entries_they_see(
    request, api, who, sees_text, log
):
    rows = _rows(api, request.getfixturevalue(who))
    assert set(rows) == {log[name].pk for name in sees_text}
    for name in sees_text:
        assert rows[log[name].pk]["notes"] == log[name].notes
        assert rows[log[name].pk]["text_withheld"] is False


def test_employer_users_read_no_contact_log(api, shared_employer_user, log):
    assert api(shared_employer_user).get("/api/v1/interactions/").status_code == 403
    client = Client()
    client.force_login(shared_employer_user)
    page = client.get("/arbetsgivare/")
    assert "epilepsi" not in page.content.decode()


def test_an_entry_read_without_its_text_cannot_be_saved(regional_admin_k, log):
    row = Interaction.objects.visible_to(regional_admin_k).get(pk=log["torsas"].pk)
    assert row.text_withheld and row.notes == ""
    with pytest.raises(ValueError, match="without its text"):
        row.save()
    log["torsas"].refresh_from_db()
    assert log["torsas"].notes == TORSAS_NOTE
