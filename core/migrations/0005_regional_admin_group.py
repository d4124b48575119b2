from django.db import migrations


def add_group(apps, schema_editor):
    """The regional administrator's role group (its permissions are set by the role sync that
    runs after every migrate, ``core.roles.sync_role_groups``)."""
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="regional_admin")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0004_regions_and_unit_contacts"),
    ]

    operations = [migrations.RunPython(add_group, migrations.RunPython.noop)]
