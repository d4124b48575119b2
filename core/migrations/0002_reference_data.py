from django.db import migrations


def load(apps, schema_editor):
    from core.geography import load_geography
    from core.seed import seed_base_vocabularies

    load_geography(apps)
    seed_base_vocabularies(apps)


def create_groups(apps, schema_editor):
    from core.choices import Role

    Group = apps.get_model("auth", "Group")
    for role in Role:
        Group.objects.get_or_create(name=role.value)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
