"""The coordinator's pages (issue 9): per role what each gets, and that the forms reach the services."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client

from core.models import Adaptation, KgaCompetence, OcnModule, OcnProgramme, Skill
from employers.models import (
    ContactPerson,
    Employer,
    Interaction,
    NotDuplicate,
    Site,
    TaskProfile,
)
from tests.factories.employers import EmployerFactory, SiteFactory, TaskProfileFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def twin(employer):
    """A likely duplicate of ``employer`` (same municipality, nearly the same name)."""
    return EmployerFactory(name="Kalmar Lager", unit=employer.unit, orgnr="")


@pytest.fixture
def request_profile(employer, site, employer_user):
    from employers.services.profile_requests import task_profile_request

    return task_profile_request(
        employer_user=employer_user, title="Kassa lördagar", kind="practice", request_note="Gärna"
    )


def pages(employer, site, task_profile, twin):
    contact = ContactPerson.objects.create(employer=employer, name="Lena Berg")
    return {
        "employer_create": "/arbetsgivare/ny/",
        "employer_edit": f"/arbetsgivare/{employer.pk}/redigera/",
        "employer_status": f"/arbetsgivare/{employer.pk}/relation/",
        "site_create": f"/arbetsgivare/{employer.pk}/ny-plats/",
        "site_edit": f"/platser/{site.pk}/redigera/",
        "contact_create": f"/arbetsgivare/{employer.pk}/ny-kontakt/",
        "contact_edit": f"/kontakter/{contact.pk}/redigera/",
        "profile_create": f"/arbetsgivare/{employer.pk}/ny-kravprofil/",
        "profile_edit": f"/kravprofiler/{task_profile.pk}/andra/",
        "profile_detail": f"/kravprofiler/{task_profile.pk}/",
        "duplicate_review": f"/arbetsgivare/dubbletter/{employer.pk}/{twin.pk}/",
        "duplicate_confirm": f"/arbetsgivare/dubbletter/{employer.pk}/{twin.pk}/bekrafta/",
        "import_columns": "/arbetsgivare/import/kolumner/",
        "import_template_csv": "/arbetsgivare/import/mall.csv",
        "import_template_xlsx": "/arbetsgivare/import/mall.xlsx",
        "skill_search": "/sok/skills/?q=lag",
    }


READ_FOR_STAFF = {"profile_detail", "duplicate_review", "skill_search"}

# role fixture → expected status for (write pages, staff read pages)
ROLES = [
    ("coordinator", 200, 200),
    ("admin_user", 200, 200),
    ("guide", 403, 200),
    ("manager", 403, 200),
    ("employer_user", 403, 403),
    ("other_employer_user", 403, 403),
    ("foreign_coordinator", 404, 404),
]


@pytest.mark.parametrize(("role", "write_status", "read_status"), ROLES)
def test_every_new_page_per_role(
    request, role, write_status, read_status, employer, site, task_profile, twin
):
    user = request.getfixturevalue(role)
    urls = pages(employer, site, task_profile, twin)
    client = client_for(user)
    for name, url in urls.items():
        status = client.get(url).status_code
        expected = read_status if name in READ_FOR_STAFF else write_status
        if role == "foreign_coordinator" and name in (
            "employer_create",
            "import_columns",
            "import_template_csv",
            "import_template_xlsx",
            "profile_create",
        ):
            # Pages with no object of the other unit: open to any coordinator, but only their own.
            expected = 200 if name != "profile_create" else 404
        if role == "foreign_coordinator" and name == "skill_search":
            expected = 200
        assert status == expected, (name, status)


def test_anonymous_is_sent_to_login_from_every_new_page(employer, site, task_profile, twin):
    for url in pages(employer, site, task_profile, twin).values():
        response = Client().get(url)
        assert response.status_code == 302 and "/logga-in/" in response.url


def test_employer_user_never_sees_the_profile_page_or_candidates(
    employer_user, task_profile, participant
):
    response = client_for(employer_user).get(f"/kravprofiler/{task_profile.pk}/")
    assert response.status_code == 403
    assert participant.code not in response.content.decode()


def test_coordinator_creates_an_employer_and_is_warned_of_a_duplicate_first(coordinator, employer):
    client = client_for(coordinator)
    data = {"name": "Kalmar lager", "municipality": "0880", "sector": "private"}
    response = client.post("/arbetsgivare/ny/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kalmar Lager AB" in html and f"/arbetsgivare/{employer.pk}/" in html
    assert Employer.objects.filter(name="Kalmar lager").count() == 0  # not saved yet
    response = client.post("/arbetsgivare/ny/", {**data, "confirmed": "1"})
    created = Employer.objects.get(name="Kalmar lager")
    assert response.status_code == 302 and created.owner == coordinator


def test_taken_orgnr_is_a_field_error_with_a_link_to_the_owner(coordinator, employer):
    response = client_for(coordinator).post(
        "/arbetsgivare/ny/",
        {"name": "Annat AB", "municipality": "0880", "sector": "private", "orgnr": "5560360793"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert f'href="/arbetsgivare/{employer.pk}/"' in html
    assert not Employer.objects.filter(name="Annat AB").exists()


def test_invalid_orgnr_is_refused(coordinator):
    response = client_for(coordinator).post(
        "/arbetsgivare/ny/",
        {"name": "Fel AB", "municipality": "0880", "sector": "private", "orgnr": "123"},
    )
    assert "inte ett giltigt" in response.content.decode()
    assert not Employer.objects.filter(name="Fel AB").exists()


def test_pause_needs_a_reason_and_is_shown(coordinator, employer):
    client = client_for(coordinator)
    url = f"/arbetsgivare/{employer.pk}/relation/"
    response = client.post(url, {"status": "paused", "status_reason": ""})
    assert response.status_code == 200
    employer.refresh_from_db()
    assert employer.status == "active"
    client.post(url, {"status": "paused", "status_reason": "Omorganisation till våren"})
    employer.refresh_from_db()
    assert employer.status == "paused" and employer.status_reason == "Omorganisation till våren"
    assert (
        "Omorganisation till våren" in client.get(f"/arbetsgivare/{employer.pk}/").content.decode()
    )


def test_site_from_locality_gets_coordinates_and_adaptations(coordinator, employer):
    quiet = Adaptation.objects.get(code="quiet-space")
    response = client_for(coordinator).post(
        f"/arbetsgivare/{employer.pk}/ny-plats/",
        {
            "name": "Butiken",
            "locality": "Kalmar",
            "municipality": "0880",
            "offered_adaptations": [quiet.pk],
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(name="Butiken")
    assert site.has_coordinates and site.coordinate_precision == "locality"
    assert list(site.offered_adaptations.all()) == [quiet]
    html = client_for(coordinator).get(f"/arbetsgivare/{employer.pk}/").content.decode()
    assert f"{site.latitude:.4f}".replace(".", ",") in html or f"{site.latitude:.4f}" in html


def test_contact_phone_is_saved_in_e164_with_role_and_channel(coordinator, employer):
    response = client_for(coordinator).post(
        f"/arbetsgivare/{employer.pk}/ny-kontakt/",
        {"name": "Lena Berg", "role": "hr", "preferred_channel": "email", "phone": "0480-45 00 00"},
    )
    assert response.status_code == 302
    contact = ContactPerson.objects.get(name="Lena Berg")
    assert (contact.phone, contact.role, contact.preferred_channel) == (
        "+46480450000",
        "hr",
        "email",
    )
    bad = client_for(coordinator).post(
        f"/arbetsgivare/{employer.pk}/ny-kontakt/",
        {"name": "Fel", "role": "hr", "preferred_channel": "email", "phone": "12"},
    )
    assert bad.status_code == 200 and not ContactPerson.objects.filter(name="Fel").exists()


def _profile_post(site, **extra):
    data = {
        "title": "Lagerplock kvällar",
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


def test_coordinator_creates_a_full_task_profile_in_the_page(coordinator, employer, site):
    skills = list(Skill.objects.order_by("pk")[:2])
    programme = OcnProgramme.objects.create(code="TRG", name="Trädgård", occupational_area="Grönt")
    module = OcnModule.objects.create(programme=programme, code="TRG-1", name="Beskärning", level=2)
    kga = KgaCompetence.objects.filter(active=True).order_by("order").first()
    adaptations = list(Adaptation.objects.filter(active=True).order_by("pk")[:2])
    data = _profile_post(
        site,
        skill_0=skills[0].label,
        skill_0_required="1",
        skill_0_weight=5,
        skill_1=skills[1].label,
        ocn_modules=[module.pk],
        offered_adaptations=[a.pk for a in adaptations],
        **{f"kga_{kga.pk}": "2"},
    )
    response = client_for(coordinator).post(f"/arbetsgivare/{employer.pk}/ny-kravprofil/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = TaskProfile.objects.get(title="Lagerplock kvällar")
    assert profile.status == "draft" and profile.slots_total == 2
    rows = {(s.skill_id, s.required, s.weight) for s in profile.skills.all()}
    assert rows == {(skills[0].pk, True, 5), (skills[1].pk, False, 3)}
    assert set(profile.offered_adaptations.all()) == set(adaptations)
    assert [r.module_id for r in profile.ocn_requirements.all()] == [module.pk]
    assert [(r.competence_id, r.min_level) for r in profile.kga_requirements.all()] == [(kga.pk, 2)]
    html = client_for(coordinator).get(f"/kravprofiler/{profile.pk}/").content.decode()
    assert skills[0].label in html and adaptations[0].label in html


def test_profile_hours_rule_is_a_field_error(coordinator, employer, site):
    response = client_for(coordinator).post(
        f"/arbetsgivare/{employer.pk}/ny-kravprofil/",
        _profile_post(site, hours_min=40, hours_max=10),
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not TaskProfile.objects.filter(title="Lagerplock kvällar").exists()


def test_unknown_occupation_is_refused(coordinator, employer, site):
    response = client_for(coordinator).post(
        f"/arbetsgivare/{employer.pk}/ny-kravprofil/", _profile_post(site, occupation="Xyzzy")
    )
    assert response.status_code == 200
    assert not TaskProfile.objects.filter(title="Lagerplock kvällar").exists()


def test_profile_page_ranks_participants_with_explanations(
    coordinator, guide, manager, task_profile, participant
):
    from matching import features

    features.forget()
    for user in (coordinator, guide, manager):
        html = client_for(user).get(f"/kravprofiler/{task_profile.pk}/?excluded=1").content.decode()
        assert participant.code in html
        assert "Amina" not in html and "Yusuf" not in html  # the code, never the name
        assert "Ljudkänslig" not in html  # never the need's description


def test_profile_status_history_shows_who_opened_it(coordinator, employer, site):
    from employers.services.profiles import task_profile_create, task_profile_transition

    profile = task_profile_create(employer=employer, by=coordinator, title="Ny", site=site)
    task_profile_transition(profile=profile, to_status="open", by=coordinator)
    html = client_for(coordinator).get(f"/kravprofiler/{profile.pk}/").content.decode()
    assert "Öppen" in html and "Utkast" in html


def test_empty_contact_log_entry_is_refused_with_a_message(coordinator, employer):
    response = client_for(coordinator).post(
        f"/arbetsgivare/{employer.pk}/",
        {"kind": "call", "occurred_on": "2026-11-20", "notes": "", "next_step": ""},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Interaction.objects.filter(employer=employer).exists()


def test_portal_request_asks_for_the_kind(employer_user, site):
    client = client_for(employer_user)
    data = {"title": "Kassa", "hours_min": 8, "hours_max": 12, "slots_total": 1}
    response = client.post("/arbetsgivarportal/onska-profil/", data)
    assert response.status_code == 200 and not TaskProfile.objects.filter(title="Kassa").exists()
    assert (
        client.post("/arbetsgivarportal/onska-profil/", {**data, "kind": "work_trial"}).status_code
        == 302
    )
    assert TaskProfile.objects.get(title="Kassa").kind == "work_trial"


def test_request_reaches_the_coordinator_until_handled(
    coordinator, employer, employer_user, site, guide, django_capture_on_commit_callbacks
):
    client = client_for(employer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/arbetsgivarportal/onska-profil/",
            {
                "title": "Kassa",
                "kind": "practice",
                "hours_min": 8,
                "hours_max": 12,
                "slots_total": 1,
            },
        )
    profile = TaskProfile.objects.get(title="Kassa")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    staff = client_for(coordinator)
    steps = staff.get("/nasta-steg/").content.decode()
    assert "Önskemål från arbetsgivare" in steps and "Kassa" in steps
    detail = staff.get(f"/arbetsgivare/{employer.pk}/").content.decode()
    assert "Önskemål från arbetsgivaren" in detail
    assert (
        client_for(guide).post(f"/kravprofiler/{profile.pk}/onskemal-hanterat/").status_code == 403
    )
    staff.post(f"/kravprofiler/{profile.pk}/onskemal-hanterat/")
    profile.refresh_from_db()
    assert profile.request_handled_by == coordinator
    assert "Kassa" not in staff.get("/nasta-steg/").content.decode()
    detail = staff.get(f"/arbetsgivare/{employer.pk}/").content.decode()
    assert "Markera som hanterat" not in detail


def test_merge_takes_two_screens_and_the_chosen_survivor(coordinator, employer, twin, site):
    SiteFactory(employer=twin, name="Lilla lagret")
    client = client_for(coordinator)
    review = client.get(f"/arbetsgivare/dubbletter/{employer.pk}/{twin.pk}/").content.decode()
    assert "556036-0793" in review and "Lilla lagret" in review and "Lagret Hansa City" in review
    response = client.post(
        f"/arbetsgivare/dubbletter/{employer.pk}/{twin.pk}/", {"action": "merge", "keep": twin.pk}
    )
    assert response.url == f"/arbetsgivare/dubbletter/{twin.pk}/{employer.pk}/bekrafta/"
    confirm = client.get(response.url).content.decode()
    assert "Lagret Hansa City" in confirm and Employer.objects.filter(pk=employer.pk).exists()
    client.post(response.url)
    assert not Employer.objects.filter(pk=employer.pk).exists()
    twin.refresh_from_db()
    assert twin.orgnr == "556036-0793" and twin.sites.count() == 2
    entry = LogEntry.objects.get_for_object(twin).get(additional_data__has_key="merge")
    assert entry.actor == coordinator
    assert entry.additional_data["merge"]["moved"]["sites"] == ["Lagret Hansa City"]
    assert "Kalmar Lager AB" in client.get(f"/arbetsgivare/{twin.pk}/").content.decode()


def test_guide_may_compare_but_not_merge_or_dismiss(guide, employer, twin):
    client = client_for(guide)
    url = f"/arbetsgivare/dubbletter/{employer.pk}/{twin.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "not_duplicate"}).status_code == 403
    assert client.post(f"{url}bekrafta/").status_code == 403
    assert Employer.objects.filter(pk=twin.pk).exists() and not NotDuplicate.objects.exists()


def test_not_a_duplicate_never_comes_back(coordinator, employer, twin):
    client = client_for(coordinator)
    links = (f"/dubbletter/{employer.pk}/{twin.pk}/", f"/dubbletter/{twin.pk}/{employer.pk}/")
    html = client.get("/arbetsgivare/dubbletter/").content.decode()
    assert any(link in html for link in links)
    client.post(f"/arbetsgivare/dubbletter/{employer.pk}/{twin.pk}/", {"action": "not_duplicate"})
    html = client.get("/arbetsgivare/dubbletter/").content.decode()
    assert not any(link in html for link in links)
    assert "Möjlig dubblett" not in client.get(f"/arbetsgivare/{employer.pk}/").content.decode()


def test_import_template_files_are_accepted_by_the_import(coordinator):
    import io

    from openpyxl import load_workbook

    from employers.importing.employers import import_employers
    from employers.importing.reading import COLUMNS

    client = client_for(coordinator)
    csv_body = client.get("/arbetsgivare/import/mall.csv").content
    assert csv_body.decode("utf-8-sig").splitlines()[0].split(";") == COLUMNS
    report = import_employers(content=csv_body, filename="mall.csv", by=coordinator, dry_run=True)
    assert report.ok, report.as_dict()
    xlsx = client.get("/arbetsgivare/import/mall.xlsx").content
    assert [c.value for c in next(load_workbook(io.BytesIO(xlsx)).active.iter_rows())] == COLUMNS
    report = import_employers(content=xlsx, filename="mall.xlsx", by=coordinator, dry_run=True)
    assert report.ok, report.as_dict()


def test_import_columns_page_lists_swedish_and_english_values(coordinator):
    html = client_for(coordinator).get("/arbetsgivare/import/kolumner/").content.decode()
    for text in ("contact_is_supervisor", "Ideell", "Non-profit", "non_profit", "Möjlig"):
        assert text in html


def test_employer_list_sorts_and_keeps_filters(coordinator, employer, other_employer):
    client = client_for(coordinator)
    html = client.get("/arbetsgivare/?sort=-name").content.decode()
    assert html.index("Nybro Bageri") < html.index("Kalmar Lager AB")
    html = client.get("/arbetsgivare/?sort=name").content.decode()
    assert html.index("Kalmar Lager AB") < html.index("Nybro Bageri")
    html = client.get("/arbetsgivare/?sort=name&q=Nybro").content.decode()
    assert "Nybro Bageri" in html and "Kalmar Lager AB" not in html
    assert client.get("/arbetsgivare/?sort=password").status_code == 200


def test_a_bad_filter_on_the_employer_search_is_said_at_its_field(coordinator, employer):
    page = client_for(coordinator).get("/arbetsgivare/?status=bogus&municipality=x")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<div role="alert"><ul class="errorlist') == 2
    assert "Välj ett giltigt alternativ" in html
    assert employer.name in html  # the list stays, unfiltered


def test_other_units_employer_is_a_404_everywhere(coordinator, foreign_employer):
    site = SiteFactory(employer=foreign_employer)
    profile = TaskProfileFactory(employer=foreign_employer, site=site)
    client = client_for(coordinator)
    for url in (
        f"/arbetsgivare/{foreign_employer.pk}/redigera/",
        f"/platser/{site.pk}/redigera/",
        f"/kravprofiler/{profile.pk}/",
        f"/kravprofiler/{profile.pk}/andra/",
    ):
        assert client.get(url).status_code == 404


def test_editing_a_profile_with_many_skills_keeps_them_all(coordinator, task_profile):
    from employers.services.profiles import task_profile_update

    labels = list(Skill.objects.order_by("pk").values_list("label", flat=True)[:10])
    task_profile_update(
        profile=task_profile, by=coordinator, skills=[{"text": label} for label in labels]
    )
    client = client_for(coordinator)
    html = client.get(f"/kravprofiler/{task_profile.pk}/andra/").content.decode()
    assert all(label in html for label in labels)
    form = client.get(f"/kravprofiler/{task_profile.pk}/andra/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["offered_adaptations"] = []
    data["ocn_modules"] = []
    for i in range(form.skill_count):
        data.setdefault(f"skill_{i}_weight", 3)
        data.setdefault(f"skill_{i}_required", "0")
    data["slots_total"] = 5
    response = client.post(f"/kravprofiler/{task_profile.pk}/andra/", data)
    assert response.status_code == 302, response.context["form"].errors
    task_profile.refresh_from_db()
    assert task_profile.slots_total == 5 and task_profile.skills.count() == 10


def test_skill_and_occupation_search_gives_options(coordinator, guide):
    skill = Skill.objects.order_by("pk").first()
    typed = skill.label[:4]
    html = client_for(guide).get(f"/sok/skills/?skill_0={typed}").content.decode()
    assert f'<option value="{skill.label}">' in html or skill.label[:4] in html
    assert client_for(coordinator).get("/sok/passwords/?q=ab").status_code == 404
    assert client_for(coordinator).get("/sok/skills/?q=a").content.decode().strip() == ""


def test_guide_and_manager_read_the_employer_page_without_write_buttons(
    guide, manager, employer, site
):
    for user in (guide, manager):
        html = client_for(user).get(f"/arbetsgivare/{employer.pk}/").content.decode()
        assert employer.name in html
        for write in ("/redigera/", "/relation/", "/ny-plats/", "/ny-kontakt/", "/ny-kravprofil/"):
            assert write not in html


# --- issue 19: a handled request leaves the portal's "waiting" text; the menu counts open ones ---


def test_a_handled_request_is_no_longer_waiting_in_the_portal(
    coordinator, employer_user, request_profile
):
    portal = client_for(employer_user)
    assert (
        "1 önskemål väntar på er koordinator." in portal.get("/arbetsgivarportal/").content.decode()
    )
    client_for(coordinator).post(f"/kravprofiler/{request_profile.pk}/onskemal-hanterat/")
    request_profile.refresh_from_db()
    assert request_profile.request_handled_at is not None and request_profile.status == "draft"
    assert "väntar på er koordinator" not in portal.get("/arbetsgivarportal/").content.decode()


def test_the_coordinators_menu_counts_open_requests(
    coordinator, guide, employer, employer_user, request_profile
):
    from employers.services.profile_requests import task_profile_request

    second = task_profile_request(employer_user=employer_user, title="Disk", kind="practice")
    staff = client_for(coordinator)
    html = staff.get("/arbetsgivare/").content.decode()
    assert 'id="menu-open-requests"' in html and "2 önskemål</span>" in html
    staff.post(f"/kravprofiler/{second.pk}/onskemal-hanterat/")
    html = staff.get("/arbetsgivare/").content.decode()
    assert "1 önskemål</span>" in html
    staff.post(f"/kravprofiler/{request_profile.pk}/onskemal-hanterat/")
    assert 'id="menu-open-requests"' not in staff.get("/arbetsgivare/").content.decode()
    # A guide's menu has no such count, and asks nothing for it.
    assert 'id="menu-open-requests"' not in client_for(guide).get("/deltagare/").content.decode()


def test_the_menus_compiled_count_is_the_orms_for_each_staff_role(
    coordinator, admin_user, manager, guide, employer_user, request_profile
):
    from core.models import Unit, User
    from employers.services.profile_requests import task_profile_request
    from portal.context_processors import _counts, open_requests
    from tests.factories.core import UserFactory

    task_profile_request(employer_user=employer_user, title="Disk", kind="practice")
    elsewhere = UserFactory(
        username="kerstin", role="coordinator", unit=Unit.objects.create(name="Annan enhet")
    )
    counted = {}
    for user in (coordinator, admin_user, manager, guide, elsewhere):
        user = User.objects.get(pk=user.pk)
        counted[user.username] = _counts(user).get("open_requests")
        if counted[user.username] is not None:
            assert counted[user.username] == open_requests(user).count(), user.username
    assert counted[coordinator.username] == 2 and counted["kerstin"] == 0
    assert counted[guide.username] is None and counted[manager.username] is None


def test_waiting_requests_are_the_employers_requests_not_yet_handled(
    coordinator, employer, employer_user, request_profile
):
    from employers.models import TaskProfile
    from employers.services.profile_requests import task_profile_request

    second = task_profile_request(employer_user=employer_user, title="Disk", kind="practice")
    own = TaskProfileFactory(employer=employer)  # made by the coordinator: no request
    waiting = set(TaskProfile.objects.waiting_requests().values_list("pk", flat=True))
    assert waiting == {request_profile.pk, second.pk} and own.pk not in waiting
    client_for(coordinator).post(f"/kravprofiler/{second.pk}/onskemal-hanterat/")
    assert list(TaskProfile.objects.waiting_requests().values_list("pk", flat=True)) == [
        request_profile.pk
    ]
    page = client_for(coordinator).get("/nasta-steg/").content.decode()
    assert f"/kravprofiler/{request_profile.pk}/" in page
    assert f"/kravprofiler/{second.pk}/" not in page


SEARCHES = [
    {"q": ""},
    {"q": "lager"},
    {"q": "%"},
    {"q": "_"},
    {"q": "5560360"},
    {"q": "", "status": "prospect"},
    {"q": "AB", "municipality": "0880"},
    {"q": "a", "municipality": "0880", "status": "active"},
]


def test_the_compiled_employer_search_finds_what_its_queryset_finds(
    coordinator, guide, manager, admin_user, foreign_coordinator, employer, foreign_employer
):
    """The search's compiled read (one per order and set of filters, bound per user) gives each
    role the employers, in the order, that the ORM's queryset gives: every order, escaped texts."""
    from core.models import User
    from employers.selectors import employer_search
    from employers.services.identifiers import orgnr_search_term
    from portal.views.coordinator import SORTS, _employer_search

    EmployerFactory(name="Hundra % Bygg AB", unit=employer.unit, status="prospect")
    EmployerFactory(name="Snabb_Städ", unit=employer.unit)
    seen = {}
    for user in (coordinator, guide, manager, admin_user, foreign_coordinator):
        user = User.objects.get(pk=user.pk)
        for sort in [*SORTS.values(), *(f"-{field}" for field in SORTS.values())]:
            for search in SEARCHES:
                filters = {k: v for k, v in search.items() if k != "q"}
                given = {"q": search["q"], "term": orgnr_search_term(search["q"]), **filters}
                found = _employer_search(sort, tuple(filters)).rows(user=user, **given)
                expected = employer_search(user, order=sort, **given).values_list("pk")
                assert found == list(expected)
                seen[(user.username, sort, str(search))] = len(found)
    # The cast finds different things, so the comparison compares something.
    assert seen[("alice", "name", str(SEARCHES[0]))] == 3
    assert seen[("alice", "name", str(SEARCHES[2]))] == 1
    assert seen[("alice", "name", str(SEARCHES[3]))] == 1
    assert seen[("alice", "name", str(SEARCHES[5]))] == 1
    assert seen[("ada", "name", str(SEARCHES[0]))] == 4  # the admin sees every region
    assert seen[("olle", "name", str(SEARCHES[0]))] == 1


