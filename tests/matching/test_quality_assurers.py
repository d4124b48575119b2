"""Internal quality assurance without an administrator: a named quality assurer of the unit
(intern kvalitetssäkrare), granted by an administrator; never on a case they assessed."""

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import Forbidden, NotAllowed
from core.models import OcnModule, OcnProgramme
from matching.models import OcnCase
from matching.participants.services.participants import participant_update
from matching.participants.services.validations import (
    ocn_case_advance,
    ocn_case_register,
    quality_assurer_grant,
    quality_assurer_revoke,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def module():
    programme = OcnProgramme.objects.create(code="LOK", name="Lokalvård", occupational_area="Städ")
    return OcnModule.objects.create(
        programme=programme, code="LOK-2", name="Hygienstädning", level=2
    )


@pytest.fixture
def assessed(participant, guide, module):
    case = ocn_case_register(participant=participant, module=module, by=guide)
    return ocn_case_advance(case=case, to_status="assessed", by=guide, evidence="Arbetsprov")


def test_a_named_quality_assurer_assures_without_being_admin(
    assessed, admin_user, colleague_guide, unit
):
    with pytest.raises(Forbidden):
        ocn_case_advance(case=assessed, to_status="internally_assured", by=colleague_guide)
    quality_assurer_grant(unit=unit, user=colleague_guide, by=admin_user)
    done = ocn_case_advance(case=assessed, to_status="internally_assured", by=colleague_guide)
    assert done.status == "internally_assured" and done.internal_qa_by == colleague_guide


def test_the_assessor_never_assures_their_own_case_even_when_named(
    assessed, admin_user, guide, unit
):
    quality_assurer_grant(unit=unit, user=guide, by=admin_user)
    with pytest.raises(ValidationError) as err:
        ocn_case_advance(case=assessed, to_status="internally_assured", by=guide)
    assert "internal_qa_by" in err.value.message_dict
    assert OcnCase.objects.get(pk=assessed.pk).status == "assessed"


def test_only_an_administrator_grants_and_revokes(
    assessed, admin_user, coordinator, colleague_guide, foreign_guide, unit
):
    with pytest.raises(NotAllowed):
        quality_assurer_grant(unit=unit, user=colleague_guide, by=coordinator)
    with pytest.raises(ValidationError):
        quality_assurer_grant(unit=unit, user=foreign_guide, by=admin_user)  # other unit
    row = quality_assurer_grant(unit=unit, user=coordinator, by=admin_user)
    with pytest.raises(NotAllowed):
        quality_assurer_revoke(row=row, by=colleague_guide)
    quality_assurer_revoke(row=row, by=admin_user)
    with pytest.raises(Forbidden):
        ocn_case_advance(case=assessed, to_status="internally_assured", by=coordinator)


def test_a_named_quality_assurer_may_not_do_the_guides_steps(
    assessed, admin_user, colleague_guide, unit
):
    quality_assurer_grant(unit=unit, user=colleague_guide, by=admin_user)
    ocn_case_advance(case=assessed, to_status="internally_assured", by=colleague_guide)
    with pytest.raises(Forbidden):
        ocn_case_advance(
            case=assessed,
            to_status="externally_verified",
            by=colleague_guide,
            external_verifier="X",
        )


def test_pausing_matching_needs_a_reason(participant, guide):
    with pytest.raises(ValidationError) as err:
        participant_update(participant=participant, by=guide, active=False)
    assert "paused_reason" in err.value.message_dict
    paused = participant_update(
        participant=participant, by=guide, active=False, paused_reason="Sjukskriven till maj"
    )
    assert not paused.active and paused.paused_reason == "Sjukskriven till maj"
    back = participant_update(participant=participant, by=guide, active=True)
    assert back.active and back.paused_reason == ""


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("admin_user", 200, 201),
        ("guide", 200, 403),
        ("coordinator", 200, 403),
        ("manager", 200, 403),
        ("employer_user", 403, 403),
        (None, 403, 403),
    ],
)
def test_quality_assurers_api_per_role(request, api, colleague_guide, who, read, write):
    user = request.getfixturevalue(who) if who else None
    client = api(user)
    listing = client.get("/api/v1/quality-assurers/")
    assert listing.status_code in ((401, 403) if read == 403 else (read,))
    created = client.post("/api/v1/quality-assurers/", {"user": colleague_guide.pk})
    assert created.status_code in ((401, 403) if write == 403 else (write,))
    if write == 201:
        assert created.json()["user"] == colleague_guide.pk
        assert client.delete(f"/api/v1/quality-assurers/{created.json()['id']}/").status_code == 204


