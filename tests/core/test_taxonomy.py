import pytest

from core import taxonomy
from core.importers.jobtech import import_folder, sni_section
from core.models import Industry, Occupation, OccupationSubstitution, Skill, SsykGroup
from core.seed_taxonomy import OCCUPATIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(shared_data):
    return import_folder(shared_data / "jobtech")


def test_jobtech_import_loads_occupations_skills_and_relations(imported):
    assert imported.missing_files == []
    assert Occupation.objects.exclude(concept_id=None).count() == 2412
    assert Skill.objects.exclude(concept_id=None).count() == 6657
    truck = Occupation.objects.get(label="Truckförare")
    assert truck.ssyk_id == "8344" and truck.concept_id
    assert SsykGroup.objects.get(code="8344").level == 4
    assert SsykGroup.objects.get(code="8").level == 1
    # Skolvärd can be substituted by Elevassistent at 75 % (from the export).
    assert OccupationSubstitution.objects.filter(
        from_occupation__label="Elevassistent", to_occupation__label="Skolvärd", percentage=75
    ).exists()
    assert Occupation.objects.filter(no_education_required=True).count() == 112
    assert Occupation.objects.get(label="Industristädare").no_education_required
    assert Industry.objects.get(code="47").parent_id == "G"
    assert Industry.objects.filter(level=1).count() == 21


def test_import_is_idempotent_and_upserts_seeded_entries(shared_data, imported):
    seeded_label = OCCUPATIONS[4][0]  # "Truckförare", seeded without a concept id
    counts = (
        Occupation.objects.count(),
        Skill.objects.count(),
        OccupationSubstitution.objects.count(),
    )
    import_folder(shared_data / "jobtech")
    assert (
        Occupation.objects.count(),
        Skill.objects.count(),
        OccupationSubstitution.objects.count(),
    ) == counts
    assert Occupation.objects.filter(label=seeded_label).count() == 1
    assert Occupation.objects.get(label=seeded_label).concept_id is not None


def test_every_seeded_occupation_has_the_ssyk_code_of_the_official_export(imported):
    for label, code, _synonyms in OCCUPATIONS:
        occupation = Occupation.objects.get(label=label)
        assert occupation.ssyk_id == code, label


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("truckkörnig", "Truckvana"),
        ("Orderplockning ", "Orderplockning"),
        ("kundbemötande", "Kundbemötande och service"),
        ("Städtjänsster", "Städtjänster"),
        ("LOKALVÅRD", "Städtjänster"),
    ],
)
def test_misspelt_skills_normalise_to_the_taxonomy(typed, expected):
    match = taxonomy.normalise_skill(typed)
    assert match.matched
    assert match.label == expected


def test_misspelt_skill_normalises_on_the_imported_taxonomy(imported):
    taxonomy.invalidate("core.Skill")
    match = taxonomy.normalise_skill("Trädgårdsskötssel")
    assert match.label == "Trädgårdsskötsel" and match.score > 85


def test_unmatched_text_is_returned_as_free_text():
    match = taxonomy.normalise_skill("Stenkolsbrytning på månen")
    assert not match.matched and match.id is None
    assert match.label == "Stenkolsbrytning på månen"


def test_a_faulty_export_is_a_clear_error(tmp_path):
    (tmp_path / "skills.json").write_text('{"concepts": []}')
    with pytest.raises(ValueError, match="not a JobTech taxonomy export"):
        import_folder(tmp_path)


def test_sni_sections():
    assert [sni_section(c) for c in ("01", "10", "47", "56", "62", "85", "88")] == [
        "A",
        "C",
        "G",
        "I",
        "J",
        "P",
        "Q",
    ]


def test_normalise_endpoint(api, guide):
    response = api(guide).post("/api/v1/skills/normalise/", {"text": "truckkörnig"})
    assert response.status_code == 200
    assert response.json()["label"] == "Truckvana" and response.json()["matched"] is True
