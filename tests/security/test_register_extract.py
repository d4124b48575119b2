"""The register extract (issues 19 and 20; GDPR art. 15): one readable document — sections with
Swedish labels, names instead of ids, dates in Swedish form, no raw codes, no ``None`` — shown as
a printable page, downloaded as XLSX (one sheet per section) and as JSON, all from
``matching.participants.extract.participant_extract``; administrators only."""

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from core.choices import Role
from core.models import Adaptation, KgaCompetence, Occupation, OcnModule, OcnProgramme, Skill
from employers.models import Interaction
from matching.choices import Rater
from matching.models import (
    Consent,
    KgaAssessment,
    KgaScore,
    OcnCase,
    OcnCaseEvent,
    ParticipantAdaptationNeed,
    ParticipantLanguage,
    ParticipantSkill,
    ProgressionAnswer,
    ProgressionIndicator,
    ProgressionMeasurement,
)
from placements.models import FollowUp, Placement
from tests.factories.core import UserFactory
from tests.factories.matching import ParticipantFactory
from tests.portal.visible_text import enum_codes, raw_codes_in, visible_text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC)
# Internal ids chosen so that any leak is recognisable in the text.
IDS = {
    "participant": 90401,
    "guide": 90402,
    "placement": 90404,
    "followup": 90405,
    "consent": 90406,
    "ocn": 90407,
    "kga": 90408,
    "interaction": 90409,
    "measurement": 90410,
}
FORMULA = '=HYPERLINK("http://evil.example","klicka")'


@pytest.fixture
def everything(unit, employer, task_profile, coordinator, admin_user):
    """A participant with every kind of data the extract shows."""
    guide = UserFactory(
        id=IDS["guide"], username="gunnel", first_name="Gunnel", last_name="Guide",
        role=Role.GUIDE, unit=unit,
    )  # fmt: skip
    p = ParticipantFactory(
        id=IDS["participant"],
        unit=unit,
        guide=guide,
        first_name="Amina",
        last_name="Yusuf",
        personnummer="19850709-9805",
        support_needs="Behöver stöd vid nya moment.",
        education_level="gymnasial",
        sus_income_before="ekonomiskt_bistand",
        available_days=["mon", "wed"],
        enrolled_on=dt.date(2026, 9, 1),
    )
    p.desired_occupations.set([Occupation.objects.order_by("pk").first()])
    ParticipantLanguage.objects.create(participant=p, language="Somaliska", level="native")
    ParticipantAdaptationNeed.objects.create(
        participant=p,
        adaptation=Adaptation.objects.get(code="quiet-space"),
        description="Ljudkänslig efter stroke.",
    )
    ParticipantSkill.objects.create(
        participant=p, skill=Skill.objects.get(label="Truckvana"), source="validated"
    )
    programme = OcnProgramme.objects.create(
        code="LOG", name="Lager och logistik", occupational_area="Logistik"
    )
    module = OcnModule.objects.create(
        programme=programme, code="LOG-1", name="Truckhantering", level=2, mandatory=True
    )
    case = OcnCase.objects.create(
        id=IDS["ocn"],
        participant=p,
        module=module,
        status="assessed",
        registered_on=dt.date(2026, 10, 1),
        assessor=guide,
        assessed_on=dt.date(2026, 10, 20),
        evidence="Observerad truckkörning i 3 veckor",
    )
    OcnCaseEvent.objects.create(
        case=case, from_status="registered", to_status="assessed", by=guide, at=NOW
    )
    kga = KgaAssessment.objects.create(
        id=IDS["kga"], participant=p, assessed_on=dt.date(2026, 10, 5), assessor=guide
    )
    competence = KgaCompetence.objects.filter(active=True).order_by("pk").first()
    KgaScore.objects.create(assessment=kga, competence=competence, level=3)
    Consent.objects.create(
        id=IDS["consent"],
        participant=p,
        employer=employer,
        recipient_kind="employer",
        purpose="Praktik på lagret",
        scopes=["identity", "adaptation_needs"],
        given_on=dt.date(2026, 10, 2),
        method="signed_paper",
        recorded_by=guide,
    )
    placement = Placement.objects.create(
        id=IDS["placement"],
        participant=p,
        task_profile=task_profile,
        kind="practice",
        subsidy_type="lonestod",
        phase="fa",
        status="ongoing",
        planned_start=dt.date(2026, 11, 2),
        started_on=dt.date(2026, 11, 2),
        hours_per_week=20,
        guide=guide,
        goals_short="Klara plock i egen takt",
    )
    FollowUp.objects.create(
        id=IDS["followup"],
        placement=placement,
        planned_on=dt.date(2026, 11, 9),
        with_whom="supervisor",
        status="done",
        done_on=dt.date(2026, 11, 9),
        rating_tasks=4,
        notes="Går bra, behöver fler pauser.",
        done_by=guide,
    )
    entry = Interaction.objects.create(
        id=IDS["interaction"],
        employer=employer,
        kind="study_visit",
        occurred_on=dt.date(2026, 10, 15),
        by=coordinator,
        notes=FORMULA,
        next_step="Ring handledaren",
        next_step_due=dt.date(2026, 10, 30),
    )
    entry.participants.add(p)
    m = ProgressionMeasurement.objects.create(
        id=IDS["measurement"], participant=p, kind="interval", taken_on=dt.date(2026, 11, 15)
    )
    ProgressionAnswer.objects.create(
        measurement=m,
        indicator=ProgressionIndicator.objects.get(key="tro-pa-mig-sjalv"),
        rater=Rater.PARTICIPANT,
        value=7,
        source="link",
    )
    return p


