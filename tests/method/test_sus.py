"""The monthly SUS list against a hand-built expectation; managers and admins only; every view and
download audit-logged."""

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from core.exceptions import Forbidden
from matching.models import Consent
from placements.models import Exit
from placements.reporting import sus
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def people(unit, other_unit, guide, foreign_guide):
    """March 2026: anna started 3 March (SUS consent on paper), bo ended 20 March (enrolled in
    2025; consent withdrawn in February), cia started and ended in March (digital consent given
    in April: not yet in March), dan started in February (not listed), and a participant of the
    other unit started in March (never listed)."""
    anna = ParticipantFactory(
        unit=unit,
        guide=guide,
        first_name="Anna",
        last_name="Ek",
        personnummer="19900101-1234",
        enrolled_on=dt.date(2026, 3, 3),
        sus_employment_before="arbetslos",
        sus_income_before="ekonomiskt_bistand",
        education_level="gymnasial",
    )
    bo = ParticipantFactory(
        unit=unit,
        guide=guide,
        first_name="Bo",
        last_name="Al",
        enrolled_on=dt.date(2025, 10, 1),
        sus_employment_before="sjukskriven",
        sus_income_before="sjukpenning",
        education_level="forgymnasial",
        sus_employment_after="anstalld",
        sus_income_after="lon",
        sus_exit_reason="arbete",
    )
    Exit.objects.create(
        participant=bo, exited_on=dt.date(2026, 3, 20), outcome="work_unsubsidised", by=guide
    )
    cia = ParticipantFactory(
        unit=unit, guide=guide, first_name="Cia", last_name="Ny", enrolled_on=dt.date(2026, 3, 10)
    )
    Exit.objects.create(participant=cia, exited_on=dt.date(2026, 3, 31), outcome="other", by=guide)
    ParticipantFactory(unit=unit, guide=guide, enrolled_on=dt.date(2026, 2, 27))
    from core.models import Municipality

    ParticipantFactory(
        unit=other_unit,
        guide=foreign_guide,
        enrolled_on=dt.date(2026, 3, 5),
        municipality=Municipality.objects.get(code="0780"),
    )

    def consent(p, method, given, withdrawn=None):
        Consent.objects.create(
            participant=p,
            agency="Samordningsförbundet",
            purpose="Registrering i SUS",
            scopes=["sus_registration"],
            given_on=given,
            method=method,
            withdrawn_on=withdrawn,
            recorded_by=guide,
        )

    consent(anna, "signed_paper", dt.date(2026, 3, 3))
    consent(bo, "signed_paper", dt.date(2025, 10, 1), withdrawn=dt.date(2026, 2, 1))
    consent(cia, "digital", dt.date(2026, 4, 2))
    return {"anna": anna, "bo": bo, "cia": cia}


def expected(people):
    return [
        [
            people["bo"].code,
            "",
            "Bo Al",
            "2025-10-01",
            "2026-03-20",
            "Sjukskriven",
            "Sjukpenning",
            "Grundskola, 9 (10) år",
            "Anställd utan stöd",
            "Lön",
            "Arbete",
            "Nej",
        ],
        [
            people["anna"].code,
            "19900101-1234",
            "Anna Ek",
            "2026-03-03",
            "",
            "Arbetslös",
            "Ekonomiskt bistånd",
            "Gymnasieskola",
            "",
            "",
            "",
            "Ja",
        ],
        [
            people["cia"].code,
            "",
            "Cia Ny",
            "2026-03-10",
            "2026-03-31",
            "",
            "",
            "",
            "",
            "",
            "",
            "Nej",
        ],
    ]


def test_the_month_matches_the_hand_built_list(people, manager):
    rows = sus.sus_month_rows(user=manager, month=MARCH)
    assert [r.cells() for r in rows] == expected(people)


def test_only_managers_and_admins(people, guide, coordinator):
    for user in (guide, coordinator):
        with pytest.raises(Forbidden):
            sus.sus_month_rows(user=user, month=MARCH)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 403),
        ("guide", 403),
        ("manager", 200),
        ("admin_user", 200),
        ("employer_user", 403),
    ],
)
def test_sus_pages_per_role(people, request, client, who, status):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("portal:sus_list"), {"month": "2026-03"})
    assert page.status_code == status
    download = client.get(reverse("portal:sus_export", args=["csv"]), {"month": "2026-03"})
    assert download.status_code == status
    if status == 403:
        assert "19900101-1234" not in page.content.decode()
        assert not LogEntry.objects.filter(changes__icontains="sus_list").exists()


def test_anonymous_gets_the_login(client):
    assert client.get(reverse("portal:sus_list")).status_code == 302
    assert client.get(reverse("portal:sus_export", args=["csv"])).status_code == 302


