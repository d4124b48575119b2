"""A participant completes a progression measurement through their link on a phone, keyboard
only, with read-aloud available; the guide then sees the answers beside their own rating."""

import pytest

from matching.models import ProgressionIndicator, ProgressionMeasurement
from matching.participants.services.consent_links import personal_link_issue
from tests.factories.matching import ParticipantFactory
from tests.portal.test_browser import CHROMIUM, login
from tests.portal.test_browser import browser as browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed"
    ),
]
PHONE = {"width": 390, "height": 844}
ANSWERS = {"tro-pa-mig-sjalv": 3, "initiativ": 7, "samarbete": 10}
# Records what would be spoken, so the test can hear the read-aloud button without audio.
SPEECH_SPY = """
window.__spoken = [];
if ('speechSynthesis' in window) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push(u.text); };
}
"""


def focus_is(page, selector):
    return page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})")


def tab_to(page, selector, limit=25):
    for _ in range(limit):
        if focus_is(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with Tab")


def test_participant_answers_by_phone_and_guide_sees_it_beside_their_rating(
    browser,
    live_server,
    unit,
    guide,  # noqa: F811
):
    ProgressionIndicator.objects.exclude(key__in=ANSWERS).update(active=False)
    participant = ParticipantFactory(unit=unit, guide=guide)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="sv-SE")
    context.add_init_script(SPEECH_SPY)
    phone = context.new_page()
    token = personal_link_issue(participant=participant, by=guide, channel="print").token
    phone.goto(f"{live_server.url}/mitt-matt/{token}/")
    order = list(ProgressionIndicator.objects.filter(active=True).order_by("order"))
    for n, indicator in enumerate(order, start=1):
        assert phone.get_by_text(f"Fråga {n} av {len(order)}").is_visible()
        assert phone.locator("#statement").inner_text() == indicator.statement
        # read-aloud: the button is there, the static script made it work, and it speaks
        button = phone.get_by_role("button", name="Läs upp")
        assert button.is_visible()
        assert phone.evaluate("document.documentElement.dataset.readAloud") == "ready"
        assert phone.locator("script[src$='portal/progression.js']").count() == 1
        # large touch targets
        box = phone.locator(".scale-option").first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        if n == 1:
            tab_to(phone, "[data-read-aloud]")
            phone.keyboard.press("Enter")
            spoken = phone.evaluate("window.__spoken")
            assert spoken and indicator.statement in spoken[0]
        tab_to(phone, "input[type=radio][name=value]")
        value = ANSWERS[indicator.key]
        # arrow keys move through the radio group from wherever it starts
        phone.keyboard.press("Space")
        checked = int(phone.evaluate("document.activeElement.value"))
        while checked != value:
            phone.keyboard.press("ArrowRight" if checked < value else "ArrowLeft")
            checked = int(phone.evaluate("document.activeElement.value"))
        assert phone.locator(f"input[name=value][value='{value}']").is_checked()
        tab_to(phone, "button.easy-next")
        with phone.expect_navigation():
            phone.keyboard.press("Enter")
    assert phone.get_by_role("heading", name="Titta på dina svar").is_visible()
    tab_to(phone, "button.easy-next")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.get_by_role("heading", name="Tack!").is_visible()
    context.close()

    measurement = ProgressionMeasurement.objects.get(participant=participant)
    page = login(browser, live_server, guide.username)
    page.goto(f"{live_server.url}/stegforflyttning/{measurement.pk}/")
    own_rating = page.get_by_role("form", name="Din egen skattning")
    for indicator in order:
        own_rating.get_by_label(indicator.label).fill("5")
    with page.expect_navigation():
        own_rating.get_by_role("button", name="Spara min skattning").click()
    for indicator in order:
        row = page.locator(f"#side-by-side tr[data-indicator='{indicator.key}']")
        assert row.locator("td.own").inner_text() == str(ANSWERS[indicator.key])
        assert row.locator("td.guide").inner_text() == "5"
    # the paper form is gone: the participant's answers cannot be overwritten
    assert page.get_by_role("form", name="Mata in ett pappersformulär").count() == 0
