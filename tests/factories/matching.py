import factory

from core.models import Municipality
from matching.models import Participant
from tests.factories.core import unique_tag as _tag


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    # Unique, fixed-width names that no user, employer or label can contain: a test that
    # asserts a participant's name is *absent* from a page must not fail on a namesake.
    first_name = factory.Sequence(lambda n: f"Test{_tag(n)}")
    last_name = factory.Sequence(lambda n: f"Person{_tag(n)}")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="0880"))
    home_locality = "Kalmar"
    latitude = 56.6634
    longitude = 16.3568
    coordinate_precision = "locality"
    commute_means = ["bike", "public_transport"]
    hours_min = 10
    hours_max = 30
    gender = "kvinna"
    birth_year = 1990