def test_page_and_downloads_show_the_list_and_are_logged(people, manager, client):
    client.force_login(manager)
    before = LogEntry.objects.count()
    page = client.get(reverse("portal:sus_list"), {"month": "2026-03"}).content.decode()
    assert "19900101-1234" in page and "Gymnasieskola" in page and "gymnasial<" not in page
    body = client.get(reverse("portal:sus_export", args=["csv"]), {"month": "2026-03"})
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))
    # A title row naming the month and the unit, a blank row, the header, the list.
    assert rows[0] == [f"SUS-lista · Månad: 2026-03 · Enhet: {manager.unit.name}"]
    assert rows[3:] == expected(people)
    assert rows[2][-1] == "Skriftligt samtycke till registrering i SUS"
    xlsx = client.get(reverse("portal:sus_export", args=["xlsx"]), {"month": "2026-03"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    got = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert got[0][0] == rows[0][0]
    assert got[3:] == expected(people)
    logs = LogEntry.objects.order_by("pk")[before:]
    assert [(log.actor_id, log.changes_dict["export"][0]) for log in logs] == [
        (manager.pk, "sus_list_view"),
        (manager.pk, "sus_list_csv"),
        (manager.pk, "sus_list_xlsx"),
    ]
    assert logs[1].changes_dict["export"][1] == "2026-03: 3 rows"


def test_bad_month_is_an_error_not_a_500(manager, client):
    client.force_login(manager)
    response = client.get(reverse("portal:sus_list"), {"month": "mars"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_sus_fields_through_page_and_api(people, guide, colleague_guide, manager, client, api):
    anna = people["anna"]
    url = reverse("portal:participant_sus", args=[anna.pk])
    client.force_login(colleague_guide)
    assert client.get(url).status_code == 200
    assert client.post(url, {"sus_exit_reason": "arbete"}).status_code == 403
    client.force_login(guide)
    response = client.post(
        url,
        {
            "education_level": "eftergymnasial",
            "sus_employment_before": "arbetslos",
            "sus_income_before": "a_kassa",
            "sus_employment_after": "studier",
            "sus_income_after": "studiemedel",
            "sus_exit_reason": "studier",
        },
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert (anna.education_level, anna.sus_income_before, anna.sus_exit_reason) == (
        "eftergymnasial",
        "a_kassa",
        "studier",
    )
    assert client.post(url, {"sus_exit_reason": "nonsense"}).status_code == 400
    bad = api(guide).patch(
        f"/api/v1/participants/{anna.pk}/", {"sus_income_after": "nonsense"}, format="json"
    )
    assert bad.status_code == 400 and "sus_income_after" in bad.json()
    ok = api(guide).patch(
        f"/api/v1/participants/{anna.pk}/", {"sus_income_after": "lon"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["sus_income_after"] == "lon"
    assert (
        api(manager)
        .patch(f"/api/v1/participants/{anna.pk}/", {"sus_income_after": "ingen"}, format="json")
        .status_code
        == 403
    )


def test_sus_consent_is_its_own_scope(people, guide, api):
    response = api(guide).post(
        "/api/v1/consents/",
        {
            "participant": people["cia"].pk,
            "agency": "Samordningsförbundet Kalmar län",
            "purpose": "Registrering i SUS",
            "scopes": ["sus_registration"],
            "given_on": "2026-03-11",
            "method": "signed_paper",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 403),
        ("guide", 403),
        ("manager", 200),
        ("admin_user", 200),
        ("employer_user", 403),
    ],
)
def test_sus_api_per_role_and_logged(people, request, api, who, status):
    user = request.getfixturevalue(who)
    before = LogEntry.objects.count()
    response = api(user).get("/api/v1/sus/", {"month": "2026-03"})
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert [list(r.values())[:12] for r in data["rows"]][0][:5] == expected(people)[0][:5]
        assert data["rows"][1]["codes"]["education_level"] == "gymnasial"
        assert data["rows"][1]["written_consent"] is True
        file = api(user).get("/api/v1/sus/", {"month": "2026-03", "file": "csv"})
        assert file.status_code == 200 and b"19900101-1234" in file.content
        kinds = [e.changes_dict["export"][0] for e in LogEntry.objects.order_by("pk")[before:]]
        assert kinds == ["sus_list_view", "sus_list_csv"]
    else:
        assert LogEntry.objects.count() == before
    assert api(None).get("/api/v1/sus/", {"month": "2026-03"}).status_code in (401, 403)


def test_sus_api_bad_month(manager, api):
    response = api(manager).get("/api/v1/sus/", {"month": "2026-13"})
    assert response.status_code == 400 and "month" in response.json()


# --- issue 19: what SUS needs and a row lacks is flagged, per participant, in words ---


def test_missing_required_fields_are_named_per_participant(people, manager, client):
    rows = {r.code: r for r in sus.sus_month_rows(user=manager, month=MARCH)}
    assert rows[people["anna"].code].missing() == []
    assert rows[people["bo"].code].missing() == [
        "personnummer",
        "skriftligt samtycke till registrering i SUS",
    ]
    assert rows[people["cia"].code].missing() == [
        "personnummer",
        "sysselsättning före",
        "huvudsaklig försörjning före",
        "utbildningsnivå",
        "skriftligt samtycke till registrering i SUS",
        "sysselsättning efter",
        "huvudsaklig försörjning efter",
        "orsak till avslut",
    ]
    client.force_login(manager)
    page = client.get(reverse("portal:sus_list"), {"month": "2026-03"}).content.decode()

    def row(code):
        html = page[page.index(f'data-participant="{code}"') :]
        return html[: html.index("</tr>")]

    assert "Komplett" in row(people["anna"].code) and "saknas" not in row(people["anna"].code)
    assert "2 saknas" in row(people["bo"].code) and "personnummer, skriftligt" in row(
        people["bo"].code
    )
    assert "8 saknas" in row(people["cia"].code) and "orsak till avslut" in row(people["cia"].code)
    assert "Saknas för SUS" in page and "2 rader saknar det SUS behöver" in page
