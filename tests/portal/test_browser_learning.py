"""Issue 25 in the browser: the manager fits the weights to the unit's outcomes, accepts the
proposal and rolls it back, in Swedish, and the page has no serious axe-core violations."""

from pathlib import Path

import pytest

from matching.engine import Weights
from matching.models import MatchWeights, WeightProposal
from tests.factories.learning import history
from tests.portal.test_browser import (  # noqa: F401 - fixture
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


def test_manager_fits_accepts_and_rolls_back_learned_weights(
    browser,  # noqa: F811
    live_server,
    unit,
    guide,
    manager,
):
    history(unit, guide, n=120, seed=3, driver="geography")
    from matching import features

    features.forget()
    page = login(browser, live_server, manager.username)
    page.get_by_role("link", name="Lärda vikter").click()
    page.get_by_role("button", name="Anpassa vikterna till våra utfall").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vikterna anpassades till enhetens utfall.").is_visible()
    assert page.locator("#fairness").is_visible()
    assert not axe_problems(page)
    proposal = WeightProposal.objects.get(unit=unit)
    assert proposal.status == "proposed"

    page.get_by_role("button", name="Godta de föreslagna vikterna").click()
    page.wait_for_load_state()
    assert page.get_by_text("De föreslagna vikterna är nu enhetens vikter.").is_visible()
    row = MatchWeights.objects.get(unit=unit)
    assert row.geography > Weights().geography

    page.get_by_role("button", name="Återställ föregående vikter").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vikterna återställdes till föregående version.").is_visible()
    row.refresh_from_db()
    assert row.as_weights() == Weights()
    assert WeightProposal.objects.get(pk=proposal.pk).status == "rolled_back"
