"""The base vocabularies every installation starts with (editable by administrators afterwards)."""

from __future__ import annotations

from core.choices import AdaptationCategory as C

# (code, Swedish label, English label, category)
ADAPTATIONS: list[tuple[str, str, str, str]] = [
    ("step-free-access", "Tillgänglig entré utan trappsteg", "Step-free access", C.ACCESS),
    ("accessible-toilet", "Tillgänglighetsanpassad toalett", "Accessible toilet", C.ACCESS),
    ("elevator", "Hiss", "Elevator", C.ACCESS),
    ("parking-nearby", "Parkering nära entrén", "Parking near the entrance", C.ACCESS),
    ("quiet-space", "Lugn arbetsplats / avskild yta", "Quiet space", C.ENVIRONMENT),
    ("low-noise", "Låg ljudnivå", "Low noise level", C.ENVIRONMENT),
    ("no-strong-scents", "Doftfri miljö", "Scent-free environment", C.ENVIRONMENT),
    ("sit-stand", "Möjlighet att sitta eller stå", "Can sit or stand", C.ENVIRONMENT),
    ("light-lifting", "Inga tunga lyft", "No heavy lifting", C.ENVIRONMENT),
    (
        "written-instructions",
        "Skriftliga steg-för-steg-instruktioner",
        "Written step-by-step instructions",
        C.INSTRUCTIONS,
    ),
    ("picture-support", "Bildstöd", "Picture support", C.INSTRUCTIONS),
    (
        "simple-swedish",
        "Instruktioner på enkel svenska",
        "Instructions in plain Swedish",
        C.INSTRUCTIONS,
    ),
    ("one-task-at-a-time", "En uppgift i taget", "One task at a time", C.INSTRUCTIONS),
    (
        "fixed-routines",
        "Fasta rutiner och tydligt schema",
        "Fixed routines and a clear schedule",
        C.INSTRUCTIONS,
    ),
    ("flexible-start", "Flexibel starttid", "Flexible start time", C.TIME),
    ("gradual-hours", "Successiv upptrappning av arbetstid", "Gradually increasing hours", C.TIME),
    ("short-days", "Korta arbetsdagar", "Short working days", C.TIME),
    ("extra-breaks", "Extra pauser", "Extra breaks", C.TIME),
    ("own-pace", "Eget arbetstempo", "Own pace", C.TIME),
    ("daytime-only", "Endast dagtid", "Daytime only", C.TIME),
    ("supervisor-present", "Handledare på plats", "Supervisor present", C.SUPPORT),
    ("buddy", "Fadder/arbetskamrat som stöd", "Workplace buddy", C.SUPPORT),
    ("job-coach-visits", "Jobbcoach får besöka arbetsplatsen", "Job coach may visit", C.SUPPORT),
    ("work-aids", "Arbetshjälpmedel", "Work aids", C.AIDS),
    ("hearing-loop", "Hörslinga", "Hearing loop", C.AIDS),
    ("screen-reader", "Skärmläsare / förstoring", "Screen reader / magnification", C.AIDS),
]

# KGA's basic competences: a sensible default of eight informal competences employers ask for.
KGA_COMPETENCES: list[tuple[str, str, str]] = [
    ("punctuality", "Passa tider och närvaro", "Punctuality and attendance"),
    (
        "follow-instructions",
        "Ta emot och följa instruktioner",
        "Receiving and following instructions",
    ),
    ("cooperation", "Samarbete", "Cooperation"),
    ("communication", "Kommunikation", "Communication"),
    ("responsibility", "Ansvarstagande", "Taking responsibility"),
    ("independence", "Självständighet och initiativ", "Independence and initiative"),
    ("safety", "Säkerhet och arbetsmiljö", "Safety and working environment"),
    ("quality", "Kvalitet och noggrannhet", "Quality and accuracy"),
]

# SNI 2007 sections (level 1).
SNI_SECTIONS: list[tuple[str, str]] = [
    ("A", "Jordbruk, skogsbruk och fiske"),
    ("B", "Utvinning av mineral"),
    ("C", "Tillverkning"),
    ("D", "Försörjning av el, gas, värme och kyla"),
    ("E", "Vattenförsörjning; avloppsrening, avfallshantering och sanering"),
    ("F", "Byggverksamhet"),
    ("G", "Handel; reparation av motorfordon och motorcyklar"),
    ("H", "Transport och magasinering"),
    ("I", "Hotell- och restaurangverksamhet"),
    ("J", "Informations- och kommunikationsverksamhet"),
    ("K", "Finans- och försäkringsverksamhet"),
    ("L", "Fastighetsverksamhet"),
    ("M", "Verksamhet inom juridik, ekonomi, vetenskap och teknik"),
    ("N", "Uthyrning, fastighetsservice, resetjänster och andra stödtjänster"),
    ("O", "Offentlig förvaltning och försvar; obligatorisk socialförsäkring"),
    ("P", "Utbildning"),
    ("Q", "Vård och omsorg; sociala tjänster"),
    ("R", "Kultur, nöje och fritid"),
    ("S", "Annan serviceverksamhet"),
    ("T", "Förvärvsarbete i hushåll"),
    ("U", "Verksamhet vid internationella organisationer"),
]


def seed_base_vocabularies(apps=None, **_kwargs) -> None:
    from django.apps import apps as global_apps

    registry = apps or global_apps
    Adaptation = registry.get_model("core", "Adaptation")
    KgaCompetence = registry.get_model("core", "KgaCompetence")
    KgaScale = registry.get_model("core", "KgaScale")
    Industry = registry.get_model("core", "Industry")
    for code, label, label_en, category in ADAPTATIONS:
        Adaptation.objects.get_or_create(
            code=code, defaults={"label": label, "label_en": label_en, "category": category}
        )
    for order, (code, name, name_en) in enumerate(KGA_COMPETENCES, start=1):
        KgaCompetence.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    if not KgaScale.objects.exists():
        KgaScale.objects.create(min_level=1, max_level=4)
    for code, label in SNI_SECTIONS:
        Industry.objects.get_or_create(code=code, defaults={"label": label, "level": 1})
