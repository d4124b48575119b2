import datetime as dt

import factory

from placements.models import FollowUp, Placement


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    kind = "practice"
    planned_start = dt.date(2026, 11, 2)
    planned_end = dt.date(2027, 1, 29)
    hours_per_week = 20
    guide = factory.SelfAttribute("participant.guide")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp
