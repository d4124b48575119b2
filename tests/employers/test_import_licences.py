"""Required licences and must-have skills through the employer import (issue 23): a JobTech ad's
``driving_license`` (when ``driving_license_required``) becomes the profile's required licences;
the ``licences`` and ``skills_must`` columns of a spreadsheet likewise. A JobTech "must have"
skill stays weighted: only the ``skills_must`` column makes a skill a hard requirement."""

import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from employers.models import TaskProfile
from tests.employers.test_import_ads import make_ad, post

pytestmark = pytest.mark.django_db


def test_an_ads_driving_licence_classes_become_required_licences(api, coordinator):
    rng = random.Random(5)
    lorry, car, none, unnamed = (make_ad(i, rng) for i in range(4))
    lorry["driving_license_required"] = True
    lorry["driving_license"] = [
        {"label": "CE", "concept_id": "zZu8_iZ9_wMH", "legacy_ams_taxonomy_id": "5"},
        {"label": "C", "concept_id": "BKCx_hST_Pcm", "legacy_ams_taxonomy_id": "4"},
    ]
    car["driving_license_required"] = True
    car["driving_license"] = [{"label": "B", "concept_id": "VTK8_WRx_GcM"}]
    none["driving_license_required"] = False
    none["driving_license"] = [{"label": "B"}]  # named, but not required
    unnamed["driving_license_required"] = True
    response = post(api(coordinator), {"hits": [lorry, car, none, unnamed]}, dry_run=False)
    assert response.status_code == 200, response.json()
    assert response.json()["profiles_created"] == 4

    def codes(ad):
        profile = TaskProfile.objects.get(title=ad["headline"])
        return sorted(x.code for x in profile.required_licences.all())

    assert codes(lorry) == ["c", "ce"]
    assert codes(car) == ["b"]
    assert codes(none) == []
    assert codes(unnamed) == ["b"]
    # The ad's must-have skills stay weighted.
    profile = TaskProfile.objects.get(title=lorry["headline"])
    assert {s.must for s in profile.skills.all()} == {False}


def test_the_spreadsheet_columns_for_licences_and_must_skills(api, coordinator):
    rows = [
        "namn;kommunkod;profile_title;behörigheter;måste ha;krav",
        "Tandvården AB;0880;Tandläkare;Tandläkarlegitimation;Tandvård;Journalföring",
        "Lager AB;0880;Truckförare;Truckkort B; Truckvana;",
    ]
    file = SimpleUploadedFile("rader.csv", "\n".join(rows).encode(), content_type="text/csv")
    response = api(coordinator).post(
        "/api/v1/employers/import/", {"file": file, "dry_run": False}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    dentist = TaskProfile.objects.get(title="Tandläkare")
    assert [x.code for x in dentist.required_licences.all()] == ["leg-tandlakare"]
    # "Tandvård" from the must column is hard; "Journalföring" from the required column weighted.
    assert sorted((s.required, s.must) for s in dentist.skills.all()) == [
        (True, False),
        (True, True),
    ]
    truck = TaskProfile.objects.get(title="Truckförare")
    assert [x.code for x in truck.required_licences.all()] == ["truck-b"]
    assert [(s.skill.label, s.must) for s in truck.skills.all()] == [("Truckvana", True)]


def test_an_unknown_licence_is_refused_with_its_column(api, coordinator):
    rows = ["namn;kommunkod;profile_title;licences", "Fel AB;0880;Pilot;Flygcertifikat"]
    file = SimpleUploadedFile("rader.csv", "\n".join(rows).encode(), content_type="text/csv")
    response = api(coordinator).post(
        "/api/v1/employers/import/", {"file": file, "dry_run": False}, format="multipart"
    )
    report = response.json()
    assert not report["imported"] and not TaskProfile.objects.exists()
    assert "Flygcertifikat" in json.dumps(report, ensure_ascii=False)
    assert "licences" in json.dumps(report)
