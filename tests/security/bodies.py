"""Valid requests for the permission matrix (issue 13): a body for every write operation of the
OpenAPI schema, built against the cast of ``tests/security/conftest.py`` (``world``).

With a valid body an allowed role gets a 2xx (O in the matrix), so the matrix proves the role can
really do it, and a refused role is refused for who it is, not for an empty form.

- ``BODIES``: operation → ``f(world)`` giving the JSON body (or ``Upload`` for a file).
- ``NO_BODY``: write operations that take no body.
- ``PATHS``: operation → ``f(world)`` giving path parameters other than the default (the cast's
  object of the path's resource, ``world.ids``).
- ``QUERIES``: GET operations with required query parameters → ``f(world)`` giving them.

Every function runs inside the savepoint of its one request (rolled back after it), so it may put
the cast's objects into the state the operation needs — a proposed placement to agree, a pending
invitation to revoke — without the next role seeing it. A write operation without an entry here
fails ``test_every_write_has_a_valid_body``.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


@dataclass
class Upload:
    """A multipart body: one CSV file (``file``) and form fields."""

    content: str
    fields: dict


def today() -> dt.date:
    return timezone.localdate()


def iso(day: dt.date) -> str:
    return day.isoformat()


# --- objects made on demand, inside the request's savepoint -----------------------------------------


def _outreach_orgnr(world) -> str:
    """An employer the region's job ads name but the register does not (issue 25)."""
    from core.models import Unit
    from employers.models import HistoricalAd

    unit = Unit.objects.get(pk=world.users["coordinator"].unit_id)
    HistoricalAd.objects.create(
        region_id=unit.region_id,
        ad_id="matrix-1",
        published_on=today(),
        orgnr="556100-0018",
        employer_name="Annonsföretaget AB",
        ssyk="9111",
        municipality_id="0880",
    )
    return "5561000018"


def _weight_proposal(world, **extra):
    """An open proposal of learned weights for the cast's unit, fitted against today's weights."""
    from matching.engine import Weights
    from matching.models import WeightProposal

    today = Weights().normalised()
    return WeightProposal.objects.create(
        unit_id=world.ids["units"],
        current=today,
        proposed={**today, "skills": 0.3, "geography": 0.25},
        created_by=world.users["manager"],
        **extra,
    )


def _accepted_weight_proposal(world):
    from matching.engine import Weights
    from matching.services.weights import FIELDS

    return _weight_proposal(
        world,
        status="accepted",
        weights_before={f: getattr(Weights(), f) for f in FIELDS},
    )


def _second_profile(world):
    from employers.models import Site
    from tests.factories.employers import TaskProfileFactory

    site = Site.objects.select_related("employer").get(pk=world.ids["sites"])
    return TaskProfileFactory(employer=site.employer, site=site, title="Kassa")


def _placement(world, status: str, **extra):
    """Another placement of the cast's participant at a second profile of the employer."""
    from matching.models import Participant
    from tests.factories.placements import PlacementFactory

    profile = _second_profile(world)
    return PlacementFactory(
        participant=Participant.objects.get(pk=world.ids["participants"]),
        task_profile=profile,
        status=status,
        slot_held=status in ("agreed", "ongoing"),
        **extra,
    )


def _employment_in_fa(world):
    from matching.models import Participant

    Participant.objects.filter(pk=world.ids["participants"]).update(phase="fa")
    return _placement(
        world,
        "ongoing",
        kind="employment",
        phase="fa",
        started_on=today() - dt.timedelta(days=30),
        planned_end=None,
    )


def _exit(world):
    from placements.models import Exit

    return Exit.objects.create(
        participant_id=world.ids["participants"],
        exited_on=today() - dt.timedelta(days=100),
        outcome="work_unsubsidised",
        by=world.users["guide"],
    )


def _invitation(world):
    from employers.models import Employer
    from matching.models import Participant
    from matching.participants.services.consent_links import consent_invitation_create

    recipient = {**_recipient(world), "employer": Employer.objects.get(pk=world.ids["employers"])}
    return consent_invitation_create(
        participant=Participant.objects.get(pk=world.ids["participants"]),
        by=world.users["guide"],
        recipients=[recipient],
        channel="print",
    ).invitation


