"""Issue 19's smaller wording items: what people read is a sentence, in their language, with no
internal ids, repeated names or raw numbers."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import Adaptation, KgaCompetence, Occupation, OcnModule, OcnProgramme
from tests.factories.employers import ContactPersonFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


def client_for(user, language="sv"):
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_the_participant_page_names_the_municipality_once_when_the_home_is_its_main_town(guide):
    participant = ParticipantFactory(unit=guide.unit, guide=guide, home_locality="Kalmar")
    page = client_for(guide).get(reverse("portal:participant_detail", args=[participant.pk]))
    text = page.content.decode()
    assert "Kalmar, Kalmar" not in text
    assert "Kommun: Kalmar" in text
    participant.home_locality = "Smedby"
    participant.save()
    page = client_for(guide).get(reverse("portal:participant_detail", args=[participant.pk]))
    assert "Kommun: Kalmar, Smedby" in page.content.decode()


@pytest.mark.parametrize(("total", "taken", "shown"), [(2, 1, "1 ledig)"), (3, 1, "2 lediga)")])
def test_free_slots_are_counted_in_swedish(coordinator, employer, site, total, taken, shown):
    profile = TaskProfileFactory(
        employer=employer, site=site, slots_total=total, slots_taken=taken, status="open"
    )
    page = client_for(coordinator).get(reverse("portal:profile_detail", args=[profile.pk]))
    assert shown in page.content.decode()


def test_phone_numbers_are_shown_as_people_write_them(coordinator, employer):
    ContactPersonFactory(employer=employer, phone="+46701234567")
    page = client_for(coordinator).get(reverse("portal:employer_detail", args=[employer.pk]))
    text = page.content.decode()
    assert ">070-123 45 67</a>" in text
    assert 'href="tel:+46701234567"' in text


def test_the_occupation_search_finds_an_occupation_by_its_synonym(coordinator):
    cleaner = Occupation.objects.get(label="Städare")
    assert "lokalvårdare" in [s.casefold() for s in cleaner.synonyms]
    url = reverse("portal:vocabulary_search", args=["occupations"])
    page = client_for(coordinator).get(url, {"q": "Lokalvårdare"})
    assert '<option value="Städare">' in page.content.decode()
    # Å/Ä/Ö fold too (SQLite's LIKE folds only ASCII).
    page = client_for(coordinator).get(url, {"q": "STÄD"})
    assert '<option value="Städare">' in page.content.decode()


def test_a_profile_form_accepts_an_occupation_typed_as_its_synonym(coordinator, employer, site):
    from portal.coordinator_forms import TaskProfileFullForm

    field = TaskProfileFullForm.base_fields["occupation"]
    form = TaskProfileFullForm.__new__(TaskProfileFullForm)
    form.cleaned_data = {"occupation": "lokalvårdare"}
    assert field is not None
    assert form.clean_occupation() == Occupation.objects.get(label="Städare")


def test_english_explanations_use_the_english_names(db):
    from matching.engine import Reason
    from matching.explanations import reason_text
    from matching.features import Labels

    quiet = Adaptation.objects.exclude(label_en="").first()
    programme = OcnProgramme.objects.create(code="P", name="Lager", occupational_area="Logistik")
    module = OcnModule.objects.create(
        programme=programme, code="M1", name="Truckhantering", name_en="Forklift handling", level=2
    )
    competence = KgaCompetence.objects.exclude(name_en="").first()
    labels = Labels(
        adaptations={quiet.pk: quiet.label},
        modules={module.pk: module.name},
        competences={competence.pk: competence.name},
        english={
            "adaptations": {quiet.pk: quiet.label_en},
            "modules": {module.pk: module.name_en},
            "competences": {competence.pk: competence.name_en},
        },
    )
    needs = Reason("adaptation_not_offered", {"adaptation": quiet.pk})
    ocn = Reason(
        "validation_missing",
        {"kind": "ocn", "module": module.pk, "level": 2, "certified_level": None},
    )
    with translation.override("en"):
        assert quiet.label_en in reason_text(needs, labels)
        assert "Forklift handling" in reason_text(ocn, labels)
        assert labels.name("competences", competence.pk) == competence.name_en
    with translation.override("sv"):
        assert quiet.label in reason_text(needs, labels)
        assert "Truckhantering" in reason_text(ocn, labels)


def test_the_employer_load_explanation_counts_one_free_slot_in_the_singular():
    from matching.explanations import component_text

    with translation.override("sv"):
        one = component_text("load", 0.5, {"open_proposals": 2, "slots_free": 1})
        two = component_text("load", 0.5, {"open_proposals": 2, "slots_free": 2})
    assert one.endswith("1 ledig plats") and two.endswith("2 lediga platser")


def test_a_duplicate_orgnr_is_named_without_an_internal_id(coordinator, employer):
    from core.exceptions import DomainError
    from employers.services.employers import employer_create

    with pytest.raises(DomainError) as caught:
        employer_create(
            by=coordinator,
            name="Annat namn AB",
            orgnr=employer.orgnr,
            municipality=employer.municipality,
        )
    message = str(caught.value)
    assert employer.name in message and "(id" not in message
    assert employer.municipality.name in message


def test_the_competence_certificate_says_kompetensintyg_once_in_swedish():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    programme = SimpleNamespace(name="Lager och logistik")
    case = SimpleNamespace(
        participant=SimpleNamespace(first_name="Ada", last_name="Berg"),
        module=SimpleNamespace(name="Truckhantering", programme=programme),
        level=2,
        certificate_number="K-1",
        certificate_issued_on=None,
        external_verifier="Extern",
    )
    with translation.override("sv"):
        html = render_to_string("matching/ocn_certificate.html", {"case": case, "competences": []})
    assert "Kompetensintyg" in html and "(kompetensintyg)" not in html
    with translation.override("en"):
        html = render_to_string("matching/ocn_certificate.html", {"case": case, "competences": []})
    assert "Competence certificate (kompetensintyg)" in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("sv", "Din roll får inte göra detta."), ("en", "Your role may not do this.")],
)
def test_the_api_refusal_is_in_the_users_language(employer_user, api, language, text):
    response = api(employer_user).get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert response.json()["non_field_errors"] == [text]


@pytest.mark.parametrize(
    ("path", "text"), [("/statistik/", "Ej tillåtet"), ("/en/statistik/", "Not allowed")]
)
def test_the_refused_page_is_in_the_pages_language(employer_user, path, text):
    page = client_for(employer_user).get(path)
    assert page.status_code == 403
    assert f"<h1>{text}</h1>" in page.content.decode()


def test_the_consent_picker_names_employers_without_internal_ids(guide, employer):
    participant = ParticipantFactory(unit=guide.unit, guide=guide)
    page = client_for(guide).get(f"/deltagare/{participant.pk}/samtycke/forfragan/")
    text = page.content.decode()
    assert f'<option value="{employer.name} ({employer.orgnr})">' in text
    assert f"#{employer.pk}" not in text
