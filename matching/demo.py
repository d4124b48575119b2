"""~400 demo participants over the Kalmar county municipalities: a realistic mix of target groups,
Swedish levels, skills, needs and travel; OCN cases at every stage (about half certified), KGA
assessments and consents to some of the demo employers."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from core.demo import KALMAR_COUNTY, demo_unit
from core.models import (
    Adaptation,
    KgaCompetence,
    Locality,
    Municipality,
    Occupation,
    OcnModule,
    OcnProgramme,
    Skill,
    User,
)
from employers.models import Employer
from matching.choices import OCN_ORDER, OcnStatus
from matching.models import Participant
from matching.participants.models.participants import seeded_participant_codes
from matching.participants.services import consents, participants, validations

WOMEN = [
    "Amina",
    "Sara",
    "Fatima",
    "Maria",
    "Elin",
    "Hodan",
    "Jenny",
    "Leila",
    "Anna",
    "Zahra",
    "Emma",
    "Nour",
    "Linnea",
    "Aisha",
    "Karin",
    "Rahel",
    "Ida",
    "Mona",
]
MEN = [
    "Ahmed",
    "Johan",
    "Mohammed",
    "Erik",
    "Ali",
    "Oscar",
    "Yonas",
    "Daniel",
    "Omar",
    "Lucas",
    "Hamid",
    "Anders",
    "Samir",
    "Viktor",
    "Abdi",
    "Per",
    "Jonas",
    "Karim",
]
LAST = [
    "Andersson",
    "Hassan",
    "Johansson",
    "Mohamed",
    "Karlsson",
    "Ali",
    "Nilsson",
    "Abdullahi",
    "Svensson",
    "Tesfaye",
    "Lindqvist",
    "Haddad",
    "Berg",
    "Nyström",
    "Osman",
    "Persson",
    "Ekström",
    "Rahimi",
    "Gustafsson",
    "Yilmaz",
]
LANGUAGES = [
    "Arabiska",
    "Somaliska",
    "Tigrinja",
    "Dari",
    "Persiska",
    "Engelska",
    "Ukrainska",
    "Kurdiska",
]
SUPPORT = [
    "Behöver tydlig struktur och en fast kontaktperson.",
    "Återgång efter utmattning, vill börja på låg tid.",
    "Dyslexi: behöver muntliga instruktioner.",
    "Ryggbesvär, undviker tunga lyft.",
    "Social oro i stora grupper.",
]
NEED_TEXT = {
    "step-free-access": "Använder rullstol.",
    "quiet-space": "Ljudkänslig, behöver kunna gå undan.",
    "written-instructions": "Minnessvårigheter efter hjärnskada.",
    "gradual-hours": "Börjar på 25 % och trappar upp.",
    "light-lifting": "Diskbråck, inga lyft över 5 kg.",
    "flexible-start": "Morgonmedicinering.",
    "supervisor-present": "Behöver handledare nära de första veckorna.",
    "picture-support": "Läser inte svenska ännu.",
}
SKILL_POOL = [
    "Truckvana",
    "Orderplockning",
    "Packning",
    "Kassavana",
    "Kundbemötande och service",
    "Varupåfyllning",
    "Städtjänster",
    "Städning och diskning, restaurangkök",
    "Livsmedelshygien",
    "Matlagning",
    "Servering",
    "Personlig omvårdnad",
    "Barnomsorg",
    "Fastighetsskötsel",
    "Trädgårdsskötsel",
    "Montering",
    "Maskinskötsel",
    "Djurskötsel",
    "Traktorkörning",
    "Microsoft Office",
    "IT-support",
    "Datorinstallation",
    "Fotografering",
    "Bakning",
    "Målning",
    "Körkort B",
    "Första hjälpen",
    "Arkivering",
    "Reception",
]
PROGRAMMES = [
    (
        "OCN-LOG",
        "Lager och logistik",
        "Logistik",
        [
            ("LOG-1", "Truckhantering", 2, ["Truckvana"]),
            ("LOG-2", "Orderplock och packning", 1, ["Orderplockning", "Packning"]),
            ("LOG-3", "Varumottagning", 1, ["Varumottagning"]),
        ],
    ),
    (
        "OCN-SRV",
        "Service och städ",
        "Lokalvård",
        [
            ("SRV-1", "Grundläggande lokalvård", 1, ["Städtjänster"]),
            ("SRV-2", "Hygienstädning", 2, ["Hygienstädning"]),
        ],
    ),
    (
        "OCN-KOK",
        "Storkök och restaurang",
        "Hotell och restaurang",
        [
            ("KOK-1", "Livsmedelshygien", 1, ["Livsmedelshygien"]),
            ("KOK-2", "Disk och kök", 1, ["Städning och diskning, restaurangkök"]),
            ("KOK-3", "Kall- och varmkök", 2, ["Matlagning"]),
        ],
    ),
    (
        "OCN-VO",
        "Vård och omsorg",
        "Vård",
        [
            ("VO-1", "Personlig omvårdnad", 2, ["Personlig omvårdnad"]),
            ("VO-2", "Måltidsstöd", 1, ["Måltidsstöd"]),
        ],
    ),
]


MODULES_EN = {
    "LOG-1": "Forklift handling",
    "LOG-2": "Order picking and packing",
    "LOG-3": "Goods reception",
    "SRV-1": "Basic cleaning",
    "SRV-2": "Hygiene cleaning",
    "KOK-1": "Food hygiene",
    "KOK-2": "Dishwashing and kitchen",
    "KOK-3": "Cold and hot kitchen",
    "VO-1": "Personal care",
    "VO-2": "Mealtime support",
}


def _programmes() -> list[OcnModule]:
    skills = {s.label: s for s in Skill.objects.all()}
    modules = []
    for code, name, area, mods in PROGRAMMES:
        programme, _ = OcnProgramme.objects.get_or_create(
            code=code, defaults={"name": name, "occupational_area": area}
        )
        for mcode, mname, level, skill_labels in mods:
            module, created = OcnModule.objects.get_or_create(
                programme=programme,
                code=mcode,
                defaults={
                    "name": mname,
                    "name_en": MODULES_EN.get(mcode, ""),
                    "level": level,
                    "learning_outcomes": f"Deltagaren kan utföra {mname.lower()} enligt arbetsplatsens rutiner.",
                    "assessment_criteria": "Bedöms genom observation i arbete och samtal.",
                },
            )
            if created:
                module.skills.set([skills[label] for label in skill_labels if label in skills])
            modules.append(module)
    return modules


def build(*, rng, stdout) -> None:
    unit = demo_unit()
    if Participant.objects.filter(unit=unit).exists():
        stdout.write("matching: demo participants already present")
        return
    guides = list(
        User.objects.filter(username__in=["jobbguide", "jobbguide2", "jobbguide3"]).order_by(
            "username"
        )
    )
    admin = User.objects.get(username="admin")
    # jobbguide3 is the unit's named internal quality assurer (intern kvalitetssäkrare)
    assurer = guides[-1]
    validations.quality_assurer_grant(unit=unit, user=assurer, by=admin)
    munis = list(Municipality.objects.filter(code__in=KALMAR_COUNTY).order_by("code"))
    weights = [3 if m.code == "0880" else 1 for m in munis]  # Kalmar is the largest
    localities = {
        m.code: list(Locality.objects.filter(municipality=m).order_by("-population", "name")[:6])
        for m in munis
    }
    skills = {s.label: s for s in Skill.objects.filter(label__in=SKILL_POOL)}
    adaptations = {a.code: a for a in Adaptation.objects.filter(code__in=NEED_TEXT)}
    occupations = list(
        Occupation.objects.filter(concept_id__isnull=True).order_by("label")
    ) or list(Occupation.objects.order_by("label")[:30])
    modules = _programmes()
    competences = list(KgaCompetence.objects.filter(active=True))
    today = timezone.localdate()
    employers_by_muni: dict[str, list[Employer]] = {}
    for employer in Employer.objects.filter(unit=unit).order_by("pk"):
        employers_by_muni.setdefault(employer.municipality_id, []).append(employer)

    people = []
    # A copy of the generator at this point: codes are the same for the same seed, and drawing them
    # does not shift the rest of the demo.
    code_rng = random.Random()
    code_rng.setstate(rng.getstate())
    with seeded_participant_codes(code_rng):
        for index in range(400):
            guide = guides[index % len(guides)]
            muni = rng.choices(munis, weights)[0]
            woman = rng.random() < 0.52
            gender = "kvinna" if woman else "man"
            if rng.random() < 0.02:
                gender = rng.choice(["annat", "uppgift_saknas"])
            age = rng.choice([19, 21, 23, 24] + list(range(25, 64)))
            newly_arrived = rng.random() < 0.35
            means = ["walk"]
            if rng.random() < 0.6:
                means.append("bike")
            if rng.random() < 0.7:
                means.append("public_transport")
            licence = rng.random() < 0.45
            car = licence and rng.random() < 0.6
            if car:
                means.append("car")
            lo = rng.choice([0, 5, 10, 10, 15, 20])
            needs = rng.sample(sorted(adaptations), k=rng.choices([0, 1, 2, 3], [45, 30, 18, 7])[0])
            if rng.random() < 0.05 and "step-free-access" not in needs:
                needs.append("step-free-access")  # wheelchair users
            loc = rng.choice(localities[muni.code]) if localities[muni.code] else None
            participant = participants.participant_create(
                by=guide,
                first_name=rng.choice(WOMEN if woman else MEN),
                last_name=rng.choice(LAST),
                gender=gender,
                birth_year=today.year - age,
                newly_arrived=newly_arrived,
                long_term_unemployed=rng.random() < 0.45,
                reduced_work_capacity=rng.random() < 0.3 or "step-free-access" in needs,
                returning_from_sick_leave=rng.random() < 0.15,
                municipality=muni,
                enrolled_on=today - dt.timedelta(days=rng.randint(5, 500)),
                home_locality=loc.name if loc else "",
                commute_means=means,
                commute_max_minutes=rng.choice([20, 30, 30, 45, 60, None]),
                commute_max_km=100 if car and rng.random() < 0.3 else None,
                has_driving_licence=licence,
                has_car=car,
                hours_min=lo,
                hours_max=min(40, lo + rng.choice([10, 15, 20, 25])),
                available_days=["mon", "tue", "wed", "thu", "fri"][: rng.randint(3, 5)],
                swedish_level=rng.choice([1, 2, 2, 3, 3, 4])
                if newly_arrived
                else rng.choice([5, 6, 7, 7]),
                support_needs=rng.choice(SUPPORT) if rng.random() < 0.4 else "",
                skills=[
                    {
                        "skill": skills[label],
                        "level": rng.randint(1, 4),
                        "source": rng.choice(["self_reported", "self_reported", "observed"]),
                    }
                    for label in rng.sample(sorted(skills), k=rng.randint(1, 4))
                ],
                adaptation_needs=[
                    {"adaptation": adaptations[c], "description": NEED_TEXT[c]} for c in needs
                ],
                languages=[{"language": rng.choice(LANGUAGES), "level": "native"}]
                if newly_arrived
                else [],
                desired_occupations=rng.sample(
                    occupations, k=min(len(occupations), rng.randint(1, 3))
                ),
            )
            people.append(participant)

            if rng.random() < 0.25:  # OCN cases at every stage, about half certified
                module = rng.choice(modules)
                case = validations.ocn_case_register(
                    participant=participant, module=module, by=guide
                )
                target = rng.choices(OCN_ORDER, [10, 15, 10, 15, 50])[0]
                for step in OCN_ORDER[1 : OCN_ORDER.index(target) + 1]:
                    validations.ocn_case_advance(
                        case=case,
                        to_status=step,
                        by=(admin if guide == assurer else assurer)
                        if step == OcnStatus.INTERNALLY_ASSURED
                        else guide,
                        evidence="Observation under praktik och arbetsprov.",
                        external_verifier="OCN Sverige, branschpanel",
                        certificate_number=f"OCN-{today.year}-{index:04d}",
                        level=module.level,
                    )
            if rng.random() < 0.4:
                validations.kga_assessment_record(
                    participant=participant,
                    by=guide,
                    assessed_on=today - dt.timedelta(days=rng.randint(10, 200)),
                    scores=[{"competence": c, "level": rng.randint(1, 4)} for c in competences],
                    comment="Bedömning under arbetsträning.",
                )
            nearby = employers_by_muni.get(muni.code) or []
            for employer in rng.sample(
                nearby, k=min(len(nearby), rng.choices([0, 1, 2, 3], [30, 35, 25, 10])[0])
            ):
                consent = consents.consent_record(
                    participant=participant,
                    by=guide,
                    employer=employer,
                    purpose="Matchning och praktik",
                    scopes=["identity", "skills", "validations", "placement"]
                    + (["adaptation_needs"] if rng.random() < 0.3 else []),
                    given_on=today - dt.timedelta(days=rng.randint(1, 120)),
                    method=rng.choice(["signed_paper", "digital"]),
                )
                if rng.random() < 0.05:
                    consents.consent_withdraw(consent=consent, by=guide)
    women = sum(p.gender == "kvinna" for p in people)
    stdout.write(
        f"matching: {len(people)} participants ({round(100 * women / len(people))} % women), OCN and KGA records, consents"
    )