def _recipient(world) -> dict:
    return {
        "kind": "employer",
        "employer": world.ids["employers"],
        "purpose": "Praktik",
        "scopes": ["skills"],
    }


def _personal_link(world):
    from matching.models import Participant
    from matching.participants.services.consent_links import personal_link_issue

    personal_link_issue(
        participant=Participant.objects.get(pk=world.ids["participants"]),
        by=world.users["guide"],
        channel="print",
    )
    return {}


def _participant_skill(world):
    from matching.models import ParticipantSkill

    return ParticipantSkill.objects.create(
        participant_id=world.ids["participants"], free_text="Truckkort", level=2
    )


def _quality_assurer(world):
    from matching.models import QualityAssurer

    return QualityAssurer.objects.create(
        unit_id=world.ids["units"],
        user=world.users["colleague_guide"],
        granted_by=world.users["admin_user"],
    )


def _ocn_case(world, **fields) -> dict:
    """The cast's OCN case, moved on to a later step."""
    from matching.models import OcnCase

    OcnCase.objects.filter(pk=world.ids["ocn-cases"]).update(**fields)
    return {"id": world.ids["ocn-cases"]}


def _other_unit_consent(world) -> None:
    """Regional matching needs the participant's consent to share skills with another unit."""
    from matching.models import Participant
    from matching.participants.services.consents import consent_record
    from tests.factories.core import UnitFactory

    participant = Participant.objects.get(pk=world.ids["participants"])
    neighbour = UnitFactory(name="AME Grannenheten", region=participant.unit.region)
    consent_record(
        participant=participant,
        by=world.users["guide"],
        purpose="Regional matchning",
        scopes=["skills"],
        given_on=today(),
        method="signed_paper",
        recipient_kind="other_unit",
        agency=neighbour.name,
    )


def _decision(world):
    from matching.models import MatchDecision

    return MatchDecision.objects.create(
        participant_id=world.ids["participants"],
        task_profile=_second_profile(world),
        decision="not_suitable",
        reason="hours",
        decided_by=world.users["guide"],
    )


def _measurement(world):
    from matching.models import ProgressionMeasurement

    return ProgressionMeasurement.objects.create(
        participant_id=world.ids["participants"], kind="start", taken_on=today()
    )


def _indicator_values() -> dict:
    from matching.participants.services.progression import indicators

    return {str(i.pk): 6 for i in indicators()}


def _requested_profile(world):
    from employers.models import Employer
    from employers.services.profile_requests import task_profile_request

    return task_profile_request(
        employer_user=world.users["employer_user"],
        employer=Employer.objects.get(pk=world.ids["employers"]),
        title="Städning",
    )


def _project(world):
    """A project of the cast's unit, running from a month ago for a year."""
    from matching.models import Participant
    from placements.models import Project

    participant = Participant.objects.get(pk=world.ids["participants"])
    return Project.objects.create(
        unit_id=participant.unit_id,
        name="Vägen In",
        starts_on=today() - dt.timedelta(days=30),
        ends_on=today() + dt.timedelta(days=365),
    )


def _enrolment(world):
    from placements.models import ProjectEnrolment

    return ProjectEnrolment.objects.create(
        project=_project(world),
        participant_id=world.ids["participants"],
        started_on=today(),
        by=world.users["manager"],
    )


def _start(world):
    from placements.models import ParticipantStart

    return ParticipantStart.objects.create(
        participant_id=world.ids["participants"],
        kind="studies",
        started_on=today(),
        by=world.users["guide"],
    )


def _first(model_path: str) -> int:
    from django.apps import apps

    return apps.get_model(model_path).objects.order_by("pk").values_list("pk", flat=True)[0]


# --- bodies ----------------------------------------------------------------------------------------


