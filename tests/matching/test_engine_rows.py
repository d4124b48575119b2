"""The engine's participant rows come from one union compiled once: the same rows as the ORM's
union, for every kind, one participant or many, on SQLite and PostgreSQL alike."""

import pytest

from core.models import Adaptation, Industry, Licence, Occupation, OcnModule, OcnProgramme, Skill
from matching import features
from matching.choices import OcnStatus
from matching.models import OcnCase, ParticipantAdaptationNeed, ParticipantSkill
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


def rows(found) -> list[tuple]:
    return sorted((tuple(r) for r in found), key=repr)


@pytest.fixture
def people(unit, guide):
    programme = OcnProgramme.objects.create(code="LOG", name="Lager", occupational_area="Logistik")
    module = OcnModule.objects.create(programme=programme, code="LOG-1", name="Truck", level=2)
    first = ParticipantFactory(unit=unit, guide=guide)
    second = ParticipantFactory(unit=unit, guide=guide)
    bare = ParticipantFactory(unit=unit, guide=guide)  # no rows at all
    truck = Skill.objects.get(label="Truckvana")
    ParticipantSkill.objects.create(participant=first, skill=truck, source="observed", level=3)
    ParticipantSkill.objects.create(
        participant=first, free_text="Svetsning", source="self_reported"
    )
    ParticipantSkill.objects.create(participant=second, skill=truck, source="validated", level=4)
    ParticipantAdaptationNeed.objects.create(
        participant=first, adaptation=Adaptation.objects.order_by("pk").first()
    )
    first.desired_occupations.add(Occupation.objects.order_by("pk").first())
    second.desired_industries.add(Industry.objects.order_by("pk").first())
    second.licences.add(Licence.objects.order_by("pk").first())
    OcnCase.objects.create(participant=first, module=module, status=OcnStatus.CERTIFIED, level=2)
    OcnCase.objects.create(participant=second, module=module)  # registered: not counted
    return [first, second, bare]


def test_the_compiled_union_reads_what_the_orms_does(people):
    ids = [p.pk for p in people]
    found = rows(features._participant_rows(ids))
    assert found == rows(features._participant_rows_query(ids))
    assert {r[0] for r in found} == {
        "skill",
        "need",
        "occupation",
        "industry",
        "licence",
        "certified",
    }
    for person in people:  # one at a time, as a patch or a published record reads them
        assert rows(features._participant_rows([person.pk])) == rows(
            features._participant_rows_query([person.pk])
        )
    assert features._participant_rows([people[2].pk]) == []
    assert features._participant_rows([]) == []
