import pytest
from django.contrib.auth.models import Group

from core.choices import Role
from core.roles import role_of

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_its_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {r.value for r in Role} <= names
    coordinator = Group.objects.get(name=Role.COORDINATOR)
    assert coordinator.permissions.filter(codename="change_unit").exists() is False
    assert coordinator.permissions.filter(codename="view_unit").exists()


def test_role_comes_from_group(coordinator, guide, api):
    assert role_of(coordinator) == Role.COORDINATOR
    assert role_of(guide) == Role.GUIDE
    response = api(guide).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["role"] == "guide"


def test_anonymous_gets_nothing(api):
    assert api().get("/api/v1/me/").status_code in (401, 403)
    assert api().get("/api/v1/municipalities/").status_code in (401, 403)