def _participant(world) -> dict:
    return {
        "first_name": "Sara",
        "last_name": "Lind",
        "municipality": "0880",
        "gender": "kvinna",
        "birth_year": 1985,  # the cast's participant's personnummer's (issue 20: must agree)
        "enrolled_on": iso(today()),
        "hours_min": 10,
        "hours_max": 20,
        "commute_means": ["bike"],
        "skills": [{"text": "Kassa", "level": 2, "source": "self_reported"}],
        "languages": [{"language": "svenska", "level": "good"}],
    }


def _employer(world) -> dict:
    return {"name": "Kalmar Café AB", "municipality": "0880", "sector": "private"}


def _site(world) -> dict:
    return {"employer": world.ids["employers"], "name": "Caféet", "municipality": "0880"}


def _contact(world) -> dict:
    return {"employer": world.ids["employers"], "name": "Karin Ek", "role": "supervisor"}


def _interaction(world) -> dict:
    return {
        "employer": world.ids["employers"],
        "kind": "call",
        "occurred_on": iso(today()),
        "notes": "Pratade om en praktikplats i lagret.",
    }


def _task_profile(world) -> dict:
    return {
        "employer": world.ids["employers"],
        "site": world.ids["sites"],
        "title": "Disk",
        "kind": "practice",
        "hours_min": 10,
        "hours_max": 20,
        "slots_total": 1,
    }


def _region(world) -> dict:
    return {"name": "Region Test", "county": "08"}


def _unit(world) -> dict:
    return {"name": "AME Test", "region": world.ids["regions"], "municipalities": ["0840"]}


EMPLOYERS_CSV = "name,municipality,orgnr\nKalmar Glas AB,0880,\n"
HISTORY_CSV = "identifier,municipality,enrolled_on\n19900101-0017,0880,2024-01-15\n"