def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def url(p, fmt=""):
    return f"/sakerhet/deltagare/{p.pk}/utdrag/" + (f"?format={fmt}" if fmt else "")


def no_ids(text: str) -> set[str]:
    return {name for name, pk in IDS.items() if re.search(rf"\b{pk}\b", text)}


@time_machine.travel(NOW, tick=False)
def test_the_page_is_a_readable_swedish_document(admin_user, everything, employer, unit):
    response = admin_client(admin_user).get(url(everything))
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    for heading in (
        "Identitet och kontaktuppgifter",
        "Profil och behov",
        "Kompetenser och valideringar (OCN, KGA)",
        "Samtycken",
        "Placeringar och uppföljningar",
        "Arbetsgivarkontakter för deltagaren",
        "Stegförflyttning",
        "Vem har läst eller ändrat uppgifterna",
    ):
        assert heading in text, heading
    # labels, not field names; names, not ids; choice labels, not codes; Swedish dates
    for label in ("Personnummer", "Jobbguide", "Enhet", "Svenska", "Utbildningsnivå"):
        assert label in text, label
    assert "personnummer" not in re.findall(r"\w+", text)  # only as the label
    assert "Gunnel Guide" in text and employer.name in text and unit.name in text
    assert "Truckhantering" in text and "Bedömd" in text
    assert "Studiebesök" in text and "Ring handledaren" in text
    assert "Går bra, behöver fler pauser." in text and "Handledare" in text
    assert "Lönestöd" in text or "lönestöd" in text
    assert "Namn och kontaktuppgifter" in text and "Anpassningsbehov" in text
    assert "Somaliska" in text and "Modersmål" in text
    assert "måndag" in text.lower() and "Ekonomiskt bistånd" in text
    assert "2 november 2026" in text and "1 september 2026" in text
    assert "Registerutdrag" in text  # the read of this extract is in the access log
    # never a raw code, None or an internal id
    assert raw_codes_in(html, enum_codes()) == set()
    assert "None" not in text
    assert no_ids(text) == set()
    for field_name in ("first_name", "adaptation_needs", "phase_changes", "ocn_cases"):
        assert field_name not in text


