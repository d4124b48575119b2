"""Query budgets (issue 22): every page of the staff workspace and the employer portal, and every
API list, runs as many queries with 100 rows as with 10, and no page runs more than 12 (the register
extract too: its some twenty-five kinds of data are one read, ``core.together``). Counted as in production with a shared cache:
the session and the signed-in user come from the cache (tests/core/test_request_cost.py).

Covered, each by a role that may open it: every page of ``portal/urls.py`` a signed-in user opens
with GET — lists, detail pages, the GET of every create/edit form, exports and downloads (CSV,
XLSX, JSON, templates), the fragments htmx loads, the statistics and method reports, the
administrators' pages (regions, units, quality assurers, weights, transit, access log, retention,
register extract) and the employer portal — the participant's own pages opened with their link
(no sign-in), and every list and report of the API (``/api/v1/<x>/``). Not covered: signing in
and out, passwords and two-factor, POST-only endpoints, the old profile editor's redirect, the
API's schema and docs, and single objects of the API.

One world per role group is grown tenfold in the middle of each test (10 → 100 rows of
everything the pages list: participants, employers, sites, contacts, contact-log entries, task
profiles, placements, follow-ups, consents (withdrawn ones too), OCN cases, KGA assessments,
progression measurements, exits, projects, enrolments and starts, match decisions, recompute
jobs, weight proposals, and another unit's participants open for regional matching with their
proposals for this unit's regional profile), and each page's count is taken on both sizes.
Detail and form pages open one row of each other kind (``World._singles``). No page or list
grows with its rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.choices import Role
from core.models import Adaptation, KgaCompetence, OcnModule, OcnProgramme
from employers.models import ImportJob, Interaction, TaskProfile
from matching.engine import Weights
from matching.models import (
    Consent,
    KgaAssessment,
    KgaScore,
    MatchDecision,
    OcnCase,
    ParticipantAdaptationNeed,
    PersonalLink,
    ProgressionAnswer,
    ProgressionIndicator,
    ProgressionMeasurement,
    QualityAssurer,
    RecomputeJob,
    WeightProposal,
)
from matching.participants.services import consent_links
from matching.participants.services.progression import measurement_open
from placements.models import (
    Exit,
    FollowUp,
    ParticipantStart,
    Project,
    ProjectEnrolment,
)
from tests.factories.core import UnitFactory, UserFactory
from tests.factories.employers import (
    ContactPersonFactory,
    EmployerFactory,
    SiteFactory,
    TaskProfileFactory,
)
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 12
TODAY = dt.date(2026, 12, 1)


class World:
    """Rows of every kind the pages list, at one employer and one guide's caseload, and one row of
    every kind a detail or form page opens (``_singles``)."""

    def __init__(
        self, *, unit, guide, coordinator, manager, employer, site, task_profile, participant
    ):
        self.unit, self.guide, self.coordinator = unit, guide, coordinator
        self.manager = manager
        self.employer, self.site, self.task_profile = employer, site, task_profile
        self.participant = participant
        self.placement = None
        self.client: Client | None = None
        self.size = self.made = 0
        self.adaptation = Adaptation.objects.get(code="quiet-space")

    def grow(self, to: int) -> None:
        if self.size == 0:
            self._singles()
        for _ in range(to - self.size):
            self._one_more()
        self.size = to

    def _singles(self) -> None:
        """One row of each kind a detail or form page opens, made before the first rows."""
        programme, _ = OcnProgramme.objects.get_or_create(
            code="QB-LAGER", defaults={"name": "Lager och logistik", "occupational_area": "Lager"}
        )
        self.module, certified = (
            OcnModule.objects.get_or_create(
                programme=programme, code=code, defaults={"name": name, "level": 2}
            )[0]
            for code, name in (("QB-1", "Truck"), ("QB-2", "Plock"))
        )
        self.competence = KgaCompetence.objects.order_by("order").first()
        self.weights = Weights().normalised()
        self.indicator = ProgressionIndicator.objects.filter(active=True).order_by("order").first()
        self.contact = ContactPersonFactory(employer=self.employer, site=self.site)
        self.other_employer = EmployerFactory(
            name="Nybro Bageri", unit=self.unit, owner=self.coordinator
        )
        self.certified_case = OcnCase.objects.create(
            participant=self.participant,
            module=certified,
            status="certified",
            certificate_number="QB-0001",
            certificate_issued_on=dt.date(2026, 10, 1),
        )
        # A colleague assures the unit's OCN cases (the list of quality assurers). The cast's
        # guide is not one: the menu would count their worklist on every page.
        QualityAssurer.objects.create(
            unit=self.unit,
            user=UserFactory(username="qb-greta", role=Role.GUIDE, unit=self.unit),
            granted_by=self.manager,
        )
        self.invitation = self.new_invitation().invitation
        self.measurement = measurement_open(
            participant=self.participant, by=self.guide, kind="start"
        )
        self.job = RecomputeJob.objects.create(unit=self.unit, started_by=self.guide)
        self.import_job = ImportJob.objects.create(
            unit=self.unit, by=self.coordinator, filename="lista.csv", content=b"x", status="done"
        )
        self.history_job = ImportJob.objects.create(
            kind=ImportJob.Kind.PARTICIPANT_HISTORY,
            unit=self.unit,
            by=self.manager,
            filename="historik.csv",
            content=b"x",
            status="done",
        )
        # Another unit of the region: its participants open for regional matching (with a
        # consent naming this unit) and its guide's proposals for this unit's regional profile.
        self.sibling = UnitFactory(name="AME Nybro QB", region=self.unit.region)
        self.sibling_guide = UserFactory(username="qb-nils", role=Role.GUIDE, unit=self.sibling)
        self.regional_profile = TaskProfileFactory(
            employer=self.employer, site=self.site, title="Regional praktik", regional=True
        )
        self.project = Project.objects.create(
            unit=self.unit,
            name="Vägen In",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 12, 31),
        )

    def printable_link(self) -> str:
        """The personal link's letter prints only right after the link is made, in the guide's
        session: make one (a POST), then the letter is the page."""
        self.client.post(f"/deltagare/{self.participant.pk}/personlig-lank/", {"channel": "print"})
        link = PersonalLink.objects.get(participant=self.participant, revoked_at=None)
        return f"/personliga-lankar/{link.pk}/utskrift/"

    # --- the participant's own pages (no sign-in): a link or code opens a session first ---------

    def opened(self, link: str, page: str) -> str:
        """``page``, in the session ``link`` (the participant's link with its token) opens."""
        self.client.get(link)
        return page

    def new_invitation(self):
        """A fresh consent request (answering one closes it), as the participant's letter."""
        return consent_links.consent_invitation_create(
            participant=self.participant,
            by=self.guide,
            recipients=[
                {
                    "kind": "employer",
                    "employer": self.employer,
                    "purpose": "Praktik",
                    "scopes": ["skills"],
                }
            ],
            channel="print",
        )

    def new_link(self) -> str:
        """A fresh personal link's token (answering a request replaces the link)."""
        return consent_links.personal_link_issue(
            participant=self.participant, by=self.guide, channel="print"
        ).token

    def receipt(self) -> str:
        """The receipt shows after the participant answers a request (a POST)."""
        issued = self.new_invitation()
        self.client.get(f"/samtycke/{issued.token}/")
        answers = {f"r{r.pk}": "yes" for r in issued.invitation.recipients.all()}
        self.client.post("/samtycke/svara/", answers)
        return "/samtycke/kvitto/"

    def _one_more(self) -> None:
        self.made += 1
        n = self.made
        person = ParticipantFactory(
            unit=self.unit, guide=self.guide, enrolled_on=dt.date(2026, 1, 15)
        )
        # Every row has its related rows, so that each page of a list prefetches the same kinds.
        ParticipantAdaptationNeed.objects.create(participant=person, adaptation=self.adaptation)
        site = SiteFactory(employer=self.employer)
        ContactPersonFactory(employer=self.employer)
        # Another employer of the register, with a site and a contact (names no fuzzy match
        # takes for duplicates of each other).
        other = EmployerFactory(
            name=f"{hashlib.sha1(str(n).encode()).hexdigest()[:12]} AB",
            unit=self.unit,
            owner=self.coordinator,
        )
        ContactPersonFactory(employer=other, site=SiteFactory(employer=other))
        profile = TaskProfileFactory(employer=self.employer, site=site, slots_total=1)
        Interaction.objects.create(
            employer=self.employer,
            unit=self.unit,
            kind="call",
            notes="Ringde.",
            next_step="Ring igen",
            next_step_due=TODAY + dt.timedelta(days=3),
            occurred_on=TODAY,
            by=self.coordinator,
        )
        TaskProfile.objects.filter(pk=profile.pk).update(slots_taken=1)
        placement = PlacementFactory(
            participant=person,
            task_profile=profile,
            status="ongoing",
            started_on=dt.date(2026, 11, 2),
            slot_held=True,
        )
        FollowUp.objects.create(placement=placement, planned_on=TODAY + dt.timedelta(days=2))
        for who in (person, self.participant):
            Consent.objects.create(
                participant=who,
                employer=self.employer,
                purpose="Praktik",
                scopes=["identity", "placement"],
                given_on=dt.date(2026, 1, 1),
                method="digital",
                recorded_by=self.guide,
            )
        self.placement = self.placement or placement
        # Validations, method and project rows: an assessed OCN case (the QA worklist), a KGA
        # assessment and a measurement of the cast's participant, an exit past six months, a
        # consent the person withdrew, a project enrolment and start, a match decision, a job.
        OcnCase.objects.create(
            participant=person,
            module=self.module,
            status="assessed",
            assessor=self.coordinator,
            assessed_on=dt.date(2026, 11, 1),
        )
        assessment = KgaAssessment.objects.create(
            participant=self.participant, assessor=self.guide, assessed_on=TODAY
        )
        KgaScore.objects.create(assessment=assessment, competence=self.competence, level=2)
        measurement = ProgressionMeasurement.objects.create(
            participant=self.participant,
            kind="interval",
            taken_on=TODAY - dt.timedelta(days=n),
            created_by=self.guide,
        )
        ProgressionAnswer.objects.create(
            measurement=measurement,
            indicator=self.indicator,
            rater="participant",
            value=1 + n % 10,
            source="link",
        )
        if n % 2:  # every other person has left (in April: the six-month list, SUS, statistics)
            Exit.objects.create(
                participant=person,
                exited_on=dt.date(2026, 4, 1),
                outcome="work_unsubsidised",
                by=self.guide,
            )
        Consent.objects.create(
            participant=person,
            employer=self.employer,
            purpose="Praktik",
            scopes=["skills"],
            given_on=dt.date(2026, 1, 1),
            method="digital",
            recorded_by=self.guide,
            withdrawn_on=dt.date(2026, 11, 20),
            withdrawn_by_participant=True,
        )
        ProjectEnrolment.objects.create(
            project=self.project, participant=person, started_on=dt.date(2026, 2, 1), by=self.guide
        )
        for who in (person, self.participant):
            ParticipantStart.objects.create(
                participant=who, kind="work", started_on=dt.date(2026, 3, 1), by=self.guide
            )
        project = Project.objects.create(
            unit=self.unit,
            name=f"Projekt {n}",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            target_groups=["young"],
        )
        ProjectEnrolment.objects.create(
            project=project,
            participant=self.participant,
            started_on=dt.date(2026, 2, 1),
            by=self.guide,
        )
        WeightProposal.objects.create(
            unit=self.unit,
            current=self.weights,
            proposed={**self.weights, "skills": 0.3},
            created_by=self.manager,
        )
        MatchDecision.objects.create(
            participant=person, task_profile=profile, decision="proposed", decided_by=self.guide
        )
        RecomputeJob.objects.create(unit=self.unit, started_by=self.guide, status="done")
        neighbour = ParticipantFactory(
            unit=self.sibling, guide=self.sibling_guide, regional_matching=True
        )
        Consent.objects.create(
            participant=neighbour,
            recipient_unit=self.unit,
            recipient_kind="other_unit",
            agency=self.unit.name,
            purpose="Regional matchning",
            scopes=["skills"],
            given_on=dt.date(2026, 1, 1),
            method="digital",
            recorded_by=self.sibling_guide,
        )
        PlacementFactory(
            participant=neighbour, task_profile=self.regional_profile, status="proposed"
        )


@pytest.fixture
def world(
    unit,
    guide,
    coordinator,
    manager,
    employer,
    site,
    task_profile,
    participant,
    time_machine,
    settings,
):
    time_machine.move_to(dt.datetime(2026, 12, 1, 10, 0), tick=False)
    # As in production with a shared cache: the session and the signed-in user come from the
    # cache (tests/core/test_request_cost.py), so the counts are the pages' own queries.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.AUTH_USER_CACHE_SECONDS = 300
    # The production default: the matching engine's version is confirmed every few seconds, not
    # on each request (matching/engine_version.py; the warm-up request confirms it).
    settings.ENGINE_VERSION_RECHECK_SECONDS = 5.0
    return World(
        unit=unit,
        guide=guide,
        coordinator=coordinator,
        manager=manager,
        employer=employer,
        site=site,
        task_profile=task_profile,
        participant=participant,
    )


HTMX = {"HTTP_HX_REQUEST": "true"}


def count(client: Client, url: str | tuple[str, dict]) -> int:
    """The page's steady-state count: after a warm-up, the fewer of two requests (a process
    cache that expires, e.g. the engine's version check every few seconds, may add one).
    ``url`` may come with request headers, e.g. ``(url, HTMX)`` for an htmx fragment."""
    url, headers = url if isinstance(url, tuple) else (url, {})
    client.get(url, **headers)  # warm: the first request of a session may set up what later reuse
    return min(_count_once(client, url, headers) for _ in range(2))


def _count_once(client: Client, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    if os.environ.get("QUERY_DUMP") and os.environ["QUERY_DUMP"] in url:
        print("\n==", url, "\n" + "\n".join(q["sql"][:300] for q in queries.captured_queries))
    return len(queries.captured_queries)


def budgets(world: World, user, urls) -> dict[str, tuple[int, int]]:
    """``user`` None: a visitor without a sign-in (the participant's personal-link pages)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    world.client = client
    world.grow(10)
    planner_statistics()
    small = {name: count(client, url(world)) for name, url in urls.items()}
    world.grow(100)
    planner_statistics()
    large = {name: count(client, url(world)) for name, url in urls.items()}
    return {name: (small[name], large[name]) for name in urls}


def planner_statistics() -> None:
    """On PostgreSQL, let the planner see the world just grown. The test database's tables were
    emptied by earlier tests and vacuumed as empty (``reltuples`` 0), so without this the planner
    takes each table for one row and once chose nested loops over hundreds of rows for the
    follow-ups page: a query that ran for minutes (CI, 5 Dec). ``ANALYZE`` in the test's
    transaction counts its own uncommitted rows; it changes no query count."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def check(result: dict[str, tuple[int, int]], budget: int | None) -> None:
    if os.environ.get("QUERY_DUMP") is not None:
        print(result)
    growing = {name: counts for name, counts in result.items() if counts[0] != counts[1]}
    assert not growing, f"queries grow with rows (10 rows, 100 rows): {growing}"
    if budget is not None:
        over = {name: counts[0] for name, counts in result.items() if counts[0] > budget}
        assert not over, f"pages above their budget of {budget} queries: {over}"


GUIDE_PAGES = {
    # lists and overviews
    "participant list": lambda w: "/deltagare/",
    "follow-ups": lambda w: "/uppfoljningar/",
    "overview": lambda w: "/oversikt/",
    "quality assurance": lambda w: "/kvalitetssakring/",
    "withdrawn consents": lambda w: "/samtycken/aterkallade/",
    "measurements due": lambda w: "/metod/matningar/",
    "six-month follow-ups": lambda w: "/statistik/sex-manader/",
    "projects": lambda w: "/projekt/",
    "regions": lambda w: "/regioner/",
    "statistics": lambda w: "/statistik/",
    "fidelity": lambda w: "/metod/trohet/",
    "progression statistics": lambda w: "/metod/stegforflyttning/",
    "started work or studies": lambda w: f"/statistik/borjade/?project={w.project.pk}",
    "regional participants": lambda w: "/regionala-deltagare/",
    # the participant and their sections (history and method load on demand, htmx)
    "participant detail": lambda w: f"/deltagare/{w.participant.pk}/",
    "participant history": lambda w: f"/deltagare/{w.participant.pk}/historik/",
    "participant progression": lambda w: f"/deltagare/{w.participant.pk}/metod/",
    "participant edit": lambda w: f"/deltagare/{w.participant.pk}/redigera/",
    "participant skills": lambda w: f"/deltagare/{w.participant.pk}/kompetenser/",
    "participant needs": lambda w: f"/deltagare/{w.participant.pk}/behov/",
    "participant phase": lambda w: f"/deltagare/{w.participant.pk}/fas/",
    "participant SUS": lambda w: f"/deltagare/{w.participant.pk}/sus/",
    "participant projects": lambda w: f"/deltagare/{w.participant.pk}/projekt/",
    "participant measurements": lambda w: f"/deltagare/{w.participant.pk}/stegforflyttning/",
    "measurement": lambda w: f"/stegforflyttning/{w.measurement.pk}/",
    "new participant": lambda w: "/deltagare/ny/",
    # validations
    "validations": lambda w: f"/deltagare/{w.participant.pk}/valideringar/",
    "OCN case": lambda w: f"/deltagare/ocn/{w.certified_case.pk}/",
    "OCN certificate": lambda w: f"/deltagare/ocn/{w.certified_case.pk}/intyg/",
    "new KGA assessment": lambda w: f"/deltagare/{w.participant.pk}/kga/ny/",
    # consent
    "consents": lambda w: f"/deltagare/{w.participant.pk}/samtycken/",
    "new consent": lambda w: f"/deltagare/{w.participant.pk}/samtycke/",
    "new consent request": lambda w: f"/deltagare/{w.participant.pk}/samtycke/forfragan/",
    "consent request": lambda w: f"/samtyckesforfragningar/{w.invitation.pk}/",
    "paper consent form": lambda w: f"/deltagare/{w.participant.pk}/samtycke/blankett/",
    "paper consent form for a request": lambda w: (
        f"/deltagare/{w.participant.pk}/samtycke/blankett/?invitation={w.invitation.pk}"
    ),
    "personal link letter": lambda w: w.printable_link(),
    # placements and follow-ups
    "placement detail": lambda w: f"/placeringar/{w.placement.pk}/",
    "record follow-up": lambda w: f"/uppfoljningar/{w.placement.followups.first().pk}/registrera/",
    "move follow-up": lambda w: f"/uppfoljningar/{w.placement.followups.first().pk}/flytta/",
    # jobs and pickers (htmx)
    "recompute job": lambda w: f"/jobb/{w.job.pk}/",
    "recompute job (htmx)": lambda w: (f"/jobb/{w.job.pk}/", HTMX),
    "participant code search": lambda w: "/sok/deltagarkod/?q=Te",
    "skill search": lambda w: "/sok/skills/?q=tr",
}
COORDINATOR_PAGES = {
    "employer list": lambda w: "/arbetsgivare/",
    "employer detail": lambda w: f"/arbetsgivare/{w.employer.pk}/",
    "employer in the region": lambda w: f"/arbetsgivare/{w.employer.pk}/regionen/",
    "profile detail": lambda w: f"/kravprofiler/{w.task_profile.pk}/",
    "next steps": lambda w: "/nasta-steg/",
    "whom to approach next": lambda w: "/vem-kontaktar-jag-nu/",
    "regional requests": lambda w: "/regionala-forslag/",
    # forms
    "new employer": lambda w: "/arbetsgivare/ny/",
    "edit employer": lambda w: f"/arbetsgivare/{w.employer.pk}/redigera/",
    "employer relation": lambda w: f"/arbetsgivare/{w.employer.pk}/relation/",
    "new site": lambda w: f"/arbetsgivare/{w.employer.pk}/ny-plats/",
    "edit site": lambda w: f"/platser/{w.site.pk}/redigera/",
    "new contact": lambda w: f"/arbetsgivare/{w.employer.pk}/ny-kontakt/",
    "edit contact": lambda w: f"/kontakter/{w.contact.pk}/redigera/",
    "new profile": lambda w: f"/arbetsgivare/{w.employer.pk}/ny-kravprofil/",
    "edit profile": lambda w: f"/kravprofiler/{w.task_profile.pk}/andra/",
    # duplicates and import
    "duplicates": lambda w: "/arbetsgivare/dubbletter/",
    "duplicate review": lambda w: (
        f"/arbetsgivare/dubbletter/{w.employer.pk}/{w.other_employer.pk}/"
    ),
    "duplicate confirm": lambda w: (
        f"/arbetsgivare/dubbletter/{w.employer.pk}/{w.other_employer.pk}/bekrafta/"
    ),
    "import": lambda w: "/arbetsgivare/import/",
    "import job": lambda w: f"/arbetsgivare/import/{w.import_job.pk}/",
    "import job (htmx)": lambda w: (f"/arbetsgivare/import/{w.import_job.pk}/", HTMX),
    "import columns": lambda w: "/arbetsgivare/import/kolumner/",
    "import template csv": lambda w: "/arbetsgivare/import/mall.csv",
    "import template xlsx": lambda w: "/arbetsgivare/import/mall.xlsx",
    "historical ads": lambda w: "/arbetsgivare/annonshistorik/",
    "occupation search": lambda w: "/sok/occupations/?q=la",
}
MANAGER_PAGES = {
    "statistics, every section": lambda w: "/statistik/",
    "statistics csv": lambda w: "/statistik/export/csv/",
    "statistics xlsx": lambda w: "/statistik/export/xlsx/",
    "statistics report": lambda w: "/statistik/rapport/",
    "SCB export form": lambda w: "/statistik/scb/",
    "SCB export": lambda w: "/statistik/scb/?month=2026-11",
    "started work or studies": lambda w: f"/statistik/borjade/?project={w.project.pk}",
    "six-month follow-ups": lambda w: "/statistik/sex-manader/",
    "fidelity": lambda w: "/metod/trohet/",
    "fidelity csv": lambda w: "/metod/trohet/export/csv/",
    "fidelity xlsx": lambda w: "/metod/trohet/export/xlsx/",
    "SUS list": lambda w: "/metod/sus/?month=2026-04",
    "SUS csv": lambda w: "/metod/sus/export/csv/?month=2026-04",
    "SUS xlsx": lambda w: "/metod/sus/export/xlsx/?month=2026-04",
    "progression statistics": lambda w: "/metod/stegforflyttning/",
    "progression csv": lambda w: "/metod/stegforflyttning/export/csv/",
    "progression xlsx": lambda w: "/metod/stegforflyttning/export/xlsx/",
    "measurements due": lambda w: "/metod/matningar/",
    "overview": lambda w: "/oversikt/",
    "whom to approach next (manager)": lambda w: "/vem-kontaktar-jag-nu/",
    "learned weights": lambda w: "/larda-vikter/",
    "history import": lambda w: "/deltagare/historik/import/",
    "history import job": lambda w: f"/deltagare/historik/import/{w.history_job.pk}/",
    "history import job (htmx)": lambda w: (
        f"/deltagare/historik/import/{w.history_job.pk}/",
        HTMX,
    ),
    "history template csv": lambda w: "/deltagare/historik/mall/csv/",
    "history template xlsx": lambda w: "/deltagare/historik/mall/xlsx/",
}
ADMIN_PAGES = {
    "regions": lambda w: "/regioner/",
    "new region": lambda w: "/regioner/ny/",
    "edit region": lambda w: f"/regioner/{w.unit.region_id}/",
    "new unit": lambda w: "/enheter/ny/",
    "edit unit": lambda w: f"/enheter/{w.unit.pk}/",
    "quality assurers": lambda w: "/kvalitetssakrare/",
    "quality assurance": lambda w: "/kvalitetssakring/",
    "matching weights": lambda w: "/matchningsvikter/",
    "transit": lambda w: "/kollektivtrafik/",
    "access log": lambda w: "/sakerhet/atkomstlogg/",
    "access log csv": lambda w: "/sakerhet/atkomstlogg/?format=csv",
    "retention": lambda w: "/sakerhet/gallring/",
    "register extract": lambda w: f"/sakerhet/deltagare/{w.participant.pk}/utdrag/",
    "register extract json": lambda w: (
        f"/sakerhet/deltagare/{w.participant.pk}/utdrag/?format=json"
    ),
    "register extract xlsx": lambda w: (
        f"/sakerhet/deltagare/{w.participant.pk}/utdrag/?format=xlsx"
    ),
}
EMPLOYER_PAGES = {
    "portal home": lambda w: "/arbetsgivarportal/",
    "request a profile": lambda w: "/arbetsgivarportal/onska-profil/",
    "placement": lambda w: f"/placeringar/{w.placement.pk}/",
}
# The participant's own pages, opened with their personal link or a consent request's link (no
# sign-in; the link starts a session, the page is counted).
PARTICIPANT_PAGES = {
    "consent code form": lambda w: "/samtycke/kod/",
    "consent answer": lambda w: w.opened(
        f"/samtycke/{w.new_invitation().token}/", "/samtycke/svara/"
    ),
    "consent receipt": lambda w: w.receipt(),
    "own consents": lambda w: w.opened(f"/mina-samtycken/{w.new_link()}/", "/mina-samtycken/"),
    "own progression answers": lambda w: w.opened(f"/mitt-matt/{w.new_link()}/", "/mitt-matt/"),
}
GUIDE_API = {
    "participants": lambda w: "/api/v1/participants/",
    "placements": lambda w: "/api/v1/placements/",
    "follow-ups": lambda w: "/api/v1/follow-ups/",
    "consents": lambda w: "/api/v1/consents/",
    "consent-invitations": lambda w: "/api/v1/consent-invitations/",
    "ocn-cases": lambda w: "/api/v1/ocn-cases/",
    "match-decisions": lambda w: "/api/v1/match-decisions/",
    "recompute-jobs": lambda w: "/api/v1/recompute-jobs/",
    "exits": lambda w: "/api/v1/exits/",
    "projects": lambda w: "/api/v1/projects/",
    "project-enrolments": lambda w: "/api/v1/project-enrolments/",
    "participant-starts": lambda w: "/api/v1/participant-starts/",
    "participant matches": lambda w: f"/api/v1/participants/{w.participant.pk}/matches/",
    "quality-assurers": lambda w: "/api/v1/quality-assurers/",
    "regional-participants": lambda w: "/api/v1/regional-participants/",
    "progression measurements": lambda w: "/api/v1/progression/measurements/",
    # reference lists (not grown: fixed vocabularies)
    "units": lambda w: "/api/v1/units/",
    "regions": lambda w: "/api/v1/regions/",
    "counties": lambda w: "/api/v1/counties/",
    "municipalities": lambda w: "/api/v1/municipalities/",
    "localities": lambda w: "/api/v1/localities/",
    "skills": lambda w: "/api/v1/skills/",
    "occupations": lambda w: "/api/v1/occupations/",
    "industries": lambda w: "/api/v1/industries/",
    "adaptations": lambda w: "/api/v1/adaptations/",
    "licences": lambda w: "/api/v1/licences/",
    "ocn-programmes": lambda w: "/api/v1/ocn-programmes/",
    "kga-competences": lambda w: "/api/v1/kga-competences/",
}
COORDINATOR_API = {
    "employers": lambda w: "/api/v1/employers/",
    "sites": lambda w: "/api/v1/sites/",
    "contacts": lambda w: "/api/v1/contacts/",
    "task-profiles": lambda w: "/api/v1/task-profiles/",
    "interactions": lambda w: "/api/v1/interactions/",
    "profile matches": lambda w: f"/api/v1/task-profiles/{w.task_profile.pk}/matches/",
    "outreach": lambda w: "/api/v1/outreach/",
}
MANAGER_API = {
    "weight-proposals": lambda w: "/api/v1/weight-proposals/",
    "statistics": lambda w: "/api/v1/statistics/",
    "statistics started": lambda w: f"/api/v1/statistics/started/?project={w.project.pk}",
    "fidelity": lambda w: "/api/v1/fidelity/",
    "progression statistics": lambda w: "/api/v1/progression/statistics/",
    "sus": lambda w: "/api/v1/sus/?month=2026-04",
    "sus csv": lambda w: "/api/v1/sus/?month=2026-04&file=csv",
    "statistics export": lambda w: "/api/v1/statistics/export/?file=csv",
    "SCB export": lambda w: "/api/v1/statistics/scb/?month=2026-11",
    "fidelity export": lambda w: "/api/v1/fidelity/export/?file=xlsx",
    "progression export": lambda w: "/api/v1/progression/statistics/export/?file=csv",
}
EMPLOYER_API = {
    "placements": lambda w: "/api/v1/placements/",
    "task-profiles": lambda w: "/api/v1/task-profiles/",
    "follow-ups": lambda w: "/api/v1/follow-ups/",
    "employers": lambda w: "/api/v1/employers/",
    "sites": lambda w: "/api/v1/sites/",
    "contacts": lambda w: "/api/v1/contacts/",
}


def test_guide_pages_stay_flat_and_within_budget(world, guide):
    check(budgets(world, guide, GUIDE_PAGES), PAGE_BUDGET)


def test_coordinator_pages_stay_flat_and_within_budget(world, coordinator):
    check(budgets(world, coordinator, COORDINATOR_PAGES), PAGE_BUDGET)


def test_manager_pages_stay_flat_and_within_budget(world, manager):
    check(budgets(world, manager, MANAGER_PAGES), PAGE_BUDGET)


def test_admin_pages_stay_flat_and_within_budget(world, admin_user):
    check(budgets(world, admin_user, ADMIN_PAGES), PAGE_BUDGET)


def test_employer_portal_stays_flat_and_within_budget(world, employer_user):
    check(budgets(world, employer_user, EMPLOYER_PAGES), PAGE_BUDGET)


def test_participant_pages_stay_flat_and_within_budget(world):
    check(budgets(world, None, PARTICIPANT_PAGES), PAGE_BUDGET)


def test_guide_api_lists_stay_flat(world, guide):
    check(budgets(world, guide, GUIDE_API), PAGE_BUDGET)


def test_coordinator_api_lists_stay_flat(world, coordinator):
    check(budgets(world, coordinator, COORDINATOR_API), PAGE_BUDGET)


def test_manager_api_lists_stay_flat(world, manager):
    check(budgets(world, manager, MANAGER_API), PAGE_BUDGET)


def test_employer_api_lists_stay_flat(world, employer_user):
    check(budgets(world, employer_user, EMPLOYER_API), PAGE_BUDGET)


@pytest.mark.skipif(
    not os.environ.get("BRYGGA_PAGE_COST"), reason="a measurement, run on demand (issue 22)"
)
def test_page_cost(world, guide, coordinator, employer_user, settings):
    """CPU per request and queries of the busiest pages, 100 rows, after warm-up:
    ``BRYGGA_PAGE_COST=1 uv run pytest -s tests/portal/test_query_budgets.py -k page_cost``
    (``BRYGGA_PAGE_COST=plain``: sessions and users from the database, as without a shared
    cache)."""
    import time

    if os.environ["BRYGGA_PAGE_COST"] == "plain":
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
        settings.AUTH_USER_CACHE_SECONDS = 0
    world.grow(100)
    pages = [
        (guide, "participant list", "/deltagare/"),
        (guide, "participant page", f"/deltagare/{world.participant.pk}/"),
        (guide, "placements API", "/api/v1/placements/"),
        (coordinator, "employer page", f"/arbetsgivare/{world.employer.pk}/"),
        (coordinator, "employer list", "/arbetsgivare/"),
        (employer_user, "portal", "/arbetsgivarportal/"),
        (employer_user, "placements API (employer)", "/api/v1/placements/"),
        (guide, "API me (fixed cost)", "/api/v1/me/"),
    ]
    for user, name, url in pages:
        client = Client()
        client.force_login(user)
        queries = count(client, url)
        for _ in range(5):
            client.get(url)
        started = time.process_time()
        for _ in range(50):
            client.get(url)
        ms = (time.process_time() - started) / 50 * 1000
        print(f"PAGE-COST {name:<28} {ms:6.1f} ms CPU  {queries:4d} queries")