BODIES = {
    "POST /api/v1/auth/token/": lambda w: {"username": "gustav", "password": PASSWORD},
    "POST /api/v1/consent-invitations/": lambda w: {
        "participant": w.ids["participants"],
        "recipients": [_recipient(w)],
        "channel": "print",
    },
    "POST /api/v1/consents/": lambda w: {
        "participant": w.ids["participants"],
        "employer": w.ids["employers"],
        "purpose": "Anställning",
        "scopes": ["skills", "placement"],
        "given_on": iso(today()),
        "method": "signed_paper",
    },
    "POST /api/v1/consents/{id}/withdraw/": lambda w: {"on": iso(today())},
    "POST /api/v1/contacts/": _contact,
    "PUT /api/v1/contacts/{id}/": _contact,
    "PATCH /api/v1/contacts/{id}/": lambda w: {"title": "Handledare"},
    "POST /api/v1/employers/": _employer,
    "PUT /api/v1/employers/{id}/": lambda w: {
        "name": "Kalmar Lager AB",
        "municipality": "0880",
        "orgnr": "556036-0793",
    },
    "PATCH /api/v1/employers/{id}/": lambda w: {"notes": "Ringer i januari."},
    "POST /api/v1/employers/{id}/merge/": lambda w: {"remove": w.ids["other-employer"]},
    "POST /api/v1/employers/{id}/not-duplicate/": lambda w: {"other": w.ids["other-employer"]},
    # valid_rows_only (issue 23) is a flag of the same operation, held to the same roles.
    "POST /api/v1/employers/import/": lambda w: Upload(
        EMPLOYERS_CSV, {"dry_run": "true", "valid_rows_only": "true"}
    ),
    "POST /api/v1/exit-follow-ups/": lambda w: {
        "exit": _exit(w).pk,
        "checked_on": iso(today()),
        "situation": "employed",
    },
    "POST /api/v1/exits/": lambda w: {
        "participant": w.ids["participants"],
        "exited_on": iso(today()),
        "outcome": "studies",
    },
    "POST /api/v1/follow-ups/": lambda w: {
        "placement": w.ids["placements"],
        "planned_on": iso(today() + dt.timedelta(days=7)),
        "with_whom": "both",
    },
    "POST /api/v1/follow-ups/{id}/record/": lambda w: {
        "done_on": iso(today()),
        "rating_tasks": 4,
        "notes": "Det går bra.",
    },
    "POST /api/v1/follow-ups/{id}/reschedule/": lambda w: {
        "planned_on": iso(today() + dt.timedelta(days=3)),
        "reason": "Handledaren är sjuk.",
    },
    "POST /api/v1/interactions/": _interaction,
    "PUT /api/v1/interactions/{id}/": _interaction,
    "PATCH /api/v1/interactions/{id}/": lambda w: {"next_step": "Boka besök"},
    "POST /api/v1/match-decisions/": lambda w: {
        "participant": w.ids["participants"],
        "task_profile": _second_profile(w).pk,
        "decision": "not_suitable",
        "reason": "hours",
    },
    "PUT /api/v1/match-weights/": lambda w: {
        "skills": 40,
        "validations": 10,
        "geography": 20,
        "adaptations_hours": 15,
        "preferences": 10,
        "load": 5,
    },
    "PATCH /api/v1/match-weights/": lambda w: {"skills": 35},
    "POST /api/v1/ocn-cases/": lambda w: {
        "participant": w.ids["participants"],
        "module": w.ids["ocn-module-free"],
    },
    "POST /api/v1/ocn-cases/{id}/reject/": lambda w: {"reason": "Underlaget räcker inte."},
    "POST /api/v1/ocn-cases/{id}/transition/": lambda w: {
        "status": "assessed",
        "evidence": "Observerad i arbete.",
        "date": iso(today()),
    },
    "POST /api/v1/participant-history/import/": lambda w: Upload(HISTORY_CSV, {"dry_run": "true"}),
    "POST /api/v1/participants/": _participant,
    "PUT /api/v1/participants/{id}/": lambda w: {
        **_participant(w),
        "guide": w.users["guide"].pk,
        "first_name": "Amina",
        "last_name": "Yusuf",
    },
    "PATCH /api/v1/participants/{id}/": lambda w: {"goals": "Arbete i lager."},
    "POST /api/v1/participants/{id}/kga-assessments/": lambda w: {
        "scores": [{"competence": _first("core.KgaCompetence"), "level": 2}],
        "assessed_on": iso(today()),
    },
    "POST /api/v1/participants/{id}/personal-link/": lambda w: {"channel": "print"},
    "POST /api/v1/participants/{id}/phase/": lambda w: {"phase": "fa", "reason": "Praktik"},
    "POST /api/v1/participants/{id}/anonymise/": lambda w: {
        "reason": "Begäran art. 17",
        "confirm_active": True,
    },
    "POST /api/v1/participants/{id}/regional/": lambda w: _other_unit_consent(w) or {"open": True},
    "POST /api/v1/participants/{id}/skills/": lambda w: {
        "text": "Truckkort",
        "level": 2,
        "source": "observed",
    },
    "PATCH /api/v1/participants/{id}/skills/{skill_pk}/": lambda w: {"level": 3},
    "POST /api/v1/placements/": lambda w: {
        "participant": w.ids["participants"],
        "task_profile": _second_profile(w).pk,
        "planned_start": iso(today() + dt.timedelta(days=7)),
        "planned_end": iso(today() + dt.timedelta(days=60)),
        "hours_per_week": 20,
    },
    "POST /api/v1/placements/{id}/end/": lambda w: {
        "ended_on": iso(today()),
        "reason": "Praktiken är klar.",
    },
    "POST /api/v1/placements/{id}/evaluate/": lambda w: {
        "evaluated_on": iso(today()),
        "progress": "Lär sig plocklistan.",
        "rating": 4,
    },
    "POST /api/v1/placements/{id}/extend/": lambda w: {
        "new_end": "2027-03-01",
        "reason": "Behöver mer tid.",
    },
    "POST /api/v1/placements/{id}/hire/": lambda w: {"hired_on": iso(today())},
    "POST /api/v1/placements/{id}/start/": lambda w: {"date": iso(today())},
    "POST /api/v1/placements/{id}/to-employment/": lambda w: {
        "hours_per_week": 25,
        "subsidy_type": "lonestod",
    },
    "POST /api/v1/placements/{id}/withdraw/": lambda w: {"reason": "participant_declined"},
    "POST /api/v1/progression/measurements/": lambda w: {
        "participant": w.ids["participants"],
        "kind": "start",
    },
    "POST /api/v1/progression/measurements/{id}/": lambda w: {
        "rater": "guide",
        "values": _indicator_values(),
    },
    "POST /api/v1/quality-assurers/": lambda w: {"user": w.users["colleague_guide"].pk},
    "POST /api/v1/regions/": _region,
    "PUT /api/v1/regions/{id}/": _region,
    "PATCH /api/v1/regions/{id}/": lambda w: {"name": "Region Test 2"},
    "POST /api/v1/sites/": _site,
    "PUT /api/v1/sites/{id}/": _site,
    "PATCH /api/v1/sites/{id}/": lambda w: {"accessibility_notes": "Ramp vid entrén."},
    "POST /api/v1/skills/normalise/": lambda w: {"text": "truckkort"},
    "POST /api/v1/task-profiles/": _task_profile,
    "PUT /api/v1/task-profiles/{id}/": lambda w: {**_task_profile(w), "title": "Plock och pack"},
    "PATCH /api/v1/task-profiles/{id}/": lambda w: {"description": "Plock av order."},
    "POST /api/v1/task-profiles/{id}/transition/": lambda w: {"status": "paused"},
    "POST /api/v1/task-profiles/request/": lambda w: {"title": "Städning", "kind": "practice"},
    "POST /api/v1/units/": _unit,
    "PUT /api/v1/units/{id}/": lambda w: {
        **_unit(w),
        "name": "AME Kalmar",
        "municipalities": ["0880", "0881"],
    },
    "PATCH /api/v1/units/{id}/": lambda w: {"phone": "0480-123 45"},
    "POST /api/v1/projects/": lambda w: {
        "name": "Nästa Steg",
        "funder": "ESF+",
        "starts_on": iso(today()),
        "ends_on": iso(today() + dt.timedelta(days=365)),
        "target_groups": ["young", "newly_arrived"],
    },
    "POST /api/v1/project-enrolments/": lambda w: {
        "project": _project(w).pk,
        "participant": w.ids["participants"],
        "started_on": iso(today()),
    },
    "POST /api/v1/outreach/log-call/": lambda w: {"employer": w.ids["employers"]},
    "POST /api/v1/outreach/add-to-register/": lambda w: {"orgnr": _outreach_orgnr(w)},
    "POST /api/v1/participant-starts/": lambda w: {
        "participant": w.ids["participants"],
        "kind": "studies",
        "started_on": iso(today()),
        "note": "Komvux, svenska",
    },
}

