"""Issue 19 in headless Chromium: a guide narrows a long match list by search and filters (kept
over pages), and an internal quality assurer goes from the menu count to the worklist to the case
— in Swedish, without serious or critical axe-core violations."""

from pathlib import Path

import pytest

from core.models import OcnModule, OcnProgramme
from matching.models import OcnCase
from matching.participants.services.validations import (
    ocn_case_advance,
    ocn_case_register,
    quality_assurer_grant,
)
from tests.portal.test_browser import (  # noqa: F401 - fixture
    ARGS,
    CHROMIUM,
    axe_problems,
    browser,
    login,
)
from tests.portal.test_matching_pages import many_profiles  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
assert ARGS


def _titles(page) -> list[str]:
    return page.locator("article.card.match").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )


def test_a_guide_searches_and_filters_the_match_list(
    browser,  # noqa: F811
    live_server,
    guide,
    participant,
    many_profiles,  # noqa: F811
):
    problems: dict[str, list[str]] = {}
    page = login(browser, live_server, "gustav")
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/")
    assert len(_titles(page)) == 10  # the usual short list
    search = page.get_by_role("search", name="Sök och filtrera matchningarna")
    search.get_by_label("Sök:").fill("nybro bageri")
    search.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state()
    assert sorted(_titles(page)) == ["Bagerihjälp morgon", "Diskare"]
    problems["filtered matches"] = axe_problems(page)

    search = page.get_by_role("search", name="Sök och filtrera matchningarna")
    search.get_by_label("Sök:").fill("lagerplock")
    search.get_by_label("Visa:").select_option(label="Bara de som passar")
    search.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state()
    first = _titles(page)
    assert len(first) == 10 and all(t.startswith("Lagerplock") for t in first)
    assert "Sida 1 · 27 profiler" in page.inner_text("main")
    page.get_by_role("link", name="Nästa →").click()
    page.wait_for_load_state()
    second = _titles(page)
    assert len(second) == 10 and not set(first) & set(second)
    assert page.get_by_label("Sök:").first.input_value() == "lagerplock"  # the filter is kept

    search = page.get_by_role("search", name="Sök och filtrera matchningarna")
    search.get_by_label("Sök:").fill("")
    search.get_by_label("Typ av plats:").select_option(label="Studiebesök")
    search.get_by_label("Visa:").select_option(label="Alla, även uteslutna")
    search.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state()
    assert _titles(page) == ["Studiebesök lager"]
    search = page.get_by_role("search", name="Sök och filtrera matchningarna")
    search.get_by_label("Typ av plats:").select_option(label="Alla")
    search.get_by_label("Visa:").select_option(label="Bara uteslutna")
    search.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state()
    assert _titles(page) == ["Lagerplock långt bort"]
    assert "Utesluten" in page.inner_text("main")
    problems["excluded matches"] = axe_problems(page)
    assert problems == {k: [] for k in problems}, problems


def test_the_quality_assurer_goes_from_the_menu_to_the_case(
    browser,  # noqa: F811
    live_server,
    guide,
    colleague_guide,
    admin_user,
    participant,
    unit,
):
    programme = OcnProgramme.objects.create(code="LOK", name="Lokalvård", occupational_area="Städ")
    module = OcnModule.objects.create(
        programme=programme, code="LOK-2", name="Hygienstädning", level=2
    )
    case = ocn_case_register(participant=participant, module=module, by=guide)
    ocn_case_advance(case=case, to_status="assessed", by=guide, evidence="Arbetsprov")
    quality_assurer_grant(unit=unit, user=colleague_guide, by=admin_user)

    problems: dict[str, list[str]] = {}
    page = login(browser, live_server, "greta")
    assert "1 OCN-ärende väntar på din interna kvalitetssäkring." in page.inner_text("main")
    problems["landing"] = axe_problems(page)
    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Att kvalitetssäkra 1").click()
    page.wait_for_load_state()
    assert "OCN-ärenden att kvalitetssäkra" in page.inner_text("h1")
    assert "Hygienstädning" in page.inner_text("#qa-worklist")
    problems["worklist"] = axe_problems(page)
    page.get_by_role("link", name=participant.code).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Spara: Internt kvalitetssäkrad").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "internally_assured" and case.internal_qa_by == colleague_guide
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Att kvalitetssäkra 0"
    ).click()
    page.wait_for_load_state()
    assert "Inga OCN-ärenden väntar på intern kvalitetssäkring." in page.inner_text("main")
    assert OcnCase.objects.filter(status="assessed").count() == 0
    assert problems == {k: [] for k in problems}, problems

    # The assessor is not a named quality assurer: no count in their menu.
    other = login(browser, live_server, "gustav")
    assert "Att kvalitetssäkra" not in other.inner_text("nav")
