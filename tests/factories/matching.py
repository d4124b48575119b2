import factory

from core.models import Municipality
from matching.models import Participant


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
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
