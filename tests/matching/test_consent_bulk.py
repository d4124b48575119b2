"""The bulk consent check (issue 22) follows the one rule of ``shared_scopes``: per pair, only
consents in force that name exactly that employer."""

import datetime as dt

import pytest

from matching.models import Consent
from matching.participants.services.consents import shared_scopes, shared_scopes_with_employers
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


def consent(participant, employer, guide, scopes, **extra):
    fields = {"given_on": dt.date(2026, 1, 1), "method": "digital", **extra}
    return Consent.objects.create(
        participant=participant,
        employer=employer,
        purpose="Praktik",
        scopes=scopes,
        recorded_by=guide,
        **fields,
    )


def test_it_gives_each_pair_what_the_single_check_gives(
    participant, employer, other_employer, guide, unit
):
    other = ParticipantFactory(unit=unit, guide=guide)
    third = ParticipantFactory(unit=unit, guide=guide)
    consent(participant, employer, guide, ["identity", "placement"])
    consent(participant, other_employer, guide, ["skills"])
    consent(other, employer, guide, ["identity"], withdrawn_on=dt.date(2026, 3, 1))
    consent(other, other_employer, guide, ["placement"], valid_until=dt.date(2026, 2, 1))
    consent(third, employer, guide, ["identity"], given_on=dt.date(2026, 6, 1))
    at = dt.date(2026, 4, 1)
    pairs = [(p.pk, e.pk) for p in (participant, other, third) for e in (employer, other_employer)]
    bulk = shared_scopes_with_employers(pairs, at=at)
    assert bulk[(participant.pk, employer.pk)] == {"identity", "placement"}
    assert bulk[(participant.pk, other_employer.pk)] == {"skills"}
    assert bulk[(other.pk, employer.pk)] == set()  # withdrawn
    assert bulk[(other.pk, other_employer.pk)] == set()  # expired
    assert bulk[(third.pk, employer.pk)] == set()  # not yet given
    for p in (participant, other, third):
        for e in (employer, other_employer):
            assert bulk[(p.pk, e.pk)] == shared_scopes(participant=p, employer=e, at=at)


def test_no_pairs_ask_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert shared_scopes_with_employers([]) == {}
