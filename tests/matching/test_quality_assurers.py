"""Internal quality assurance without an administrator: a named quality assurer of the unit
(intern kvalitetssäkrare), granted by an administrator; never on a case they assessed."""

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import Forbidden, NotAllowed
from core.models import OcnModule, OcnProgramme
from matching.models import OcnCase
from matching.services.participants import participant_update
from matching.services.validations import (
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
