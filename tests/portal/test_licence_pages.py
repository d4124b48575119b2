"""Licences, legitimations and must-have skills in the pages (issue 23): the coordinator requires
them on a profile, the guide records what a participant holds, and the match list says in words
which licence or skill is missing."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import Licence, Skill
from employers.models import TaskProfile
from employers.services.profiles import task_profile_transition
from matching import features

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engines():
    features.forget()
    cache.clear()
    yield
    features.forget()


def lic(code):
    return Licence.objects.get(code=code)


def _profile_post(site, **extra):
    data = {
        "title": "Lastbilsförare, praktik",
        "site": site.pk,
        "kind": "practice",
        "hours_min": 10,
        "hours_max": 30,
        "slots_total": 2,
        "swedish_level": 0,
        "physical_demands": "moderate",
        "supervisor_available": "on",
    }
    for i in range(8):
        data.setdefault(f"skill_{i}_weight", 3)
        data.setdefault(f"skill_{i}_required", "0")
    data.update(extra)
    return data


def test_the_coordinator_requires_a_licence_and_a_must_skill_and_the_guide_sees_why(
    client, coordinator, guide, employer, site, participant
):
    truck = Skill.objects.get(label="Truckvana")
    client.force_login(coordinator)
    form = client.get(f"/arbetsgivare/{employer.pk}/ny-kravprofil/").content.decode()
    assert "Krävda behörigheter och legitimationer" in form
    assert "Körkort CE (tung lastbil med släp)" in form and "Tandläkarlegitimation" in form
    assert "Måste finnas (utesluter den som saknar den)" in form
    response = client.post(
        f"/arbetsgivare/{employer.pk}/ny-kravprofil/",
        _profile_post(
            site,
            required_licences=[lic("c").pk],
            skill_0=truck.label,
            skill_0_required="must",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = TaskProfile.objects.get(title="Lastbilsförare, praktik")
    assert [x.code for x in profile.required_licences.all()] == ["c"]
    (row,) = profile.skills.all()
    assert (row.skill_id, row.required, row.must) == (truck.pk, True, True)
    task_profile_transition(profile=profile, to_status="open", by=coordinator)
    detail = client.get(f"/kravprofiler/{profile.pk}/").content.decode()
    assert "Körkort C (tung lastbil)" in detail
    edit = client.get(reverse("portal:profile_edit_full", args=[profile.pk])).content.decode()
    box = edit.split(f'value="{lic("c").pk}"')[1].split(">")[0]
    assert "checked" in box
    # The guide: the participant holds neither, so the profile is listed as excluded, in words.
    client.force_login(guide)
    page = client.get(f"/deltagare/{participant.pk}/?excluded=1").content.decode()
    assert "Kräver Körkort C (tung lastbil) – saknas" in page
    assert "Måste ha Truckvana – saknas" in page
    # The guide records a CE licence (which includes C) in the participant's form.
    assert (
        "Behörigheter och legitimationer"
        in client.get(reverse("portal:participant_edit", args=[participant.pk])).content.decode()
    )
    participant_form = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "gender": participant.gender,
        "guide": guide.pk,
        "enrolled_on": str(participant.enrolled_on),
        "municipality": participant.municipality_id,
        "home_locality": participant.home_locality,
        "commute_means": ["bike"],
        "has_driving_licence": "on",
        "licences": [lic("ce").pk],
        "hours_min": participant.hours_min,
        "hours_max": participant.hours_max,
        "swedish_level": participant.swedish_level,
        "support_needs": participant.support_needs,
        "active": "1",
        "lang-TOTAL_FORMS": "0",
        "lang-INITIAL_FORMS": "0",
    }
    saved = client.post(reverse("portal:participant_edit", args=[participant.pk]), participant_form)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    participant.refresh_from_db()
    assert participant.has_driving_licence
    assert [x.code for x in participant.licences.all()] == ["ce"]
    page = client.get(f"/deltagare/{participant.pk}/?excluded=1").content.decode()
    assert "Körkort CE (tung lastbil med släp)" in page  # on the profile card
    assert "Kräver Körkort C (tung lastbil) – saknas" not in page
    assert "Måste ha Truckvana – saknas" in page  # still lacks the must-have skill


def test_an_unticked_driving_licence_beside_a_car_class_is_a_form_error(client, guide, participant):
    client.force_login(guide)
    form = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "gender": participant.gender,
        "guide": guide.pk,
        "enrolled_on": str(participant.enrolled_on),
        "municipality": participant.municipality_id,
        "licences": [lic("b").pk],
        "hours_min": participant.hours_min,
        "hours_max": participant.hours_max,
        "swedish_level": participant.swedish_level,
        "active": "1",
        "lang-TOTAL_FORMS": "0",
        "lang-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("portal:participant_edit", args=[participant.pk]), form)
    assert response.status_code == 200
    assert "omfattar körkort för personbil" in response.content.decode()
    assert not participant.licences.exists()