NO_BODY = {
    "POST /api/v1/match-weights/rollback/",
    "POST /api/v1/weight-proposals/",
    "POST /api/v1/weight-proposals/{id}/accept/",
    "POST /api/v1/weight-proposals/{id}/reject/",
    "POST /api/v1/consent-invitations/{id}/revoke/",
    "POST /api/v1/follow-ups/{id}/confirm/",
    "POST /api/v1/follow-ups/{id}/request-confirmation/",
    "POST /api/v1/participants/{id}/personal-link/revoke/",
    "POST /api/v1/placements/{id}/agree/",
    "POST /api/v1/recompute-jobs/",
    "POST /api/v1/task-profiles/{id}/handle-request/",
}

PATHS = {
    "GET /api/v1/weight-proposals/{id}/": lambda w: {"id": _weight_proposal(w).pk},
    "POST /api/v1/weight-proposals/{id}/accept/": lambda w: {"id": _weight_proposal(w).pk},
    "POST /api/v1/weight-proposals/{id}/reject/": lambda w: {"id": _weight_proposal(w).pk},
    "POST /api/v1/match-weights/rollback/": lambda w: _accepted_weight_proposal(w) and {},
    "POST /api/v1/consent-invitations/{id}/revoke/": lambda w: {"id": _invitation(w).pk},
    "GET /api/v1/consent-invitations/{id}/": lambda w: {"id": _invitation(w).pk},
    "GET /api/v1/exits/{id}/": lambda w: {"id": _exit(w).pk},
    "GET /api/v1/quality-assurers/{id}/": lambda w: {"id": _quality_assurer(w).pk},
    "DELETE /api/v1/quality-assurers/{id}/": lambda w: {"id": _quality_assurer(w).pk},
    "GET /api/v1/progression/measurements/{id}/": lambda w: {"id": _measurement(w).pk},
    "POST /api/v1/progression/measurements/{id}/": lambda w: {"id": _measurement(w).pk},
    "PATCH /api/v1/participants/{id}/skills/{skill_pk}/": lambda w: {
        "skill_pk": _participant_skill(w).pk
    },
    "DELETE /api/v1/participants/{id}/skills/{skill_pk}/": lambda w: {
        "skill_pk": _participant_skill(w).pk
    },
    "POST /api/v1/participants/{id}/personal-link/revoke/": _personal_link,
    "POST /api/v1/placements/{id}/agree/": lambda w: {"id": _placement(w, "proposed").pk},
    "POST /api/v1/placements/{id}/withdraw/": lambda w: {"id": _placement(w, "proposed").pk},
    "POST /api/v1/placements/{id}/start/": lambda w: {"id": _placement(w, "agreed").pk},
    "POST /api/v1/placements/{id}/hire/": lambda w: {"id": _employment_in_fa(w).pk},
    "POST /api/v1/task-profiles/{id}/handle-request/": lambda w: {"id": _requested_profile(w).pk},
    "POST /api/v1/ocn-cases/{id}/reject/": lambda w: _ocn_case(
        w, status="assessed", assessor=w.users["guide"], assessed_on=today(), level=2
    ),
    "GET /api/v1/ocn-cases/{id}/certificate/": lambda w: _ocn_case(
        w,
        status="certified",
        assessor=w.users["guide"],
        assessed_on=today(),
        internal_qa_by=w.users["colleague_guide"],
        internal_qa_on=today(),
        external_verifier="OCN Sverige",
        verified_on=today(),
        certificate_number="SEC-0001",
        certificate_issued_on=today(),
        level=2,
    ),
    "GET /api/v1/counties/{code}/": lambda w: {"code": "08"},
    "GET /api/v1/municipalities/{code}/": lambda w: {"code": "0880"},
    "GET /api/v1/industries/{code}/": lambda w: {"code": _first("core.Industry")},
    "GET /api/v1/match-decisions/{id}/": lambda w: {"id": _decision(w).pk},
    "GET /api/v1/projects/{id}/": lambda w: {"id": _project(w).pk},
    "GET /api/v1/project-enrolments/{id}/": lambda w: {"id": _enrolment(w).pk},
    "GET /api/v1/participant-starts/{id}/": lambda w: {"id": _start(w).pk},
}

