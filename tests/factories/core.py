import factory
from django.contrib.auth.models import Group

from core.models import Municipality, Region, Unit, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"AME enhet {n}")
    # Each unit gets its own region unless one is given, so units stay apart by default.
    region = factory.SubFactory(RegionFactory)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


def unique_tag(n: int) -> str:
    """Four capital letters, different for every n below 26**4 (no tag is part of another)."""
    letters = ""
    for _ in range(4):
        n, rest = divmod(n, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(role="guide", unit=unit)`` puts the user in the role's group."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed, unique names: Faker's Swedish names include the fixtures' participants' ("Yusuf"), and
    # a test that asserts a participant's name is absent from a page then failed on a namesake
    # in the signed-in user's menu (CI, 5 Dec).
    first_name = factory.Sequence(lambda n: f"Kollega{unique_tag(n)}")
    last_name = factory.Sequence(lambda n: f"Staben{unique_tag(n)}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    password = factory.django.Password("pw-brygga-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)
