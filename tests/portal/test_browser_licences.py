"""Issue 23 in the pages (headless Chromium): a coordinator requires a licence on a profile, and
the guide sees the participant excluded from it with the reason in words."""

from pathlib import Path

import pytest

from matching import features
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
assert ARGS


def test_a_required_licence_set_by_the_coordinator_excludes_with_its_reason(
    browser,  # noqa: F811
    live_server,
    coordinator,
    guide,
    task_profile,
    participant,
):
    features.forget()
    page = login(browser, live_server, "gustav")
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/?excluded=1#matches")
    assert "Kräver Körkort C (tung lastbil) – saknas" not in page.content()
    page.close()

    page = login(browser, live_server, "alice")
    page.goto(f"{live_server.url}/kravprofiler/{task_profile.pk}/andra/")
    assert axe_problems(page) == []
    page.get_by_label("Körkort C (tung lastbil)", exact=True).check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Körkort C (tung lastbil)" in page.locator("#required-licences").inner_text()
    assert [x.code for x in task_profile.required_licences.all()] == ["c"]
    page.close()

    features.forget()
    page = login(browser, live_server, "gustav")
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/?excluded=1#matches")
    text = page.content()
    assert task_profile.title in text
    assert "Kräver Körkort C (tung lastbil) – saknas" in text
