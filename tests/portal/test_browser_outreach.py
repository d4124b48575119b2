"""Issue 25 in the browser: the coordinator opens "Vem kontaktar jag nu?", reads the reasons,
logs a call with one click (it is then in the employer's contact log) and adds an employer found
only in the job ads to the register with one click; in Swedish, without serious axe-core problems."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from core.models import Occupation
from employers.importing.historical_ads import import_historical_ads
from employers.models import Employer, Interaction
from tests.factories.employers import EmployerFactory
from tests.factories.matching import ParticipantFactory
from tests.placements.outreach_data import ad, orgnr, stored
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


def test_coordinator_logs_a_call_and_adds_an_employer_from_the_list(
    browser,  # noqa: F811
    live_server,
    unit,
    coordinator,
):
    cleaner = Occupation.objects.filter(ssyk_id="9111").first()
    for _i in range(3):
        ParticipantFactory(unit=unit).desired_occupations.add(cleaner)
    known = EmployerFactory(unit=unit, name="Städbolaget AB", orgnr=stored(1))
    recent = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    ads = [ad(i, org=orgnr(1), name="Städbolaget AB", published=recent) for i in range(3)]
    ads.append(ad(9, org=orgnr(2), name="Annonsbolaget AB", published=recent))
    import_historical_ads(
        content="\n".join(json.dumps(a) for a in ads).encode(), region=unit.region, dry_run=False
    )

    page = login(browser, live_server, coordinator.username)
    page.get_by_role("link", name="Vem kontaktar jag nu?").click()
    page.wait_for_load_state()
    known_row = page.locator(f"#row-e{known.pk}")
    assert "3 väntande deltagare inom räckhåll" in known_row.inner_text()
    assert "3 platsannonser med 3 platser" in known_row.inner_text()
    assert not axe_problems(page)

    known_row.get_by_role("button", name="Logga samtal").click()
    page.wait_for_load_state()
    assert page.get_by_text("Samtalet till Städbolaget AB finns i kontaktloggen.").is_visible()
    entry = Interaction.objects.get(employer=known)
    assert entry.kind == "call" and entry.by == coordinator
    assert page.locator(f"#row-e{known.pk}").get_by_text("Ringd den här veckan").is_visible()

    page.get_by_role("link", name="Städbolaget AB").click()
    page.wait_for_load_state()
    assert page.get_by_text("Samtal från listan ”Vem kontaktar jag nu?”.").first.is_visible()

    page.get_by_role("link", name="Vem kontaktar jag nu?").click()
    page.wait_for_load_state()
    new_row = page.locator(f"#row-o{stored(2)}")
    assert "Finns inte i registret än" in new_row.inner_text()
    new_row.get_by_role("button", name="Lägg till i registret").click()
    page.wait_for_load_state()
    assert page.get_by_text("Annonsbolaget AB lades till i registret.").is_visible()
    added = Employer.objects.get(orgnr=stored(2))
    assert added.name == "Annonsbolaget AB" and added.unit == unit
    assert page.locator(f"#row-e{added.pk}").get_by_role("button", name="Logga samtal").is_visible()
