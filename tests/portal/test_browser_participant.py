"""Issue 10 end to end in the pages only: a guide registers a participant, adds skills and a need
with its description, records a consent, takes an OCN case to its certificate (the guide
assesses, a different named internal quality assurer assures, external verification,
certificate), records a KGA assessment and reads the matches with their reasons."""

import re

import pytest

from core.models import Adaptation, KgaCompetence, OcnModule, OcnProgramme, Skill
from employers.models import TaskProfileOcnRequirement, TaskProfileSkill
from matching import features
from matching.models import (
    Consent,
    KgaAssessment,
    OcnCase,
    Participant,
    ParticipantAdaptationNeed,
    ParticipantSkill,
    QualityAssurer,
)
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.portal.test_browser import (  # noqa: F401  (fixture)
    ARGS,
    CHROMIUM,
    axe_problems,
    browser,
    login,
)
from tests.portal.test_browser_placement import walk_placement_to_exit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed"
    ),
]


@pytest.fixture
def jobs(employer):
    """A cleaning job in Kalmar that needs OCN Hygienstädning (level 2) and offers a quiet space,
    and one in Västervik, far beyond a cyclist's reach."""
    programme = OcnProgramme.objects.create(code="LOK", name="Lokalvård", occupational_area="Städ")
    module = OcnModule.objects.create(
        programme=programme, code="LOK-2", name="Hygienstädning", level=2
    )
    skill = Skill.objects.order_by("label").first()
    near = TaskProfileFactory(
        employer=employer,
        site=SiteFactory(employer=employer, latitude=56.670, longitude=16.357),
        title="Städ på hotellet",
        hours_min=10,
        hours_max=30,
    )
    near.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    TaskProfileOcnRequirement.objects.create(profile=near, module=module)
    TaskProfileSkill.objects.create(profile=near, skill=skill, weight=3, required=True)
    far = TaskProfileFactory(
        employer=employer,
        site=SiteFactory(employer=employer, latitude=57.7584, longitude=16.6373),
        title="Lager i Västervik",
        hours_min=10,
        hours_max=30,
    )
    features.forget()
    return {"near": near, "far": far, "module": module, "skill": skill}


def save(page, name="Spara"):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def save_step(page):
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Spara")).click()


def test_a_guide_walks_a_participant_through_the_pages(
    browser,  # noqa: F811
    live_server,
    guide,
    colleague_guide,
    admin_user,
    employer,
    employer_user,
    jobs,
):
    # the administrator names greta internal quality assurer, in the pages
    admin = login(browser, live_server, "ada")
    admin.goto(f"{live_server.url}/kvalitetssakrare/")
    admin.locator("select[name=user]").select_option(str(colleague_guide.pk))
    save(admin, "Lägg till")
    assert QualityAssurer.objects.filter(user=colleague_guide).exists()

    page = login(browser, live_server, "gustav")
    # register
    page.goto(f"{live_server.url}/deltagare/ny/")
    page.fill("input[name=first_name]", "Amina")
    page.fill("input[name=last_name]", "Yusuf")
    page.locator("select[name=municipality]").select_option("0880")
    page.fill("input[name=home_locality]", "Kalmar")
    page.check("input[name=commute_means][value=bike]")
    page.fill("input[name=hours_min]", "10")
    page.fill("input[name=hours_max]", "30")
    save(page, "Skriv in")
    person = Participant.objects.get(first_name="Amina", last_name="Yusuf")

    # skills with level and source, through the searchable picker
    page.get_by_role("link", name="Kompetenser", exact=True).click()
    page.fill("input[name=skill]", jobs["skill"].label)
    page.locator("select[name=level]").select_option("3")
    page.locator("select[name=source]").select_option("observed")
    save(page, "Lägg till")
    row = ParticipantSkill.objects.get(participant=person, skill=jobs["skill"])
    assert (row.level, row.source) == (3, "observed")

    # a need with its description
    page.get_by_role("link", name=person.code).first.click()
    page.get_by_role("link", name="Anpassningsbehov", exact=True).click()
    quiet = Adaptation.objects.get(code="quiet-space")
    page.locator("select[name='need-0-adaptation']").select_option(str(quiet.pk))
    page.fill("textarea[name='need-0-description']", "Ljudkänslig efter stroke")
    save(page)
    assert ParticipantAdaptationNeed.objects.get(participant=person).description == (
        "Ljudkänslig efter stroke"
    )
    assert "Ljudkänslig efter stroke" in page.content()

    # consent
    page.get_by_role("link", name="Registrera ett samtycke").click()
    page.locator("select[name=employer]").select_option(str(employer.pk))
    page.fill("input[name=purpose]", "Praktik")
    save(page)
    assert Consent.objects.filter(participant=person, employer=employer).exists()

    # OCN: open, assess (gustav), internal QA (greta), external verification, certificate
    page.get_by_role("link", name="Valideringar", exact=True).first.click()
    page.locator("select[name=module]").select_option(str(jobs["module"].pk))
    save(page, "Öppna ett OCN-ärende")
    page.fill("textarea[name=evidence]", "Observerad hygienstädning i fyra veckor")
    page.locator("select[name=level]").select_option("2")
    save_step(page)
    case = OcnCase.objects.get(participant=person)
    assert case.status == "assessed" and case.assessor == guide
    assert "någon annan måste kvalitetssäkra" in page.content()
    case_url = page.url

    greta = login(browser, live_server, "greta")
    greta.goto(case_url)
    save_step(greta)
    case.refresh_from_db()
    assert case.status == "internally_assured" and case.internal_qa_by == colleague_guide

    page.goto(case_url)
    page.fill("input[name=external_verifier]", "OCN Sverige, panel lokalvård")
    save_step(page)
    page.fill("input[name=certificate_number]", "OCN-2026-0101")
    page.locator("select[name=level]").select_option("2")
    save_step(page)
    case.refresh_from_db()
    assert case.status == "certified" and case.level == 2
    assert "OCN-2026-0101" in page.content()

    # KGA
    page.get_by_role("link", name=person.code).first.click()  # back to the validations
    page.get_by_role("link", name="Registrera en KGA-bedömning").click()
    competence = KgaCompetence.objects.filter(active=True).first()
    page.locator(f"select[name=c{competence.pk}]").select_option("3")
    save(page)
    assert KgaAssessment.objects.get(participant=person).scores.get().level == 3
    assert competence.name in page.content()

    # matches with readable reasons
    page.goto(f"{live_server.url}/deltagare/{person.pk}/?excluded=1#matches")
    near = page.locator("article.match", has_text="Städ på hotellet")
    text = near.inner_text()
    assert "1 av 1 matchade" in text and "observerade (×0,8)" in text and "nivå 3 (×0,95)" in text
    assert "1 av 1 krav uppfyllda" in text
    assert "Exkluderad" not in text
    far = page.locator("article.match", has_text="Lager i Västervik").inner_text()
    assert re.search(r"\d+,\d km med cykel – gränsen är \d+(,\d)? km", far), far
    assert "validation_missing" not in page.content() and "outside_commute_reach" not in far
    assert axe_problems(page) == []  # the guide's main page: 0 serious or critical

    # ... and on, in the same pages, from the match to an exit to work (tests/portal/
    # test_browser_placement.py): propose (a second proposal refused), agree, start, evaluation,
    # extension, employment, hire, two follow-ups (one confirmed by the employer), exit.
    person = Participant.objects.get(pk=person.pk)
    walk_placement_to_exit(
        browser,
        live_server,
        page,
        participant=person,
        profile_title="Städ på hotellet",
        employer_user=employer_user,
    )