QUERIES = {
    "GET /api/v1/statistics/export/": lambda w: {"file": "csv"},
    "GET /api/v1/progression/statistics/export/": lambda w: {"file": "csv"},
    "GET /api/v1/statistics/scb/": lambda w: {"month": today().strftime("%Y-%m")},
    "GET /api/v1/sus/": lambda w: {"month": today().strftime("%Y-%m")},
    "GET /api/v1/fidelity/export/": lambda w: {"file": "csv"},
    "GET /api/v1/statistics/started/": lambda w: {"project": _project(w).pk},
    "GET /api/v1/matches/explain/": lambda w: {
        "participant": w.ids["participants"],
        "task_profile": w.ids["task-profiles"],
    },
}

PASSWORD = "pw-brygga-123"  # noqa: S105 — the factories' test password (tests/factories/core.py)


def send_kwargs(key: str, world) -> dict:
    """The keyword arguments for APIClient's method: the body, or the query parameters."""
    if key in QUERIES:
        return {"data": QUERIES[key](world)}
    if key in NO_BODY or key not in BODIES:
        return {}
    body = BODIES[key](world)
    if isinstance(body, Upload):
        upload = SimpleUploadedFile("rows.csv", body.content.encode(), content_type="text/csv")
        return {"data": {"file": upload, **body.fields}, "format": "multipart"}
    return {"data": body, "format": "json"}
