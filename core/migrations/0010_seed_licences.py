from django.db import migrations


def load(apps, schema_editor):
    from core.licences import seed_licences

    seed_licences(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0009_licences")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
