"""A valid body from a role allowed to write, that points at another tenant's object (another
unit's employer, participant, profile, user, or another employer's site or contact), is refused
(issue 13). The permission matrix proves who may write; this proves what they may point at."""

import datetime as dt

import pytest

from tests.factories.employers import ContactPersonFactory, SiteFactory, TaskProfileFactory


@pytest.fixture
def others(foreign_employer, foreign_participant, foreign_coordinator, other_employer):
    """Objects out of reach of the Kalmar cast: another unit's, and another employer's."""
    foreign_site = SiteFactory(employer=foreign_employer, name="Verkstaden")
    other_site = SiteFactory(employer=other_employer, name="Bageriet")
    return {
        "foreign_employer": foreign_employer,
        "foreign_site": foreign_site,
        "foreign_profile": TaskProfileFactory(employer=foreign_employer, site=foreign_site),
        "foreign_contact": ContactPersonFactory(employer=foreign_employer),
        "foreign_participant": foreign_participant,
        "foreign_coordinator": foreign_coordinator,
        "other_site": other_site,
        "other_contact": ContactPersonFactory(employer=other_employer, site=other_site),
    }


def today() -> str:
    return dt.date.today().isoformat()


# name: (role, method, path, body(cast, others), the field refused — None: 404, out of scope)
CASES = {
    # coordinator alice, of the Kalmar unit, on her employer
    "site for another unit's employer": (
        "coordinator",
        "post",
        "/api/v1/sites/",
        lambda c, o: {"employer": o["foreign_employer"].pk, "name": "X", "municipality": "0880"},
        "employer",
    ),
    "contact at another employer's site": (
        "coordinator",
        "post",
        "/api/v1/contacts/",
        lambda c, o: {"employer": c["employer"].pk, "site": o["other_site"].pk, "name": "X"},
        "site",
    ),
    "profile at another employer's site": (
        "coordinator",
        "post",
        "/api/v1/task-profiles/",
        lambda c, o: {
            "employer": c["employer"].pk,
            "site": o["other_site"].pk,
            "title": "X",
            "hours_min": 10,
            "hours_max": 20,
            "slots_total": 1,
        },
        "site",
    ),
    "interaction with another employer's contact": (
        "coordinator",
        "post",
        "/api/v1/interactions/",
        lambda c, o: {
            "employer": c["employer"].pk,
            "contact": o["other_contact"].pk,
            "kind": "call",
            "notes": "X",
        },
        "contact",
    ),
    "interaction naming another unit's participant": (
        "coordinator",
        "post",
        "/api/v1/interactions/",
        lambda c, o: {
            "employer": c["employer"].pk,
            "kind": "call",
            "notes": "X",
            "participants": [o["foreign_participant"].pk],
        },
        "participants",
    ),
    "employer owned by another unit's coordinator": (
        "coordinator",
        "post",
        "/api/v1/employers/",
        lambda c, o: {"name": "X AB", "municipality": "0880", "owner": o["foreign_coordinator"].pk},
        "owner",
    ),
    "employer placed in another unit": (
        "coordinator",
        "post",
        "/api/v1/employers/",
        lambda c, o: {
            "name": "X AB",
            "municipality": "0780",
            "unit": o["foreign_employer"].unit_id,
        },
        "non_field_errors",
    ),
    "merge away another unit's employer": (
        "coordinator",
        "post",
        "/api/v1/employers/{employer}/merge/",
        lambda c, o: {"remove": o["foreign_employer"].pk},
        None,
    ),
    # guide gustav, on his own participant
    "placement at another unit's profile": (
        "guide",
        "post",
        "/api/v1/placements/",
        lambda c, o: {
            "participant": c["participant"].pk,
            "task_profile": o["foreign_profile"].pk,
            "planned_start": today(),
            "planned_end": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "hours_per_week": 20,
        },
        None,
    ),
    "placement supervised by another employer's contact": (
        "guide",
        "post",
        "/api/v1/placements/",
        lambda c, o: {
            "participant": c["participant"].pk,
            "task_profile": TaskProfileFactory(employer=c["employer"], site=c["site"]).pk,
            "planned_start": today(),
            "planned_end": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "hours_per_week": 20,
            "supervisor": o["other_contact"].pk,
        },
        "supervisor",
    ),
    "decision on another unit's profile": (
        "guide",
        "post",
        "/api/v1/match-decisions/",
        lambda c, o: {
            "participant": c["participant"].pk,
            "task_profile": o["foreign_profile"].pk,
            "decision": "not_suitable",
            "reason": "hours",
        },
        None,
    ),
    "consent naming another unit's employer": (
        "guide",
        "post",
        "/api/v1/consents/",
        lambda c, o: {
            "participant": c["participant"].pk,
            "employer": o["foreign_employer"].pk,
            "purpose": "X",
            "scopes": ["skills"],
            "given_on": today(),
            "method": "signed_paper",
        },
        "employer",
    ),
    "participant handed to another unit's guide": (
        "guide",
        "patch",
        "/api/v1/participants/{participant}/",
        lambda c, o: {"guide": o["foreign_participant"].guide_id},
        "guide",
    ),
    "follow-up on another unit's placement": (
        "guide",
        "post",
        "/api/v1/follow-ups/",
        lambda c, o: {"placement": c["foreign_placement"].pk, "planned_on": today()},
        None,
    ),
    "exit of another unit's participant": (
        "guide",
        "post",
        "/api/v1/exits/",
        lambda c, o: {
            "participant": o["foreign_participant"].pk,
            "exited_on": today(),
            "outcome": "studies",
        },
        None,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_reference_out_of_reach_is_refused(name, api, request, others):
    from tests.factories.placements import PlacementFactory

    role, method, path, body, field = CASES[name]
    cast = {
        "employer": request.getfixturevalue("employer"),
        "site": request.getfixturevalue("site"),
        "participant": request.getfixturevalue("participant"),
    }
    cast["foreign_placement"] = PlacementFactory(
        participant=others["foreign_participant"], task_profile=others["foreign_profile"]
    )
    user = request.getfixturevalue(role)
    path = path.format(employer=cast["employer"].pk, participant=cast["participant"].pk)
    response = getattr(api(user), method)(path, body(cast, others), format="json")
    if field is None:  # the object is not in the user's scope at all: it does not exist for them
        assert response.status_code == 404, (response.status_code, response.data)
    else:  # refused on the field that points out of reach, with a message
        assert response.status_code == 400, (response.status_code, response.data)
        assert response.data[field], response.data
