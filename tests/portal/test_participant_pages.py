"""Issue 10 pages per role: the participant's record (edit, skills, needs), validations (OCN
cases, KGA), the administrator's quality assurers. What each role gets, and what must NOT be
visible: need descriptions and the full personnummer outside the assigned guide and admins."""

import pytest
from django.urls import reverse

from core.models import Adaptation, KgaCompetence, OcnModule, OcnProgramme, Skill
from matching.models import KgaAssessment, OcnCase, ParticipantSkill, QualityAssurer
from matching.participants.services.validations import ocn_case_advance, ocn_case_register

pytestmark = pytest.mark.django_db

DESCRIPTION = "Ljudkänslig efter stroke."  # the fixture participant's need description
FULL_PNR = "19850709-9805"


@pytest.fixture
def module():
    programme = OcnProgramme.objects.create(code="LOK", name="Lokalvård", occupational_area="Städ")
    return OcnModule.objects.create(
        programme=programme, code="LOK-2", name="Hygienstädning", level=2
    )


@pytest.fixture
def case(participant, guide, module):
    return ocn_case_register(participant=participant, module=module, by=guide)


@pytest.fixture
def cast(guide, colleague_guide, coordinator, manager, employer_user, admin_user):
    return {
        "guide": guide,
        "colleague": colleague_guide,
        "coordinator": coordinator,
        "manager": manager,
        "employer": employer_user,
        "admin": admin_user,
        "anonymous": None,
    }


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