@time_machine.travel(NOW, tick=False)
def test_the_page_is_english_when_the_interface_is(admin_user, everything):
    page = admin_client(admin_user).get("/en" + url(everything))  # English pages live under /en/
    text = visible_text(page.content.decode())
    assert "Identity and contact details" in text and "Personal identity number" in text
    assert "November 2, 2026" in text or "Nov. 2, 2026" in text
    assert "None" not in text


@time_machine.travel(NOW, tick=False)
def test_the_page_prints_without_the_menu(admin_user, everything):
    html = admin_client(admin_user).get(url(everything)).content.decode()
    assert 'class="top"' in html  # the menu, hidden by the print stylesheet
    assert '<p class="noprint"><button type="button" data-print>' in html
    css = (settings.BASE_DIR / "portal/static/portal/brygga.css").read_text()
    prints = re.findall(r"@media print\s*{(.*?)}\s*\n", css, re.S)
    assert any("header.top" in block and "display:none" in block for block in prints)
    assert any(".extract" in block for block in prints)


@time_machine.travel(NOW, tick=False)
def test_the_xlsx_has_one_sheet_per_section(admin_user, everything):
    response = admin_client(admin_user).get(url(everything, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "registerutdrag-" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == [
        "Identitet och kontaktuppgifter",
        "Profil och behov",
        "Kompetenser och valideringar (O",
    ]
    assert len(book.sheetnames) == 8
    cells = {
        name: [c for row in book[name].iter_rows(values_only=True) for c in row if c is not None]
        for name in book.sheetnames
    }
    identity = cells["Identitet och kontaktuppgifter"]
    assert "Personnummer" in identity and "19850709-9805" in identity
    assert "Gunnel Guide" in identity
    placements = cells["Placeringar och uppföljningar"]
    assert "Uppföljningar" in placements and "Går bra, behöver fler pauser." in placements
    assert "2 november 2026" in placements
    everything_text = " ".join(str(c) for values in cells.values() for c in values)
    assert "None" not in everything_text and no_ids(everything_text) == set()
    # what a person typed stays text, never a formula a spreadsheet would run
    contacts = book["Arbetsgivarkontakter för deltag"]
    notes = [c for row in contacts.iter_rows() for c in row if c.value == FORMULA]
    assert notes and all(c.data_type == "s" for c in notes)


@time_machine.travel(NOW, tick=False)
def test_the_json_export_has_the_same_sections_with_labels(admin_user, everything):
    """Issue 20: it answered 500 ("Occupation is not JSON serializable") for a participant with a
    desired occupation."""
    response = admin_client(admin_user).get(url(everything, "json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["participant"] == everything.code
    keys = [s["key"] for s in data["sections"]]
    assert keys == [
        "identity",
        "profile",
        "validations",
        "consents",
        "placements",
        "contact_log",
        "progression",
        "audit",
    ]
    sections = {s["key"]: s for s in data["sections"]}
    identity = {f["key"]: f for f in sections["identity"]["fields"]}
    assert identity["personnummer"] == {
        "key": "personnummer",
        "label": "Personnummer",
        "value": "19850709-9805",
    }
    assert identity["guide"]["value"] == "Gunnel Guide"
    assert identity["enrolled_on"]["value"] == "2026-09-01"
    profile = {f["key"]: f for f in sections["profile"]["fields"]}
    occupation = Occupation.objects.order_by("pk").first()
    assert profile["desired_occupations"]["value"] == [occupation.label]
    needs = next(t for t in sections["profile"]["tables"] if t["key"] == "adaptation_needs")
    assert needs["rows"][0]["description"] == "Ljudkänslig efter stroke."
    followups = next(t for t in sections["placements"]["tables"] if t["key"] == "followups")
    assert followups["rows"][0]["status"] == "Klar"  # the label, not "done"
    dump = json.dumps(data, ensure_ascii=False)
    assert no_ids(dump) == set() and '"id"' not in dump


def test_an_unknown_format_is_a_400(admin_user, everything):
    assert admin_client(admin_user).get(url(everything, "pdfx")).status_code == 400


def test_an_empty_participant_shows_dashes_and_nothing_recorded(admin_user, unit, guide):
    p = ParticipantFactory(unit=unit, guide=guide, latitude=None, longitude=None)
    text = visible_text(admin_client(admin_user).get(url(p)).content.decode())
    assert "Inget registrerat." in text and "None" not in text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin_user", 200),
        ("guide", 403),  # the assigned guide: the extract is an administrator's answer
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("employer_user", 403),
        (None, 302),
    ],
)
@pytest.mark.parametrize("fmt", ["", "json", "xlsx"])
def test_only_an_administrator_gets_the_extract(request, participant, role, expected, fmt):
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    assert client.get(url(participant, fmt)).status_code == expected


def test_every_read_of_the_extract_is_the_orms_and_all_of_them_are_one_query(
    everything, admin_user, guide
):
    """The extract's sections read their rows together (``core.together``): for every read of
    every section, the rows equal what its own queryset gives, and the page runs one query for
    all of them, not one per kind of data (issue 22: no page above 12 queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching.models import PhaseChange
    from matching.participants.extract.sections import _READS, _all_reads
    from placements.models import Exit, ParticipantStart, PracticeEvaluation
    from tests.core.test_together import same_as_the_orm

    p = everything
    placement = Placement.objects.get(pk=IDS["placement"])
    placement.agreed_adaptations.set(Adaptation.objects.order_by("pk")[:2])
    PracticeEvaluation.objects.create(
        placement=placement, evaluated_on=dt.date(2026, 11, 20), progress="Bra", rating=4, by=guide
    )
    PhaseChange.objects.create(participant=p, from_phase="finna", to_phase="fa", reason="Praktik")
    Exit.objects.create(participant=p, exited_on=dt.date(2026, 12, 1), outcome="studies", by=guide)
    ParticipantStart.objects.create(
        participant=p, kind="studies", started_on=dt.date(2026, 12, 2), by=guide
    )
    got = same_as_the_orm(_all_reads(p.pk), read=lambda _reads: _READS.read(p.pk))
    empty = sorted(name for (_n, name), rows in got.items() if not rows)
    # the kinds this participant has none of; every other read has rows to compare
    assert empty == ["enrolments", "industries", "invitations", "licences", "six_months"], empty

    client = admin_client(admin_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(p)).status_code == 200
    together = [q for q in queries.captured_queries if "_together_read" in q["sql"]]
    assert len(together) == 1


def test_the_audit_sections_reads_are_the_participants_whole_log(everything, guide):
    """The extract reads the log one kind of record at a time (an index answers each; an ``OR``
    of them scanned the whole log on PostgreSQL): together they are ``participant_log``'s
    entries, no more (another participant's skills and consents stay out) and no fewer."""
    from core.together import read_together
    from matching.participants.services.audit import participant_log, participant_log_reads

    other = ParticipantFactory(unit=everything.unit, guide=guide)
    ParticipantSkill.objects.create(
        participant=other, skill=Skill.objects.get(label="Truckvana"), source="validated"
    )
    skill = everything.skills.get()
    skill.level = 3
    skill.save()  # a change of a related record, logged on the skill
    reads = read_together(participant_log_reads(everything))
    merged = sorted((e.pk for rows in reads.values() for e in rows), reverse=True)
    whole = list(participant_log(everything).values_list("pk", flat=True))
    assert merged == sorted(whole, reverse=True)
    assert reads["participantskill"] and reads["consent"] and reads["participant"]
    assert not set(merged) & set(participant_log(other).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("role", "shown"),
    [("admin_user", True), ("guide", False), ("coordinator", False), ("manager", False)],
)
def test_only_an_administrator_has_the_extracts_button_on_the_participant_page(
    request, everything, role, shown
):
    """The participant page links the extract for the one role that may open it; the others
    get no button that would end in a refusal."""
    client = Client()
    client.force_login(request.getfixturevalue(role))
    response = client.get(f"/deltagare/{everything.pk}/")
    assert response.status_code == 200
    assert (url(everything) in response.content.decode()) is shown