def test_the_employer_search_pages_its_rows(coordinator, employer, employer_user, site):
    """Thirty employers in pages of 25: the count, the order and the open request's badge come
    from the same read as before the search was compiled."""
    from employers.services.profile_requests import (
        task_profile_request,
        task_profile_request_handle,
    )

    for i in range(29):
        EmployerFactory(name=f"Företag {i:02d} AB", unit=employer.unit)
    asked = task_profile_request(employer_user=employer_user, title="Lagerjobb")
    client = client_for(coordinator)
    first = client.get("/arbetsgivare/?sort=-name").content.decode()
    second = client.get("/arbetsgivare/?sort=-name&page=2").content.decode()
    assert "Sida 1 av 2" in first and "Sida 2 av 2" in second
    assert first.count("<tr><td>") == 25 and second.count("<tr><td>") == 5
    assert first.index("Kalmar Lager AB") < first.index("Företag 28 AB")
    assert "Företag 04 AB" in second and "Företag 05 AB" not in second
    badge = "Önskemål från arbetsgivaren</span>"
    assert first.count(badge) == 1 and badge not in second
    found = client.get("/arbetsgivare/?q=kalmar+lager").content.decode()
    assert found.count("<tr><td>") == 1 and badge in found
    task_profile_request_handle(profile=asked, by=coordinator)  # handled: the badge goes
    assert badge not in client.get("/arbetsgivare/?q=kalmar+lager").content.decode()


def test_an_employer_gone_between_the_searchs_two_reads_is_left_out(
    coordinator, employer, other_employer, monkeypatch
):
    """The ids are read first and the page's rows after: an employer merged away in between is
    not on the page, and the page is still served."""
    from portal.views import coordinator as view

    search = view._employer_search

    def with_a_gone_one(order, filters):
        read = search(order, filters)
        gone = EmployerFactory(name="Borta AB", unit=employer.unit)
        found = read.rows(user=coordinator, q="", term="")
        gone.delete()

        class Read:
            def rows(self, **values):
                return found

        return Read()

    monkeypatch.setattr(view, "_employer_search", with_a_gone_one)
    page = client_for(coordinator).get("/arbetsgivare/")
    html = page.content.decode()
    assert page.status_code == 200 and "Borta AB" not in html
    assert employer.name in html and other_employer.name in html
