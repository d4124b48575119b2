"""Shared fixtures: the cast of every permission test.

alice (coordinator), gustav (guide, same unit), greta (another guide, same unit), otto (guide of
another unit), maja (manager), ada (administrator), anonymous. Employer users come from
``tests.fixtures.employers`` (erik of his employer, fiona of another).
"""

import pytest
from rest_framework.test import APIClient

from core.choices import Role
from tests.factories.core import UnitFactory, UserFactory, municipality

pytest_plugins = [
    "tests.fixtures.employers",
    "tests.fixtures.matching",
    "tests.fixtures.placements",
    "tests.fixtures.regions",
]


@pytest.fixture(autouse=True)
def _no_rate_limit_counts_between_tests():
    """Rate-limit counters (core.throttle) live in the cache; one test's count must not reach
    the next (rows' ids are reused after a rollback)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _own_transit_dir(tmp_path_factory):
    """Each test has its own timetable folder: a feed or travel-time matrix one test stores (the
    demo stores both) must not reach another test, whose rows reuse the same ids. Set on the
    settings object itself, not through pytest-django's ``settings`` fixture: an override in every
    test would also change what Celery reads from the settings (its app configuration)."""
    from django.conf import settings

    before = settings.TRANSIT_DIR
    settings.TRANSIT_DIR = str(tmp_path_factory.mktemp("transit", numbered=True))
    yield
    settings.TRANSIT_DIR = before


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Swedish): a request made with
    ``Accept-Language: en`` leaves English active in the thread, and the next test, run in
    another order (pytest-xdist), would read English labels."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


KALMAR = "0880"
NYBRO = "0881"
VAXJO = "0780"


@pytest.fixture
def unit(db):
    return UnitFactory(
        name="AME Kalmar", municipalities=[municipality(KALMAR), municipality(NYBRO)]
    )


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="AME Växjö", municipalities=[municipality(VAXJO)])


@pytest.fixture
def coordinator(unit):
    return UserFactory(username="alice", role=Role.COORDINATOR, unit=unit)


@pytest.fixture
def guide(unit):
    return UserFactory(username="gustav", role=Role.GUIDE, unit=unit)


@pytest.fixture
def colleague_guide(unit):
    return UserFactory(username="greta", role=Role.GUIDE, unit=unit)


@pytest.fixture
def foreign_guide(other_unit):
    return UserFactory(username="otto", role=Role.GUIDE, unit=other_unit)


@pytest.fixture
def foreign_coordinator(other_unit):
    return UserFactory(username="olle", role=Role.COORDINATOR, unit=other_unit)


@pytest.fixture
def manager(unit):
    return UserFactory(username="maja", role=Role.MANAGER, unit=unit)


@pytest.fixture
def admin_user(unit):
    return UserFactory(username="ada", role=Role.ADMIN, unit=unit)


@pytest.fixture
def api():
    """``api(user)`` gives an APIClient logged in as ``user`` (``api(None)`` is anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
