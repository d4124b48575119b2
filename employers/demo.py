"""Kalmar county demo employers: ~200 employers across the eleven municipalities and the demo
industries, with sites on real localities, contacts and supervisors, a contact history with open
and overdue next steps, ~300 task profiles, and the employer logins."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum import luhn

from core.choices import Role
from core.demo import DEMO_PASSWORD, KALMAR_COUNTY, REGIONAL_UNITS, demo_unit
from core.models import (
    Adaptation,
    Industry,
    Licence,
    Locality,
    Municipality,
    Occupation,
    Skill,
    Unit,
    User,
)
from core.writes import announce_rows
from employers.choices import EmployerStatus, ProfileStatus
from employers.models import Employer, EmployerMembership, Interaction, TaskProfile
from employers.services.contact_log import interaction_create
from employers.services.contacts import contact_create
from employers.services.employers import employer_create
from employers.services.profiles import task_profile_create, task_profile_transition
from employers.services.sites import site_create

# Template skills that are really licences: the demo's profiles require them as licences.
LICENCE_SKILLS = {"Körkort B": "b"}

# industry key: (SNI section, sector, name patterns, profiles: (title, occupation label, kind, skills, hours))
INDUSTRIES = {
    "trade": (
        "G",
        "private",
        [
            "ICA Supermarket {place}",
            "Coop {place}",
            "Willys {place}",
            "{place} Järn & Fritid",
            "Second hand {place}",
            "{place} Blomsterhandel",
        ],
        [
            (
                "Varupåfyllning och butik",
                "Butikssäljare, dagligvaror/Medarbetare, dagligvaror",
                "practice",
                ["Varupåfyllning", "Kundbemötande och service", "Exponering av varor"],
                (10, 30),
            ),
            (
                "Kassa och kundservice",
                "Kassapersonal",
                "work_trial",
                ["Kassavana", "Kundbemötande och service"],
                (15, 35),
            ),
            (
                "Lager och varumottagning",
                "Lagerarbetare/Terminalarbetare",
                "employment",
                ["Varumottagning", "Truckvana", "Lagerhållning"],
                (20, 40),
            ),
        ],
    ),
    "hotel": (
        "I",
        "private",
        [
            "{place} Stadshotell",
            "Restaurang Hamnkrogen {place}",
            "Café Kringlan {place}",
            "Pizzeria Bella {place}",
            "{place} Vandrarhem",
        ],
        [
            (
                "Disk och köksstöd",
                "Diskare",
                "practice",
                ["Städning och diskning, restaurangkök", "Livsmedelshygien"],
                (10, 30),
            ),
            (
                "Hotellstädning",
                "Städare",
                "work_trial",
                ["Städvana, hotell", "Städtjänster"],
                (15, 30),
            ),
            (
                "Servering och kafé",
                "Kafébiträde/Konditoribiträde",
                "practice",
                ["Servering", "Kaffebryggning", "Kundbemötande och service"],
                (10, 25),
            ),
        ],
    ),
    "manufacturing": (
        "C",
        "private",
        [
            "{place} Mekaniska AB",
            "{place} Snickeri",
            "Glasbruket {place}",
            "{place} Plast & Form AB",
            "{place} Livsmedel AB",
        ],
        [
            (
                "Montering och packning",
                "Lagerarbetare/Terminalarbetare",
                "practice",
                ["Montering", "Packning", "Kvalitetskontroll"],
                (20, 40),
            ),
            (
                "Maskinskötsel i produktionen",
                "Maskinoperatör tryckeri",
                "employment",
                ["Maskinskötsel", "Kvalitetskontroll"],
                (30, 40),
            ),
            (
                "Industristädning",
                "Industristädare",
                "work_trial",
                ["Städtjänster", "Hygienstädning"],
                (15, 30),
            ),
        ],
    ),
    "property": (
        "L",
        "private",
        [
            "{place}hem Fastigheter",
            "{place} Bostads AB",
            "Fastighetsservice {place}",
            "{place} Städ & Fönsterputs",
        ],
        [
            (
                "Fastighetsskötsel och utemiljö",
                "Fastighetsskötare",
                "practice",
                ["Fastighetsskötsel", "Trädgårdsskötsel", "Snöröjning"],
                (15, 40),
            ),
            (
                "Trapphusstädning",
                "Städare",
                "employment",
                ["Städtjänster", "Fönsterputsning"],
                (20, 35),
            ),
        ],
    ),
    "care": (
        "Q",
        "public",
        [
            "Hemtjänsten {place}",
            "Äldreboendet Solgläntan {place}",
            "LSS-boende Linden {place}",
            "Vårdcentralen {place}",
        ],
        [
            (
                "Omsorg och måltidsstöd",
                "Vårdbiträde",
                "practice",
                ["Personlig omvårdnad", "Måltidsstöd"],
                (10, 30),
            ),
            (
                "Hemtjänst med handledare",
                "Undersköterska, hemtjänst, äldreboende och habilitering",
                "employment",
                ["Hemtjänst", "Personlig omvårdnad", "Körkort B"],
                (25, 40),
            ),
            (
                "Personlig assistans",
                "Personlig assistent",
                "work_trial",
                ["Personlig omvårdnad", "Förflyttningsteknik"],
                (15, 35),
            ),
        ],
    ),
    "schools": (
        "P",
        "public",
        ["{place}skolan", "Förskolan Ekorren {place}", "Gymnasieskolan {place}"],
        [
            (
                "Elevassistent i klassrummet",
                "Elevassistent",
                "practice",
                ["Elevstöd", "Barnomsorg"],
                (15, 30),
            ),
            (
                "Skolmåltider och disk",
                "Måltidsbiträde",
                "work_trial",
                ["Livsmedelshygien", "Städning och diskning, restaurangkök"],
                (10, 30),
            ),
            ("Barnskötare förskola", "Barnskötare", "practice", ["Barnomsorg"], (20, 35)),
        ],
    ),
    "administration": (
        "N",
        "public",
        ["{place} kommun, kontaktcenter", "Medborgarkontoret {place}", "{place} Redovisningsbyrå"],
        [
            (
                "Reception och post",
                "Receptionist",
                "practice",
                ["Reception", "Posthantering", "Kundbemötande och service"],
                (10, 30),
            ),
            (
                "Arkiv och registrering",
                "Kundtjänstmedarbetare",
                "work_trial",
                ["Arkivering", "Dataregistrering", "Microsoft Office"],
                (10, 25),
            ),
        ],
    ),
    "media": (
        "J",
        "private",
        ["Tidningen {place}-Posten", "{place} Tryck & Reklam", "Radio {place}"],
        [
            (
                "Tryck och efterbehandling",
                "Maskinoperatör tryckeri",
                "practice",
                ["Tryckning", "Packning"],
                (20, 40),
            ),
            (
                "Foto, film och sociala medier",
                "Kundtjänstmedarbetare",
                "study_visit",
                ["Fotografering", "Videoredigering", "Sociala medier"],
                (5, 20),
            ),
        ],
    ),
    "agriculture": (
        "A",
        "private",
        [
            "{place} Gård",
            "Mejerigården {place}",
            "{place} Trädgård & Plantskola",
            "Ölands Grönsaker",
        ],
        [
            (
                "Djurskötsel och mjölkning",
                "Djurskötare lantbruk",
                "practice",
                ["Djurskötsel", "Mjölkning"],
                (20, 40),
            ),
            (
                "Trädgård och odling",
                "Trädgårdsanläggare",
                "work_trial",
                ["Växtodling", "Trädgårdsskötsel"],
                (10, 30),
            ),
            (
                "Traktor och maskiner",
                "Djurskötare lantbruk",
                "employment",
                ["Traktorkörning", "Körkort B"],
                (30, 40),
            ),
        ],
    ),
    "it": (
        "J",
        "private",
        ["{place} IT-Partner", "Datorhjälpen {place}", "{place} Webbyrå"],
        [
            (
                "IT-support och installation",
                "Supporttekniker IT",
                "practice",
                ["IT-support", "Datorinstallation"],
                (15, 40),
            ),
            (
                "Återbruk av datorer",
                "Supporttekniker IT",
                "work_trial",
                ["Datorinstallation", "Kvalitetskontroll"],
                (10, 30),
            ),
        ],
    ),
}
# share of the 200 employers per industry
INDUSTRY_COUNTS = {
    "trade": 34,
    "hotel": 28,
    "manufacturing": 24,
    "property": 20,
    "care": 24,
    "schools": 18,
    "administration": 14,
    "media": 10,
    "agriculture": 16,
    "it": 12,
}
SIZE = ["micro", "small", "small", "medium", "large"]
FIRST = [
    "Anna",
    "Lars",
    "Maria",
    "Johan",
    "Eva",
    "Karl",
    "Sofia",
    "Peter",
    "Lena",
    "Mats",
    "Fatima",
    "Ali",
    "Emma",
    "Nils",
    "Ingrid",
    "Hassan",
    "Sara",
    "Erik",
]
LAST = [
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Andersson",
    "Pettersson",
    "Gustafsson",
    "Lindberg",
    "Ahmadi",
    "Svensson",
    "Berg",
    "Holm",
    "Öberg",
]
TITLES = [
    "Butikschef",
    "Platschef",
    "Verksamhetschef",
    "Produktionsledare",
    "Köksmästare",
    "Enhetschef",
    "HR-ansvarig",
    "Arbetsledare",
    "Ägare",
]
NOTES = [
    "Positiva till praktikanter, vill träffa kandidat först.",
    "Har haft deltagare tidigare med gott resultat.",
    "Behöver personal till sommaren.",
    "Intresserade av lönestöd.",
    "Vill ha studiebesök innan start.",
    "Kontakt via företagarföreningen.",
]
NEXT_STEPS = [
    "Boka studiebesök",
    "Skicka kravprofil för godkännande",
    "Ring och följ upp intresse",
    "Presentera kandidat",
    "Boka handledarutbildning",
    "Skicka information om lönestöd",
]


def _orgnr(rng, used: set[str]) -> str:
    while True:
        base = "55" + "".join(str(rng.randrange(10)) for _ in range(7))
        number = base + luhn.calc_check_digit(base)
        if number not in used:
            used.add(number)
            return f"{number[:6]}-{number[6:]}"


def _phone(rng) -> str:
    return "+4670" + "".join(str(rng.randrange(10)) for _ in range(7))


def build(*, rng, stdout) -> None:
    unit = demo_unit()
    if Employer.objects.filter(unit=unit).exists():
        stdout.write("employers: demo data already present")
        build_regional(stdout=stdout)
        return
    coordinators = [
        User.objects.get(username="koordinator"),
        User.objects.get(username="koordinator2"),
    ]
    munis = list(Municipality.objects.filter(code__in=KALMAR_COUNTY).order_by("code"))
    localities = {
        m.code: list(Locality.objects.filter(municipality=m).order_by("-population", "name")[:8])
        for m in munis
    }
    adaptations = {a.code: a for a in Adaptation.objects.all()}
    occupations = {o.label: o for o in Occupation.objects.all()}
    skills = {s.label: s for s in Skill.objects.all()}
    licences = {x.code: x for x in Licence.objects.all()}
    industries = {i.code: i for i in Industry.objects.filter(level=1)}
    today = timezone.localdate()
    used_orgnr: set[str] = set()
    names_used: set[str] = set()
    employers, profiles = [], 0

    plan = [key for key, count in INDUSTRY_COUNTS.items() for _ in range(count)]
    for index, industry_key in enumerate(plan):
        section, sector, patterns, profile_templates = INDUSTRIES[industry_key]
        muni = munis[index % len(munis)] if index < 22 else rng.choice(munis)
        places = localities[muni.code] or []
        place = (
            places[0] if places and rng.random() < 0.6 else (rng.choice(places) if places else None)
        )
        place_name = place.name if place else muni.name
        name = rng.choice(patterns).format(place=place_name)
        if name in names_used:
            name = f"{name} {rng.choice(['Norra', 'Södra', 'City', 'Centrum', 'Väst', 'Öst'])}"
        if name in names_used:
            continue
        names_used.add(name)
        owner = coordinators[index % 2]
        employer = employer_create(
            by=owner,
            name=name,
            orgnr=_orgnr(rng, used_orgnr) if rng.random() < 0.9 else "",
            municipality=muni,
            industry=industries[section],
            sector=sector if sector == "public" or rng.random() > 0.1 else "non_profit",
            size_class=rng.choice(SIZE),
            status=rng.choices(
                [EmployerStatus.ACTIVE, EmployerStatus.PROSPECT, EmployerStatus.PAUSED], [70, 25, 5]
            )[0],
            notes=rng.choice(NOTES),
        )
        employers.append(employer)
        sites = []
        for site_no in range(1 if rng.random() < 0.75 else 2):
            loc = place if site_no == 0 and place else (rng.choice(places) if places else None)
            offered = [adaptations[c] for c in adaptations if rng.random() < 0.25]
            if rng.random() < 0.6:
                offered.append(adaptations["step-free-access"])
            site = site_create(
                employer=employer,
                by=owner,
                name="Huvudkontor" if site_no == 0 else f"Enhet {loc.name if loc else muni.name}",
                address=f"{rng.choice(['Storgatan', 'Industrigatan', 'Kungsgatan', 'Skolvägen', 'Hamngatan', 'Norra vägen'])} {rng.randint(1, 60)}",
                locality=loc.name if loc else "",
                municipality=muni,
                accessibility_notes="Ramp vid entrén, hiss till plan 2."
                if adaptations["step-free-access"] in offered
                else "Trappa vid entrén.",
                offered_adaptations=set(offered),
            )
            sites.append(site)
        contacts = []
        for c_no in range(rng.randint(1, 3)):
            contacts.append(
                contact_create(
                    employer=employer,
                    by=owner,
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    title=rng.choice(TITLES),
                    phone=_phone(rng),
                    email=f"kontakt{index}-{c_no}@exempel.se",
                    is_supervisor=c_no == 0 or rng.random() < 0.4,
                    supervisor_trained_on=today - dt.timedelta(days=rng.randint(30, 900))
                    if rng.random() < 0.5
                    else None,
                    site=rng.choice(sites),
                )
            )
        for _ in range(rng.randint(0, 4)):
            occurred = today - dt.timedelta(days=rng.randint(1, 200))
            has_next = rng.random() < 0.5
            interaction = Interaction(
                employer=employer,
                contact=rng.choice(contacts),
                kind=rng.choice(
                    ["call", "call", "email", "visit", "study_visit", "network_meeting"]
                ),
                occurred_on=occurred,
                by=owner,
                notes=rng.choice(NOTES),
                next_step=rng.choice(NEXT_STEPS) if has_next else "",
                next_step_due=today + dt.timedelta(days=rng.randint(-20, 30)) if has_next else None,
                next_step_done=has_next and rng.random() < 0.3,
            )
            interaction.full_clean()
            interaction.save()
        if employer.status == EmployerStatus.PROSPECT and rng.random() < 0.5:
            continue
        for template in rng.sample(
            profile_templates, k=min(len(profile_templates), rng.choice([1, 1, 2, 2, 3]))
        ):
            title, occupation_label, kind, skill_labels, (lo, hi) = template
            site = rng.choice(sites)
            profile_adaptations = set(site.offered_adaptations.all())
            profile_adaptations |= {
                adaptations[c]
                for c in (
                    "written-instructions",
                    "gradual-hours",
                    "supervisor-present",
                    "quiet-space",
                    "flexible-start",
                )
                if rng.random() < 0.3
            }
            profile = task_profile_create(
                employer=employer,
                by=owner,
                site=site,
                title=title,
                occupation=occupations.get(occupation_label),
                kind=kind,
                description=f"{title} hos {employer.name}. Introduktion med handledare, tydliga arbetsuppgifter.",
                hours_min=lo,
                hours_max=hi,
                swedish_level=rng.choice([0, 1, 2, 2, 3, 4]),
                slots_total=rng.choice([1, 1, 2, 2, 3, 5]),
                wage_subsidy_eligible=kind == "employment" and rng.random() < 0.6,
                period_start=today - dt.timedelta(days=rng.randint(0, 60)),
                period_end=today + dt.timedelta(days=rng.randint(60, 300)),
                offered_adaptations=profile_adaptations,
                # A licence written as a skill ("Körkort B") is a required licence, not a score.
                # The list is built in full first, so the random stream stays as before.
                skills=[
                    item
                    for item in [
                        {
                            "skill": skills.get(label),
                            "text": "" if label in skills else label,
                            "weight": rng.randint(2, 5),
                            "required": i == 0 and rng.random() < 0.5,
                        }
                        for i, label in enumerate(skill_labels)
                    ]
                    if (item["skill"].label if item["skill"] else item["text"])
                    not in LICENCE_SKILLS
                ],
                required_licences=[
                    licences[LICENCE_SKILLS[label]]
                    for label in skill_labels
                    if label in LICENCE_SKILLS and LICENCE_SKILLS[label] in licences
                ],
            )
            target = rng.choices(
                [ProfileStatus.OPEN, ProfileStatus.DRAFT, ProfileStatus.PAUSED], [85, 10, 5]
            )[0]
            if target != ProfileStatus.DRAFT:
                task_profile_transition(profile=profile, to_status=ProfileStatus.OPEN, by=owner)
            if target == ProfileStatus.PAUSED:
                task_profile_transition(profile=profile, to_status=ProfileStatus.PAUSED, by=owner)
            profiles += 1

    # Near-duplicates for the coordinators' review list.
    first = employers[0]
    employer_create(
        by=coordinators[0],
        name=first.name.upper().replace(" ", ", ", 1),
        municipality=first.municipality,
        industry=first.industry,
    )
    employer_create(
        by=coordinators[1],
        name=f"{employers[5].name} AB",
        municipality=employers[5].municipality,
        industry=employers[5].industry,
    )

    employer_group = Group.objects.get(name=Role.EMPLOYER)
    for username, employer, (first_name, last_name) in (
        ("arbetsgivare", employers[0], ("Lena", "Ek")),
        ("arbetsgivare2", employers[1], ("Omar", "Said")),
    ):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@exempel.se",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(employer_group)
        EmployerMembership.objects.get_or_create(user=user, defaults={"employer": employer})
        contact = employer.contacts.order_by("pk").first()
        contact.user = user
        contact.is_supervisor = True
        contact.save(update_fields=["user", "is_supervisor"])
    stdout.write(
        f"employers: {Employer.objects.filter(unit=unit).count()} employers, {profiles} task profiles, logins arbetsgivare/arbetsgivare2"
    )
    build_regional(stdout=stdout)


# Every tenth open profile of the county unit is open to the whole region.
REGIONAL_PROFILE_EVERY = 10
SHARED_PER_UNIT = 4


def build_regional(*, stdout) -> None:
    """The county's other units share employers (issue 12): each adds a contact-log entry and a
    regional task profile at four employers of its municipality, led by the county unit. Uses no
    random numbers, so the rest of the dataset stays the same; idempotent."""
    unit = demo_unit()
    today = timezone.localdate()
    open_profiles = TaskProfile.objects.filter(unit=unit, status="open").order_by("pk")
    regional_ids = list(open_profiles.values_list("pk", flat=True))[::REGIONAL_PROFILE_EVERY]
    TaskProfile.objects.filter(pk__in=regional_ids).update(regional=True)
    announce_rows(TaskProfile, regional_ids)
    shared = 0
    for name, codes, staff in REGIONAL_UNITS:
        other = Unit.objects.get(name=name)
        coordinator = User.objects.get(username=staff[0][0])
        employers = list(
            Employer.objects.filter(unit=unit, municipality_id__in=codes, sites__isnull=False)
            .distinct()
            .order_by("pk")[:SHARED_PER_UNIT]
        )
        for i, employer in enumerate(employers):
            shared += 1
            if TaskProfile.objects.filter(employer=employer, unit=other).exists():
                continue
            interaction_create(
                employer=employer,
                by=coordinator,
                kind="call",
                occurred_on=today - dt.timedelta(days=3 + i),
                notes=f"{name} ringde om praktikplatser för deltagare i {employer.municipality}.",
                next_step="Stäm av med ansvarig koordinator",
                next_step_due=today + dt.timedelta(days=4 + i),
            )
            profile = task_profile_create(
                employer=employer,
                by=coordinator,
                site=employer.sites.order_by("pk").first(),
                title=f"Regional praktik ({name.removeprefix('AME ')})",
                kind="practice",
                description=f"Praktik hos {employer.name}, öppen för hela länet.",
                hours_min=15,
                hours_max=30,
                slots_total=2,
                regional=True,
                period_start=today,
                period_end=today + dt.timedelta(days=180),
            )
            task_profile_transition(profile=profile, to_status="open", by=coordinator)
    stdout.write(
        f"employers: {len(regional_ids)} regional profiles of {unit.name}, "
        f"{shared} employers shared with the county's other units"
    )