def test_quality_assurers_of_another_unit_are_invisible(api, admin_user, foreign_guide, unit):
    created = api(admin_user).post("/api/v1/quality-assurers/", {"user": foreign_guide.pk})
    assert created.status_code == 400 and list(created.json()) == ["user"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("guide", 200), ("colleague_guide", 403), ("coordinator", 403), ("employer_user", 403)],
)
def test_change_and_remove_a_skill_through_the_api(request, api, participant, guide, who, status):
    from matching.participants.services.participants import participant_skill_add

    row = participant_skill_add(participant=participant, by=guide, text="Städning", level=2)
    client = api(request.getfixturevalue(who))
    url = f"/api/v1/participants/{participant.pk}/skills/{row.pk}/"
    changed = client.patch(url, {"level": 4, "source": "observed"})
    assert changed.status_code == status
    row.refresh_from_db()
    assert (row.level, row.source) == ((4, "observed") if status == 200 else (2, "self_reported"))
    removed = client.delete(url)
    assert removed.status_code == (204 if status == 200 else status)
    assert participant.skills.filter(pk=row.pk).exists() == (status != 200)
    validated = api(guide).patch(url, {"source": "validated"}) if status != 200 else None
    if validated is not None:
        assert validated.status_code == 400 and list(validated.json()) == ["source"]


# --- issue 19: the internal quality assurer's worklist ---


def test_the_worklist_holds_assessed_cases_of_the_units_one_is_named_for(
    assessed, admin_user, colleague_guide, guide, foreign_guide, foreign_participant, module, unit
):
    from django.test import Client

    from matching.participants.selectors import ocn_cases_awaiting_internal_qa

    assert list(ocn_cases_awaiting_internal_qa(colleague_guide)) == []  # not named yet
    quality_assurer_grant(unit=unit, user=colleague_guide, by=admin_user)
    quality_assurer_grant(unit=unit, user=guide, by=admin_user)
    foreign = ocn_case_register(participant=foreign_participant, module=module, by=foreign_guide)
    ocn_case_advance(case=foreign, to_status="assessed", by=foreign_guide, evidence="Prov")
    assert list(ocn_cases_awaiting_internal_qa(colleague_guide)) == [assessed]
    assert list(ocn_cases_awaiting_internal_qa(guide)) == []  # the assessor never assures it
    client = Client()
    client.force_login(colleague_guide)
    landing = client.get("/deltagare/").content.decode()
    assert 'id="menu-qa-waiting">1</span>' in landing and "Att kvalitetssäkra" in landing
    assert "1 OCN-ärende väntar på din interna kvalitetssäkring." in landing
    page = client.get("/kvalitetssakring/").content.decode()
    assert f'data-case="{assessed.pk}"' in page and f'data-case="{foreign.pk}"' not in page
    assert f"/deltagare/ocn/{assessed.pk}/" in page and "Hygienstädning" in page
    ocn_case_advance(case=assessed, to_status="internally_assured", by=colleague_guide)
    page = client.get("/kvalitetssakring/").content.decode()
    assert f'data-case="{assessed.pk}"' not in page
    assert "Inga OCN-ärenden väntar på intern kvalitetssäkring." in page
    assert 'id="menu-qa-waiting">0</span>' in page


def test_the_menus_compiled_qa_count_is_the_worklists_length_for_each_user(
    assessed, admin_user, colleague_guide, guide, foreign_guide, foreign_participant, module, unit
):
    from core.models import User
    from portal.context_processors import _counts, qa_waiting

    quality_assurer_grant(unit=unit, user=colleague_guide, by=admin_user)
    quality_assurer_grant(unit=unit, user=guide, by=admin_user)
    foreign = ocn_case_register(participant=foreign_participant, module=module, by=foreign_guide)
    ocn_case_advance(case=foreign, to_status="assessed", by=foreign_guide, evidence="Prov")
    counted = {}
    for user in (colleague_guide, guide, admin_user, foreign_guide):
        user = User.objects.get(pk=user.pk)
        counted[user.username] = _counts(user).get("qa_waiting")
        if counted[user.username] is not None:
            assert counted[user.username] == qa_waiting(user).count(), user.username
    assert counted[colleague_guide.username] == 1 and counted[guide.username] == 0
    assert counted[admin_user.username] == 1 and counted[foreign_guide.username] is None


def test_the_worklist_is_for_staff_only(client, employer_user, assessed):
    assert client.get("/kvalitetssakring/").status_code == 302
    client.force_login(employer_user)
    assert client.get("/kvalitetssakring/").status_code == 403
