"""Issue 9 done-when: a coordinator does the whole job in the pages (headless Chromium), and the pages
have no serious or critical axe-core violations (axe vendored in tests/portal/vendor, offline)."""

import datetime as dt
from pathlib import Path

import pytest

from core.models import Adaptation, OcnModule, OcnProgramme, Skill
from employers.models import ContactPerson, Employer, Site, TaskProfile
from matching.models import OcnCase, ParticipantSkill
from tests.portal.test_browser import (  # noqa: F401 - fixture
    ARGS,
    CHROMIUM,
    axe_problems,
    browser,
    login,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
assert ARGS  # the same Chromium flags as the other browser tests


@pytest.fixture
def stage(coordinator, guide, employer, employer_user, site, participant):
    """What exists before the coordinator starts: the employer user's organisation (with a site),
    a participant of the unit who fits, and a likely duplicate of the employer."""
    skills = list(Skill.objects.order_by("label")[:2])
    programme = OcnProgramme.objects.create(
        code="TRG", name="Trädgård", occupational_area="Gröna näringar"
    )
    module = OcnModule.objects.create(
        programme=programme, code="TRG-1", name="Beskärning", level=2, mandatory=True
    )
    for skill in skills:
        ParticipantSkill.objects.create(participant=participant, skill=skill, level=3)
    OcnCase.objects.create(
        participant=participant,
        module=module,
        status="certified",
        assessor=guide,
        assessed_on=dt.date(2026, 5, 1),
        level=module.level,
        certificate_number="K-1",
        certificate_issued_on=dt.date(2026, 6, 1),
    )
    from tests.factories.employers import EmployerFactory, SiteFactory

    twin = EmployerFactory(name="Kalmar Lager", unit=employer.unit, orgnr="")
    SiteFactory(employer=twin, name="Lilla lagret")
    from matching import features

    features.forget()
    return {"skills": skills, "module": module, "twin": twin}


def test_coordinator_does_the_whole_job_in_the_pages(
    browser,  # noqa: F811
    live_server,
    tmp_path,
    stage,
    coordinator,
    employer,
    employer_user,
    participant,
):
    problems: dict[str, list[str]] = {}
    page = login(browser, live_server, "alice")
    problems["employer list"] = axe_problems(page)

    # An employer with a site and a contact.
    page.get_by_role("link", name="Ny arbetsgivare").click()
    problems["employer form"] = axe_problems(page)
    page.get_by_label("Namn:", exact=True).fill("Färjestadens Trädgård")
    page.get_by_label("Organisationsnummer:", exact=True).fill("5560160680")
    page.get_by_label("Kommun:", exact=True).select_option(label="Kalmar")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    created = Employer.objects.get(name="Färjestadens Trädgård")
    assert created.orgnr == "556016-0680" and created.owner == coordinator

    page.get_by_role("link", name="Lägg till arbetsplats").click()
    problems["site form"] = axe_problems(page)
    page.get_by_label("Namn:", exact=True).fill("Plantskolan")
    page.get_by_label("Ort:", exact=True).fill("Kalmar")
    page.get_by_label("Kommun:", exact=True).select_option(label="Kalmar")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    new_site = Site.objects.get(employer=created)
    assert new_site.has_coordinates

    page.get_by_role("link", name="Lägg till kontaktperson").click()
    page.get_by_label("Namn:", exact=True).fill("Lena Berg")
    page.get_by_label("Roll:", exact=True).select_option(label="Handledare")
    page.get_by_label("Föredragen kanal:", exact=True).select_option(label="Sms")
    page.get_by_label("Telefon:", exact=True).fill("070-123 45 67")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    contact = ContactPerson.objects.get(employer=created)
    assert (contact.phone, contact.role, contact.preferred_channel) == (
        "+46701234567",
        "supervisor",
        "sms",
    )
    main = page.inner_text("main")
    assert "Lena Berg" in main and "Plantskolan" in main
    problems["employer page"] = axe_problems(page)

    # A kravprofil with two skills, an OCN requirement, two adaptations and two slots, at the
    # employer of the participant's consent-free unit (Kalmar Lager AB, where the participant fits).
    page.goto(f"{live_server.url}/arbetsgivare/{employer.pk}/")
    page.get_by_role("link", name="Ny kravprofil").click()
    problems["profile form"] = axe_problems(page)
    skills, module = stage["skills"], stage["module"]
    page.get_by_label("Titel:", exact=True).fill("Trädgårdsskötsel")
    page.get_by_label("Arbetsplats:", exact=True).select_option(label=str(employer.sites.get()))
    page.get_by_label("Kompetens 1:", exact=True).fill(skills[0].label)
    page.get_by_label("Vikt (1–5):", exact=True).first.select_option("5")
    page.get_by_label("Krav eller meriterande:", exact=True).first.select_option(
        label="Krav (viktat)"
    )
    page.get_by_label("Kompetens 2:", exact=True).fill(skills[1].label)
    page.get_by_label(str(module)).check()
    # The participant needs a quiet space: offering it is what lets them in.
    adaptations = [
        Adaptation.objects.get(code="quiet-space"),
        Adaptation.objects.filter(active=True).exclude(code="quiet-space").order_by("pk").first(),
    ]
    for adaptation in adaptations:
        page.locator(f"input[name=offered_adaptations][value='{adaptation.pk}']").check()
    page.get_by_label("Platser:", exact=True).fill("2")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Trädgårdsskötsel" in page.inner_text("h1"), page.inner_text("main")[:3000]
    profile = TaskProfile.objects.get(title="Trädgårdsskötsel")
    assert profile.slots_total == 2 and profile.skills.count() == 2
    assert [r.module_id for r in profile.ocn_requirements.all()] == [module.pk]
    assert set(profile.offered_adaptations.all()) == set(adaptations)

    # Open it and see the ranked participants with explanations.
    page.get_by_role("button", name="Ändra till ”Öppen”").click()
    page.wait_for_load_state()
    assert "Öppen" in page.inner_text("h1")
    candidate = page.locator("article.match", has_text=participant.code)
    assert candidate.count() == 1
    text = candidate.inner_text()
    assert "Matchade kompetenser" in text and skills[0].label in text
    assert "OCN" in text  # the certificate counts, as the guide would read it
    assert candidate.locator("meter").count() == 6
    problems["profile page"] = axe_problems(page)

    # The employer user asks for a profile in the portal; the coordinator handles it.
    portal = login(browser, live_server, "erik")
    portal.get_by_role("link", name="Önska en profil eller en ändring").click()
    portal.get_by_label("Titel:", exact=True).fill("Kassa lördagar")
    portal.get_by_label("Typ:", exact=True).select_option(label="Arbetsprövning")
    portal.get_by_role("button", name="Skicka önskemål").click()
    portal.wait_for_load_state()
    page.get_by_role("link", name="Mina nästa steg").click()
    assert "Önskemål från arbetsgivare" in page.inner_text("main")
    assert "Kassa lördagar" in page.inner_text("main")
    problems["next steps"] = axe_problems(page)
    page.get_by_role("link", name="Kassa lördagar").click()
    assert "Önskad av arbetsgivaren" in page.inner_text("main")
    page.get_by_role("link", name="Kalmar Lager AB").first.click()
    assert "Önskemål från arbetsgivaren" in page.inner_text("main")  # the badge
    page.get_by_role("button", name="Markera som hanterat").click()
    page.wait_for_load_state()
    request = TaskProfile.objects.get(title="Kassa lördagar")
    assert request.kind == "work_trial" and request.request_handled_by == coordinator

    # Merge the duplicate, choosing the survivor, on two screens.
    twin = stage["twin"]
    page.get_by_role("link", name="Dubbletter").click()
    page.get_by_role("link", name="Jämför").first.click()
    problems["duplicate review"] = axe_problems(page)
    assert "556036-0793" in page.inner_text("main") and "Lilla lagret" in page.inner_text("main")
    page.locator(f"input[name=keep][value='{employer.pk}']").check()
    page.get_by_role("button", name="Gå vidare till sammanslagning").click()
    page.wait_for_load_state()
    assert "Lilla lagret" in page.inner_text("main")
    assert Employer.objects.filter(pk=twin.pk).exists()  # nothing happened yet
    problems["duplicate confirm"] = axe_problems(page)
    page.get_by_role("button", name="Slå ihop nu").click()
    page.wait_for_load_state()
    assert not Employer.objects.filter(pk=twin.pk).exists()
    assert employer.sites.filter(name="Lilla lagret").exists()
    assert "Sammanslagningar" in page.inner_text("main")

    # Import a file after its dry run, with one click and no second upload.
    upload = tmp_path / "arbetsgivare.csv"
    upload.write_text(
        "name;municipality;sector;status;site_name;locality\n"
        "Smedby Bygg;Kalmar;Privat;Aktiv;Verkstaden;Smedby\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Import", exact=True).click()
    problems["import"] = axe_problems(page)
    page.get_by_role("link", name="Godkända kolumner och värden").click()
    problems["import columns"] = axe_problems(page)
    page.go_back()
    page.get_by_label("CSV- eller XLSX-fil").set_input_files(str(upload))
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Importera nu").wait_for()
    assert not Employer.objects.filter(name="Smedby Bygg").exists()
    page.get_by_role("button", name="Importera nu").click()
    page.wait_for_load_state()
    page.get_by_text("Importerat").first.wait_for()
    assert Employer.objects.get(name="Smedby Bygg").sites.count() == 1

    assert {name: found for name, found in problems.items() if found} == {}
