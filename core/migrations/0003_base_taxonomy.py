from django.db import migrations


def seed(apps, schema_editor):
    from core.seed_taxonomy import OCCUPATIONS, SKILLS, SSYK_GROUPS

    SsykGroup = apps.get_model("core", "SsykGroup")
    Occupation = apps.get_model("core", "Occupation")
    Skill = apps.get_model("core", "Skill")
    for code, label in SSYK_GROUPS.items():
        SsykGroup.objects.get_or_create(code=code, defaults={"label": label, "level": 4})
    for label, code, synonyms in OCCUPATIONS:
        Occupation.objects.get_or_create(label=label, defaults={"ssyk_id": code, "synonyms": synonyms})
    for label, synonyms in SKILLS:
        Skill.objects.get_or_create(label=label, defaults={"synonyms": synonyms})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_reference_data")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
