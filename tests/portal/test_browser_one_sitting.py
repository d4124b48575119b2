"""Issue 19 end to end: in one sitting, from one address and with the default limits, a
participant gives consent through the printed invitation, opens their personal link from the
receipt, answers EVERY progression statement and gets back to their page, without a single 429.
(The old limit counted every step and locked them out half-way through the statements.)"""

import pytest
from django.conf import settings

from matching.models import Consent, ProgressionIndicator, ProgressionMeasurement
from matching.participants.services import consent_links as links
from tests.portal.test_browser import CHROMIUM
from tests.portal.test_browser import browser as browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed"
    ),
]


def test_participant_consents_and_answers_every_statement_without_being_locked_out(
    browser,  # noqa: F811
    live_server,
    guide,
    participant,
    employer,
    other_employer,
):
    statements = list(ProgressionIndicator.objects.filter(active=True).order_by("order"))
    issued = links.consent_invitation_create(
        participant=participant,
        by=guide,
        recipients=[
            {"kind": "employer", "employer": employer, "purpose": "Praktik på lagret",
             "scopes": ["skills"]},
            {"kind": "employer", "employer": other_employer, "purpose": "Studiebesök",
             "scopes": ["skills"]},
        ],
        channel="print",
    )  # fmt: skip
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.request.resource_type == "document" else None,
    )

    # consent, through the printed invitation's link
    page.goto(f"{live_server.url}/samtycke/{issued.token}/")
    assert "Vem får se uppgifter om dig?" in page.inner_text("h1")
    page.locator("fieldset", has_text="Kalmar Lager AB").get_by_text("Ja, de får").click()
    page.locator("fieldset", has_text="Nybro Bageri").get_by_text("Nej, de får inte").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka mitt svar").click()
    assert "kvitto" in page.inner_text("h1")

    # the personal link on the receipt leads to their own page and the questions
    with page.expect_navigation():
        page.locator("a[href*='/mina-samtycken/']").first.click()
    assert "/mina-samtycken/" in page.url and page.get_by_text("Hur går det för dig?").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Svara på frågorna").click()
    for n, indicator in enumerate(statements, start=1):
        assert page.get_by_text(f"Fråga {n} av {len(statements)}").is_visible()
        assert page.locator("#statement").inner_text() == indicator.statement
        page.locator(".scale-option", has_text=str(1 + n % 10)).first.click()
        with page.expect_navigation():
            page.get_by_role("button", name="Nästa").click()
    assert page.get_by_role("heading", name="Titta på dina svar").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka mina svar").click()
    assert page.get_by_role("heading", name="Tack!").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Tillbaka till min sida").click()
    assert "Kalmar Lager AB" in page.inner_text("main")
    context.close()

    assert 429 not in statuses
    assert len(statuses) > settings.CONSENT_LINK_RATE_LIMIT  # more steps than the old limit
    measurement = ProgressionMeasurement.objects.get(participant=participant)
    assert measurement.answers.count() == len(statements)
    assert Consent.objects.filter(participant=participant, employer=employer).exists()
    assert not Consent.objects.filter(participant=participant, employer=other_employer).exists()
