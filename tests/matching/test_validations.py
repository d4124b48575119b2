"""OCN case workflow from registration to certificate."""

import pytest

from core.choices import Role
from core.models import OcnModule, OcnProgramme, Skill
from matching.models import OcnCase, ParticipantSkill
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def module():
    programme = OcnProgramme.objects.create(
        code="LOG", name="Lager och logistik", occupational_area="Logistik"
    )
    mod = OcnModule.objects.create(
        programme=programme, code="LOG-1", name="Truckhantering", level=2, mandatory=True
    )
    mod.skills.set(
        [Skill.objects.get(label="Truckvana"), Skill.objects.get(label="Orderplockning")]
    )
    OcnModule.objects.create(
        programme=programme, code="LOG-2", name="Godsmottagning", level=1, mandatory=True
    )
    return mod


@pytest.fixture
def qa_admin(unit):
    return UserFactory(username="quinn", role=Role.ADMIN, unit=unit)


def test_a_case_runs_from_registration_to_certificate(api, guide, admin_user, participant, module):
    client = api(guide)
    case = client.post("/api/v1/ocn-cases/", {"participant": participant.pk, "module": module.pk})
    assert case.status_code == 201, case.json()
    url = f"/api/v1/ocn-cases/{case.json()['id']}"
    assert (
        client.post(
            f"{url}/transition/",
            {"status": "assessed", "evidence": "Observerad truckkörning i 3 veckor"},
        ).status_code
        == 200
    )
    # internal QA by someone other than the assessor
    assert (
        api(admin_user).post(f"{url}/transition/", {"status": "internally_assured"}).status_code
        == 200
    )
    assert (
        client.post(
            f"{url}/transition/",
            {"status": "externally_verified", "external_verifier": "OCN Sverige, panel logistik"},
        ).status_code
        == 200
    )
    done = client.post(
        f"{url}/transition/",
        {"status": "certified", "certificate_number": "OCN-2026-0042", "level": 2},
    )
    assert done.status_code == 200, done.json()
    data = done.json()
    assert data["status"] == "certified" and data["certificate_number"] == "OCN-2026-0042"
    assert [e["to_status"] for e in data["events"]] == [
        "registered",
        "assessed",
        "internally_assured",
        "externally_verified",
        "certified",
    ]
    assert {e["by"] for e in data["events"]} == {guide.pk, admin_user.pk}
    validated = ParticipantSkill.objects.filter(participant=participant, source="validated")
    assert set(validated.values_list("skill__label", flat=True)) == {"Truckvana", "Orderplockning"}
    certificate = client.get(f"{url}/certificate/").json()
    assert certificate["competences"] == ["Orderplockning", "Truckvana"] or set(
        certificate["competences"]
    ) == {"Truckvana", "Orderplockning"}
    assert certificate["trade_certificate_complete"] is False  # LOG-2 is mandatory too


def test_out_of_order_transition_is_refused(api, guide, participant, module):
    case = OcnCase.objects.create(participant=participant, module=module)
    response = api(guide).post(
        f"/api/v1/ocn-cases/{case.pk}/transition/",
        {"status": "externally_verified", "external_verifier": "x"},
    )
    assert response.status_code == 400 and "status" in response.json()
    case.refresh_from_db()
    assert case.status == "registered"


def test_internal_qa_by_the_assessor_is_refused(api, guide, participant, module):
    client = api(guide)
    case = OcnCase.objects.create(participant=participant, module=module)
    client.post(
        f"/api/v1/ocn-cases/{case.pk}/transition/", {"status": "assessed", "evidence": "Arbetsprov"}
    )
    response = client.post(
        f"/api/v1/ocn-cases/{case.pk}/transition/", {"status": "internally_assured"}
    )
    assert response.status_code == 400 and "internal_qa_by" in response.json()
    case.refresh_from_db()
    assert case.status == "assessed" and case.internal_qa_by is None


def test_rejection_returns_one_step_with_reason(api, guide, admin_user, participant, module):
    case = OcnCase.objects.create(participant=participant, module=module)
    client = api(guide)
    client.post(
        f"/api/v1/ocn-cases/{case.pk}/transition/", {"status": "assessed", "evidence": "Arbetsprov"}
    )
    api(admin_user).post(
        f"/api/v1/ocn-cases/{case.pk}/transition/", {"status": "internally_assured"}
    )
    assert client.post(f"/api/v1/ocn-cases/{case.pk}/reject/", {"reason": ""}).status_code == 400
    response = client.post(
        f"/api/v1/ocn-cases/{case.pk}/reject/", {"reason": "Underlaget räcker inte för nivå 2"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "assessed"
    last = response.json()["events"][-1]
    assert last["rejected"] and last["reason"] == "Underlaget räcker inte för nivå 2"


def test_missing_evidence_and_certificate_number(api, guide, participant, module):
    case = OcnCase.objects.create(participant=participant, module=module)
    response = api(guide).post(f"/api/v1/ocn-cases/{case.pk}/transition/", {"status": "assessed"})
    assert response.status_code == 400 and "evidence" in response.json()


def test_duplicate_case_for_same_module(api, guide, participant, module):
    OcnCase.objects.create(participant=participant, module=module)
    response = api(guide).post(
        "/api/v1/ocn-cases/", {"participant": participant.pk, "module": module.pk}
    )
    assert response.status_code == 400 and "module" in response.json()


def test_trade_certificate_when_all_mandatory_modules_are_certified(participant, module):
    from matching.participants.services.validations import trade_certificate_complete

    for m in module.programme.modules.all():
        OcnCase.objects.create(
            participant=participant,
            module=m,
            status="certified",
            level=m.level,
            certificate_number=f"C-{m.pk}",
        )
    assert trade_certificate_complete(participant, module.programme)
