import factory

from core.models import Municipality
from employers.choices import ProfileStatus
from employers.models import (
    ContactPerson,
    Employer,
    EmployerMembership,
    Interaction,
    Site,
    TaskProfile,
)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Företag {n} AB")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="0880"))
    status = "active"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    employer = factory.SubFactory(EmployerFactory)
    name = "Huvudkontor"
    locality = "Kalmar"
    municipality = factory.SelfAttribute("employer.municipality")
    latitude = 56.6634
    longitude = 16.3568
    coordinate_precision = "locality"


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Faker("name", locale="sv_SE")
    title = "Butikschef"
    phone = "+46701234567"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.se")
    is_supervisor = True


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    employer = factory.SubFactory(EmployerFactory)
    kind = "call"
    notes = "Pratade om praktikplatser."


class TaskProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskProfile

    employer = factory.SubFactory(EmployerFactory)
    site = factory.SubFactory(SiteFactory, employer=factory.SelfAttribute("..employer"))
    title = factory.Sequence(lambda n: f"Lagerarbete {n}")
    kind = "practice"
    hours_min = 10
    hours_max = 30
    slots_total = 2
    status = ProfileStatus.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerMembership
