"""Real occupation labels find their occupation once the JobTech Taxonomy export is imported
(issue 23: with the demo's 32 occupations, 24 of 26 real ads got none). The full import runs only
here and in tests/core/test_taxonomy.py, never for the whole suite."""

import io
import random
from pathlib import Path

import pytest

from core import demo_taxonomy
from core.models import Occupation, SsykGroup
from employers.models import TaskProfile
from tests.employers.test_import_ads import make_ad, post

pytestmark = pytest.mark.django_db

JOBTECH = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "jobtech"

# (headline, the occupation label as the ad writes it, its SSYK group, the occupation expected)
REAL = [
    ("Tandläkare till folktandvården", "Tandläkare", "2260", "Tandläkare"),
    ("Förskollärare till Solrosen", "Förskollärare", "2343", "Förskollärare"),
    (
        "Undersköterska till hemtjänsten",
        "Undersköterska, hemtjänst, äldreboende och habilitering",
        "5321",
        "Undersköterska, hemtjänst, äldreboende och habilitering",
    ),
    ("Sjuksköterska natt", "Sjuksköterska, grundutbildad", "2221", "Sjuksköterska, grundutbildad"),
    ("Bussförare linjetrafik", "Bussförare", "8331", "Bussförare"),
    ("Truckförare till lager", "Truckförare", "8344", "Truckförare"),
]


@pytest.fixture
def full_taxonomy(settings):
    if not JOBTECH.is_dir():
        pytest.skip("../shared/data/jobtech is not beside the checkout")
    settings.TAXONOMY_DIR = str(JOBTECH)
    out = io.StringIO()
    demo_taxonomy.build(rng=random.Random(1), stdout=out)  # the demo's own step
    return out.getvalue()


def test_the_demo_step_imports_the_full_ssyk_and_real_ads_get_their_occupation(
    api, coordinator, full_taxonomy
):
    assert "occupations 2412" in full_taxonomy
    assert Occupation.objects.exclude(concept_id=None).count() == 2412
    assert SsykGroup.objects.filter(level=4).count() >= 400  # all of SSYK 2012 level 4
    rng = random.Random(23)
    ads = []
    for i, (headline, label, ssyk, _expected) in enumerate(REAL):
        ad = make_ad(i, rng)
        ad["headline"] = headline
        ad["occupation"] = {"label": label}  # no taxonomy id: the label must find it
        ad["occupation_group"] = {"legacy_ams_taxonomy_id": ssyk}
        ads.append(ad)
    # A label that is no occupation name ("Lastbilsförare") still finds one by its SSYK group.
    lorry = make_ad(len(REAL), rng)
    lorry["headline"] = "Lastbilsförare sökes"
    lorry["occupation"] = {"label": "Lastbilsförare"}
    lorry["occupation_group"] = {"legacy_ams_taxonomy_id": "8332"}
    response = post(api(coordinator), {"hits": [*ads, lorry]}, dry_run=False)
    assert response.status_code == 200, response.json()
    assert response.json()["refused_rows"] == 0
    for headline, _label, ssyk, expected in REAL:
        occupation = TaskProfile.objects.get(title=headline).occupation
        assert (occupation.label, occupation.ssyk_id) == (expected, ssyk)
    assert TaskProfile.objects.get(title="Lastbilsförare sökes").occupation.ssyk_id == "8332"


def test_without_the_folder_the_demo_keeps_the_seeded_vocabulary(settings, tmp_path):
    settings.TAXONOMY_DIR = str(tmp_path / "missing")
    before = Occupation.objects.count()
    out = io.StringIO()
    demo_taxonomy.build(rng=random.Random(1), stdout=out)
    assert "no export folder" in out.getvalue() and Occupation.objects.count() == before
