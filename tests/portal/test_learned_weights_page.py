"""The manager's "Lärda vikter" page (issue 25): fit, accept and roll back through the same services
as the API; only the unit's manager and administrators; Swedish labels with English available."""

import pytest

from matching.engine import Weights
from matching.models import MatchWeights, WeightProposal
from tests.factories.learning import history
from tests.portal.visible_text import enum_codes, raw_codes_in

pytestmark = pytest.mark.django_db


def test_the_manager_fits_accepts_and_rolls_back_in_the_page(client, unit, guide, manager):
    history(unit, guide, n=120, seed=3, driver="geography")
    client.force_login(manager)
    page = client.get("/larda-vikter/").content.decode()
    assert "Lärda vikter" in page and "Anpassa vikterna till våra utfall" in page
    assert 'href="/larda-vikter/"' in page  # in the manager's menu

    assert client.post("/larda-vikter/anpassa/").status_code == 302
    proposal = WeightProposal.objects.get(unit=unit)
    assert proposal.status == "proposed"
    page = client.get("/larda-vikter/").content.decode()
    for text in ("Föreslagen", "Geografi", "Rättvisa", "Kvinnor", "Godta de föreslagna vikterna"):
        assert text in page, text
    assert "geography" not in page and "too_little_data" not in page  # never raw codes
    assert not raw_codes_in(page, enum_codes())
    assert not MatchWeights.objects.filter(unit=unit).exists()  # nothing changed yet

    client.post(f"/larda-vikter/{proposal.pk}/godta/")
    row = MatchWeights.objects.get(unit=unit)
    assert row.geography == pytest.approx(proposal.proposed["geography"])
    assert "Återställ föregående vikter" in client.get("/larda-vikter/").content.decode()

    client.post("/larda-vikter/aterstall/")
    row.refresh_from_db()
    assert row.as_weights() == Weights()
    page = client.get("/larda-vikter/").content.decode()
    assert "Version 2" in page and "återställning" in page


def test_a_fit_without_enough_data_says_why_in_swedish_and_english(client, unit, guide, manager):
    history(unit, guide, n=12, seed=3, driver="geography")
    client.force_login(manager)
    client.post("/larda-vikter/anpassa/")
    page = client.get("/larda-vikter/").content.decode()
    assert "Inget föreslås." in page and "För få placeringar med känt utfall" in page
    assert "Godta de föreslagna vikterna" not in page
    page = client.get("/en/larda-vikter/").content.decode()
    assert "Learned weights" in page and "Too few placements with a known outcome" in page


@pytest.mark.parametrize("role", ["guide", "coordinator", "employer_user"])
def test_other_roles_neither_see_nor_use_it(request, client, unit, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/larda-vikter/").status_code == 403
    assert client.post("/larda-vikter/anpassa/").status_code == 403
    assert not WeightProposal.objects.exists()
    assert 'href="/larda-vikter/"' not in client.get("/").content.decode()
