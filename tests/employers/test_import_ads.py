"""Real ads become kravprofiler: job ads in the JSON shape of JobTech's JobSearch API, imported
with their employers, sites and task profiles in one run (issue 23)."""

import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum import luhn

from core.models import Occupation
from employers.models import Employer, Site, TaskProfile

pytestmark = pytest.mark.django_db

# (municipality code, city, lon, lat)
PLACES = [
    ("0880", "Kalmar", 16.3616, 56.6634),
    ("0881", "Nybro", 15.9069, 56.7445),
    ("0780", "Växjö", 14.8059, 56.8777),
    ("0180", "Stockholm", 18.0686, 59.3293),
]
# (headline, occupation label as JobTech writes it, SSYK, must-have, nice-to-have)
JOBS = [
    (
        "Lagermedarbetare till vårt centrallager",
        "Lagerarbetare/Terminalarbetare",
        "4322",
        ["Truckkörning", "Orderplockning"],
        ["Packning"],
    ),
    (
        "Butiksbiträde helg",
        "Butikssäljare, dagligvaror/Medarbetare, dagligvaror",
        "5222",
        ["Kassavana"],
        ["Varupåfyllning", "Exponering av varor"],
    ),
    ("Lokalvårdare kvällstid", "Städare", "9111", ["Städtjänster"], ["Fönsterputsning"]),
    ("Köksbiträde i skolkök", "Köksbiträde", "9412", ["Livsmedelshygien"], ["Bakning"]),
    ("Fastighetsskötare sökes", "Fastighetsskötare", "5152", [], ["Snöröjning"]),
    (
        "Undersköterska till hemtjänsten",
        "Undersköterska, hemtjänst, äldreboende och habilitering",
        "5321",
        ["Personlig omvårdnad"],
        ["Demensvård"],
    ),
]


def orgnr(n: int) -> str:
    """A valid organisation number (Luhn), as JobTech writes it: ten digits, no dash."""
    base = f"55{6000000 + n:07d}"
    return base + luhn.calc_check_digit(base)


def make_ad(i: int, rng: random.Random) -> dict:
    """One ad with the fields and nesting of JobSearch's ``hits``."""
    employer = i % 9
    code, city, lon, lat = PLACES[employer % len(PLACES)]
    headline, occupation, ssyk, must, nice = JOBS[i % len(JOBS)]
    low = rng.choice([50, 75, 100])
    return {
        "id": str(29000000 + i),
        "headline": f"{headline} ({i})",
        "number_of_vacancies": rng.choice([1, 1, 2, 3]),
        "application_deadline": "2027-01-31T23:59:59",
        "description": {"text": f"Vi söker en {headline.lower()}. Annons {i}."},
        "employer": {
            "name": f"Annonsföretag {employer} AB",
            "organization_number": orgnr(employer),
            "workplace": f"Arbetsplats {employer}",
        },
        "workplace_address": {
            "municipality_code": code,
            "municipality": city,
            "city": city,
            "street_address": f"Industrigatan {employer + 1}",
            "postcode": "39231",
            "coordinates": [lon + employer / 1000, lat],
        },
        "occupation": {"concept_id": f"jt-occ-{ssyk}", "label": occupation},
        "occupation_group": {"legacy_ams_taxonomy_id": ssyk},
        "working_hours_type": {"label": "Heltid" if low == 100 else "Deltid"},
        "scope_of_work": {"min": low, "max": 100},
        "must_have": {"skills": [{"label": s, "weight": 10} for s in must]},
        "nice_to_have": {"skills": [{"label": s} for s in nice]},
    }


def ad_set(n: int, seed: int = 23) -> list[dict]:
    rng = random.Random(seed)
    return [make_ad(i, rng) for i in range(n)]


def with_faults(ads: list[dict]) -> list[dict]:
    """Four refused ads among the good ones, each for a reason the report must give."""
    ads[3]["employer"] = {"name": "Fel Orgnr AB", "organization_number": "5560000002"}
    ads[7]["workplace_address"]["municipality_code"] = "9999"
    ads[7]["workplace_address"]["municipality"] = "Atlantis"
    ads[11]["scope_of_work"] = {"min": 100, "max": 50}
    ads[15]["occupation"] = {"label": "Rymdpilot"}
    ads[15]["occupation_group"] = {}
    return ads


@pytest.fixture
def taxonomy_ids(db):
    """Our taxonomy knows JobTech's ids of some occupations; the others match by label or SSYK."""
    for _headline, label, ssyk, _must, _nice in JOBS[:3]:
        Occupation.objects.filter(label=label).update(concept_id=f"jt-occ-{ssyk}")


def post(client, payload, *, name="annonser.json", **flags):
    file = SimpleUploadedFile(name, json.dumps(payload).encode(), content_type="application/json")
    return client.post("/api/v1/employers/import/", {"file": file, **flags}, format="multipart")


