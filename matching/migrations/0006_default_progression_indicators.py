"""The default indicator set (issue 15), from the projects' own practice: eleven statements on a
1–10 scale where 5 means "neither more nor less". Administrators change it in the admin."""

from django.db import migrations

DEFAULT = [
    ("tro-pa-mig-sjalv", "Tro på mig själv", "Jag tror på mig själv."),
    ("initiativ", "Initiativförmåga", "Jag tar initiativ och gör saker själv."),
    ("kommunikation", "Kommunikation", "Jag kan prata med andra och säga vad jag tycker."),
    ("instaellning-studier", "Inställning till studier", "Jag vill lära mig nya saker och studera."),
    ("narmare-arbetsmarknaden", "Närmare arbetsmarknaden", "Jag känner mig närmare ett jobb."),
    ("klara-ett-arbete", "Tro på att klara ett arbete", "Jag tror att jag kan klara ett jobb."),
    ("fysisk-halsa", "Fysisk hälsa", "Min kropp mår bra."),
    ("psykisk-halsa", "Psykisk hälsa", "Jag mår bra psykiskt."),
    ("ork-att-soka-arbete", "Ork att söka arbete", "Jag har ork att leta efter ett jobb."),
    ("veta-vilket-arbete", "Veta vilket arbete jag vill ha", "Jag vet vilket jobb jag vill ha."),
    ("samarbete", "Samarbetsförmåga", "Jag kan samarbeta med andra."),
]


def add(apps, schema_editor):
    Indicator = apps.get_model("matching", "ProgressionIndicator")
    for order, (key, label, statement) in enumerate(DEFAULT, start=1):
        Indicator.objects.update_or_create(
            key=key, defaults={"label": label, "statement": statement, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("matching", "ProgressionIndicator").objects.filter(
        key__in=[k for k, _l, _s in DEFAULT]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0005_progression")]
    operations = [migrations.RunPython(add, remove)]
