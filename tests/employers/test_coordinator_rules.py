"""Rules added with the coordinator's pages (issue 9), in the services and through the API."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError

from core.exceptions import NotAllowed
from employers.importing.employers import import_employers
from employers.models import Employer, Interaction, NotDuplicate, TaskProfile
from employers.services.contact_log import interaction_create
from employers.services.duplicates import employer_merge, employer_merges, not_duplicate_mark
from employers.services.employers import employer_update
from employers.services.profile_requests import task_profile_request, task_profile_request_handle
from tests.factories.employers import EmployerFactory, SiteFactory

pytestmark = pytest.mark.django_db


# --- contact log ----------------------------------------------------------------------------------


def test_empty_contact_log_entry_is_refused_by_the_service(coordinator, employer):
    with pytest.raises(ValidationError) as exc:
        interaction_create(employer=employer, by=coordinator, kind="call", notes="  ")
    assert "notes" in exc.value.message_dict
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    "fields", [{"notes": "Ringde Lena"}, {"next_step": "Boka studiebesök"}], ids=["note", "outcome"]
)
def test_a_note_or_an_outcome_is_enough(coordinator, employer, fields):
    interaction_create(employer=employer, by=coordinator, kind="call", **fields)
    assert Interaction.objects.count() == 1


def test_api_refuses_an_empty_contact_log_entry_with_a_400(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/interactions/", {"employer": employer.pk, "kind": "call"}
    )
    assert response.status_code == 400 and "notes" in response.json()
    assert not Interaction.objects.exists()


def test_api_cannot_empty_an_existing_entry(api, coordinator, employer):
    entry = interaction_create(employer=employer, by=coordinator, kind="call", notes="x")
    response = api(coordinator).patch(f"/api/v1/interactions/{entry.pk}/", {"notes": ""})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.notes == "x"


# --- not a duplicate ------------------------------------------------------------------------------


@pytest.fixture
def twin(employer):
    return EmployerFactory(name="Kalmar Lager", unit=employer.unit)


def _pair_ids(client):
    return {
        frozenset((p["a"], p["b"]))
        for p in client.get("/api/v1/employers/possible-duplicates/").json()
    }


def test_not_a_duplicate_pair_never_returns_in_the_api(api, coordinator, employer, twin):
    client = api(coordinator)
    assert frozenset((employer.pk, twin.pk)) in _pair_ids(client)
    response = client.post(f"/api/v1/employers/{twin.pk}/not-duplicate/", {"other": employer.pk})
    assert response.status_code == 204
    assert frozenset((employer.pk, twin.pk)) not in _pair_ids(client)
    detail = client.get(f"/api/v1/employers/{employer.pk}/").json()
    assert detail["possible_duplicates"] == []
    # Marking again (either way round) keeps one row.
    client.post(f"/api/v1/employers/{employer.pk}/not-duplicate/", {"other": twin.pk})
    assert NotDuplicate.objects.count() == 1


@pytest.mark.parametrize("role", ["guide", "manager", "employer_user"])
def test_only_coordinators_mark_not_duplicates(api, request, role, employer, twin):
    user = request.getfixturevalue(role)
    response = api(user).post(f"/api/v1/employers/{twin.pk}/not-duplicate/", {"other": employer.pk})
    assert response.status_code in (403, 404)
    assert not NotDuplicate.objects.exists()


def test_not_duplicate_with_itself_is_refused(coordinator, employer):
    with pytest.raises(ValidationError):
        not_duplicate_mark(a=employer, b=employer, by=coordinator)


def test_other_units_employer_cannot_be_marked(api, coordinator, employer, foreign_employer):
    response = api(coordinator).post(
        f"/api/v1/employers/{employer.pk}/not-duplicate/", {"other": foreign_employer.pk}
    )
    assert response.status_code == 404
    assert not NotDuplicate.objects.exists()


# --- merge explained ------------------------------------------------------------------------------


def test_merge_is_in_the_audit_log_with_what_moved(coordinator, employer, twin, site):
    SiteFactory(employer=twin, name="Lilla lagret")
    employer_merge(keep=twin, remove=employer, by=coordinator)
    merges = employer_merges(twin)
    assert len(merges) == 1
    assert merges[0]["by"] == coordinator
    assert merges[0]["removed"]["orgnr"] == "556036-0793"
    assert merges[0]["moved"]["sites"] == ["Lagret Hansa City"]
    assert LogEntry.objects.get_for_object(twin).filter(additional_data__has_key="merge").exists()


# --- relation status ------------------------------------------------------------------------------


def test_ending_a_relation_needs_a_reason_in_the_api(api, coordinator, employer):
    client = api(coordinator)
    response = client.patch(f"/api/v1/employers/{employer.pk}/", {"status": "ended"})
    assert response.status_code == 400 and "status_reason" in response.json()
    response = client.patch(
        f"/api/v1/employers/{employer.pk}/", {"status": "ended", "status_reason": "Lagt ned"}
    )
    assert response.status_code == 200
    assert response.json()["status_reason"] == "Lagt ned"
    assert response.json()["status_changed_at"] is not None


def test_reactivating_clears_the_reason(coordinator, employer):
    employer_update(employer=employer, by=coordinator, status="paused", status_reason="Sommar")
    employer_update(employer=employer, by=coordinator, status="active")
    employer.refresh_from_db()
    assert employer.status_reason == ""


# --- contacts -------------------------------------------------------------------------------------


def test_contact_role_and_channel_through_the_api(api, coordinator, employer):
    response = api(coordinator).post(
        "/api/v1/contacts/",
        {
            "employer": employer.pk,
            "name": "Lena",
            "role": "supervisor",
            "preferred_channel": "sms",
            "phone": "070-123 45 67",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["role"], body["preferred_channel"], body["phone"]) == (
        "supervisor",
        "sms",
        "+46701234567",
    )


# --- employer requests ----------------------------------------------------------------------------


def test_request_reaches_the_owner_by_mail_and_next_step(
    employer_user, coordinator, employer, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile = task_profile_request(
            employer_user=employer_user, title="Kassa lördagar", kind="practice"
        )
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Kassa lördagar" in mail.outbox[0].subject
    step = Interaction.objects.get(employer=employer, by=coordinator)
    assert "Kassa lördagar" in step.next_step and not step.next_step_done
    task_profile_request_handle(profile=profile, by=coordinator)
    step.refresh_from_db()
    profile.refresh_from_db()
    assert step.next_step_done and profile.request_handled_by == coordinator


def test_request_without_owner_reaches_every_coordinator_of_the_unit(
    unit, coordinator, foreign_coordinator, django_capture_on_commit_callbacks
):
    from core.choices import Role
    from tests.factories.core import UserFactory
    from tests.factories.employers import MembershipFactory

    second = UserFactory(username="carl", role=Role.COORDINATOR, unit=unit)
    orphan = EmployerFactory(unit=unit, owner=None)
    SiteFactory(employer=orphan)
    user = UserFactory(username="ulla", role=Role.EMPLOYER)
    MembershipFactory(user=user, employer=orphan)
    with django_capture_on_commit_callbacks(execute=True):
        task_profile_request(employer_user=user, title="Städ", kind="practice")
    recipients = [to for m in mail.outbox for to in m.to]
    assert sorted(recipients) == sorted([coordinator.email, second.email])
    assert foreign_coordinator.email not in recipients


def test_handle_request_through_the_api(api, coordinator, guide, employer_user, site):
    profile = task_profile_request(employer_user=employer_user, title="Kassa", kind="practice")
    url = f"/api/v1/task-profiles/{profile.pk}/handle-request/"
    assert api(guide).post(url).status_code == 403
    assert api(employer_user).post(url).status_code == 403
    response = api(coordinator).post(url)
    assert response.status_code == 200 and response.json()["request_handled_at"]


def test_only_requests_can_be_handled(coordinator, task_profile):
    with pytest.raises(ValidationError):
        task_profile_request_handle(profile=task_profile, by=coordinator)


def test_other_unit_coordinator_cannot_handle(foreign_coordinator, employer_user, site):
    profile = task_profile_request(employer_user=employer_user, title="Kassa", kind="practice")
    with pytest.raises(NotAllowed):
        task_profile_request_handle(profile=profile, by=foreign_coordinator)
    assert TaskProfile.objects.get(pk=profile.pk).request_handled_at is None


# --- import accepts Swedish and English ------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_import_accepts_swedish_labels_and_english_codes_in_any_language(coordinator, language):
    from django.utils.translation import override

    content = (
        "name;municipality;sector;size_class;status\n"
        "Ett AB;Kalmar;Ideell;10–49 anställda;Aktiv\n"
        "Två AB;0880;non_profit;small;Active\n"
    ).encode()
    with override(language):
        report = import_employers(content=content, filename="x.csv", by=coordinator, dry_run=False)
    assert report.ok, report.as_dict()
    assert set(Employer.objects.values_list("sector", "size_class", "status")) == {
        ("non_profit", "small", "active")
    }
