import datetime as dt

import pytest

from matching.models import Consent
from placements.models import FollowUp


@pytest.fixture
def portal_world(placement, employer, other_employer, guide, coordinator):
    """One placement at erik's employer, with a consent to share identity and plan, a follow-up,
    and a profile at another employer (which erik must never see)."""
    from tests.factories.employers import SiteFactory, TaskProfileFactory

    Consent.objects.create(
        participant=placement.participant,
        employer=employer,
        purpose="Praktik",
        scopes=["identity", "placement"],
        given_on=dt.date(2026, 1, 1),
        method="digital",
        recorded_by=guide,
    )
    followup = FollowUp.objects.create(
        placement=placement, planned_on=dt.date.today() + dt.timedelta(days=3)
    )
    secret = TaskProfileFactory(
        employer=other_employer,
        site=SiteFactory(employer=other_employer),
        title="Hemlig bageriprofil",
    )
    return {"placement": placement, "followup": followup, "secret": secret}