def test_thirty_ads_become_employers_sites_and_profiles_in_one_run(api, coordinator, taxonomy_ids):
    ads = ad_set(30)
    response = post(api(coordinator), {"total": {"value": 30}, "hits": ads}, dry_run=False)
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["imported"] and report["refused_rows"] == 0
    assert report["employers_created"] == 9 == Employer.objects.count()
    assert report["profiles_created"] == 30 == TaskProfile.objects.count()
    # One site per workplace: the nine employers' ads share their workplace.
    assert report["sites_created"] == 9 == Site.objects.count()

    first = TaskProfile.objects.get(title=ads[0]["headline"])
    assert first.employer.orgnr.replace("-", "") == ads[0]["employer"]["organization_number"]
    assert first.occupation.label == "Lagerarbetare/Terminalarbetare"  # by taxonomy id
    assert first.kind == "employment" and first.status == "draft"
    low = ads[0]["scope_of_work"]["min"]
    assert (first.hours_min, first.hours_max) == (low * 40 // 100, 40)
    assert first.slots_total == ads[0]["number_of_vacancies"]
    assert "2027-01-31" in first.description
    lon, lat = ads[0]["workplace_address"]["coordinates"]
    assert (first.site.latitude, first.site.longitude) == (lat, lon)
    skills = {(s.skill.label if s.skill else s.free_text, s.required) for s in first.skills.all()}
    assert skills == {("Truckvana", True), ("Orderplockning", True), ("Packning", False)}

    # No JobTech id in our taxonomy: the label (and its synonyms) or the SSYK group finds it.
    kitchen = TaskProfile.objects.get(title=ads[3]["headline"])
    assert kitchen.occupation.label == "Köksbiträde"
    care = TaskProfile.objects.get(title=ads[5]["headline"])
    assert care.occupation.ssyk_id == "5321"


def test_refused_ads_are_explained_by_their_field_and_valid_ones_imported_on_request(
    api, coordinator, taxonomy_ids
):
    ads = with_faults(ad_set(30))
    client = api(coordinator)

    dry = post(client, ads, dry_run=True).json()
    assert not dry["ok"] and dry["refused_rows"] == 4 and dry["valid_rows"] == 26
    refused = {r["row"]: r for r in dry["rows"] if r["errors"]}
    assert set(refused) == {4, 8, 12, 16}  # the ads' positions, counted from 1
    assert "employer.organization_number" in refused[4]["errors"]
    assert "workplace_address.municipality_code" in refused[8]["errors"]
    assert "scope_of_work.min" in refused[12]["errors"]
    assert "Rymdpilot" in refused[16]["errors"]["occupation"][0]
    assert all(r["action"] == "refused" for r in refused.values())

    # All or nothing by default: the four block the 26.
    assert post(client, ads, dry_run=False).status_code == 400
    assert TaskProfile.objects.count() == 0 and Employer.objects.count() == 0

    # The explicit choice imports the 26 and says again which were left out.
    response = post(client, ads, dry_run=False, valid_rows_only=True)
    assert response.status_code == 200
    report = response.json()
    assert report["imported"] and report["valid_rows_only"]
    assert report["profiles_created"] == 26 == TaskProfile.objects.count()
    assert report["refused_rows"] == 4
    assert not TaskProfile.objects.filter(title__in=[ads[i]["headline"] for i in (7, 11, 15)])
    assert not Employer.objects.filter(name="Fel Orgnr AB").exists()
    assert all(r["action"] != "created" for r in report["rows"] if r["errors"])


def test_a_refused_first_row_does_not_leave_its_employer_to_later_rows(api, coordinator):
    """The ad that would have made the employer is refused after making it (rolled back); the
    next ad of the same employer makes it afresh instead of pointing at nothing."""
    ads = ad_set(10)
    ads[0]["scope_of_work"] = {"min": 100, "max": 50}  # refused after its employer was made
    response = post(api(coordinator), ads, dry_run=False, valid_rows_only=True)
    assert response.status_code == 200, response.json()
    employer = Employer.objects.get(name="Annonsföretag 0 AB")
    assert employer.task_profiles.count() == 1
    assert response.json()["rows"][0]["action"] == "refused"
    assert response.json()["rows"][9]["action"] == "created"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "JSON"),
        (b'{"total": 3}', "hits"),
        (b"[]", "empty"),
    ],
)
def test_unreadable_ad_files_are_file_errors(api, coordinator, payload, message):
    from django.utils import translation

    file = SimpleUploadedFile("annonser.json", payload, content_type="application/json")
    with translation.override("en"):
        response = api(coordinator).post(
            "/api/v1/employers/import/",
            {"file": file, "dry_run": True},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert message in " ".join(response.json()["file_errors"])
