"""Pages per role: what each sees, what it must not see, and that forms call the services."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from employers.models import Interaction, TaskProfile
from placements.models import FollowUp, Placement

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("coordinator", "/arbetsgivare/"),
        ("guide", "/deltagare/"),
        ("manager", "/oversikt/"),
        ("admin_user", "/oversikt/"),
        ("employer_user", "/arbetsgivarportal/"),
    ],
)
def test_each_role_lands_on_its_page(request, role, target):
    response = client_for(request.getfixturevalue(role)).get("/")
    assert response.status_code == 302 and response.url == target


def test_anonymous_is_sent_to_login():
    response = Client().get("/deltagare/")
    assert response.status_code == 302 and response.url.startswith("/logga-in/")


def test_login_page_is_swedish_by_default_and_english_on_request():
    assert "Logga in" in Client().get("/logga-in/").content.decode()
    assert "Log in" in Client().get("/en/logga-in/").content.decode()


def test_employer_portal_shows_own_collaborations_only(
    employer_user, portal_world, employer, coordinator
):
    html = client_for(employer_user).get("/arbetsgivarportal/").content.decode()
    assert employer.name in html and "Plock och pack" in html
    assert "Amina Yusuf" in html  # identity consented
    assert coordinator.email in html
    assert "Hemlig bageriprofil" not in html and "Nybro Bageri" not in html
    assert "Ljudkänslig" not in html and "9805" not in html


def test_employer_sees_code_not_name_without_consent(employer_user, placement):
    html = client_for(employer_user).get("/arbetsgivarportal/").content.decode()
    assert placement.participant.code in html and "Yusuf" not in html


def test_employer_confirms_a_followup(employer_user, portal_world):
    followup = portal_world["followup"]
    response = client_for(employer_user).post(
        f"/arbetsgivarportal/uppfoljning/{followup.pk}/bekrafta/"
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.confirmed_by == employer_user


def test_employer_cannot_confirm_another_employers_followup(other_employer_user, portal_world):
    followup = portal_world["followup"]
    assert (
        client_for(other_employer_user)
        .post(f"/arbetsgivarportal/uppfoljning/{followup.pk}/bekrafta/")
        .status_code
        == 404
    )
    followup.refresh_from_db()
    assert followup.confirmed_at is None


def test_employer_asks_for_a_profile_and_it_is_a_draft(employer_user, site, employer):
    client = client_for(employer_user)
    bad = client.post(
        "/arbetsgivarportal/onska-profil/",
        {"title": "Kassa", "kind": "practice", "hours_min": 30, "hours_max": 10, "slots_total": 1},
    )
    assert bad.status_code == 200 and "hours_min" in bad.context["form"].errors
    response = client.post(
        "/arbetsgivarportal/onska-profil/",
        {
            "title": "Kassa helger",
            "kind": "practice",
            "hours_min": 8,
            "hours_max": 16,
            "slots_total": 1,
        },
    )
    assert response.status_code == 302
    profile = TaskProfile.objects.get(title="Kassa helger")
    assert (profile.status, profile.requested_by, profile.employer) == (
        "draft",
        employer_user,
        employer,
    )


@pytest.mark.parametrize(
    "url_name",
    [
        "portal:employer_list",
        "portal:participant_list",
        "portal:followups",
        "portal:next_steps",
        "portal:duplicates",
        "portal:overview",
    ],
)
def test_employer_users_get_no_staff_pages(employer_user, url_name):
    assert client_for(employer_user).get(reverse(url_name)).status_code == 403


def test_employer_user_typing_another_employers_urls_gets_nothing(
    employer_user, portal_world, other_employer
):
    client = client_for(employer_user)
    for url in (
        f"/arbetsgivare/{other_employer.pk}/",
        f"/kravprofiler/{portal_world['secret'].pk}/andra/",
        f"/deltagare/{portal_world['placement'].participant_id}/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert (
            "Hemlig" not in response.content.decode()
            and "Nybro Bageri" not in response.content.decode()
        )


def test_coordinator_logs_a_call_with_a_next_step(coordinator, employer):
    client = client_for(coordinator)
    response = client.post(
        f"/arbetsgivare/{employer.pk}/",
        {
            "kind": "call",
            "occurred_on": "2026-11-20",
            "notes": "Ringde",
            "next_step": "Boka besök",
            "next_step_due": "2026-12-01",
        },
    )
    assert response.status_code == 302
    assert Interaction.objects.get(employer=employer).next_step == "Boka besök"
    bad = client.post(
        f"/arbetsgivare/{employer.pk}/",
        {"kind": "call", "occurred_on": "2026-11-20", "next_step_due": "2026-12-01"},
    )
    assert (
        bad.status_code == 200 and bad.context["form"].errors and Interaction.objects.count() == 1
    )


def test_the_old_profile_editor_address_leads_to_the_full_editor(coordinator, task_profile):
    response = client_for(coordinator).get(f"/kravprofiler/{task_profile.pk}/redigera/")
    assert response.status_code == 302
    assert response["Location"] == f"/kravprofiler/{task_profile.pk}/andra/"


def test_guide_cannot_edit_profiles(guide, task_profile):
    assert client_for(guide).get(f"/kravprofiler/{task_profile.pk}/andra/").status_code == 403


def test_guide_sees_matches_with_explanations_and_proposes(guide, participant, task_profile):
    from core.models import Adaptation
    from matching import features

    task_profile.site.offered_adaptations.add(
        Adaptation.objects.get(code="quiet-space")
    )  # the participant needs it
    features.forget()
    client = client_for(guide)
    html = client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert (
        "Plock och pack" in html and "<meter" in html and "Ljudkänslig" in html
    )  # own guide sees descriptions
    response = client.post(
        f"/deltagare/{participant.pk}/",
        {
            "task_profile": task_profile.pk,
            "planned_start": "2026-12-01",
            "planned_end": "2027-02-01",
            "hours_per_week": 15,
        },
    )
    assert response.status_code == 302
    assert Placement.objects.get().match_decision.decision == "proposed"


def test_colleague_sees_no_sensitive_details_and_cannot_propose(
    colleague_guide, participant, task_profile
):
    client = client_for(colleague_guide)
    html = client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert (
        "19850709-****" in html
        and "9805" not in html
        and "Ljudkänslig" not in html
        and "hjärnskada" not in html
    )
    assert (
        client.post(
            f"/deltagare/{participant.pk}/",
            {"task_profile": task_profile.pk, "planned_start": "2026-12-01", "hours_per_week": 5},
        ).status_code
        == 403
    )


def test_guide_records_a_followup(guide, placement):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date.today())
    client = client_for(guide)
    assert followup.placement.participant.code in client.get("/uppfoljningar/").content.decode()
    response = client.post(
        f"/uppfoljningar/{followup.pk}/registrera/",
        {
            "done_on": dt.date.today().isoformat(),
            "with_whom": "both",
            "rating_tasks": 4,
            "notes": "Bra",
        },
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.status == "done" and followup.rating_tasks == 4


def test_foreign_guide_gets_404_for_participant_page(foreign_guide, participant):
    assert client_for(foreign_guide).get(f"/deltagare/{participant.pk}/").status_code == 404


def test_import_runs_in_the_background_with_progress_and_report(
    coordinator, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from employers.models import Employer, ImportJob

    client = client_for(coordinator)
    bad = SimpleUploadedFile("a.csv", b"name;municipality;orgnr\nBra AB;Kalmar;123\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/arbetsgivare/import/", {"file": bad, "dry_run": "on"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/arbetsgivare/import/{job.pk}/"
    page = client.get(response.url)
    assert job.__class__.objects.get().status == "done"
    assert "orgnr" in page.content.decode() and "Inget importerades" in page.content.decode()

    good = SimpleUploadedFile("b.csv", b"name;municipality\nBra AB;Kalmar\nFin AB;Nybro\n")
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post("/arbetsgivare/import/", {"file": good, "dry_run": "on"})
    assert Employer.objects.count() == 0  # a dry run writes nothing
    assert "Importera nu" in client.get(checked.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        imported = client.post(checked.url)
    assert imported.status_code == 302
    assert set(Employer.objects.values_list("name", flat=True)) == {"Bra AB", "Fin AB"}
    assert "Importerat – arbetsgivare" in client.get(imported.url).content.decode()


def test_import_progress_is_shown_while_running(coordinator):
    from django.core.cache import cache

    from employers.models import ImportJob

    job = ImportJob.objects.create(
        unit=coordinator.unit, by=coordinator, filename="stor.xlsx", content=b"x", status="running"
    )
    cache.set(f"import-progress:{job.pk}", (250, 1000))
    html = (
        client_for(coordinator)
        .get(f"/arbetsgivare/import/{job.pk}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "250 / 1000" in html and 'value="25"' in html and "hx-trigger" in html


def test_duplicates_review_and_merge(coordinator, unit):
    from employers.models import Employer
    from tests.factories.employers import EmployerFactory

    a = EmployerFactory(name="ICA Maxi Kalmar", unit=unit)
    b = EmployerFactory(name="Ica maxi, Kalmar", unit=unit)
    client = client_for(coordinator)
    assert "Ica maxi, Kalmar" in client.get("/arbetsgivare/dubbletter/").content.decode()
    # No one-click merge from the list any more (issue 9): review, choose, confirm.
    assert (
        client.post("/arbetsgivare/dubbletter/", {"keep": a.pk, "remove": b.pk}).status_code == 405
    )
    assert Employer.objects.filter(pk=b.pk).exists()
    client.post(f"/arbetsgivare/dubbletter/{a.pk}/{b.pk}/bekrafta/")
    assert not Employer.objects.filter(pk=b.pk).exists()


def test_guide_registers_a_participant_in_the_pages(guide):
    from matching.models import Participant

    client = client_for(guide)
    base = {
        "first_name": "Sara",
        "last_name": "Ali",
        "personnummer": "850709-9805",
        "gender": "kvinna",
        "municipality": "0880",
        "home_locality": "Lindsdal",
        "commute_means": ["bike"],
        "hours_min": 10,
        "hours_max": 20,
        "swedish_level": 3,
        "skills_text": "truckkörnig\nSjunger i kör",
    }
    bad = client.post("/deltagare/ny/", {**base, "personnummer": "850709-9806"})
    assert bad.status_code == 200 and "personnummer" in bad.context["form"].errors
    assert (
        client.post("/deltagare/ny/", {**base, "hours_min": 30}).context["form"].errors["hours_min"]
    )
    assert Participant.objects.count() == 0
    response = client.post("/deltagare/ny/", base)
    person = Participant.objects.get()
    assert response.status_code == 302 and response.url == f"/deltagare/{person.pk}/"
    assert person.guide == guide and person.coordinate_precision == "locality"
    assert sorted(str(s) for s in person.skills.all()) == ["Sjunger i kör", "Truckvana"]


@pytest.mark.parametrize("role", ["coordinator", "manager", "employer_user"])
def test_only_guides_register_participants(request, role):
    assert client_for(request.getfixturevalue(role)).get("/deltagare/ny/").status_code == 403


def test_guide_records_and_withdraws_a_consent_in_the_pages(
    guide, colleague_guide, participant, employer
):
    from matching.models import Consent
    from matching.participants.services.consents import may_share

    client = client_for(guide)
    url = f"/deltagare/{participant.pk}/samtycke/"
    assert client_for(colleague_guide).get(url).status_code == 403
    future = client.post(
        url,
        {
            "employer": employer.pk,
            "purpose": "Praktik",
            "scopes": ["skills"],
            "given_on": "2999-01-01",
            "method": "digital",
        },
    )
    assert future.status_code == 200 and "given_on" in future.context["form"].errors
    response = client.post(
        url,
        {
            "employer": employer.pk,
            "purpose": "Praktik",
            "scopes": ["identity", "skills"],
            "given_on": "2026-11-01",
            "method": "digital",
        },
    )
    assert response.status_code == 302 and may_share(
        participant=participant, employer=employer, scope="skills"
    )
    consent = Consent.objects.get()
    assert "Återkalla" in client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert (
        client_for(colleague_guide).post(f"/samtycken/{consent.pk}/aterkalla/").status_code == 302
    )
    assert may_share(
        participant=participant, employer=employer, scope="skills"
    )  # a colleague cannot withdraw it
    client.post(f"/samtycken/{consent.pk}/aterkalla/")
    assert not may_share(participant=participant, employer=employer, scope="skills")