# who → expected status for each page; 302 = sent to the login page
PAGES = {
    "participant_detail": {
        "guide": 200,
        "colleague": 200,
        "coordinator": 200,
        "manager": 200,
        "employer": 403,
        "anonymous": 302,
        "admin": 200,
    },
    "participant_edit": {
        "guide": 200,
        "colleague": 403,
        "coordinator": 403,
        "manager": 403,
        "employer": 403,
        "anonymous": 302,
        "admin": 200,
    },
    "participant_skills": {
        "guide": 200,
        "colleague": 403,
        "coordinator": 403,
        "manager": 403,
        "employer": 403,
        "anonymous": 302,
        "admin": 200,
    },
    "participant_needs": {
        "guide": 200,
        "colleague": 403,
        "coordinator": 403,
        "manager": 403,
        "employer": 403,
        "anonymous": 302,
        "admin": 200,
    },
    "participant_validations": {
        "guide": 200,
        "colleague": 200,
        "coordinator": 200,
        "manager": 200,
        "employer": 403,
        "anonymous": 302,
        "admin": 200,
    },
    "kga_create": {
        "guide": 200,
        "colleague": 403,
        "coordinator": 403,
        "manager": 403,
        "employer": 403,
        "anonymous": 302,
        "admin": 200,
    },
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize(
    "who", ["guide", "colleague", "coordinator", "manager", "employer", "anonymous", "admin"]
)
def test_who_gets_each_participant_page(client, cast, participant, page, who):
    response = get(client, cast[who], reverse(f"portal:{page}", args=[participant.pk]))
    assert response.status_code == PAGES[page][who]
    body = response.content.decode()
    if who not in ("guide", "admin"):
        assert DESCRIPTION not in body and FULL_PNR not in body
        assert participant.support_needs not in body
    if (
        response.status_code == 200
        and who in ("guide", "admin")
        and page in ("participant_detail", "participant_needs")
    ):
        assert DESCRIPTION in body


def test_the_detail_page_masks_and_offers_editing_only_to_the_guide(client, cast, participant):
    mine = get(client, cast["guide"], reverse("portal:participant_detail", args=[participant.pk]))
    assert FULL_PNR in mine.content.decode()
    assert reverse("portal:participant_edit", args=[participant.pk]) in mine.content.decode()
    theirs = get(
        client, cast["colleague"], reverse("portal:participant_detail", args=[participant.pk])
    )
    body = theirs.content.decode()
    assert "19850709-****" in body
    assert Adaptation.objects.get(code="quiet-space").label in body  # which adaptation, not why
    assert reverse("portal:participant_edit", args=[participant.pk]) not in body


def test_the_guide_edits_every_field_through_the_service(client, guide, participant):
    client.force_login(guide)
    url = reverse("portal:participant_edit", args=[participant.pk])
    form = {
        "first_name": "Amina",
        "last_name": "Yusuf",
        "personnummer": FULL_PNR,
        "gender": "kvinna",
        "birth_year": "1985",
        "newly_arrived": "on",
        "guide": guide.pk,
        "enrolled_on": "2026-01-02",
        "municipality": participant.municipality_id,
        "home_locality": "Kalmar",
        "postal_code": "",
        "home_address": "Storgatan 1",
        "commute_means": ["bike", "public_transport"],
        "commute_max_km": "15",
        "commute_max_minutes": "",
        "hours_min": "20",
        "hours_max": "30",
        "available_days": ["mon", "tue"],
        "swedish_level": "3",
        "goals": "Fast jobb inom lokalvård",
        "support_needs": participant.support_needs,
        "active": "0",
        "paused_reason": "",
        "lang-TOTAL_FORMS": "2",
        "lang-INITIAL_FORMS": "0",
        "lang-0-language": "arabiska",
        "lang-0-level": "native",
        "lang-1-language": "",
        "lang-1-level": "",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    participant.refresh_from_db()
    assert participant.active and participant.goals == ""  # nothing half-written
    form["paused_reason"] = "Sjukskriven till maj"
    assert client.post(url, form).status_code == 302
    participant.refresh_from_db()
    assert (participant.hours_min, participant.hours_max, participant.commute_max_km) == (
        20,
        30,
        15,
    )
    assert participant.goals == "Fast jobb inom lokalvård" and not participant.active
    assert participant.paused_reason == "Sjukskriven till maj"
    assert [(x.language, x.level) for x in participant.languages.all()] == [("Arabiska", "native")]
    assert participant.newly_arrived and str(participant.enrolled_on) == "2026-01-02"
    assert participant.personnummer == FULL_PNR


def test_a_colleague_cannot_post_an_edit(client, colleague_guide, participant):
    client.force_login(colleague_guide)
    response = client.post(
        reverse("portal:participant_edit", args=[participant.pk]), {"first_name": "X"}
    )
    assert response.status_code == 403
    participant.refresh_from_db()
    assert participant.first_name == "Amina"


def test_skills_with_source_and_level_and_needs_with_descriptions(client, guide, participant):
    client.force_login(guide)
    skills_url = reverse("portal:participant_skills", args=[participant.pk])
    page = client.get(skills_url).content.decode()
    assert 'list="skill-options"' in page and "<datalist" in page
    label = Skill.objects.order_by("pk").first().label
    assert (
        client.post(skills_url, {"skill": label, "level": "3", "source": "observed"}).status_code
        == 302
    )
    row = ParticipantSkill.objects.get(participant=participant, skill__label=label)
    assert (row.level, row.source) == (3, "observed")
    client.post(
        reverse("portal:participant_skill_change", args=[participant.pk, row.pk]),
        {f"s{row.pk}-level": "4", f"s{row.pk}-source": "self_reported"},
    )
    row.refresh_from_db()
    assert (row.level, row.source) == (4, "self_reported")
    client.post(
        reverse("portal:participant_skill_change", args=[participant.pk, row.pk]), {"remove": "1"}
    )
    assert not ParticipantSkill.objects.filter(pk=row.pk).exists()
    step_free = Adaptation.objects.get(code="step-free-access")
    quiet = Adaptation.objects.get(code="quiet-space")
    needs_url = reverse("portal:participant_needs", args=[participant.pk])
    response = client.post(
        needs_url,
        {
            "need-TOTAL_FORMS": "2",
            "need-INITIAL_FORMS": "1",
            "need-0-adaptation": quiet.pk,
            "need-0-description": "Ljudkänslig",
            "need-1-adaptation": step_free.pk,
            "need-1-description": "Rullstol",
        },
    )
    assert response.status_code == 302
    assert dict(participant.adaptation_needs.values_list("adaptation__code", "description")) == {
        "quiet-space": "Ljudkänslig",
        "step-free-access": "Rullstol",
    }


def test_ocn_case_through_the_pages_with_a_named_quality_assurer(
    client, guide, colleague_guide, admin_user, participant, module, unit
):
    client.force_login(guide)
    response = client.post(
        reverse("portal:participant_validations", args=[participant.pk]), {"module": module.pk}
    )
    case = OcnCase.objects.get(participant=participant, module=module)
    assert response.status_code == 302
    case_url = reverse("portal:ocn_case", args=[case.pk])
    client.post(
        case_url,
        {"action": "advance", "date": "2026-01-10", "evidence": "Arbetsprov", "level": "2"},
    )
    case.refresh_from_db()
    assert case.status == "assessed" and case.assessor == guide
    # the assessor is not offered internal QA, and posting it is refused
    assert "någon annan måste kvalitetssäkra" in client.get(case_url).content.decode()
    assert client.post(case_url, {"action": "advance", "date": "2026-01-11"}).status_code == 403
    # a colleague without the permission cannot; with it (granted by the admin's page) can
    client.force_login(colleague_guide)
    assert client.post(case_url, {"action": "advance", "date": "2026-01-11"}).status_code == 403
    client.force_login(admin_user)
    client.post(reverse("portal:quality_assurers"), {"user": colleague_guide.pk})
    assert QualityAssurer.objects.filter(unit=unit, user=colleague_guide).exists()
    client.force_login(colleague_guide)
    assert client.post(case_url, {"action": "advance", "date": "2026-01-11"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "internally_assured" and case.internal_qa_by == colleague_guide
    client.force_login(guide)
    client.post(
        case_url, {"action": "advance", "date": "2026-01-12", "external_verifier": "OCN Sverige"}
    )
    above = client.post(
        case_url,
        {"action": "advance", "date": "2026-01-13", "certificate_number": "C-1", "level": "3"},
    )
    assert above.status_code == 200 and 'role="alert"' in above.content.decode()
    client.post(
        case_url,
        {"action": "advance", "date": "2026-01-13", "certificate_number": "C-1", "level": "1"},
    )
    case.refresh_from_db()
    assert case.status == "certified" and case.level == 1


def test_kga_assessment_and_history_per_competence(client, guide, colleague_guide, participant):
    competence = KgaCompetence.objects.filter(active=True).first()
    client.force_login(guide)
    url = reverse("portal:kga_create", args=[participant.pk])
    assert (
        client.post(url, {"assessed_on": "2026-01-05", f"c{competence.pk}": "2"}).status_code == 302
    )
    assert (
        client.post(url, {"assessed_on": "2026-02-05", f"c{competence.pk}": "3"}).status_code == 302
    )
    assert KgaAssessment.objects.filter(participant=participant).count() == 2
    client.force_login(colleague_guide)
    body = client.get(
        reverse("portal:participant_validations", args=[participant.pk])
    ).content.decode()
    assert (
        competence.name in body and body.count("<td>3</td>") >= 1 and body.count("<td>2</td>") >= 1
    )
    assert reverse("portal:kga_create", args=[participant.pk]) not in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("employer", 403),
        ("anonymous", 302),
    ],
)
def test_only_administrators_manage_quality_assurers(client, cast, who, status):
    assert get(client, cast[who], reverse("portal:quality_assurers")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("guide", 200),
        ("colleague", 200),
        ("coordinator", 200),
        ("manager", 200),
        ("employer", 403),
        ("anonymous", 302),
    ],
)
def test_who_sees_an_ocn_case(client, cast, case, who, status):
    response = get(client, cast[who], reverse("portal:ocn_case", args=[case.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert DESCRIPTION not in body and FULL_PNR not in body
        assert ('name="action" value="advance"' in body) == (who == "guide")


def test_a_case_in_another_unit_is_not_found(client, foreign_guide, case):
    client.force_login(foreign_guide)
    assert client.get(reverse("portal:ocn_case", args=[case.pk])).status_code == 404


__all__ = ["ocn_case_advance"]


def test_excluded_matches_are_listed_a_page_at_a_time_with_readable_reasons(
    client, guide, participant, employer
):
    from matching import features
    from tests.factories.employers import SiteFactory, TaskProfileFactory

    for i in range(12):  # all in Västervik, beyond reach
        TaskProfileFactory(
            employer=employer,
            site=SiteFactory(employer=employer, latitude=57.7584, longitude=16.6373),
            title=f"Långt bort {i:02d}",
        )
    features.forget()
    client.force_login(guide)
    url = reverse("portal:participant_detail", args=[participant.pk])
    first = client.get(url, {"excluded": "1"}).content.decode()
    assert first.count('class="card match"') == 10 and "page=2" in first
    assert "gränsen är" in first and "outside_commute_reach" not in first
    second = client.get(url, {"excluded": "1", "page": "2"}).content.decode()
    assert second.count('class="card match"') == 2 and "page=3" not in second
    assert client.get(url, {"excluded": "1", "page": "x"}).status_code == 200


# Every API write of issue 10 has its page (STYLE rule 12): API operation → page URL name.
API_WRITES_TO_PAGES = {
    "PATCH /api/v1/participants/{id}/": "portal:participant_edit",
    "POST /api/v1/participants/{id}/skills/": "portal:participant_skills",
    "PATCH|DELETE /api/v1/participants/{id}/skills/{skill}/": "portal:participant_skill_change",
    "PATCH /api/v1/participants/{id}/ (adaptation_needs)": "portal:participant_needs",
    "POST /api/v1/ocn-cases/": "portal:participant_validations",
    "POST /api/v1/ocn-cases/{id}/transition/": "portal:ocn_case",
    "POST /api/v1/ocn-cases/{id}/reject/": "portal:ocn_case",
    "POST /api/v1/participants/{id}/kga-assessments/": "portal:kga_create",
    "POST|DELETE /api/v1/quality-assurers/": "portal:quality_assurers",
}


@pytest.mark.parametrize("operation", list(API_WRITES_TO_PAGES))
def test_every_api_write_has_its_page(operation):
    name = API_WRITES_TO_PAGES[operation]
    args = [] if name == "portal:quality_assurers" else [1, 1][: 2 if "skill_change" in name else 1]
    assert reverse(name, args=args)


# --- issue 19: the commute limit in km as well as minutes, and which one applies ---


def test_the_register_form_takes_km_beside_minutes_and_keeps_both_as_entered(client, guide):
    from matching import features
    from matching.models import Participant

    client.force_login(guide)
    form = client.get("/deltagare/ny/").content.decode()
    assert 'name="commute_max_km"' in form and 'name="commute_max_minutes"' in form
    assert "Längsta resväg, km" in form and "den kortaste räckvidden" in form
    base = {
        "first_name": "Sara",
        "last_name": "Ali",
        "gender": "kvinna",
        "municipality": "0880",
        "home_locality": "Lindsdal",
        "commute_means": ["bike"],
        "hours_min": 10,
        "hours_max": 20,
        "swedish_level": 3,
        "commute_max_minutes": 45,
        "commute_max_km": 5,
    }
    assert client.post("/deltagare/ny/", base).status_code == 302
    person = Participant.objects.get()
    assert (person.commute_max_minutes, person.commute_max_km) == (45, 5)
    # 45 minutes by bicycle reach about 9.2 km: the 5 km limit is shorter, so it applies.
    features.forget()
    engine = features.unit_engine(person.unit_id).engine
    assert engine.tables.participants.reach_km[engine.participant_row(person.pk)] == 5.0
    detail = client.get(f"/deltagare/{person.pk}/").content.decode()
    assert "Kilometergränsen gäller: 5 km (fågelvägen)" in detail
    assert "45 minuter med cykel" in detail and "9,2 km" in detail


def test_the_edit_form_says_the_minute_limit_applies_when_it_reaches_shorter(
    client, guide, participant
):
    from matching import features
    from matching.participants.commute import commute_reach

    participant.commute_means, participant.commute_max_minutes = ["bike"], 20
    participant.commute_max_km = 50
    participant.save()
    features.forget()
    engine = features.unit_engine(participant.unit_id).engine
    reach = engine.tables.participants.reach_km[engine.participant_row(participant.pk)]
    assert round(commute_reach(participant)["km"], 6) == round(float(reach), 6)
    client.force_login(guide)
    html = client.get(reverse("portal:participant_edit", args=[participant.pk])).content.decode()
    assert "Minutgränsen gäller: 20 minuter med cykel når ungefär 4,1 km" in html
    assert "kortare än kilometergränsen (50 km)" in html
    assert 'name="commute_max_km" value="50"' in html
    participant.commute_max_minutes = participant.commute_max_km = None
    participant.save()
    html = client.get(reverse("portal:participant_edit", args=[participant.pk])).content.decode()
    assert "Ingen egen gräns: de vanliga 30 minuterna med cykel gäller" in html
