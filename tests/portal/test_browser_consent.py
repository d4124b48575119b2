"""End to end: a guide sends a consent link, the participant answers in a fresh browser, the
employer portal shows only what was granted, and a withdrawal hides it on the next request."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from matching.models import Consent, ParticipantSkill
from portal.consent_forms import employer_option
from tests.portal.test_browser import CHROMIUM, browser, login  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM),
        reason="Debian's chromium is not installed (scripts/test installs it)",
    ),
]


def test_participant_grants_refuses_and_withdraws_and_the_employer_portal_follows(
    browser,  # noqa: F811
    live_server,
    guide,
    participant,
    placement,
    employer,
    other_employer,
    employer_user,
):
    cache.clear()
    ParticipantSkill.objects.create(participant=participant, free_text="Truckkort", level=3)

    # the guide sends a consent request by e-mail
    page = login(browser, live_server, "gustav")
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/samtycken/")
    page.get_by_role("link", name="Skicka en samtyckesförfrågan").click()
    page.locator('[name="r-0-kind"]').select_option("employer")
    page.locator('[name="r-0-employer"]').fill(employer_option(employer))
    page.locator('[name="r-0-purpose"]').fill("Praktik på lagret")
    page.locator('[name="r-0-scopes"][value="identity"]').check()
    page.locator('[name="r-0-scopes"][value="skills"]').check()
    page.locator('[name="r-1-kind"]').select_option("employer")
    page.locator('[name="r-1-employer"]').fill(employer_option(other_employer))
    page.locator('[name="r-1-purpose"]').fill("Studiebesök")
    page.locator('[name="r-1-scopes"][value="skills"]').check()
    page.locator('[name="r-2-kind"]').select_option("social_services")
    page.locator('[name="r-2-agency"]').fill("Socialtjänsten Kalmar")
    page.locator('[name="r-2-purpose"]').fill("Samordning")
    page.locator('[name="r-2-scopes"][value="placement"]').check()
    page.get_by_role("radio", name="E-post").check()
    page.get_by_label("Deltagarens e-postadress").fill("amina@example.se")
    page.get_by_role("button", name="Skicka samtyckesförfrågan").click()
    page.wait_for_load_state()
    assert "Väntar på deltagaren" in page.inner_text("main")
    link = re.search(r"https?://\S+/samtycke/\S+/", mail.outbox[-1].body).group(0)

    # the participant opens it in a fresh browser context: grants two, refuses one
    person = browser.new_context().new_page()
    person.goto(link)
    assert "Vem får se uppgifter om dig?" in person.inner_text("h1")
    assert "/samtycke/svara/" in person.url  # the token left the address bar
    person.locator("fieldset", has_text="Kalmar Lager AB").get_by_text("Ja, de får").click()
    person.locator("fieldset", has_text="Nybro Bageri").get_by_text("Nej, de får inte").click()
    person.locator("fieldset", has_text="Socialtjänsten Kalmar").get_by_text("Ja, de får").click()
    person.get_by_role("button", name="Skicka mitt svar").click()
    person.wait_for_load_state()
    receipt = person.inner_text("main")
    assert "Här är ditt kvitto" in receipt and "Nybro Bageri" in receipt
    own_link = person.locator("a[href*='/mina-samtycken/']").first.get_attribute("href")
    assert Consent.objects.filter(participant=participant, withdrawn_on__isnull=True).count() == 2

    # the employer portal shows exactly what was granted: name and skills, no adaptation needs
    portal = login(browser, live_server, "erik")
    body = portal.inner_text("main")
    assert "Amina Yusuf" in body and "Truckkort" in body
    assert "Tyst" not in body and "Ljudkänslig" not in body

    # the participant withdraws the employer's consent from their own page
    person.goto(own_link)
    assert "Dina samtycken" in person.inner_text("h1")
    person.locator(".own-consent", has_text="Kalmar Lager AB").locator("label").click()
    person.get_by_role("button", name="Sluta dela med dem jag valt").click()
    person.wait_for_load_state()
    assert "Klart" in person.inner_text("main")

    # the very next request of the employer portal no longer shows it
    portal.reload()
    body = portal.inner_text("main")
    assert "Amina Yusuf" not in body and "Truckkort" not in body
    assert participant.code in body

    # and the guide is told
    assert any(participant.code in m.subject for m in mail.outbox if m.to == [guide.email])
    page.goto(f"{live_server.url}/samtycken/aterkallade/")
    assert "Kalmar Lager AB" in page.inner_text("main")
