"""Lists a page shows on every visit and that change rarely are kept in the shared cache (issue 22):
an employer's possible duplicates, the units of the region in the county panel, the profile form's
OCN modules and the statistics filter's projects. They must change on the page as soon as what
they come from changes."""

import datetime as dt

import pytest
from django.test import Client

from core.models import OcnModule, OcnProgramme, Unit
from employers.models import Interaction
from employers.services.duplicates import not_duplicate_mark
from placements.models import Project
from tests.factories.employers import EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(coordinator, employer):
    client = Client()
    client.force_login(coordinator)
    return lambda: client.get(f"/arbetsgivare/{employer.pk}/").content.decode()


def test_a_new_possible_duplicate_shows_at_once_and_a_dismissed_one_goes(
    page, employer, coordinator
):
    assert "Kalmar Lagret" not in page()
    twin = EmployerFactory(name="Kalmar Lagret", unit=employer.unit, orgnr="")
    assert "Kalmar Lagret" in page()
    not_duplicate_mark(a=employer, b=twin, by=coordinator)
    assert "Kalmar Lagret" not in page()


def test_a_renamed_employer_is_compared_by_its_new_name(page, employer):
    other = EmployerFactory(name="Borgholms Bageri", unit=employer.unit, orgnr="")
    assert "Borgholms Bageri" not in page()
    other.name = "Kalmar Lager"
    other.save()
    assert "Kalmar Lager</a>" in page()


def test_the_county_panel_follows_the_regions_units(page, unit, employer, coordinator):
    """The "coordinate before calling" note names the other units that called the employer."""
    assert "Enheten i Mörbylånga" not in page()
    neighbour = Unit.objects.create(name="Enheten i Mörbylånga", region=unit.region)
    Interaction.objects.create(
        employer=employer,
        unit=neighbour,
        kind="call",
        occurred_on=dt.date(2026, 11, 30),
        by=coordinator,
    )
    assert "Enheten i Mörbylånga" in page()
    neighbour.name = "AME Mörbylånga"
    neighbour.save()
    html = page()
    assert "AME Mörbylånga" in html and "Enheten i Mörbylånga" not in html


def test_the_profile_forms_ocn_modules_follow_the_catalogue(coordinator, task_profile):
    client = Client()
    client.force_login(coordinator)

    def boxes():
        form = client.get(f"/kravprofiler/{task_profile.pk}/andra/").content.decode()
        return form[form.index("OCN") :]

    assert "Truckkörning" not in boxes()
    programme = OcnProgramme.objects.create(
        code="QC-LAGER", name="Lager", occupational_area="Lager"
    )
    module = OcnModule.objects.create(
        programme=programme, code="QC-1", name="Truckkörning", level=1
    )
    assert f'value="{module.pk}"' in boxes() and "Lager: Truckkörning (nivå 1)" in boxes()
    module.name, module.level = "Motviktstruck", 2
    module.save()
    assert "Lager: Motviktstruck (nivå 2)" in boxes()
    programme.name = "Lager och logistik"
    programme.save()
    assert "Lager och logistik: Motviktstruck (nivå 2)" in boxes()
    module.delete()
    assert "Motviktstruck" not in boxes()


def test_the_profile_form_checks_a_module_against_the_catalogue_not_the_cached_list(
    coordinator, task_profile
):
    client = Client()
    client.force_login(coordinator)
    form = client.get(f"/kravprofiler/{task_profile.pk}/andra/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["ocn_modules"] = [999999]
    response = client.post(f"/kravprofiler/{task_profile.pk}/andra/", data)
    assert response.status_code == 200 and "ocn_modules" in response.context["form"].errors
    assert not task_profile.ocn_requirements.exists()


def test_the_statistics_filter_follows_the_units_projects(manager, admin_user, other_unit):
    client, admin = Client(), Client()
    client.force_login(manager)
    admin.force_login(admin_user)

    def page():
        return client.get("/statistik/").content.decode()

    assert 'name="project"' not in page()  # no projects: no project filter
    project = Project.objects.create(
        unit=manager.unit,
        name="Vägen In",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
    )
    assert f'<option value="{project.pk}">Vägen In</option>' in page()
    Project.objects.create(
        unit=other_unit,
        name="Växjöprojektet",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
    )
    assert "Växjöprojektet" not in page()  # another unit's project
    assert "Växjöprojektet" in admin.get("/statistik/").content.decode()  # every unit's
    project.name = "Vägen Ut"
    project.save()
    html = page()
    assert "Vägen Ut" in html and "Vägen In" not in html
    assert "Vägen Ut" in admin.get("/statistik/").content.decode()
    project.delete()
    assert 'name="project"' not in page()


def test_the_employer_filter_follows_the_units_municipalities_and_the_industries(coordinator, unit):
    """The employer list's selects come from the cache; a municipality added to the unit, one
    renamed and a new industry section show at once."""
    from core.models import Industry, Municipality

    client = Client()
    client.force_login(coordinator)

    def options():
        return client.get("/arbetsgivare/").content.decode()

    torsas = Municipality.objects.get(code="0834")  # Torsås, not one of the unit's
    assert ">Torsås</option>" not in options()
    unit.municipalities.add(torsas)
    assert ">Torsås</option>" in options()
    torsas.name = "Torsås kommun"
    torsas.save()
    assert ">Torsås kommun</option>" in options()
    unit.municipalities.remove(torsas)
    assert "Torsås" not in options()
    assert "Rymdverksamhet" not in options()
    Industry.objects.create(code="Ö", label="Rymdverksamhet", level=1)
    assert ">Ö Rymdverksamhet</option>" in options()
